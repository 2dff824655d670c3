"""The two peers the evaluation compares with, on the same cases: plain BM25 (bm25s) and dense-only retrieval."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np

from graph.ranking.documents import CaseDoc
from graph.ranking.source import CaseSource

__all__ = ["Bm25Peer", "bm25_index", "bm25_ranking", "dense_ranking"]


class Bm25Peer:
    """bm25s over each case's title, summary and needs, lower-cased, no stemming, no stop words."""

    def __init__(self, docs: Sequence[CaseDoc]) -> None:
        self.ids = [doc.id for doc in docs]
        corpus = [" ".join(p.text for p in doc.passages) for doc in docs]
        self.index = bm25s.BM25()
        self.index.index(bm25s.tokenize(corpus, stopwords=None, show_progress=False), show_progress=False)


def bm25_index(source: CaseSource) -> Bm25Peer:
    """The BM25 peer over every case of the source."""
    ids = source.all_case_ids()
    documents = source.documents(ids)
    return Bm25Peer([documents[i] for i in ids])


def bm25_ranking(peer: object, problem: str, k: int) -> list[str]:
    """The peer's top k case ids for the problem."""
    assert isinstance(peer, Bm25Peer)
    tokens = bm25s.tokenize([problem], stopwords=None, show_progress=False, return_ids=False)[0]
    scores = peer.index.get_scores(tokens)
    order = sorted((i for i in range(len(scores)) if scores[i] > 0), key=lambda i: (-scores[i], peer.ids[i]))
    return [peer.ids[i] for i in order[:k]]


def dense_ranking(source: CaseSource, problem: str, k: int) -> list[str]:
    """Top k cases by the cosine of the problem's vector and each case's own vector (title and summary)."""
    ids = source.all_case_ids()
    documents = source.documents(ids)
    own = np.stack([documents[i].vectors[0] for i in ids])  # type: ignore[index]
    query = source.embedder.embed_queries([problem])[0]
    scores = own @ query
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    return [ids[i] for i in order[:k]]
