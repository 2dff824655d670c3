"""Ranking quality: NDCG@10, recall@10 and MRR of the ranking and of a plain BM25 baseline.

Relevance is graded (2 = same problem, 1 = related, missing = 0). The baseline
is BM25 over each case's title and summary with lower-casing only: no stemming,
no folding, no stop words, no concepts, no graph — what a plain search box gives.

Examples
--------
>>> round(ndcg_at_k(["a", "b", "x"], {"a": 2, "b": 1}, 10), 3)
1.0
>>> round(ndcg_at_k(["x", "b", "a"], {"a": 2, "b": 1}, 10), 3)
0.587
>>> reciprocal_rank(["x", "b"], {"b": 1})
0.5
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.algorithms.bm25 import Bm25, top_positions
from graph.algorithms.ranking import prior_work
from graph.model import NodeType
from graph.store import GraphStore

__all__ = [
    "K",
    "Query",
    "QueryResult",
    "baseline_ranking",
    "evaluate",
    "mean",
    "ndcg_at_k",
    "recall_at_k",
    "reciprocal_rank",
]

K = 10


@dataclass(frozen=True, slots=True)
class Query:
    """A planner-style problem with graded relevant cases."""

    id: str
    language: str
    problem: str
    relevant: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Metrics of one ranking for one query."""

    query: Query
    ranked: tuple[str, ...]
    ndcg: float
    recall: float
    mrr: float


def ndcg_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = K) -> float:
    """Normalised discounted cumulative gain at k, with gain 2^grade - 1."""
    gains = [2 ** relevant.get(case_id, 0) - 1 for case_id in ranked[:k]]
    dcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))
    ideal = sorted((2**grade - 1 for grade in relevant.values()), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = K) -> float:
    """Share of the relevant cases (grade > 0) found in the top k."""
    wanted = {case_id for case_id, grade in relevant.items() if grade > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Mapping[str, int]) -> float:
    """1 / rank of the first relevant case (0 when none is ranked)."""
    for rank, case_id in enumerate(ranked, start=1):
        if relevant.get(case_id, 0) > 0:
            return 1 / rank
    return 0.0


def _plain_terms(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def baseline_ranking(store: GraphStore, problem: str, k: int = K) -> list[str]:
    """Plain BM25 over title and summary (the yardstick the ranking must beat)."""
    index = Bm25()
    for case in store.find(NodeType.CASE):
        index.add(case.id, _plain_terms(f"{case.label} {case.props.get('summary', '')}"))
    index.freeze()
    return [index.ids[position] for position in top_positions(index.scores(_plain_terms(problem)), k)]


def _result(query: Query, ranked: Sequence[str]) -> QueryResult:
    return QueryResult(
        query,
        tuple(ranked),
        ndcg_at_k(ranked, query.relevant),
        recall_at_k(ranked, query.relevant),
        reciprocal_rank(ranked, query.relevant),
    )


def evaluate(store: GraphStore, queries: Sequence[Query]) -> tuple[list[QueryResult], list[QueryResult]]:
    """Run every query through the ranking and the baseline; results in query order."""
    ranking = [_result(q, [hit.case.id for hit in prior_work(store, q.problem, top=K)]) for q in queries]
    baseline = [_result(q, baseline_ranking(store, q.problem)) for q in queries]
    return ranking, baseline


def mean(results: Sequence[QueryResult], metric: str) -> float:
    """The mean of one metric (`ndcg`, `recall` or `mrr`) over the results."""
    return statistics.fmean(getattr(result, metric) for result in results) if results else 0.0
