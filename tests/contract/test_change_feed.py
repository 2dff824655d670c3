"""The change feed and `edges_of_many`: every backend runs exactly these tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.changes import CHANGE_LOG_LIMIT, ChangesExpired
from graph.errors import Conflict
from graph.model import Batch, Direction, Edge, Node, NodeType, RelType
from graph.store import GraphStore
from tests.contract.test_store_contract import BORLANGE, CASE, CHILDREN, INTERVIEWS, OTHER_CASE, SERVICE_DESIGN, seed

NEED = "need:barnen-vill-bli-lyssnade-pa"


def test_changes_since_the_start_list_every_written_node_and_edge(store: GraphStore) -> None:
    start = store.revision()
    seed(store)
    change = store.changes(start)
    assert change.revision == store.revision()
    assert change.nodes_changed == {CASE, OTHER_CASE, INTERVIEWS, SERVICE_DESIGN, BORLANGE, CHILDREN, NEED}
    assert change.edges_added == {edge.key for edge in store.edges()}
    assert not change.nodes_removed and not change.edges_removed and not change.vectors_changed


def test_changes_after_a_revision_hold_only_what_later_writes_did(store: GraphStore) -> None:
    seed(store)
    since = store.revision()
    assert store.changes(since).is_empty
    store.upsert(
        Batch(
            nodes=(
                Node(CASE, NodeType.CASE, {"title": "Familjehem ur barnens perspektiv", "year": 2016, "language": "sv"}),
                Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews", "label_sv": "Intervjuer"}),
            ),
            edges=(Edge(CASE, RelType.USED, SERVICE_DESIGN, CASE),),
            retract=frozenset({CASE}),
        )
    )
    change = store.changes(since)
    assert change.revision == since + 1 == store.revision()
    assert change.nodes_changed == {INTERVIEWS}, "an unchanged node is not a change"
    assert change.edges_added == {(CASE, "USED", SERVICE_DESIGN, CASE)}
    assert change.edges_removed == {
        (CASE, "USED", INTERVIEWS, CASE),
        (BORLANGE, "PARTICIPATED_IN", CASE, CASE),
        (CASE, "ADDRESSES", NEED, CASE),
        (NEED, "OF", CHILDREN, CASE),
    }


def test_changes_fold_several_writes_and_a_delete_cancels_a_creation(store: GraphStore) -> None:
    seed(store)
    since = store.revision()
    store.upsert(Batch(nodes=(Node("method:focus-groups", NodeType.METHOD, {"name": "Focus groups"}),)))
    store.upsert(Batch(edges=(Edge(OTHER_CASE, RelType.USED, "method:focus-groups", OTHER_CASE),)))
    store.delete("method:focus-groups")
    store.delete(BORLANGE)
    change = store.changes(since)
    assert change.revision == since + 4
    assert change.nodes_changed == set()
    assert change.nodes_removed == {"method:focus-groups", BORLANGE}
    assert change.edges_added == set()
    assert change.edges_removed == {
        (OTHER_CASE, "USED", "method:focus-groups", OTHER_CASE),
        (BORLANGE, "PARTICIPATED_IN", CASE, CASE),
    }
    assert store.changes(since + 2).nodes_removed == {"method:focus-groups", BORLANGE}


def test_replacing_everything_expires_the_older_log(store: GraphStore) -> None:
    seed(store)
    before = store.revision()
    store.upsert(Batch(nodes=(Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews"}),), replace_all=True))
    with pytest.raises(ChangesExpired):
        store.changes(before)
    after = store.revision()
    assert store.changes(after).is_empty
    store.upsert(Batch(nodes=(Node(SERVICE_DESIGN, NodeType.METHOD, {"name": "Service design"}),)))
    assert store.changes(after).nodes_changed == {SERVICE_DESIGN}


def test_a_write_too_large_to_log_is_a_reset(store: GraphStore) -> None:
    store.upsert(Batch(nodes=(Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews"}),)))
    before = store.revision()
    nodes = tuple(Node(f"case-{i}", NodeType.CASE, {"title": f"Case {i}"}) for i in range(CHANGE_LOG_LIMIT + 1))
    store.upsert(Batch(nodes=nodes))
    with pytest.raises(ChangesExpired):
        store.changes(before)
    assert store.changes(store.revision()).is_empty


def test_changes_are_seen_by_other_connections(store: GraphStore, open_at: Callable[[], GraphStore]) -> None:
    seed(store)
    other = open_at()
    since = other.revision()
    store.upsert(Batch(nodes=(Node("method:focus-groups", NodeType.METHOD, {"name": "Focus groups"}),)))
    assert other.changes(since).nodes_changed == {"method:focus-groups"}
    assert other.get("method:focus-groups") is not None


def test_writes_here_counts_this_handles_commits_only(store: GraphStore, open_at: Callable[[], GraphStore]) -> None:
    seed(store)
    other = open_at()
    mine, theirs = store.writes_here(), other.writes_here()
    store.upsert(Batch(nodes=(Node("method:focus-groups", NodeType.METHOD, {"name": "Focus groups"}),)))
    store.delete("method:focus-groups")
    assert store.writes_here() == mine + 2
    assert other.writes_here() == theirs, "another handle's commits are seen through changes, not counted here"
    with pytest.raises(Conflict):
        store.upsert(Batch(edges=(Edge(CASE, RelType.USED, "method:missing", CASE),)))
    assert store.writes_here() == mine + 2, "a refused write commits nothing"


@pytest.mark.parametrize("rel", [None, RelType.USED, RelType.PARTICIPATED_IN])
@pytest.mark.parametrize("direction", list(Direction))
def test_edges_of_many_equals_edges_of_for_each_node(
    store: GraphStore, rel: RelType | None, direction: Direction
) -> None:
    seed(store)
    ids = [CASE, OTHER_CASE, INTERVIEWS, BORLANGE, NEED, "missing"]
    many = store.edges_of_many(ids, rel=rel, direction=direction)
    assert list(many) == ids
    for node_id in ids:
        assert many[node_id] == store.edges_of(node_id, rel=rel, direction=direction)
    assert many["missing"] == []


def test_edges_of_many_reads_only_the_edges_asked_for(store: GraphStore) -> None:
    seed(store)
    found = store.edges_of_many([INTERVIEWS], rel=RelType.USED, direction=Direction.IN)
    assert [edge.source for edge in found[INTERVIEWS]] == sorted([CASE, OTHER_CASE])
    assert store.edges_of_many([]) == {}
