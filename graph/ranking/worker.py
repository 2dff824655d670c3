"""Embedding after the graph write: which nodes lack fresh vectors, embedding them in batches, and a worker thread.

Cases, needs and vocabulary concepts are embedded (`graph.ranking.texts` says what);
a node whose stored vectors carry the hash of its current text under the model is
skipped, so nothing is embedded twice for the same text and model. Each batch is
stored with one `put_vectors` as soon as it is embedded, so a case becomes findable by
meaning batch by batch, and an interrupted run loses at most one batch.

`EmbeddingWorker` runs this in the server's background: a first pass over every node,
then whatever the change feed reports. `behovsgraf ingest` runs `embed_stale` over what
it wrote, with a progress bar; `behovsgraf reindex` over everything (after a model change).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

import numpy as np

from graph.changes import ChangesExpired
from graph.errors import StoreError
from graph.model import Direction, Node, NodeType, RelType
from graph.ranking.embedding import Embedder
from graph.ranking.source import CONCEPT_TYPES, is_vocabulary
from graph.ranking.texts import case_texts, concept_texts, need_text
from graph.store import GraphStore
from graph.vectors import StoredVectors

__all__ = ["BATCH", "EmbeddingWorker", "Work", "embed_stale", "embeddable_ids", "stale_work"]

log = logging.getLogger(__name__)

BATCH = 16
"""Texts embedded per call (and nodes' vectors stored per write: those whose texts are in the batch)."""
_CHUNK = 500
"""Nodes checked for staleness per round of store reads."""


@dataclass(frozen=True, slots=True)
class Work:
    """One node to embed: the hash of its texts and the texts (row 0 first)."""

    node_id: str
    text_hash: str
    texts: tuple[str, ...]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def embeddable_ids(store: GraphStore) -> list[str]:
    """Every case, need and vocabulary concept id, cases first."""
    ids = [node.id for node in store.find(NodeType.CASE)]
    ids += [node.id for node in store.find(NodeType.NEED)]
    ids += [node.id for node_type in CONCEPT_TYPES for node in store.find(node_type) if is_vocabulary(node)]
    return ids


def stale_work(store: GraphStore, model: str, node_ids: Collection[str]) -> list[Work]:
    """The nodes among `node_ids` whose vectors under `model` are missing or stale, with what to embed."""
    work: list[Work] = []
    for ids in _chunks(sorted(set(node_ids)), _CHUNK):
        nodes = store.get_many(ids)
        cases = [node for node in nodes.values() if node.type is NodeType.CASE]
        addressed = store.edges_of_many([c.id for c in cases], rel=RelType.ADDRESSES, direction=Direction.OUT)
        need_nodes = store.get_many(sorted({edge.target for edges in addressed.values() for edge in edges}))
        stored = store.vectors(model, list(nodes))
        for node in nodes.values():
            found = _texts(node, [need_nodes[e.target] for e in addressed.get(node.id, ()) if e.target in need_nodes])
            if found is None:
                continue
            text_hash, texts = found
            if node.id not in stored or stored[node.id].text_hash != text_hash:
                work.append(Work(node.id, text_hash, tuple(texts)))
    return work


def _texts(node: Node, needs: list[Node]) -> tuple[str, list[str]] | None:
    if node.type is NodeType.CASE:
        return case_texts(node, list({need.id: need for need in needs}.values()))
    if node.type is NodeType.NEED:
        text_hash, text = need_text(node)
        return text_hash, [text]
    if node.type in CONCEPT_TYPES and is_vocabulary(node):
        text_hash, text = concept_texts([node])[node.id]
        return text_hash, [text]
    return None


def affected_ids(store: GraphStore, since: int) -> tuple[int, set[str]]:
    """(revision, ids whose texts may have changed after `since`): changed nodes and the cases of changed needs.

    Raises `ChangesExpired` when the log does not reach back to `since`.
    """
    change = store.changes(since)
    ids = set(change.nodes_changed)
    ids.update(key[0] for key in change.edges_added | change.edges_removed if key[1] == RelType.ADDRESSES.value)
    needs = [node.id for node in store.get_many(sorted(change.nodes_changed)).values() if node.type is NodeType.NEED]
    for edges in store.edges_of_many(needs, rel=RelType.ADDRESSES, direction=Direction.IN).values():
        ids.update(edge.source for edge in edges)
    return change.revision, ids - change.nodes_removed


def embed_stale(
    store: GraphStore,
    embedder: Embedder,
    work: list[Work],
    *,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Embed `work` in batches of about `BATCH` texts, storing each batch at once; returns how many nodes were stored."""
    done = 0
    batch: list[Work] = []
    texts = 0
    for item in work:
        batch.append(item)
        texts += len(item.texts)
        if texts >= BATCH:
            done += _store_batch(store, embedder, batch)
            batch, texts = [], 0
            if progress is not None:
                progress(done, len(work))
            if stop is not None and stop.is_set():
                return done
    if batch:
        done += _store_batch(store, embedder, batch)
    if progress is not None:
        progress(done, len(work))
    return done


def _store_batch(store: GraphStore, embedder: Embedder, batch: list[Work]) -> int:
    rows = embedder.embed_passages([text for item in batch for text in item.texts])
    vectors: dict[str, StoredVectors] = {}
    start = 0
    for item in batch:
        vectors[item.node_id] = StoredVectors(item.text_hash, np.ascontiguousarray(rows[start : start + len(item.texts)]))
        start += len(item.texts)
    present = store.get_many(list(vectors))
    vectors = {node_id: stored for node_id, stored in vectors.items() if node_id in present}
    store.put_vectors(embedder.model, vectors)
    return len(vectors)


class EmbeddingWorker:
    """A background thread that keeps every embeddable node's vectors fresh, following the change feed.

    `pending` is how many nodes wait for vectors (None until the first pass has counted them).
    """

    def __init__(
        self, store: Callable[[], GraphStore], embedder: Callable[[], Embedder], *, poll_seconds: float = 0.2
    ) -> None:
        self._store = store
        self._embedder = embedder
        self.poll_seconds = poll_seconds
        self.pending: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="embedding-worker", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop after its current batch, and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        revision: int | None = None
        while not self._stop.is_set():
            try:
                revision = self._round(revision)
            except StoreError as exc:
                log.warning("embedding worker: %s; retrying", exc)
                revision = None
            except Exception:
                log.exception("embedding worker failed; retrying")
                revision = None
            self._stop.wait(self.poll_seconds)

    def _round(self, revision: int | None) -> int:
        """One pass: everything (first round, or after the log expired), else what changed since `revision`."""
        store, embedder = self._store(), self._embedder()
        if revision is None:
            revision = store.revision()
            ids: Collection[str] = embeddable_ids(store)
        else:
            try:
                revision, ids = affected_ids(store, revision)
            except ChangesExpired:
                return self._round(None)
        work = stale_work(store, embedder.model, ids)
        self.pending = len(work)
        if work:
            log.info("embedding %s nodes", len(work))
            embed_stale(store, embedder, work, progress=self._progress, stop=self._stop)
        self.pending = 0 if not self._stop.is_set() else self.pending
        return revision

    def _progress(self, done: int, total: int) -> None:
        self.pending = total - done
