"""The workflow helper: tables decide every state change, and nothing writes a state around them."""

import ast
from enum import StrEnum
from pathlib import Path

import pytest

from vrijstad.core import TransitionError
from vrijstad.workflow import Workflow

PACKAGE = Path(__file__).resolve().parents[2] / "vrijstad"


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"


LIGHTS = Workflow(
    "light", {Light.RED: {Light.GREEN}, Light.GREEN: {Light.AMBER}, Light.AMBER: {Light.RED}}
)


class Lamp:
    status = Light.RED


def test_move_follows_the_table_and_returns_the_previous_state():
    lamp = Lamp()
    assert LIGHTS.move(lamp, Light.GREEN) == Light.RED
    assert lamp.status == Light.GREEN


def test_an_illegal_move_raises_the_one_error_type_and_changes_nothing():
    lamp = Lamp()
    with pytest.raises(TransitionError, match="light: red → amber"):
        LIGHTS.move(lamp, Light.AMBER)
    assert lamp.status == Light.RED


def test_sources_lists_the_states_that_reach_a_target():
    assert LIGHTS.sources(Light.RED) == {Light.AMBER}
    assert LIGHTS.allows(Light.GREEN, Light.AMBER)
    assert not LIGHTS.allows(Light.GREEN, Light.RED)


def _state_writes(path: Path) -> list[int]:
    """Line numbers where a module assigns ``….status`` or updates a ``status`` column."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        flat: list[ast.expr] = []
        while targets:
            target = targets.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
            else:
                flat.append(target)
        if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in flat):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "values"
            and any(k.arg == "status" for k in node.keywords)
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_no_state_is_written_outside_the_workflow_helper():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE.parent).as_posix()
        if name == "vrijstad/workflow.py":
            continue
        lines = _state_writes(path)
        if lines:
            found[name] = lines
    assert not found, f"state written outside vrijstad/workflow.py: {found}"


def test_the_scan_sees_each_way_of_writing_a_state(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a.status = 1\n"
        "a.paid, a.status = 1, 2\n"
        "db.session.execute(sa.update(T).values(status=3))\n"
        "setattr(a, 'status', 4)\n"
        "a.statuses = 5\n"
        "T(status=6)\n"
    )
    assert _state_writes(sample) == [1, 2, 3, 4]
