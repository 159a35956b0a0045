"""The sparse, split solver finds the dense optimum; branch limits are kept."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from vrijstad.matching import scoring
from vrijstad.matching.solver import Limit, solve_by_group, solve_sparse, solve_with_limits


def dense_optimum(scores: np.ndarray, blocked: np.ndarray) -> int:
    """scipy's dense assignment of every pair, blocked ones worth nothing."""
    worth = np.where(blocked, 0, scores).astype(np.int64)
    rows, cols = linear_sum_assignment(worth, maximize=True)
    return int(worth[rows, cols].sum())


def random_case(rng, n_rows: int, n_cols: int, share_blocked: float):
    scores = rng.integers(0, 101, (n_rows, n_cols)).astype(np.float32)
    return scores, rng.random((n_rows, n_cols)) < share_blocked


@pytest.mark.parametrize("seed", range(40))
def test_the_sparse_solution_is_the_dense_optimum(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 60)), int(rng.integers(1, 60))
    scores, blocked = random_case(rng, n_rows, n_cols, float(rng.choice([0.2, 0.9, 0.97])))
    rows, cols = solve_sparse(scores, blocked)
    assert not blocked[rows, cols].any()
    assert len(set(rows.tolist())) == len(rows) and len(set(cols.tolist())) == len(cols)
    assert int(scores[rows, cols].sum()) == dense_optimum(scores, blocked)


@pytest.mark.parametrize("seed", range(20))
def test_a_problem_split_by_city_is_the_dense_optimum_of_same_city_pairs(seed):
    rng = np.random.default_rng(1000 + seed)
    n_rows, n_cols = int(rng.integers(5, 80)), int(rng.integers(5, 80))
    scores, blocked = random_case(rng, n_rows, n_cols, 0.5)
    row_city = rng.integers(-1, 4, n_rows)  # -1: no city, never allocated
    col_city = rng.integers(0, 4, n_cols)
    rows, cols, found = solve_by_group(
        row_city, col_city, lambda r, c: (scores[np.ix_(r, c)], blocked[np.ix_(r, c)])
    )
    assert (row_city[rows] == col_city[cols]).all()
    assert found.tolist() == scores[rows, cols].astype(int).tolist()
    other_city = row_city[:, None] != col_city[None, :]
    assert int(found.sum()) == dense_optimum(scores, blocked | other_city)


def test_a_branch_limit_is_kept_and_its_cost_is_known():
    # Three bakers (branch 0) want the three units of one street; the street allows one more.
    scores = np.array([[90, 80, 70], [85, 75, 65], [80, 70, 60], [10, 50, 40]], np.float32)
    blocked = np.zeros_like(scores, dtype=bool)
    branch = np.array([0, 0, 0, 1])
    limit = Limit(branch=0, columns=np.array([0, 1, 2]), allowed=1)
    rows, cols, unlimited = solve_with_limits(scores, blocked, branch, [limit])
    assert unlimited == dense_optimum(scores, blocked)
    assert (branch[rows] == 0).sum() == 1
    assert int(scores[rows, cols].sum()) < unlimited


@pytest.mark.parametrize("seed", range(25))
def test_random_limits_are_always_kept(seed):
    rng = np.random.default_rng(2000 + seed)
    scores, blocked = random_case(rng, 30, 25, 0.4)
    branch = rng.integers(-1, 3, 30)
    street = rng.integers(0, 4, 25)
    limits = [
        Limit(int(b), np.flatnonzero(street == s), int(rng.integers(0, 3)))
        for s in range(4)
        for b in range(3)
        if rng.random() < 0.5
    ]
    result = scoring.assign(scores, blocked, branch=branch, limits=limits)
    for limit in limits:
        inside = np.isin(result.cols, limit.columns) & (branch[result.rows] == limit.branch)
        assert inside.sum() <= max(limit.allowed, 0)
    assert result.unlimited_total == dense_optimum(scores, blocked)
    assert result.total <= result.unlimited_total
