"""The store-backed case source builds documents from bounded store calls and follows writes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graph.model import Batch, Edge, Node, NodeType, RelType
from graph.ranking.language import terms
from graph.ranking.problem import Problem
from graph.ranking.source import CASE_RELS, CONCEPT_TYPES, is_vocabulary
from graph.ranking.stored import StoredCaseSource
from graph.ranking.worker import embed_stale, embeddable_ids, stale_work
from graph.store import GraphStore
from tests.index.conftest import WordHashEmbedder, load_samples


def _embed_all(store: GraphStore, embedder: WordHashEmbedder) -> None:
    embed_stale(store, embedder, stale_work(store, embedder.model, embeddable_ids(store)))


def _problem(text: str, embedder: WordHashEmbedder, concepts: dict[str, float] | None = None) -> Problem:
    return Problem(text, "sv", (text,), (), embedder.embed_queries([text]), concepts or {})


def test_documents_hold_every_stated_link_and_the_stored_vectors(store: GraphStore, embedder: WordHashEmbedder) -> None:
    load_samples(store)
    _embed_all(store, embedder)
    source = StoredCaseSource(store, embedder)
    ids = sorted(node.id for node in store.find(NodeType.CASE))
    assert source.all_case_ids() == ids and len(ids) >= 40
    found = source.documents(ids)
    stored = store.vectors(embedder.model, ids)
    for case_id in ids:
        doc = found[case_id]
        assert doc.case == store.get(case_id)
        linked = {
            edge.target if edge.source == case_id else edge.source
            for edge in store.edges_of(case_id)
            if edge.type in CASE_RELS and edge.type is not RelType.ADDRESSES
        }
        assert linked <= {link.node.id for link in doc.links if not link.is_inferred}
        assert doc.vectors is not None
        np.testing.assert_allclose(doc.vectors, stored[case_id].matrix, atol=1e-6)
    vocabulary = sorted(node.id for node_type in CONCEPT_TYPES for node in store.find(node_type) if is_vocabulary(node))
    assert [c.id for c in source.concepts().nodes] == vocabulary
    assert set(source.needs().ids()) == {node.id for node in store.find(NodeType.NEED)}
    assert source.candidates(_problem("familjehem", embedder)) == ids, "few cases: every case is a candidate"


def test_a_write_by_another_connection_reaches_the_documents(
    store: GraphStore, open_at: Callable[[], GraphStore], embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    source = StoredCaseSource(store, embedder)
    case_id = source.all_case_ids()[0]
    before = source.documents([case_id])[case_id]
    assert before.vectors is None, "nothing embedded yet: findable by words only"
    writer = open_at()
    writer.upsert(
        Batch(
            nodes=(
                Node("se-new-case", NodeType.CASE, {"title": "Nytt fall om ensamhet", "language": "sv"}),
                Node("need:ensamma-aldre", NodeType.NEED, {"text": "Äldre känner sig ensamma"}),
            ),
            edges=(
                Edge("se-new-case", RelType.ADDRESSES, "need:ensamma-aldre", "se-new-case"),
                Edge(case_id, RelType.ADDRESSES, "need:ensamma-aldre", "test"),
            ),
        )
    )
    _embed_all(writer, embedder)
    source.sync()
    assert "se-new-case" in source.all_case_ids()
    after = source.documents([case_id, "se-new-case"])
    assert "Äldre känner sig ensamma" in [p.text for p in after[case_id].passages]
    assert after[case_id].vectors is not None and after["se-new-case"].vectors is not None
    assert "need:ensamma-aldre" in source.needs().ids()
    writer.delete("se-new-case")
    source.sync()
    assert "se-new-case" not in source.all_case_ids()
    assert source.documents(["se-new-case"]) == {}


def test_a_source_that_looks_now_and_then_sees_its_own_processs_writes_at_once(
    store: GraphStore, open_at: Callable[[], GraphStore], embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    source = StoredCaseSource(store, embedder, refresh_seconds=3600.0)  # a network store's source, slowed right down
    source.all_case_ids()
    store.upsert(Batch(nodes=(Node("se-own-write", NodeType.CASE, {"title": "Eget fall", "language": "sv"}),)))
    assert "se-own-write" in source.all_case_ids(), "a write through the same handle is seen on the next read"
    open_at().upsert(Batch(nodes=(Node("se-their-write", NodeType.CASE, {"title": "Annat fall", "language": "sv"}),)))
    assert "se-their-write" not in source.all_case_ids(), "another process's write waits for the next look"


def test_candidates_of_a_large_store_come_from_vectors_words_and_concepts(
    store: GraphStore, embedder: WordHashEmbedder
) -> None:
    nodes = [Node("topic:loneliness", NodeType.TOPIC, {"name": "Loneliness", "label_sv": "Ensamhet"})]
    edges = []
    for i in range(400):
        nodes.append(Node(f"case-{i:03}", NodeType.CASE, {"title": f"Fall nummer {i}", "summary": "Vanligt arbete."}))
    nodes.append(Node("case-by-word", NodeType.CASE, {"title": "Skolskjuts på landsbygden"}))
    nodes.append(Node("case-by-meaning", NodeType.CASE, {"title": "Ensamma äldre på boenden"}))
    nodes.append(Node("case-by-concept", NodeType.CASE, {"title": "Ett helt annat fall"}))
    edges.append(Edge("case-by-concept", RelType.ABOUT, "topic:loneliness", "case-by-concept"))
    store.upsert(Batch(nodes=tuple(nodes), edges=tuple(edges)))
    _embed_all(store, embedder)
    source = StoredCaseSource(store, embedder)
    found = source.candidates(_problem("ensamma äldre", embedder, {"topic:loneliness": 1.0}), limit=50)
    assert len(found) <= 50
    assert {"case-by-meaning", "case-by-concept"} <= set(found)
    assert "case-by-word" in source.candidates(_problem("skolskjuts", embedder), limit=50)


def test_the_need_index_follows_writes_as_a_fresh_one_reads_the_store(
    store: GraphStore, open_at: Callable[[], GraphStore], embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    _embed_all(store, embedder)
    source = StoredCaseSource(store, embedder)
    assert len(source.needs()) > 0  # built now; from here on it follows the feed
    writer = open_at()
    old_need = sorted(source.needs().ids())[0]
    writer.upsert(
        Batch(
            nodes=(
                Node("need:snorojning", NodeType.NEED, {"text": "Snöröjningen av gångvägar kommer för sent", "language": "sv"}),
                Node(old_need, NodeType.NEED, {"text": "Fjällräddningen behöver fler frivilliga", "language": "sv"}),
            ),
        )
    )
    source.sync()
    words_only = source.needs().search(None, terms("snöröjningen av gångvägarna", "sv"), {}, top=3)
    assert [hit.need.id for hit in words_only][:1] == ["need:snorojning"], "findable by its words before it is embedded"
    _embed_all(writer, embedder)
    writer.delete(sorted(set(source.needs().ids()) - {old_need, "need:snorojning"})[0])
    source.sync()
    fresh = StoredCaseSource(store, embedder)
    assert source.needs().ids() == fresh.needs().ids()
    centres = source.centres()
    for text in ("Snöröjning av gångvägar", "fler frivilliga till fjällräddningen", "Barn i familjehem vill bli hörda"):
        vector = embedder.embed_queries([text])[0]
        followed = [(hit.need.id, hit.score) for hit in source.needs().search(vector, terms(text, "sv"), centres, top=5)]
        rebuilt = [(hit.need.id, hit.score) for hit in fresh.needs().search(vector, terms(text, "sv"), centres, top=5)]
        assert followed == rebuilt, text
    assert source.needs().search(None, terms("Fjällräddningen frivilliga", "sv"), {}, top=1)[0].need.id == old_need
