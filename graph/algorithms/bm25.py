"""A small in-memory BM25 index over analysed terms (Robertson/Sparck Jones, k1 and b as usual).

Examples
--------
>>> index = Bm25()
>>> index.add("a", ["elev", "frafall", "frafall"])
>>> index.add("b", ["familiehjem"])
>>> sorted(index.scores(["frafall"]))
['a']
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

__all__ = ["Bm25"]


class Bm25:
    """Postings from term to (document, term frequency), and the scores BM25 gives a query."""

    def __init__(self, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        self.lengths: dict[str, int] = {}
        self._total_length = 0

    def __len__(self) -> int:
        return len(self.lengths)

    def add(self, doc_id: str, terms: Iterable[str]) -> None:
        """Index a document's terms (a document is added once)."""
        counts = Counter(terms)
        length = sum(counts.values())
        self.lengths[doc_id] = length
        self._total_length += length
        for term, count in counts.items():
            self.postings[term][doc_id] = count

    def idf(self, term: str) -> float:
        """Inverse document frequency (never negative)."""
        df = len(self.postings.get(term, ()))
        return math.log(1 + (len(self.lengths) - df + 0.5) / (df + 0.5)) if df else 0.0

    def scores(self, query: Iterable[str], *, within: set[str] | None = None) -> dict[str, float]:
        """BM25 score of every document sharing a term with the query (optionally only `within`)."""
        if not self.lengths:
            return {}
        average = self._total_length / len(self.lengths) or 1.0
        scores: dict[str, float] = defaultdict(float)
        for term in set(query):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = self.idf(term)
            for doc_id, tf in postings.items():
                if within is not None and doc_id not in within:
                    continue
                norm = self.k1 * (1 - self.b + self.b * self.lengths[doc_id] / average)
                scores[doc_id] += idf * tf * (self.k1 + 1) / (tf + norm)
        return dict(scores)

    def matched(self, query: Iterable[str], doc_id: str) -> list[str]:
        """The query terms that occur in the document, rarest first."""
        found = {term for term in query if doc_id in self.postings.get(term, {})}
        return sorted(found, key=lambda term: (-self.idf(term), term))
