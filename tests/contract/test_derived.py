"""Derived data kept beside the graph (`put_derived`, `derived`): every backend runs these tests."""

from __future__ import annotations

from collections.abc import Callable

from graph.exchange import export_graph
from graph.model import Batch, Node, NodeType
from graph.store import GraphStore
from tests.contract.test_store_contract import CASE, seed

NAME = "test.derived"


def test_derived_data_is_kept_replaced_and_read_by_other_connections(
    store: GraphStore, open_at: Callable[[], GraphStore]
) -> None:
    seed(store)
    assert store.derived(NAME) is None
    revision = store.revision()
    store.put_derived(NAME, revision, b"\x00first\xff")
    assert store.derived(NAME) == (revision, b"\x00first\xff")
    store.put_derived(NAME, revision - 1, b"second")
    assert open_at().derived(NAME) == (revision - 1, b"second")
    assert store.derived("another.name") is None


def test_keeping_derived_data_is_no_write_to_the_graph(store: GraphStore, open_at: Callable[[], GraphStore]) -> None:
    seed(store)
    before = export_graph(store)
    revision = store.revision()
    reader = open_at()
    reader.get(CASE)
    store.put_derived(NAME, revision, b"x" * 100_000)
    assert store.revision() == reader.revision() == revision
    assert store.changes(revision).revision == revision
    assert export_graph(store) == before
    # the other connection still follows the graph's own writes afterwards
    store.upsert(Batch(nodes=(Node(CASE, NodeType.CASE, {"title": "Ny titel"}),)))
    assert reader.get(CASE).label == "Ny titel"


def test_replacing_the_whole_graph_drops_derived_data(store: GraphStore) -> None:
    seed(store)
    store.put_derived(NAME, store.revision(), b"kept")
    store.upsert(Batch(replace_all=True))
    assert store.derived(NAME) is None
