"""Several connections to one store: every backend runs exactly these tests.

A connection opened after the writes answers every read as the writer does (for the
embedded store opened lazily this is its partial graph, read as reads ask for it, before
and after something loads the whole graph), and each connection's writes follow the
others' commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from graph.model import Batch, Direction, Edge, Node, NodeType, RelType
from graph.store import GraphStore
from ingest.run import ingest_paths
from ingest.vocabulary import DATA_DIR


def _point_reads(store: GraphStore, ids: list[str]) -> dict[str, object]:
    """What reads of single nodes answer (each kind on its own, so a lazy store reads only what it is asked)."""
    return {
        "get": [store.get(node_id) for node_id in ids[:20]],
        "get_many": store.get_many(ids),
        "edges_of_many": store.edges_of_many(ids[::3], direction=Direction.BOTH),
        "edges_of_many out, used": store.edges_of_many(ids[1::3], rel=RelType.USED, direction=Direction.OUT),
        "neighbours": [store.neighbours(node_id) for node_id in ids[2::7]],
        "neighbours in, of a type": [
            store.neighbours(node_id, direction=Direction.IN, node_type=NodeType.CASE) for node_id in ids[::5]
        ],
    }


def _whole_reads(store: GraphStore) -> dict[str, object]:
    return {
        "stats": store.stats(),
        "find": {node_type: list(store.find(node_type)) for node_type in NodeType},
        "find by property": list(store.find(NodeType.CASE, country="NO")),
        "revision": store.revision(),
    }


def test_a_later_connection_reads_what_the_writer_reads(
    store: GraphStore, open_at: Callable[[], GraphStore]
) -> None:
    assert ingest_paths(store, [DATA_DIR / "samples"]).ok
    ids = sorted({edge.source for edge in store.edges()} | {edge.target for edge in store.edges()})
    ids = [*ids[::2], "case:missing", *ids[1::2]]
    expected_points, expected_whole = _point_reads(store, ids), _whole_reads(store)
    expected_edges = list(store.edges())

    reader = open_at()
    assert _point_reads(reader, ids) == expected_points
    assert _whole_reads(reader) == expected_whole
    assert _point_reads(reader, list(reversed(ids))) == _point_reads(store, list(reversed(ids)))
    assert list(reader.edges()) == expected_edges
    assert _point_reads(reader, ids) == expected_points


def test_a_reader_follows_a_later_write_by_another_connection(
    store: GraphStore, open_at: Callable[[], GraphStore]
) -> None:
    assert ingest_paths(store, [DATA_DIR / "samples"]).ok
    reader = open_at()
    case = next(store.find(NodeType.CASE))
    before = reader.edges_of(case.id)
    store.upsert(
        Batch(
            nodes=(Node("method:walkthrough", NodeType.METHOD, {"name": "Walkthrough"}),),
            edges=(Edge(case.id, RelType.USED, "method:walkthrough", "tests"),),
        )
    )
    assert reader.edges_of(case.id) == store.edges_of(case.id)
    assert len(reader.edges_of(case.id)) == len(before) + 1
    assert reader.get("method:walkthrough") == store.get("method:walkthrough")
    assert reader.stats() == store.stats()


def test_each_connection_writes_after_the_others_commits(store: GraphStore, open_at: Callable[[], GraphStore]) -> None:
    other = open_at()
    store.upsert(Batch(nodes=(Node("method:interviews", NodeType.METHOD, {"name": "Interviews"}),)))
    other.upsert(Batch(nodes=(Node("method:focus-groups", NodeType.METHOD, {"name": "Focus groups"}),)))
    store.upsert(Batch(edges=(Edge("method:focus-groups", RelType.INCORPORATES, "method:interviews", "tests"),)))
    for connection in (store, other):
        assert [node.id for node in connection.find(NodeType.METHOD)] == ["method:focus-groups", "method:interviews"]
        assert connection.neighbours("method:interviews") == [store.get("method:focus-groups")]


def test_a_connection_read_ahead_beside_another_connections_writes_reads_what_the_writer_reads(
    store: GraphStore, open_at: Callable[[], GraphStore]
) -> None:
    assert ingest_paths(store, [DATA_DIR / "samples"]).ok
    reader = open_at()
    cases = sorted(node.id for node in store.find(NodeType.CASE))
    reader.edges_of_many(cases[:5])
    writes = threading.Thread(target=lambda: [
        store.upsert(Batch(nodes=(Node(f"method:m{i}", NodeType.METHOD, {"name": f"Metod {i}"}),),
                           edges=(Edge(cases[i], RelType.USED, f"method:m{i}", "tests"),)))
        for i in range(8)
    ])
    writes.start()
    reader.preload()
    writes.join()
    reader.upsert(Batch(nodes=(Node("method:last", NodeType.METHOD, {"name": "Sista"}),)))
    assert list(reader.edges()) == list(store.edges())
    assert _whole_reads(reader) == _whole_reads(store)
    assert _point_reads(reader, cases) == _point_reads(store, cases)
