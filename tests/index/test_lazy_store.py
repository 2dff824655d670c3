"""An embedded store opened lazily (as the CLI opens it) ranks as an eager one without reading the whole graph."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graph.backends import embedded
from graph.backends.embedded import EmbeddedStore
from graph.model import Batch, Edge, Node, NodeType, RelType
from graph.ranking import prior_work
from graph.ranking.worker import embed_stale, embeddable_ids, stale_work
from tests.index.conftest import WordHashEmbedder, load_samples

PROBLEMS = (
    "Elever väljer fel program när de börjar på gymnasiet och behöver bättre studie- och yrkesvägledning",
    "Mange elever slutter i videregående skole etter overgangen fra ungdomsskolen",
    "Older residents need support to keep living at home",
)


def test_a_lazy_store_ranks_as_an_eager_one_reading_only_part_of_the_graph(
    tmp_path: Path, embedder: WordHashEmbedder
) -> None:
    path = tmp_path / "store.db"
    with EmbeddedStore(path) as store:
        load_samples(store)
        embed_stale(store, embedder, stale_work(store, embedder.model, embeddable_ids(store)))
        total = store.stats().node_total
    with EmbeddedStore(path) as eager, EmbeddedStore(path, lazy=True) as lazy:
        for problem in PROBLEMS:
            found = prior_work(lazy, problem, top=10, embedder=embedder)
            assert found.hits and found == prior_work(eager, problem, top=10, embedder=embedder)
        assert lazy.stats() == eager.stats()
        held = lazy._graph.number_of_nodes()  # what the lazy store read: the test's one look inside
        assert not lazy._complete and 0 < held < total, (held, total)
        assert [node.id for node in lazy.find(NodeType.CASE)] == [node.id for node in eager.find(NodeType.CASE)]


def test_a_write_committed_while_the_graph_is_read_ahead_is_applied_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.db"
    with EmbeddedStore(path) as writer, EmbeddedStore(path, lazy=True) as lazy:
        load_samples(writer)
        case = next(writer.find(NodeType.CASE))
        read_whole = embedded._read_whole

        def read_then_write(db: sqlite3.Connection) -> object:
            whole = read_whole(db)
            writer.upsert(Batch(nodes=(Node("method:walkthrough", NodeType.METHOD, {"name": "Walkthrough"}),),
                                edges=(Edge(case.id, RelType.USED, "method:walkthrough", "tests"),)))
            writer.delete(next(writer.find(NodeType.NEED)).id)
            return whole

        monkeypatch.setattr(embedded, "_read_whole", read_then_write)
        lazy.preload()
        monkeypatch.undo()
        assert lazy.revision() == writer.revision()
        assert list(lazy.edges()) == list(writer.edges())
        assert list(lazy.find(NodeType.NEED)) == list(writer.find(NodeType.NEED))
        assert lazy.get("method:walkthrough") == writer.get("method:walkthrough")
