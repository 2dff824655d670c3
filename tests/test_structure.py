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


def _spelled_lists(path: Path) -> list[set[str]]:
    """The sets of strings of every tuple, list or set literal in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            found.append({item.value for item in node.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)})
    return found


def test_model_vocabularies_are_spelled_only_in_graph_model() -> None:
    from graph.model import COUNTRIES, LANGUAGES, ORGANISATION_TYPES, ROLE_ORDER, STATUSES

    vocabularies = {
        "COUNTRIES": set(COUNTRIES),
        "LANGUAGES": set(LANGUAGES),
        "ORGANISATION_TYPES": set(ORGANISATION_TYPES),
        "ROLE_ORDER": {role.value for role in ROLE_ORDER},
        "STATUSES": set(STATUSES),
    }
    model = ROOT / "graph" / "model.py"
    copies = [
        (str(path.relative_to(ROOT)), name)
        for package in ALLOWED
        for path in _modules(package)
        if path != model
        for spelled in _spelled_lists(path)
        for name, values in vocabularies.items()
        if len(spelled & values) >= 3
    ]
    assert copies == []
