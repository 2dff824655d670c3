"""A store holding the sample cases with their vectors, and the cases that later arrive."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from graph.backends import open_store
from graph.store import GraphStore
from ingest.run import ingest_paths, ingest_records
from ingest.vocabulary import DATA_DIR
from tests.conftest import embed

WATCHED_PROBLEM_SV = (
    "Många elever väljer fel program när de börjar gymnasiet och hoppar sedan av. "
    "Vi vill förstå vilken vägledning eleverna behöver inför gymnasievalet."
)

SAME_NEED_NB: dict[str, Any] = {
    "id": "no-innlandet-valg-videregaende-2026",
    "title": "Bedre rådgivning før valg av utdanningsprogram i Innlandet",
    "language": "nb",
    "year": 2026,
    "status": "ongoing",
    "country": "NO",
    "summary": (
        "Innlandet fylkeskommune kartlegger hvorfor mange elever velger feil utdanningsprogram og slutter i "
        "videregående skole. Elevene intervjues om hva slags rådgivning de trenger før de velger."
    ),
    "organisations": [{"name": "Innlandet fylkeskommune", "role": "owner"}],
    "target_groups": ["Elever i ungdomsskolen"],
    "needs": ["Elevene trenger bedre rådgivning før de velger utdanningsprogram"],
    "methods": ["Intervjuer"],
}

UNRELATED_DA: dict[str, Any] = {
    "id": "dk-aarhus-snerydning-cykelstier-2026",
    "title": "Snerydning af cykelstier i Aarhus",
    "language": "da",
    "year": 2026,
    "country": "DK",
    "summary": "Aarhus Kommune prioriterer snerydning og saltning af cykelstier før bilveje om morgenen.",
    "organisations": [{"name": "Aarhus Kommune", "role": "owner"}],
    "needs": ["Cyklister har brug for ryddede cykelstier tidligt om morgenen"],
}


def add_case(store: GraphStore, record: dict[str, Any]) -> None:
    """Ingest one case and embed it."""
    report = ingest_records(store, [record], origin="tests")
    assert report.ok, report.problems
    embed(store)


@pytest.fixture(scope="session")
def embedded_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store with the sample cases and their vectors, made once (embedding takes a while)."""
    path = tmp_path_factory.mktemp("watch-samples") / "graph.db"
    with open_store(path) as store:
        report = ingest_paths(store, [DATA_DIR / "samples"])
        assert report.ok, report.problems[:3]
        embed(store)
    return path


@pytest.fixture
def samples(embedded_samples: Path, tmp_path: Path) -> Path:
    """A copy of the embedded sample store for one test to write to."""
    path = tmp_path / "graph.db"
    with sqlite3.connect(embedded_samples) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return path
