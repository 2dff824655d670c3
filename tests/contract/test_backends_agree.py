"""Embedded and Neo4j stores hold the same graph after a sync and rank it the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from graph.ranking import prior_work
from graph.backends import open_store
from graph.backends.embedded import EmbeddedStore
from graph.exchange import copy_graph, export_graph
from graph.properties import UPDATED_AT
from graph.store import GraphStore
from ingest.generate import generate_cases
from ingest.readers.documents import Document
from ingest.run import ingest_documents, ingest_paths
from ingest.vocabulary import DATA_DIR
from tests.conftest import embed

pytestmark = pytest.mark.neo4j

PROBLEMS = [query["problem"] for query in yaml.safe_load((DATA_DIR / "eval" / "dev.yaml").read_text())["queries"]]
PROBLEMS += ["Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande"]
GENERATED_CASES = 400
"""More cases than the ranking reranks at once (`CANDIDATES`), few enough to embed in a minute."""


@pytest.fixture
def neo4j(neo4j_url: str) -> Iterator[GraphStore]:
    with open_store(neo4j_url) as store:
        yield store


def unstamped_nodes(store: GraphStore) -> list[dict[str, object]]:
    """The exported nodes less their write stamps (two stores written apart differ only in when)."""
    nodes = export_graph(store)["nodes"]
    assert all(UPDATED_AT in node["props"] for node in nodes)
    return [{**node, "props": {k: v for k, v in node["props"].items() if k != UPDATED_AT}} for node in nodes]


def top10(store: GraphStore, problem: str) -> list[tuple[str, float]]:
    return [(hit.case.id, hit.score) for hit in prior_work(store, problem, top=10).hits]


def test_sync_round_trip_is_lossless(tmp_path: Path, neo4j: GraphStore) -> None:
    with EmbeddedStore(tmp_path / "a.db") as origin, EmbeddedStore(tmp_path / "b.db") as back:
        assert ingest_paths(origin, [DATA_DIR / "samples"]).ok
        copy_graph(origin, neo4j)
        copy_graph(neo4j, back)
        exported = export_graph(origin)
        assert export_graph(neo4j) == exported
        assert export_graph(back) == exported
        assert neo4j.stats() == origin.stats()


def test_both_backends_rank_the_samples_alike(tmp_path: Path, neo4j: GraphStore) -> None:
    with EmbeddedStore(tmp_path / "a.db") as embedded:
        assert ingest_paths(embedded, [DATA_DIR / "samples"]).ok
        assert ingest_paths(neo4j, [DATA_DIR / "samples"]).ok
        embed(embedded)
        embed(neo4j)
        assert unstamped_nodes(neo4j) == unstamped_nodes(embedded)
        for problem in PROBLEMS:
            assert top10(neo4j, problem) == top10(embedded, problem)


@pytest.mark.slow
def test_both_backends_rank_a_generated_graph_alike(tmp_path: Path, neo4j: GraphStore) -> None:
    documents = [Document(file="generated", data={"cases": generate_cases(GENERATED_CASES, seed=11)})]
    with EmbeddedStore(tmp_path / "a.db") as embedded:
        assert ingest_documents(embedded, documents).ok
        copy_graph(embedded, neo4j)
        embed(embedded)
        embed(neo4j)
        for problem in PROBLEMS[:4]:
            assert top10(neo4j, problem) == top10(embedded, problem)
