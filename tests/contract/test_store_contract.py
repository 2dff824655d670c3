"""The store contract: every backend runs exactly these tests (see the `store` fixture)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from graph.errors import Conflict, NodeNotFound
from graph.model import Batch, Direction, Edge, Node, NodeType, Props, RelType
from graph.properties import UPDATED_AT
from graph.store import GraphStore

CASE = "se-borlange-familjehem"
OTHER_CASE = "no-trondelag-novari-utdanningsvalg"
INTERVIEWS = "method:interviews"
SERVICE_DESIGN = "method:service-design"
BORLANGE = "organisation:borlange-kommun"
CHILDREN = "target-group:children-in-foster-care"


def seed(store: GraphStore) -> None:
    """Two cases sharing a method, an organisation in one, a need with its target group."""
    store.upsert(
        Batch(
            nodes=(
                Node(CASE, NodeType.CASE, {"title": "Familjehem ur barnens perspektiv", "year": 2016, "language": "sv"}),
                Node(OTHER_CASE, NodeType.CASE, {"title": "Utdanningsvalg", "language": "nb"}),
                Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews", "aliases": ["intervjuer", "intervju"]}),
                Node(SERVICE_DESIGN, NodeType.METHOD, {"name": "Service design"}),
                Node(BORLANGE, NodeType.ORGANISATION, {"name": "Borlänge kommun", "type": "municipality"}),
                Node(CHILDREN, NodeType.TARGET_GROUP, {"name": "Children in foster care"}),
                Node("need:barnen-vill-bli-lyssnade-pa", NodeType.NEED, {"text": "Barnen vill bli lyssnade på"}),
            ),
            edges=(
                Edge(CASE, RelType.USED, INTERVIEWS, CASE),
                Edge(OTHER_CASE, RelType.USED, INTERVIEWS, OTHER_CASE),
                Edge(SERVICE_DESIGN, RelType.INCORPORATES, INTERVIEWS, "vocabulary"),
                Edge(BORLANGE, RelType.PARTICIPATED_IN, CASE, CASE, {"role": "owner"}),
                Edge(CASE, RelType.ADDRESSES, "need:barnen-vill-bli-lyssnade-pa", CASE),
                Edge("need:barnen-vill-bli-lyssnade-pa", RelType.OF, CHILDREN, CASE),
            ),
        )
    )


def content(node: Node | None) -> Props | None:
    """A stored node's properties less the write stamp (None for no node)."""
    return None if node is None else {key: value for key, value in node.props.items() if key != UPDATED_AT}


def stamp_of(store: GraphStore, node_id: str) -> datetime:
    """When the store says the node was last written."""
    node = store.get(node_id)
    assert node is not None and isinstance(node.props.get(UPDATED_AT), str)
    return datetime.fromisoformat(str(node.props[UPDATED_AT]))


def snapshot(store: GraphStore) -> tuple[list[Node], list[Edge]]:
    """Every node and edge, in a stable order."""
    nodes = [node for node_type in NodeType for node in store.find(node_type)]
    return sorted(nodes, key=lambda n: n.id), list(store.edges())


# ---------------------------------------------------------------- upsert


def test_upsert_reports_created_unchanged_and_updated(store: GraphStore) -> None:
    node = Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews"})
    assert store.upsert(Batch(nodes=(node,))).created == [INTERVIEWS]
    assert store.upsert(Batch(nodes=(node,))).unchanged == [INTERVIEWS]
    result = store.upsert(Batch(nodes=(Node(INTERVIEWS, NodeType.METHOD, {"label_sv": "Intervjuer"}),)))
    assert result.updated == [INTERVIEWS]
    assert content(store.get(INTERVIEWS)) == {"name": "Interviews", "label_sv": "Intervjuer"}


def test_every_changing_write_stamps_the_node_and_an_unchanged_one_keeps_the_stamp(store: GraphStore) -> None:
    node = Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews"})
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    store.upsert(Batch(nodes=(node,)))
    created = stamp_of(store, INTERVIEWS)
    assert before <= created <= datetime.now(UTC)
    stale = Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews", UPDATED_AT: "2001-01-01T00:00:00.000Z"})
    assert store.upsert(Batch(nodes=(stale,))).unchanged == [INTERVIEWS]
    assert stamp_of(store, INTERVIEWS) == created
    while datetime.now(UTC) - created < timedelta(milliseconds=2):
        pass
    store.upsert(Batch(nodes=(Node(INTERVIEWS, NodeType.METHOD, {"label_sv": "Intervjuer"}),)))
    assert created < stamp_of(store, INTERVIEWS) <= datetime.now(UTC)


def test_a_restore_keeps_the_stamps_it_carries_and_stamps_the_rest(store: GraphStore) -> None:
    restored = Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews", UPDATED_AT: "2019-05-04T03:02:01.000Z"})
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    unstamped = Node(SERVICE_DESIGN, NodeType.METHOD, {"name": "Service design"})
    store.upsert(Batch(nodes=(restored, unstamped), replace_all=True))
    assert store.get(INTERVIEWS) == restored
    assert before <= stamp_of(store, SERVICE_DESIGN) <= datetime.now(UTC)


def test_a_stamp_that_is_not_a_utc_time_is_a_conflict(store: GraphStore) -> None:
    bad = Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews", UPDATED_AT: "yesterday"})
    with pytest.raises(Conflict, match="'updated_at' must be a UTC time"):
        store.upsert(Batch(nodes=(bad,), replace_all=True))
    assert store.get(INTERVIEWS) is None


def test_replace_props_drops_keys_the_new_version_lacks(store: GraphStore) -> None:
    store.upsert(Batch(nodes=(Node(CASE, NodeType.CASE, {"title": "Old", "summary": "Gone soon"}),)))
    result = store.upsert(
        Batch(nodes=(Node(CASE, NodeType.CASE, {"title": "New"}),), replace_props=frozenset({CASE}))
    )
    assert result.updated == [CASE]
    assert content(store.get(CASE)) == {"title": "New"}


def test_properties_round_trip_with_nordic_text_and_lists(store: GraphStore) -> None:
    props = {
        "title": "Ängelholms skolnärvaro – nyanlända elever ✓",
        "summary": "Æøå ÆØÅ äöü " * 200,
        "year": 2018,
        "score": 0.5,
        "open": True,
        "aliases": ["Trööndelage", "Trøndelag", ""],
    }
    store.upsert(Batch(nodes=(Node(CASE, NodeType.CASE, props),)))
    assert content(store.get(CASE)) == props


@pytest.mark.parametrize("value", [{"nested": "map"}, [1, 2], None, [["x"]]])
def test_non_flat_property_is_a_conflict(store: GraphStore, value: object) -> None:
    with pytest.raises(Conflict, match="property 'bad'"):
        store.upsert(Batch(nodes=(Node(CASE, NodeType.CASE, {"bad": value}),)))  # type: ignore[dict-item]
    assert store.get(CASE) is None


def test_edge_counts_and_retraction_by_asserter(store: GraphStore) -> None:
    seed(store)
    again = store.upsert(
        Batch(
            nodes=(Node(CASE, NodeType.CASE, {"title": "Familjehem ur barnens perspektiv"}),),
            edges=(
                Edge(CASE, RelType.USED, INTERVIEWS, CASE),
                Edge(CASE, RelType.USED, SERVICE_DESIGN, CASE),
            ),
            retract=frozenset({CASE}),
        )
    )
    assert (again.edges_added, again.edges_removed) == (1, 3)
    assert [e.target for e in store.edges_of(CASE, rel=RelType.USED)] == [INTERVIEWS, SERVICE_DESIGN]
    assert store.edges_of(CASE, rel=RelType.PARTICIPATED_IN) == []
    # the other case's own assertion and the vocabulary edge are untouched
    assert [e.source for e in store.edges_of(INTERVIEWS, direction=Direction.IN)] == [
        SERVICE_DESIGN,
        OTHER_CASE,
        CASE,
    ]


def test_same_edge_from_two_asserters_is_two_edges_but_one_neighbour(store: GraphStore) -> None:
    seed(store)
    store.upsert(Batch(edges=(Edge(CASE, RelType.USED, INTERVIEWS, OTHER_CASE),)))
    assert [e.asserted_by for e in store.edges_of(CASE, rel=RelType.USED)] == [OTHER_CASE, CASE]
    assert [n.id for n in store.neighbours(CASE, rel=RelType.USED)] == [INTERVIEWS]
    store.upsert(Batch(retract=frozenset({OTHER_CASE})))
    assert [e.asserted_by for e in store.edges_of(CASE, rel=RelType.USED)] == [CASE]


def test_edge_properties_round_trip(store: GraphStore) -> None:
    seed(store)
    (edge,) = store.edges_of(CASE, rel=RelType.PARTICIPATED_IN)
    assert edge == Edge(BORLANGE, RelType.PARTICIPATED_IN, CASE, CASE, {"role": "owner"})


# ---------------------------------------------------------------- all or nothing


def test_type_change_is_rejected_and_nothing_is_written(store: GraphStore) -> None:
    seed(store)
    before = snapshot(store)
    revision = store.revision()
    with pytest.raises(Conflict, match="is a Method"):
        store.upsert(
            Batch(
                nodes=(
                    Node("method:new", NodeType.METHOD, {"name": "New"}),
                    Node(INTERVIEWS, NodeType.TOPIC, {"name": "Interviews"}),
                ),
                retract=frozenset({CASE}),
            )
        )
    assert snapshot(store) == before
    assert store.revision() == revision


def test_edge_to_missing_node_is_rejected_and_nothing_is_written(store: GraphStore) -> None:
    seed(store)
    before = snapshot(store)
    with pytest.raises(Conflict, match="does not exist"):
        store.upsert(
            Batch(
                nodes=(Node("method:new", NodeType.METHOD, {"name": "New"}),),
                edges=(Edge(CASE, RelType.USED, "method:missing", CASE),),
            )
        )
    assert snapshot(store) == before


def test_edge_between_wrong_types_is_rejected(store: GraphStore) -> None:
    seed(store)
    with pytest.raises(Conflict, match="USED cannot touch"):
        store.upsert(Batch(edges=(Edge(CASE, RelType.USED, BORLANGE, CASE),)))
    assert store.edges_of(BORLANGE, rel=RelType.USED) == []


def test_edge_may_name_a_node_created_in_the_same_batch(store: GraphStore) -> None:
    store.upsert(
        Batch(
            nodes=(Node(CASE, NodeType.CASE, {"title": "x"}), Node(INTERVIEWS, NodeType.METHOD, {"name": "I"})),
            edges=(Edge(CASE, RelType.USED, INTERVIEWS, CASE),),
        )
    )
    assert [n.id for n in store.neighbours(CASE)] == [INTERVIEWS]


def test_replace_all_empties_the_graph_first(store: GraphStore) -> None:
    seed(store)
    store.upsert(Batch(nodes=(Node("method:only", NodeType.METHOD, {"name": "Only"}),), replace_all=True))
    assert [n.id for n in store.find(NodeType.METHOD)] == ["method:only"]
    assert store.stats().node_total == 1
    assert list(store.edges()) == []


# ---------------------------------------------------------------- reads


def test_get_and_get_many(store: GraphStore) -> None:
    seed(store)
    assert store.get("missing") is None
    found = store.get_many([CASE, "missing", INTERVIEWS])
    assert sorted(found) == [INTERVIEWS, CASE]
    assert found[CASE].props["year"] == 2016


def test_neighbours_filter_by_relationship_direction_and_type(store: GraphStore) -> None:
    seed(store)
    assert [n.id for n in store.neighbours(CASE)] == [
        INTERVIEWS,
        "need:barnen-vill-bli-lyssnade-pa",
        BORLANGE,
    ]
    assert [n.id for n in store.neighbours(CASE, direction=Direction.IN)] == [BORLANGE]
    assert [n.id for n in store.neighbours(CASE, direction=Direction.OUT, rel=RelType.USED)] == [INTERVIEWS]
    assert [n.id for n in store.neighbours(INTERVIEWS, node_type=NodeType.CASE)] == [OTHER_CASE, CASE]
    assert [n.id for n in store.neighbours(INTERVIEWS, node_type=NodeType.METHOD)] == [SERVICE_DESIGN]
    assert store.neighbours("missing") == []


def test_edges_of_filter_and_order(store: GraphStore) -> None:
    seed(store)
    out = store.edges_of(CASE, direction=Direction.OUT)
    assert [(e.type, e.target) for e in out] == [
        (RelType.ADDRESSES, "need:barnen-vill-bli-lyssnade-pa"),
        (RelType.USED, INTERVIEWS),
    ]
    assert [e.key for e in out] == sorted(e.key for e in out)


def test_find_by_type_and_properties(store: GraphStore) -> None:
    seed(store)
    assert [n.id for n in store.find(NodeType.CASE)] == [OTHER_CASE, CASE]
    assert [n.id for n in store.find(NodeType.CASE, language="sv")] == [CASE]
    assert [n.id for n in store.find(NodeType.CASE, year=2016, language="sv")] == [CASE]
    assert list(store.find(NodeType.CASE, language="da")) == []
    assert list(store.find(NodeType.SOURCE)) == []


def test_edges_by_type(store: GraphStore) -> None:
    seed(store)
    assert [e.source for e in store.edges(RelType.USED)] == [OTHER_CASE, CASE]
    assert len(list(store.edges())) == 6


def test_stats_count_nodes_and_edges_per_type(store: GraphStore) -> None:
    seed(store)
    stats = store.stats()
    assert stats.nodes == {"Case": 2, "Method": 2, "Need": 1, "Organisation": 1, "TargetGroup": 1}
    assert stats.edges == {"ADDRESSES": 1, "INCORPORATES": 1, "OF": 1, "PARTICIPATED_IN": 1, "USED": 2}
    assert (stats.node_total, stats.edge_total) == (7, 6)


# ---------------------------------------------------------------- delete


def test_delete_removes_the_node_and_its_edges(store: GraphStore) -> None:
    seed(store)
    store.delete(INTERVIEWS)
    assert store.get(INTERVIEWS) is None
    assert list(store.edges(RelType.USED)) == []
    assert list(store.edges(RelType.INCORPORATES)) == []
    assert store.get(CASE) is not None
    assert store.stats().edges == {"ADDRESSES": 1, "OF": 1, "PARTICIPATED_IN": 1}


def test_delete_of_a_missing_node_raises(store: GraphStore) -> None:
    with pytest.raises(NodeNotFound) as caught:
        store.delete("missing")
    assert caught.value.code == "NOT_FOUND"


# ---------------------------------------------------------------- several connections


def test_writes_are_seen_by_other_connections_and_raise_the_revision(
    store: GraphStore, open_at: Callable[[], GraphStore]
) -> None:
    other = open_at()
    start = other.revision()
    seed(store)
    assert other.revision() > start
    assert other.get(CASE) is not None
    assert [n.id for n in other.neighbours(CASE, rel=RelType.USED)] == [INTERVIEWS]
    reads = other.revision()
    other.stats()
    assert other.revision() == reads
    other.delete(INTERVIEWS)
    assert store.get(INTERVIEWS) is None
    assert store.revision() > reads
    assert store.stats() == other.stats() == open_at().stats()
    assert store.stats().edges == {"ADDRESSES": 1, "OF": 1, "PARTICIPATED_IN": 1}


def test_state_survives_closing_and_reopening(store: GraphStore, open_at: Callable[[], GraphStore]) -> None:
    seed(store)
    before = snapshot(store)
    store.close()
    store.close()
    assert snapshot(open_at()) == before
