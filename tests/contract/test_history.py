"""Change history and revert: every backend runs exactly these tests (see the `store` fixture)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.algorithms.merge import merge_nodes
from graph.errors import NodeNotFound
from graph.exchange import export_graph, import_graph
from graph.history import NodeHistory, RevertRefused, differences
from graph.model import Batch, Edge, Node, NodeType, Origin, RelType, SourceFile
from graph.properties import UPDATED_AT
from graph.store import GraphStore
from ingest.run import ingest_paths
from tests.contract.test_store_contract import BORLANGE, CASE, INTERVIEWS, OTHER_CASE, seed, snapshot

VERSIONS = (
    """\
cases:
  - id: se-a
    title: Ett fall
    language: sv
    country: SE
    organisations:
      - {name: "Sveriges Kommuner och Landsting (SKL)", type: association, role: owner}
    methods: [tjänstedesign, intervjuer]
    topics: [utdanning]
""",
    """\
cases:
  - id: se-a
    title: Ett fall om elever
    language: sv
    country: SE
    year: 2019
    organisations:
      - {name: "Sveriges Kommuner och Landsting (SKL)", type: association, role: partner}
    methods: [tjänstedesign, intervjuer]
    topics: [utdanning]
""",
    """\
cases:
  - id: se-a
    title: Ett fall om elever och lärare
    language: sv
    country: SE
    organisations:
      - {name: "Sveriges Kommuner och Landsting (SKL)", type: association, role: partner}
      - {name: "Skolverket", type: agency, role: funder}
    methods: [intervjuer]
    topics: [utdanning]
""",
)


def history_since(store: GraphStore, node_id: str, revision: int) -> list[NodeHistory]:
    """The node's history after `revision` (a Neo4j test database keeps the history of earlier tests)."""
    return [entry for entry in store.history(node_id) if entry.run.id > revision]


@pytest.fixture
def ingest_version(store: GraphStore, tmp_path: Path) -> Callable[[int], int]:
    """Ingest version `n` of the case file `a.yaml`; the run it became."""
    path = tmp_path / "a.yaml"

    def ingest(n: int) -> int:
        path.write_text(VERSIONS[n], encoding="utf-8")
        report = ingest_paths(store, [path])
        assert report.ok and report.run is not None, report.problems
        return report.run

    return ingest


def test_every_write_is_a_run_with_who_when_sources_and_counts(store: GraphStore) -> None:
    source = SourceFile("cases/a.yaml", "ab" * 32)
    result = store.upsert(
        Batch(nodes=(Node(INTERVIEWS, NodeType.METHOD, {"name": "Interviews"}),), origin=Origin("key:importer", (source,)))
    )
    record = store.run(result.run)
    assert record is not None
    assert (record.run.actor, record.run.sources, record.run.reverts) == ("key:importer", (source,), None)
    assert record.run.at.endswith("Z") and record.run.at[:2] == "20"
    assert record.run.counts["created"] == 1 and record.run.counts["updated"] == 0
    [change] = record.nodes
    assert (change.node_id, change.before) == (INTERVIEWS, None) and change.after is not None
    assert change.after == {"name": "Interviews", UPDATED_AT: change.after[UPDATED_AT]}, "the stored version, stamp and all"
    assert store.run(result.run + 1) is None


def test_an_unchanged_write_is_a_run_that_changed_nothing(store: GraphStore) -> None:
    start = store.revision()
    seed(store)
    seeded = store.revision()
    result = store.upsert(Batch(nodes=(Node(INTERVIEWS, NodeType.METHOD, store.get(INTERVIEWS).props),)))  # type: ignore[union-attr]
    record = store.run(result.run)
    assert record is not None and record.nodes == () and record.edges == ()
    assert record.run.counts["unchanged"] == 1
    assert [entry.run.id for entry in history_since(store, INTERVIEWS, start)] == [seeded]


def test_a_case_ingested_three_times_shows_three_runs_with_the_differences(
    store: GraphStore, ingest_version: Callable[[int], int], tmp_path: Path
) -> None:
    start = store.revision()
    runs = [ingest_version(n) for n in range(3)]
    history = history_since(store, "se-a", start)
    assert [entry.run.id for entry in history] == runs[::-1]
    third, second, first = history
    assert first.node is not None and first.node.before is None and first.node.after["title"] == "Ett fall"  # type: ignore[index]
    assert second.node is not None
    assert [(d.key, d.before, d.after) for d in differences(second.node.before, second.node.after)] == [
        ("title", "Ett fall", "Ett fall om elever"),
        ("year", None, 2019),
    ]
    role = [(e.before, e.after) for e in second.edges if e.key[1] == RelType.PARTICIPATED_IN.value]
    assert role == [({"role": "owner"}, {"role": "partner"})]
    assert third.node is not None
    assert {d.key for d in differences(third.node.before, third.node.after)} == {"title", "year"}
    retracted = [e.key[2] for e in third.edges if e.after is None]
    asserted = [e.key[0] for e in third.edges if e.before is None]
    assert retracted == ["method:service-design"] and asserted == ["organisation:skolverket"]
    digest = hashlib.sha256(VERSIONS[2].encode()).hexdigest()
    assert third.run.sources == (SourceFile(str(tmp_path / "a.yaml"), digest),) and third.run.actor == "cli"


def test_reverting_the_last_run_restores_the_state_after_the_second(
    store: GraphStore, ingest_version: Callable[[int], int]
) -> None:
    ingest_version(0)
    ingest_version(1)
    after_second = snapshot(store)
    last = ingest_version(2)
    assert snapshot(store) != after_second and store.get("organisation:skolverket") is not None

    result = store.revert(last, origin=Origin("cli"))

    assert snapshot(store) == after_second
    assert result.removed == ["organisation:skolverket"] and result.updated == ["se-a"]
    record = store.run(result.run)
    assert record is not None and record.run.reverts == last and record.run.actor == "cli"
    assert store.history("se-a")[0].run.id == result.run


def test_revert_refuses_when_a_later_run_changed_the_same_node(
    store: GraphStore, ingest_version: Callable[[int], int]
) -> None:
    ingest_version(0)
    second = ingest_version(1)
    ingest_version(2)
    before, revision = snapshot(store), store.revision()
    with pytest.raises(RevertRefused, match=r"run \d+ later changed .*se-a") as refused:
        store.revert(second, origin=Origin("cli"))
    assert refused.value.node_id == "se-a"
    assert snapshot(store) == before and store.revision() == revision


def test_a_revert_cannot_be_reverted_twice(store: GraphStore) -> None:
    seed(store)
    changed = store.upsert(Batch(nodes=(Node(CASE, NodeType.CASE, {"title": "Ändrad"}),)))
    store.revert(changed.run, origin=Origin("cli"))
    with pytest.raises(RevertRefused, match=CASE):
        store.revert(changed.run, origin=Origin("cli"))


def test_reverting_a_delete_brings_back_the_node_and_its_edges(store: GraphStore) -> None:
    seed(store)
    before = snapshot(store)
    store.delete(INTERVIEWS, origin=Origin("person:curator"))
    deleted = store.history(INTERVIEWS)[0]
    assert deleted.node is not None and deleted.node.after is None and deleted.run.actor == "person:curator"
    assert {edge.key[0] for edge in deleted.edges} == {CASE, "no-trondelag-novari-utdanningsvalg", "method:service-design"}
    store.revert(deleted.run.id, origin=Origin("cli"))
    assert snapshot(store) == before


def test_reverting_a_run_that_created_a_node_later_linked_names_that_node(store: GraphStore) -> None:
    seed(store)
    created = store.upsert(Batch(nodes=(Node("topic:education", NodeType.TOPIC, {"name": "Education"}),)))
    store.upsert(Batch(edges=(Edge(CASE, RelType.ABOUT, "topic:education", CASE),)))
    with pytest.raises(RevertRefused, match="topic:education"):
        store.revert(created.run, origin=Origin("cli"))


def test_reverting_a_run_whose_retracted_edge_lost_an_end_later_names_that_node(store: GraphStore) -> None:
    seed(store)
    retracted = store.upsert(Batch(retract=frozenset({CASE})))
    store.delete(INTERVIEWS)
    before = snapshot(store)
    with pytest.raises(RevertRefused, match=f"node {INTERVIEWS}, which an edge it retracted joins, was removed later"):
        store.revert(retracted.run, origin=Origin("cli"))
    assert snapshot(store) == before


def test_a_merge_is_one_run_that_revert_undoes(store: GraphStore) -> None:
    seed(store)
    other = "organisation:borlange-kommun-2"
    store.upsert(
        Batch(
            nodes=(Node(other, NodeType.ORGANISATION, {"name": "Borlänge kommun (old)"}),),
            edges=(Edge(other, RelType.PARTICIPATED_IN, OTHER_CASE, OTHER_CASE, {"role": "partner"}),),
        )
    )
    before, revision = snapshot(store), store.revision()
    merge_nodes(store, BORLANGE, other, origin=Origin("person:curator"))
    assert store.revision() == revision + 1 and store.get(other) is None
    (merged,) = history_since(store, other, revision)
    assert merged.node is not None and merged.node.after is None and merged.run.actor == "person:curator"
    store.revert(merged.run.id, origin=Origin("cli"))
    assert snapshot(store) == before


def test_history_is_durable_and_outlives_the_node(open_at: Callable[[], GraphStore]) -> None:
    with open_at() as store:
        start = store.revision()
        seed(store)
        store.delete(CASE)
    with open_at() as store:
        assert store.get(CASE) is None
        kept = history_since(store, CASE, start)
        assert [(entry.node.before is None, entry.node.after is None) for entry in kept if entry.node] == [
            (False, True),
            (True, False),
        ]


def test_a_run_that_replaced_the_graph_is_not_reverted(store: GraphStore) -> None:
    seed(store)
    result = import_graph(store, export_graph(store))
    record = store.run(result.run)
    assert record is not None and record.run.is_replace
    with pytest.raises(RevertRefused, match="backup"):
        store.revert(result.run, origin=Origin("cli"))


def test_reverting_an_unknown_run_raises_node_not_found(store: GraphStore) -> None:
    with pytest.raises(NodeNotFound, match="run 99"):
        store.revert(99, origin=Origin("cli"))
