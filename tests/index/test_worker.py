"""Embedding after the write: never twice for one text and model, stale after a change, in the background."""

from __future__ import annotations

import time
from collections.abc import Callable

from graph.model import Batch, Edge, Node, NodeType, RelType
from graph.ranking.worker import EmbeddingWorker, embed_stale, embeddable_ids, stale_work
from graph.store import GraphStore
from tests.index.conftest import WordHashEmbedder, load_samples


def test_nothing_is_embedded_twice_for_the_same_text_and_model(store: GraphStore, embedder: WordHashEmbedder) -> None:
    load_samples(store)
    work = stale_work(store, embedder.model, embeddable_ids(store))
    kinds = {store.get(item.node_id).type for item in work}  # type: ignore[union-attr]
    assert {NodeType.CASE, NodeType.NEED, NodeType.TOPIC} <= kinds
    assert embed_stale(store, embedder, work) == len(work)
    embedded = embedder.passages_embedded
    assert embedded == len({text for item in work if not item.as_query for text in item.texts}), "each text once"
    assert stale_work(store, embedder.model, embeddable_ids(store)) == []
    assert embed_stale(store, embedder, []) == 0 and embedder.passages_embedded == embedded


def test_a_changed_need_makes_its_cases_stale_and_a_new_model_everything(
    store: GraphStore, embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    embed_stale(store, embedder, stale_work(store, embedder.model, embeddable_ids(store)))
    case_id = next(node.id for node in store.find(NodeType.CASE))
    store.upsert(
        Batch(
            nodes=(Node("need:fler-samtal", NodeType.NEED, {"text": "Fler samtal med familjen"}),),
            edges=(Edge(case_id, RelType.ADDRESSES, "need:fler-samtal", "test"),),
        )
    )
    assert {item.node_id for item in stale_work(store, embedder.model, embeddable_ids(store))} == {
        case_id,
        "need:fler-samtal",
    }
    other = WordHashEmbedder("test/another-model")
    assert len(stale_work(store, other.model, embeddable_ids(store))) == len(embeddable_ids(store))


def test_the_background_worker_embeds_a_new_case_within_seconds(
    store: GraphStore, open_at: Callable[[], GraphStore], embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    worker = EmbeddingWorker(lambda: store, lambda: embedder, poll_seconds=0.05)
    worker.start()
    try:
        _wait(lambda: worker.pending == 0, seconds=120)
        writer = open_at()
        written = time.monotonic()
        writer.upsert(Batch(nodes=(Node("se-ny-skolskjuts", NodeType.CASE, {"title": "Skolskjuts i glesbygd"}),)))
        assert [hit[0] for hit in writer.text_matches("skolskjuts", node_type=NodeType.CASE, k=3)] == [
            "se-ny-skolskjuts"
        ], "findable by its words at once"
        query = embedder.embed_queries(["Skolskjuts i glesbygd"])[0]
        _wait(lambda: store.nearest(embedder.model, query, node_type=NodeType.CASE, k=1)[0][0] == "se-ny-skolskjuts", seconds=5)
        assert time.monotonic() - written < 5
    finally:
        worker.stop()


def _wait(condition: Callable[[], bool], *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s"
        time.sleep(0.05)


def test_the_background_worker_stores_the_inferred_links_of_a_new_case(
    store: GraphStore, open_at: Callable[[], GraphStore]
) -> None:
    from graph.ranking.inferred import list_inferred_links
    from tests.contract.test_inferred_links import FREE_TOPIC, SCHOOL, KeywordEmbedder, _seed

    _seed(store)
    embedder = KeywordEmbedder(f"test/keywords/worker-{time.monotonic_ns()}")
    worker = EmbeddingWorker(lambda: store, lambda: embedder, poll_seconds=0.05)
    worker.start()
    try:
        _wait(lambda: len(list_inferred_links(store)) == 3, seconds=60)
        writer = open_at()
        writer.upsert(Batch(nodes=(Node("se-ny", NodeType.CASE, {"title": "Nytt fall"}),),
                            edges=(Edge("se-ny", RelType.ABOUT, FREE_TOPIC, "se-ny"),)))
        _wait(lambda: [link.concept for link in list_inferred_links(store, case_id="se-ny")] == [SCHOOL], seconds=10)
    finally:
        worker.stop()
