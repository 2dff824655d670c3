"""The store-backed case source gives the same documents as the in-memory reference and follows writes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graph.model import Batch, Edge, Node, NodeType, RelType
from graph.ranking.problem import Problem
from graph.ranking.source import StoreCaseSource
from graph.ranking.stored import StoredCaseSource
from graph.ranking.worker import embed_stale, embeddable_ids, stale_work
from graph.store import GraphStore
from tests.index.conftest import WordHashEmbedder, load_samples


def _embed_all(store: GraphStore, embedder: WordHashEmbedder) -> None:
    embed_stale(store, embedder, stale_work(store, embedder.model, embeddable_ids(store)))


def _problem(text: str, embedder: WordHashEmbedder, concepts: dict[str, float] | None = None) -> Problem:
    return Problem(text, "sv", (text,), (), embedder.embed_queries([text]), concepts or {})


def test_documents_equal_the_in_memory_reference_on_the_samples(store: GraphStore, embedder: WordHashEmbedder) -> None:
    load_samples(store)
    _embed_all(store, embedder)
    reference = StoreCaseSource(store, embedder)
    source = StoredCaseSource(store, embedder)
    ids = reference.all_case_ids()
    assert source.all_case_ids() == ids and len(ids) >= 40
    expected, found = reference.documents(ids), source.documents(ids)
    for case_id in ids:
        want, got = expected[case_id], found[case_id]
        assert (got.case, got.passages, got.links, got.broader) == (want.case, want.passages, want.links, want.broader)
        assert got.vectors is not None and want.vectors is not None
        np.testing.assert_allclose(got.vectors, want.vectors, atol=1e-6)
    assert [c.id for c in source.concepts().nodes] == [c.id for c in reference.concepts().nodes]
    np.testing.assert_allclose(source.concepts().vectors, reference.concepts().vectors, atol=1e-6)
    assert [n.need.id for n in source.needs()] == [n.need.id for n in reference.needs()]
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
    assert "need:ensamma-aldre" in [n.need.id for n in source.needs()]
    writer.delete("se-new-case")
    source.sync()
    assert "se-new-case" not in source.all_case_ids()
    assert source.documents(["se-new-case"]) == {}


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
