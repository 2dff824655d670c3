"""The server's search readiness and its embedding worker.

At start the search is warmed in a background thread: the embedder and both language
detectors are loaded and the store's case source built (vocabulary catalogue, case facets,
language centres, change-feed position), and one query answered, so `/readyz` says ready
only once queries, case lists and watch matches can be answered. Right after that every
language's lemmatiser and word frequencies are loaded (until then a query holding a word
that no process has read before, see `graph.ranking.lexicon`, waits about a second for its
language's dictionary). What is alive then (the store's graph, the indexes, the models)
is moved out of the garbage collector's reach (`gc.freeze`): a full collection walks every
live object while holding the GIL, and at 10,000 cases one took 80-90 ms, stalling every
request meanwhile. Then the store reads the rest of its graph beside the requests
(`GraphStore.preload`: the server opens it lazily), and, unless turned off, the embedding worker keeps case,
need and concept vectors fresh after every write. On stop the case facets are kept in the
store (`CaseSource.keep_facets`), so the next start reads them instead of every case.
"""

from __future__ import annotations

import gc
import logging
import threading

from api.deps import StoreProvider
from graph.errors import StoreError
from graph.ranking import prior_work
from graph.ranking.embedding import default_embedder
from graph.ranking.language import warm_detectors, warm_languages
from graph.ranking.source import source_for
from graph.ranking.worker import EmbeddingWorker

__all__ = ["Search"]

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
WARM_UP_PROBLEM = "Elever som byter skola behöver stöd"
"""Answered once at start, so that the language models and indexes are loaded before /readyz says ready."""


class Search:
    """Warms the search once, then runs the embedding worker (when `embed_in_background`)."""

    def __init__(self, stores: StoreProvider, *, embed_in_background: bool) -> None:
        self._stores = stores
        self._embed_in_background = embed_in_background
        self._ready = threading.Event()
        self._read_ahead_done = threading.Event()
        self._warming = threading.Lock()
        self._stop = threading.Event()
        self._worker: EmbeddingWorker | None = None
        self._thread = threading.Thread(target=self._warm, name="search-warm-up", daemon=True)

    @property
    def is_ready(self) -> bool:
        """Whether the embedder is loaded and the store's source built."""
        return self._ready.is_set()

    @property
    def is_read_ahead(self) -> bool:
        """Whether the languages and the rest of the store have been read after ready (or tried and failed)."""
        return self._read_ahead_done.is_set()

    @property
    def embeddings_pending(self) -> int | None:
        """Nodes waiting for vectors (None while not counted yet or without a worker)."""
        return self._worker.pending if self._worker is not None else None

    @property
    def model(self) -> str:
        """The embedding model's name."""
        return default_embedder().model

    def start(self) -> None:
        """Warm up in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop warming and the worker, then keep the case facets in the store for the next start."""
        self._stop.set()
        if self._worker is not None:
            self._worker.stop()
        if self._thread.is_alive():
            self._thread.join(10)
        if self._ready.is_set():
            try:
                source_for(self._stores.get(), default_embedder()).keep_facets()
            except StoreError as exc:
                log.warning("the case facets were not kept: %s", exc)

    def ensure_ready(self) -> bool:
        """Warm up now unless done or under way (detectors and embedder loaded, source and facets built, one query
        answered); whether ready."""
        if self._ready.is_set():
            return True
        if not self._warming.acquire(blocking=False):
            return False  # another thread is warming up: not ready yet, and nobody waits for it
        try:
            if not self._ready.is_set():
                store = self._stores.get()
                warm_detectors()
                source = source_for(store, default_embedder())
                source.facets()
                prior_work(store, WARM_UP_PROBLEM, top=1)
                gc.freeze()
                self._ready.set()
                log.info("search ready; %s objects kept out of the garbage collector's walks", gc.get_freeze_count())
        except StoreError as exc:
            log.warning("search warm-up: %s; retrying", exc)
            return False
        finally:
            self._warming.release()
        return True

    def _read_ahead(self) -> None:
        """Load the languages and read the rest of the store beside the requests (so writes need not), then
        keep all of it out of the garbage collector's walks too."""
        warm_languages()
        try:
            self._stores.get().preload()
        except StoreError as exc:
            log.warning("the store was not read ahead (%s); the first write reads it", exc)
        gc.freeze()
        self._read_ahead_done.set()

    def _warm(self) -> None:
        while not self._stop.is_set() and not self.ensure_ready():
            self._stop.wait(RETRY_SECONDS)
        if not self._stop.is_set():
            self._read_ahead()
        if self._embed_in_background and not self._stop.is_set():
            self._worker = EmbeddingWorker(self._stores.get, default_embedder)
            self._worker.start()
