"""Package structure: which packages may import which, and who reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "graph": set(),
    "ingest": {"graph"},
    "visualisation": {"graph"},
    "api": {"graph", "ingest", "visualisation"},
}
"""The first-party packages each package may import; `api/` sits on top and is imported by none."""


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_the_packages_below_it(package: str) -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(found - ALLOWED[package] - {package})
        for path in _modules(package)
        if (found := _imported_packages(path)) - ALLOWED[package] - {package}
    }
    assert offending == {}


def _reads_environment(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            if any(alias.name in {"environ", "getenv", "environb"} for alias in node.names):
                return True
    return False


@pytest.mark.parametrize("package", ["graph", "ingest", "visualisation"])
def test_only_api_reads_the_environment(package: str) -> None:
    readers = [str(path.relative_to(ROOT)) for path in _modules(package) if _reads_environment(path)]
    assert readers == []
