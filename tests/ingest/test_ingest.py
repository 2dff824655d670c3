"""Ingest of real case files: idempotence, merging by alias, retraction on re-ingest, vocabulary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.backends.embedded import EmbeddedStore
from graph.model import Direction, NodeType, RelType
from graph.properties import UPDATED_AT
from ingest.run import ingest_paths, ingest_records
from ingest.vocabulary import DATA_DIR, load_vocabulary
from tests.ingest.conftest import case_yaml

Write = Callable[[str, str | bytes], Path]
SAMPLES = DATA_DIR / "samples"


def test_the_sample_data_loads_without_problems_and_twice_changes_nothing(store: EmbeddedStore) -> None:
    first = ingest_paths(store, [SAMPLES])
    assert first.ok, [str(p) for p in first.problems]
    assert first.written and first.created and first.vocabulary_created > 1000
    revision_stats = store.stats()
    second = ingest_paths(store, [SAMPLES])
    assert second.ok
    assert (second.created, second.updated, second.vocabulary_created) == ([], [], 0)
    assert store.stats() == revision_stats


def test_the_development_set_and_the_samples_meet_in_one_graph(store: EmbeddedStore) -> None:
    report = ingest_paths(store, [SAMPLES])
    assert report.ok
    case = store.get("no-trondelag-novari-utdanningsvalg")
    assert case is not None and case.props["country"] == "NO"
    owners = [e.source for e in store.edges_of(case.id, rel=RelType.PARTICIPATED_IN) if e.props["role"] == "owner"]
    assert "organisation:troendelag-fylkeskommune" in owners


def test_old_and_new_names_meet_in_one_node(store: EmbeddedStore, write: Write) -> None:
    path = write(
        "skl.yaml",
        "cases:\n" + case_yaml("se-a")
        + "  - id: se-b\n    title: B\n    language: sv\n    organisations: [Sveriges Kommuner och Regioner, SKR]\n",
    )
    report = ingest_paths(store, [path])
    assert report.ok, report.problems
    skr = {e.source for e in store.edges(RelType.PARTICIPATED_IN)}
    assert len(skr) == 1
    (merge,) = [m for m in report.merged if m.name == "Sveriges Kommuner och Landsting (SKL)"]
    assert merge.node_id == skr.pop()


def test_reingesting_a_changed_case_retracts_what_it_no_longer_says(store: EmbeddedStore, write: Write) -> None:
    path = write("a.yaml", "cases:\n" + case_yaml("se-a"))
    assert ingest_paths(store, [path]).ok
    assert len(store.neighbours("se-a", rel=RelType.USED)) == 2
    path.write_text(
        "cases:\n  - id: se-a\n    title: Nytt namn\n    language: sv\n    methods: [intervjuer]\n", encoding="utf-8"
    )
    report = ingest_paths(store, [path])
    assert report.updated == ["se-a"]
    case = store.get("se-a")
    assert case is not None and case.props.keys() - {UPDATED_AT} == {"title", "language"}
    assert (case.props["title"], case.props["language"]) == ("Nytt namn", "sv")
    assert len(store.neighbours("se-a", rel=RelType.USED)) == 1
    assert store.neighbours("se-a", rel=RelType.PARTICIPATED_IN) == []


def test_json_records_and_files_share_the_same_path(store: EmbeddedStore, write: Write) -> None:
    record = {"id": "dk-a", "title": "A", "language": "da", "country": "dk", "methods": ["fokusgrupper"]}
    report = ingest_records(store, [record], origin="api")
    assert report.ok, report.problems
    case = store.get("dk-a")
    assert case is not None and case.props["country"] == "DK"
    (method,) = store.neighbours("dk-a", rel=RelType.USED)
    assert method.type is NodeType.METHOD and method.id != "method:fokusgrupper"


def test_needs_belong_to_the_cases_target_group(store: EmbeddedStore, write: Write) -> None:
    assert ingest_paths(store, [write("a.yaml", "cases:\n" + case_yaml("se-a"))]).ok
    (need,) = store.neighbours("se-a", rel=RelType.ADDRESSES)
    (group,) = store.neighbours(need.id, rel=RelType.OF, direction=Direction.OUT)
    assert [g.id for g in store.neighbours("se-a", rel=RelType.TARGETS)] == [group.id]


def test_vocabulary_covers_the_named_methods_with_their_developers() -> None:
    vocabulary = load_vocabulary()
    index = vocabulary.index()
    for name in ("Växthus", "Veikart for tjenesteinnovasjon", "Innovationsguiden", "behovsstyringsprosessen",
                 "Förändra radikalt", "tjänstedesign", "tjenestedesign", "fokusgrupper", "prototyping"):
        ids, _ = index.lookup(NodeType.METHOD, name)
        assert len(ids) == 1, name
    developed = {(e.source, e.target) for e in vocabulary.edges if e.type is RelType.DEVELOPED_BY}
    (vaxthus,) = index.lookup(NodeType.METHOD, "Växthus")[0]
    (arbetsformedlingen,) = index.lookup(NodeType.ORGANISATION, "Arbetsförmedlingen")[0]
    assert (vaxthus, arbetsformedlingen) in developed
    (novari,) = index.lookup(NodeType.METHOD, "behovsstyringsprosessen")[0]
    incorporated = {e.target for e in vocabulary.edges if e.type is RelType.INCORPORATES and e.source == novari}
    assert len(incorporated) >= 2


def test_public_bodies_come_from_the_registers_with_places() -> None:
    vocabulary = load_vocabulary()
    index = vocabulary.index()
    nodes = {node.id: node for node in vocabulary.nodes}
    (habo,) = index.lookup(NodeType.ORGANISATION, "Habo kommun")[0]
    (haabo,) = index.lookup(NodeType.ORGANISATION, "Håbo kommun")[0]
    assert habo != haabo
    assert len(index.lookup(NodeType.ORGANISATION, "Herøy kommune")[0]) == 2
    (borlange,) = index.lookup(NodeType.ORGANISATION, "Borlänge kommun")[0]
    located = {e.target for e in vocabulary.edges if e.source == borlange and e.type is RelType.LOCATED_IN}
    assert [nodes[p].props["code"] for p in located] == ["2081"]
