"""Fixtures for the search index tests: a small deterministic embedder and stores holding the samples."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from graph.store import GraphStore
from ingest.run import ingest_paths
from tests.conftest import ROOT

SAMPLES = ROOT / "data" / "samples"


class WordHashEmbedder:
    """Bag-of-words vectors (each folded word hashed to a dimension), unit length; counts its calls.

    A stand-in for the real model where a test checks plumbing, not meaning: texts that share
    words get similar vectors, and every run gives the same vectors.
    """

    dimension = 64

    def __init__(self, model: str = "test/word-hash-64") -> None:
        self.model = model
        self.passages_embedded = 0

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                rows[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
            rows[row, 0] += 1e-3
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self._embed(texts)


@pytest.fixture
def embedder() -> WordHashEmbedder:
    return WordHashEmbedder()


def load_samples(store: GraphStore, paths: Sequence[Path] = (SAMPLES,)) -> None:
    """Ingest the sample cases (or other files) into `store`, failing on any rejection."""
    report = ingest_paths(store, list(paths))
    assert report.written and not report.problems, report.problems
