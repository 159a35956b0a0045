"""Features depend on each other one way only: a test that fails on a new two-way tie.

A feature is a package under ``vrijstad/`` (units, letting, billing, …). Every import counts,
also one inside a function. The data layer is shared: importing another feature's
``models`` is not a tie (relationships need it). A two-way tie between features' services or
views is cut by moving the shared piece down (into the lower feature, a ``models`` module or a
shared module at the top of ``vrijstad/``).
"""

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "vrijstad"


def _feature(module: str, package: Path) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "vrijstad":
        return None
    return parts[1] if (package / parts[1]).is_dir() else None


def feature_imports(package: Path = PACKAGE) -> dict[str, dict[str, set[str]]]:
    """For each feature: the features it imports, with the modules that do."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in package.rglob("*.py"):
        module = path.relative_to(package.parent).with_suffix("").as_posix().replace("/", ".")
        source = _feature(module, package)
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if ".models" in name:
                    continue
                target = _feature(name, package)
                if target is not None and target != source:
                    found[source][target].add(module)
    return found


def two_way_ties(imports: dict[str, dict[str, set[str]]]) -> dict[tuple[str, str], str]:
    ties = {}
    for a, targets in imports.items():
        for b in targets:
            if a < b and a in imports.get(b, {}):
                ties[(a, b)] = f"{sorted(imports[a][b])} ⇄ {sorted(imports[b][a])}"
    return ties


def test_no_new_two_way_tie_between_features():
    ties = two_way_ties(feature_imports())
    assert not ties, f"features that import each other: {ties}"


def test_the_scan_finds_a_tie_and_ignores_the_data_layer(tmp_path):
    root = tmp_path / "vrijstad"
    for feature in ("shop", "till"):
        (root / feature).mkdir(parents=True)
        (root / feature / "__init__.py").write_text("")
    (root / "shop" / "services.py").write_text("from vrijstad.till.services import ring\n")
    (root / "till" / "services.py").write_text(
        "def ring():\n    from vrijstad.shop.services import sell\n"
    )
    (root / "till" / "views.py").write_text("from vrijstad.shop.models import Shop\n")
    imports = feature_imports(root)
    assert two_way_ties(imports) == {
        ("shop", "till"): "['vrijstad.shop.services'] ⇄ ['vrijstad.till.services']"
    }
    (root / "till" / "services.py").write_text("from vrijstad.shop.models import Shop\n")
    assert two_way_ties(feature_imports(root)) == {}
