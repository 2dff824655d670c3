"""Stored inferred concept links: written after embedding, listed, confirmed, rejected; every backend runs these."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from graph.errors import NodeNotFound
from graph.model import Batch, Direction, Edge, Node, NodeType, Origin, RelType
from graph.ranking.inferred import (
    INFERENCE_ACTOR,
    InferredLinkNotFound,
    StoredLink,
    cases_to_refresh,
    confirm_inferred_link,
    curated_asserter,
    list_inferred_links,
    refresh_inferred_links,
    reject_inferred_link,
)
from graph.ranking.source import source_for
from graph.ranking.worker import embed_all
from graph.store import GraphStore

T, P, C, N = NodeType.TARGET_GROUP, NodeType.TOPIC, NodeType.CASE, NodeType.NEED
FOSTER = "target-group:children-in-foster-care"
SCHOOL = "topic:school"
FREE_GROUP = "target-group:kids-in-foster-homes"
FREE_TOPIC = "topic:pupil-matters"
CURATOR = Origin("person:kari")


class KeywordEmbedder:
    """One axis per keyword a text contains (the last axis for none), unit length: similarity is exactly 1 or 0."""

    keywords = ("foster", "pupil", "parking")
    dimension = len(keywords) + 1

    def __init__(self, model: str) -> None:
        self.model = model

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            hits = [i for i, word in enumerate(self.keywords) if word in text.lower()] or [len(self.keywords)]
            rows[row, hits] = 1.0
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


@pytest.fixture
def embedder(request: pytest.FixtureRequest) -> KeywordEmbedder:
    """A model name of its own per test, so no process cache answers for it."""
    return KeywordEmbedder(f"test/keywords/{request.node.nodeid}")


def _seed(store: GraphStore) -> None:
    store.upsert(
        Batch(
            nodes=(
                Node(FOSTER, T, {"name": "Children in foster care", "label_sv": "Familjehemsplacerade barn",
                                 "label_en": "Children in foster care"}),
                Node(SCHOOL, P, {"name": "School", "label_en": "School and pupils", "label_sv": "Skola"}),
                Node("topic:transport", P, {"name": "Transport", "label_en": "Transport and parking"}),
                Node(FREE_GROUP, T, {"name": "kids in foster homes"}),
                Node(FREE_TOPIC, P, {"name": "pupil matters"}),
                Node("se-a", C, {"title": "Ett fall", "language": "sv"}),
                Node("se-b", C, {"title": "Ett annat fall", "language": "sv"}),
                Node("need:heard", N, {"text": "Att bli hörd", "language": "sv"}),
            ),
            edges=(
                Edge("se-a", RelType.TARGETS, FREE_GROUP, "se-a"),
                Edge("se-a", RelType.ABOUT, FREE_TOPIC, "se-a"),
                Edge("se-b", RelType.ADDRESSES, "need:heard", "se-b"),
                Edge("need:heard", RelType.OF, FREE_GROUP, "se-b"),
            ),
        )
    )


def test_inferred_links_are_stored_after_embedding_with_similarity_model_and_via(
    store: GraphStore, embedder: KeywordEmbedder
) -> None:
    _seed(store)
    embed_all(store, embedder)
    model = embedder.model
    assert list_inferred_links(store) == [
        StoredLink("se-a", FOSTER, 1.0, model, FREE_GROUP),
        StoredLink("se-a", SCHOOL, 1.0, model, FREE_TOPIC),
        StoredLink("se-b", FOSTER, 1.0, model, FREE_GROUP),
    ], "a need's free-text target group links its case too"
    edge = store.edges_of("se-a", rel=RelType.INFERRED_LINK, direction=Direction.OUT)[0]
    assert edge.asserted_by == "inferred:se-a"
    assert store.history("se-a")[0].run.actor == INFERENCE_ACTOR
    doc = source_for(store, embedder).documents(["se-a"])["se-a"]
    assert [(link.node.id, link.similarity, link.via) for link in doc.links if link.is_inferred] == [
        (FOSTER, 1.0, FREE_GROUP), (SCHOOL, 1.0, FREE_TOPIC),
    ]
    revision = store.revision()
    assert refresh_inferred_links(store, embedder) == 0 and store.revision() == revision, "nothing new: nothing written"


def test_inferred_links_are_listed_by_case_and_by_concept(store: GraphStore, embedder: KeywordEmbedder) -> None:
    _seed(store)
    embed_all(store, embedder)
    assert [link.concept for link in list_inferred_links(store, case_id="se-a")] == [FOSTER, SCHOOL]
    assert [link.case for link in list_inferred_links(store, concept_id=FOSTER)] == ["se-a", "se-b"]
    assert [link.case for link in list_inferred_links(store, case_id="se-b", concept_id=FOSTER)] == ["se-b"]
    assert list_inferred_links(store, case_id="se-b", concept_id=SCHOOL) == []


def test_a_confirmed_link_becomes_a_stated_link_recorded_with_who_did_it(
    store: GraphStore, embedder: KeywordEmbedder
) -> None:
    _seed(store)
    embed_all(store, embedder)
    stated = confirm_inferred_link(store, "se-a", FOSTER, origin=CURATOR)
    assert (stated.type, stated.asserted_by) == (RelType.TARGETS, curated_asserter("se-a"))
    assert {edge.target for edge in store.edges_of("se-a", rel=RelType.TARGETS, direction=Direction.OUT)} == {
        FREE_GROUP, FOSTER,
    }
    assert [link.concept for link in list_inferred_links(store, case_id="se-a")] == [SCHOOL]
    latest = store.history("se-a")[0]
    assert latest.run.actor == "person:kari"
    assert {(change.key[1], change.before is None, change.after is None) for change in latest.edges} == {
        (RelType.TARGETS.value, True, False), (RelType.INFERRED_LINK.value, False, True),
    }
    doc = source_for(store, embedder).documents(["se-a"])["se-a"]
    assert [(link.node.id, link.is_inferred) for link in doc.links if link.node.id == FOSTER] == [(FOSTER, False)]
    store.upsert(Batch(nodes=(Node("se-a", C, {"title": "Ett fall", "language": "sv"}),), retract=frozenset({"se-a"}),
                       edges=(Edge("se-a", RelType.TARGETS, FREE_GROUP, "se-a"),)))
    assert FOSTER in {e.target for e in store.edges_of("se-a", rel=RelType.TARGETS, direction=Direction.OUT)}, (
        "re-ingesting the case file keeps what a curator confirmed"
    )


def test_a_rejected_link_is_removed_and_never_inferred_again_for_that_case(
    store: GraphStore, embedder: KeywordEmbedder
) -> None:
    _seed(store)
    embed_all(store, embedder)
    rejection = reject_inferred_link(store, "se-a", FOSTER, origin=CURATOR)
    assert (rejection.type, rejection.props["similarity"]) == (RelType.REJECTED_LINK, 1.0)
    assert [link.concept for link in list_inferred_links(store, case_id="se-a")] == [SCHOOL]
    assert store.history("se-a")[0].run.actor == "person:kari"
    assert refresh_inferred_links(store, embedder) == 0
    other = KeywordEmbedder(f"{embedder.model}/next-model")
    embed_all(store, other)  # re-embedding with another model recomputes every link
    assert list_inferred_links(store) == [
        StoredLink("se-a", SCHOOL, 1.0, other.model, FREE_TOPIC),
        StoredLink("se-b", FOSTER, 1.0, other.model, FREE_GROUP),
    ], "rejected for se-a only; se-b keeps it"
    doc = source_for(store, other).documents(["se-a"])["se-a"]
    assert FOSTER not in {link.node.id for link in doc.links}
    store.upsert(Batch(remove_edges=frozenset(
        edge.key for edge in store.edges_of("se-a", rel=RelType.INFERRED_LINK, direction=Direction.OUT))))
    doc = source_for(store, other).documents(["se-a"])["se-a"]
    assert [link.node.id for link in doc.links if link.is_inferred] == [SCHOOL], (
        "inferred at query time where none is stored: the rejection still holds"
    )


def test_a_link_whose_free_text_is_gone_is_removed_on_refresh(store: GraphStore, embedder: KeywordEmbedder) -> None:
    _seed(store)
    embed_all(store, embedder)
    store.upsert(Batch(remove_edges=frozenset({("se-a", RelType.TARGETS.value, FREE_GROUP, "se-a")})))
    assert refresh_inferred_links(store, embedder, ["se-a"]) == 1
    assert [link.concept for link in list_inferred_links(store, case_id="se-a")] == [SCHOOL]


def test_confirming_or_rejecting_what_is_not_inferred_is_refused(store: GraphStore, embedder: KeywordEmbedder) -> None:
    _seed(store)
    embed_all(store, embedder)
    revision = store.revision()
    with pytest.raises(InferredLinkNotFound):
        confirm_inferred_link(store, "se-b", SCHOOL, origin=CURATOR)
    reject_inferred_link(store, "se-b", FOSTER, origin=CURATOR)
    with pytest.raises(InferredLinkNotFound):
        reject_inferred_link(store, "se-b", FOSTER, origin=CURATOR)
    with pytest.raises(NodeNotFound):
        confirm_inferred_link(store, "se-missing", FOSTER, origin=CURATOR)
    assert store.revision() == revision + 1, "only the one rejection was written"


def test_reverting_the_run_that_created_a_case_removes_its_inferred_links(
    store: GraphStore, embedder: KeywordEmbedder
) -> None:
    _seed(store)
    created = store.upsert(Batch(nodes=(Node("se-c", C, {"title": "Tredje", "language": "sv"}),),
                                 edges=(Edge("se-c", RelType.ABOUT, FREE_TOPIC, "se-c"),))).run
    assert created is not None
    embed_all(store, embedder)
    assert [link.concept for link in list_inferred_links(store, case_id="se-c")] == [SCHOOL]
    store.revert(created, origin=CURATOR)
    assert store.get("se-c") is None and list_inferred_links(store, case_id="se-c") == []


def test_a_change_names_the_cases_whose_links_to_refresh(store: GraphStore) -> None:
    _seed(store)
    revision = store.revision()
    store.upsert(Batch(nodes=(Node(FREE_GROUP, T, {"name": "kids in foster homes and families"}),)))
    assert cases_to_refresh(store, store.changes(revision)) == {"se-a", "se-b"}, "directly and through a need"
    revision = store.revision()
    reject = Edge("se-b", RelType.REJECTED_LINK, SCHOOL, curated_asserter("se-b"))
    store.upsert(Batch(edges=(reject,)))
    assert cases_to_refresh(store, store.changes(revision)) == {"se-b"}
    revision = store.revision()
    store.upsert(Batch(nodes=(Node(SCHOOL, P, {"name": "School", "label_en": "Schools and pupils"}),)))
    assert cases_to_refresh(store, store.changes(revision)) is None, "a vocabulary change: every case"
