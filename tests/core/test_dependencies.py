"""The lock files pin what pyproject.toml asks for: a range changed without `make lock` fails."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(line) for line in listed]


@pytest.mark.parametrize(
    ("lock", "extra"), [("requirements.txt", None), ("requirements-dev.txt", "dev")]
)
def test_every_dependency_is_pinned_within_its_range(lock, extra):
    pinned = pins(lock)
    for requirement in requirements(extra):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in {lock}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock} pins {name}=={pinned[name]} outside {requirement.specifier}: run `make lock`"
        )


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_pin_carries_hashes(lock):
    blocks = re.split(r"\n(?=\S)", (ROOT / lock).read_text().strip())
    packages = [block for block in blocks if PIN.match(block)]
    assert packages
    for block in packages:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_production_lock_has_no_development_tools():
    production = pins("requirements.txt")
    for requirement in requirements("dev")[len(requirements()) :]:
        assert canonicalize_name(requirement.name) not in production, requirement.name
