"""Embedding after the graph write: which nodes lack fresh vectors, embedding them in batches, and a worker thread.

Cases, needs and vocabulary concepts are embedded (`graph.ranking.texts` says what);
a node whose stored vectors carry the hash of its current text under the model is
skipped, so nothing is embedded twice for the same text and model. Each batch is
stored with one `put_vectors` as soon as it is embedded, so a case becomes findable by
meaning batch by batch, and an interrupted run loses at most one batch.

`EmbeddingWorker` runs this in the server's background: a first pass over every node,
then whatever the change feed reports; after each pass it stores the inferred concept
links of the cases the pass may have changed (`graph.ranking.inferred`), as `embed_all`
does for every case. `behovsgraf ingest` runs `embed_stale` over what
it wrote, with a progress bar; `behovsgraf reindex` over everything (after a model change).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.changes import ChangeSet, ChangesExpired
from graph.errors import StoreError
from graph.model import Direction, Node, NodeType, RelType
from graph.ranking.embedding import Embedder
from graph.ranking.documents import passages_hash
from graph.ranking.inferred import cases_to_refresh, refresh_inferred_links
from graph.ranking.source import CONCEPT_TYPES, is_vocabulary, query_model
from graph.ranking.texts import case_texts, concept_texts, need_text
from graph.store import GraphStore
from graph.vectors import StoredVectors, Vector

__all__ = ["BATCH", "RECENT_TEXTS", "EmbeddingWorker", "Work", "embed_all", "embed_stale", "embeddable_ids", "stale_work"]

log = logging.getLogger(__name__)

BATCH = 16
"""Texts embedded per call (and nodes' vectors stored per write: those whose texts are in the batch)."""
_CHUNK = 500
"""Nodes checked for staleness per round of store reads."""
RECENT_TEXTS = 20_000
"""Vectors of this many recently embedded texts are kept per process, so a text loaded into several
stores (the vocabulary, a re-imported file) goes through the model once."""

_RECENT: OrderedDict[tuple[str, bool, str], Vector] = OrderedDict()
_RECENT_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Work:
    """One node to embed: the hash of its texts and the texts (row 0 first); free-text concepts as queries."""

    node_id: str
    text_hash: str
    texts: tuple[str, ...]
    as_query: bool = False


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def embeddable_ids(store: GraphStore) -> list[str]:
    """Every case, need and concept id (vocabulary and free text), cases first."""
    ids = [node.id for node in store.find(NodeType.CASE)]
    ids += [node.id for node in store.find(NodeType.NEED)]
    ids += [node.id for node_type in CONCEPT_TYPES for node in store.find(node_type)]
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
        stored_queries = store.vectors(query_model(model), list(nodes))
        for node in nodes.values():
            if node.type in CONCEPT_TYPES and not is_vocabulary(node):
                text_hash = passages_hash(node.label, ())
                if node.id not in stored_queries or stored_queries[node.id].text_hash != text_hash:
                    work.append(Work(node.id, text_hash, (node.label,), as_query=True))
                continue
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
    return change.revision, _affected(store, change)


def _affected(store: GraphStore, change: ChangeSet) -> set[str]:
    ids = set(change.nodes_changed)
    ids.update(key[0] for key in change.edges_added | change.edges_removed if key[1] == RelType.ADDRESSES.value)
    needs = [node.id for node in store.get_many(sorted(change.nodes_changed)).values() if node.type is NodeType.NEED]
    for edges in store.edges_of_many(needs, rel=RelType.ADDRESSES, direction=Direction.IN).values():
        ids.update(edge.source for edge in edges)
    return ids - change.nodes_removed


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
    present = store.get_many([item.node_id for item in batch])
    done = 0
    for as_query in (False, True):
        items = [item for item in batch if item.as_query is as_query and item.node_id in present]
        if not items:
            continue
        rows = _embed_texts(embedder, [text for item in items for text in item.texts], as_query=as_query)
        vectors: dict[str, StoredVectors] = {}
        start = 0
        for item in items:
            vectors[item.node_id] = StoredVectors(item.text_hash, np.ascontiguousarray(rows[start : start + len(item.texts)]))
            start += len(item.texts)
        store.put_vectors(query_model(embedder.model) if as_query else embedder.model, vectors)
        done += len(vectors)
    return done


def _embed_texts(embedder: Embedder, texts: Sequence[str], *, as_query: bool) -> npt.NDArray[np.float32]:
    """One row per text; texts embedded recently by this process are not sent through the model again."""
    keys = [(embedder.model, as_query, text) for text in texts]
    with _RECENT_LOCK:
        known = {key: _RECENT[key] for key in keys if key in _RECENT}
    todo = list(dict.fromkeys(key for key in keys if key not in known))
    if todo:
        batch = [text for _, _, text in todo]
        fresh = embedder.embed_queries(batch) if as_query else embedder.embed_passages(batch)
        known.update(zip(todo, fresh, strict=True))
        with _RECENT_LOCK:
            _RECENT.update(zip(todo, fresh, strict=True))
            while len(_RECENT) > RECENT_TEXTS:
                _RECENT.popitem(last=False)
    return np.stack([known[key] for key in keys]).astype(np.float32, copy=False)


def embed_all(
    store: GraphStore, embedder: Embedder, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Embed every case, need and concept of the store whose vectors are missing or stale, then store every case's
    inferred concept links under the model (`graph.ranking.inferred`); how many nodes' vectors were stored."""
    done = embed_stale(store, embedder, stale_work(store, embedder.model, embeddable_ids(store)), progress=progress)
    refresh_inferred_links(store, embedder)
    return done


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
        """One pass: everything (first round, or after the log expired), else what changed since `revision`.

        After the embedding, the inferred links of the cases the change may have altered are refreshed
        (of every case in a first pass): they depend on the vectors just written.
        """
        store, embedder = self._store(), self._embedder()
        cases: set[str] | None
        if revision is None:
            revision = store.revision()
            ids: Collection[str] = embeddable_ids(store)
            cases = None
        else:
            try:
                change = store.changes(revision)
            except ChangesExpired:
                return self._round(None)
            if change.revision == revision:
                return revision
            revision, ids, cases = change.revision, _affected(store, change), cases_to_refresh(store, change)
        work = stale_work(store, embedder.model, ids)
        self.pending = len(work)
        if work:
            log.info("embedding %s nodes", len(work))
            embed_stale(store, embedder, work, progress=self._progress, stop=self._stop)
        if self._stop.is_set():
            return revision
        if cases is None or cases:
            refresh_inferred_links(store, embedder, cases)
        self.pending = 0
        return revision

    def _progress(self, done: int, total: int) -> None:
        self.pending = total - done
