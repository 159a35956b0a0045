"""Solving an allocation: admissible pairs only, split into the parts that do not touch.

Excluded pairs (and those under the lowest score) can never be chosen, so the problem is a
sparse bipartite graph of admissible pairs. Starters and units in different connected
components of that graph never compete: each component is solved on its own (an exact dense
assignment of its rows and columns), and the answers together are the optimum of the whole;
tests/matching/test_solver.py checks it against scipy's dense optimum on random cases.
solve_by_group() goes further for a national run: each city is a problem of its own (a
starter is only allocated in their city), scored and solved city by city.

Branch limits ("at most one bakery in Kerkstraat") are side constraints a plain assignment
cannot express. They are honoured by a repair: solve without them; where a street would get
more of a branch group than it still allows, keep its best-scoring pairs of that group and
forbid the group's other pairs in the street; solve again, until no street is over (a limit
once repaired stays kept: only the kept pairs of its group remain). The answer keeps every
limit; its total may fall short of the best under the limits (the repair does not search: an
exact answer needs an integer program, as limits on groups of pairs are not a flow), and the
total without the limits is kept beside it so staff see what the limits cost.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


@dataclass(frozen=True)
class Limit:
    """At most `allowed` more starters of branch code `branch` in the units `columns`."""

    branch: int
    columns: np.ndarray
    allowed: int


def solve_sparse(scores: np.ndarray, blocked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of a greatest-total assignment of the admissible (not blocked) pairs."""
    n_rows, n_cols = scores.shape
    rows, cols = np.nonzero(~blocked)
    if not len(rows):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    graph = coo_matrix(
        (np.ones(len(rows), dtype=np.int8), (rows, n_rows + cols)),
        shape=(n_rows + n_cols, n_rows + n_cols),
    )
    _count, label = connected_components(graph, directed=False)
    row_label, col_label = label[:n_rows], label[n_rows:]
    order_rows = np.argsort(row_label, kind="stable")
    order_cols = np.argsort(col_label, kind="stable")
    components = np.unique(label[rows])
    row_starts = np.searchsorted(row_label[order_rows], components)
    row_ends = np.searchsorted(row_label[order_rows], components, side="right")
    col_starts = np.searchsorted(col_label[order_cols], components)
    col_ends = np.searchsorted(col_label[order_cols], components, side="right")
    chosen_rows, chosen_cols = [], []
    for k in range(len(components)):
        r = order_rows[row_starts[k] : row_ends[k]]
        c = order_cols[col_starts[k] : col_ends[k]]
        part_blocked = blocked[np.ix_(r, c)]
        worth = np.where(part_blocked, -1.0, scores[np.ix_(r, c)].astype(np.float64))
        if len(r) == 1 or len(c) == 1:
            best = np.unravel_index(int(np.argmax(worth)), worth.shape)
            i, j = np.array([best[0]]), np.array([best[1]])
        else:
            # Blocked pairs are worth nothing to the solver and dropped from its answer.
            i, j = _dense(np.maximum(worth, 0.0), ~part_blocked)
        keep = ~part_blocked[i, j]
        chosen_rows.append(r[i[keep]])
        chosen_cols.append(c[j[keep]])
    return np.concatenate(chosen_rows), np.concatenate(chosen_cols)


def _dense(worth: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy's dense assignment. It adds one row of the smaller side at a time; those with the
    fewest allowed pairs first makes it markedly faster (a reordering: the same optimum)."""
    if worth.shape[0] <= worth.shape[1]:
        order = np.argsort(allowed.sum(axis=1), kind="stable")
        rows, cols = linear_sum_assignment(worth[order], maximize=True)
        return order[rows], cols
    order = np.argsort(allowed.sum(axis=0), kind="stable")
    rows, cols = linear_sum_assignment(worth[:, order], maximize=True)
    return rows, order[cols]


def solve_with_limits(
    scores: np.ndarray, blocked: np.ndarray, branch: np.ndarray, limits: list[Limit]
) -> tuple[np.ndarray, np.ndarray, int]:
    """(rows, cols) keeping every limit, and the total without the limits (see the module).

    branch: each row's branch code (-1: none given; a limit never counts those).
    """
    rows, cols = solve_sparse(scores, blocked)
    free_total = _total(scores, rows, cols)
    blocked = blocked.copy()
    for _round in range(len(limits) + 1):  # each round settles one limit at least
        over = False
        for limit in limits:
            inside = np.isin(cols, limit.columns) & (branch[rows] == limit.branch)
            if inside.sum() <= max(limit.allowed, 0):
                continue
            over = True
            pairs = np.flatnonzero(inside)
            best = np.argsort(-scores[rows[pairs], cols[pairs]], kind="stable")
            keep = pairs[best][: max(limit.allowed, 0)]
            kept = blocked[rows[keep], cols[keep]].copy()
            blocked[np.ix_(np.flatnonzero(branch == limit.branch), limit.columns)] = True
            blocked[rows[keep], cols[keep]] = kept
        if not over:
            break
        rows, cols = solve_sparse(scores, blocked)
    return rows, cols, free_total


def _total(scores: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> int:
    return int(scores[rows, cols].astype(np.int64).sum())


def solve_by_group(
    row_group: np.ndarray,
    col_group: np.ndarray,
    score: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A problem split by group (a city): rows are only given columns of their own group.

    score(rows, cols) gives the scores and the blocked pairs of a group's rows × columns.
    Returns the chosen (rows, cols) and their scores, over all groups; rows of group -1 (no
    city) are given nothing.
    """
    order_cols = np.argsort(col_group, kind="stable")
    sorted_cols = col_group[order_cols]
    found_rows, found_cols, found_scores = [], [], []
    for group in np.unique(row_group[row_group >= 0]):
        r = np.flatnonzero(row_group == group)
        c = order_cols[
            np.searchsorted(sorted_cols, group) : np.searchsorted(sorted_cols, group, "right")
        ]
        if not len(c):
            continue
        scores, blocked = score(r, c)
        i, j = solve_sparse(scores, blocked)
        found_rows.append(r[i])
        found_cols.append(c[j])
        found_scores.append(scores[i, j].astype(np.int64))
    if not found_rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(found_rows), np.concatenate(found_cols), np.concatenate(found_scores)
