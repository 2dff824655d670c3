"""Ranking quality that measures generalisation: leave-one-domain-out, beside two peers run on the same cases.

Relevance is graded (2 = same problem, 1 = related, missing = 0). A query's domain is its
`domain:` when the file gives one, else the connected component of queries that share a
relevant case (queries about the same cases are one domain). For every domain, the mixing
weights and the confidence thresholds are fitted on the queries of all other domains only,
and that fit ranks the held-out domain's queries; the shipped constants (`rank.WEIGHTS`,
`rank.THRESHOLDS`) are reported beside, unchanged.

The peers see the same cases in the same run: plain BM25 (bm25s, lower-casing only, over
title, summary and needs) and dense-only retrieval (the same embedder, the problem against
each case's own vector).

Examples
--------
>>> round(ndcg_at_k(["a", "b", "x"], {"a": 2, "b": 1}, 10), 3)
1.0
>>> round(ndcg_at_k(["x", "b", "a"], {"a": 2, "b": 1}, 10), 3)
0.587
>>> reciprocal_rank(["x", "b"], {"b": 1})
0.5
>>> domains_of([Query("q1", "sv", "", {"a": 2}), Query("q2", "nb", "", {"a": 1, "b": 2}), Query("q3", "da", "", {"c": 2})])
{'q1': 'q1', 'q2': 'q1', 'q3': 'q3'}
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from graph.ranking.documents import CaseDoc
from graph.ranking.rank import THRESHOLDS, WEIGHTS, Thresholds, Weights, mix, read_problem, score_candidates
from graph.ranking.signals import SignalScores
from graph.ranking.source import CaseSource

__all__ = [
    "K",
    "Evaluation",
    "Query",
    "QueryResult",
    "domains_of",
    "evaluate",
    "mean",
    "ndcg_at_k",
    "recall_at_k",
    "reciprocal_rank",
]

K = 10
CROSS_LANGUAGE_K = 5
WEIGHT_GRID = {
    "words": (0.0, 0.15, 0.3, 0.5),
    "concepts": (0.0, 0.1, 0.2, 0.4),
    "graph": (0.0, 0.2),
}
"""The weights tried when fitting on the other domains (semantic and title keep their shipped weights)."""
THRESHOLD_GRID = tuple(round(0.3 + 0.025 * step, 3) for step in range(33))


@dataclass(frozen=True, slots=True)
class Query:
    """A planner-style problem with graded relevant cases and its domain (None: derived)."""

    id: str
    language: str
    problem: str
    relevant: Mapping[str, int]
    domain: str | None = None


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Metrics of one ranking for one query; `cross_language` is None when no relevant case is in another language."""

    query: Query
    ranked: tuple[str, ...]
    ndcg: float
    recall: float
    mrr: float
    cross_language: bool | None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every ranking's results (by name, in query order), each query's domain and the weights fitted per domain."""

    results: Mapping[str, list[QueryResult]]
    domains: Mapping[str, str]
    fitted: Mapping[str, tuple[Weights, Thresholds]]
    confidence: Mapping[str, float]


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


def domains_of(queries: Sequence[Query]) -> dict[str, str]:
    """Each query's domain: its own `domain`, else the first query id of its group of queries sharing relevant cases."""
    parent = {q.id: q.id for q in queries}

    def root(query_id: str) -> str:
        while parent[query_id] != query_id:
            query_id = parent[query_id]
        return query_id

    by_case: dict[str, str] = {}
    for query in queries:
        if query.domain is not None:
            continue
        for case_id, grade in query.relevant.items():
            if grade > 0:
                if case_id in by_case:
                    parent[root(query.id)] = root(by_case[case_id])
                else:
                    by_case[case_id] = query.id
    return {q.id: q.domain if q.domain is not None else root(q.id) for q in queries}


def _result(query: Query, ranked: Sequence[str], languages: Mapping[str, str]) -> QueryResult:
    foreign = {c for c, g in query.relevant.items() if g > 0 and languages.get(c) != query.language}
    cross = bool(foreign & set(ranked[:CROSS_LANGUAGE_K])) if foreign else None
    return QueryResult(
        query, tuple(ranked), ndcg_at_k(ranked, query.relevant), recall_at_k(ranked, query.relevant),
        reciprocal_rank(ranked, query.relevant), cross,
    )


@dataclass(frozen=True, slots=True)
class _Scored:
    query: Query
    ids: tuple[str, ...]
    signals: dict[str, SignalScores]


def _ranked(scored: _Scored, weights: Weights) -> list[str]:
    mixed = mix(scored.signals, weights)
    order = sorted((i for i in range(len(scored.ids)) if mixed[i] > 0), key=lambda i: (-mixed[i], scored.ids[i]))
    return [scored.ids[i] for i in order[:K]]


def _fit_weights(training: Sequence[_Scored]) -> Weights:
    best, best_ndcg = WEIGHTS, -1.0
    names = sorted(WEIGHT_GRID)
    for values in itertools.product(*(WEIGHT_GRID[name] for name in names)):
        weights = Weights(**{**_as_dict(WEIGHTS), **dict(zip(names, values, strict=True))})
        ndcg = statistics.fmean(ndcg_at_k(_ranked(s, weights), s.query.relevant) for s in training)
        if ndcg > best_ndcg + 1e-9:
            best, best_ndcg = weights, ndcg
    return best


def _as_dict(weights: Weights) -> dict[str, float]:
    return {name: getattr(weights, name) for name in Weights.__dataclass_fields__}


def _top_scores(scored: Sequence[_Scored], weights: Weights) -> list[tuple[float, int]]:
    """(mixed score, grade) of every query's top-K cases."""
    pairs = []
    for s in scored:
        mixed = mix(s.signals, weights)
        for i in np.argsort(-mixed, kind="stable")[:K]:
            pairs.append((float(mixed[i]), s.query.relevant.get(s.ids[int(i)], 0)))
    return pairs


def _fit_threshold(pairs: Sequence[tuple[float, int]], grade: int) -> float:
    """The threshold whose "score >= t" best tells cases of at least `grade` (F1)."""
    best, best_f1 = THRESHOLD_GRID[-1], -1.0
    for threshold in THRESHOLD_GRID:
        tp = sum(1 for score, g in pairs if score >= threshold and g >= grade)
        fp = sum(1 for score, g in pairs if score >= threshold and g < grade)
        fn = sum(1 for score, g in pairs if score < threshold and g >= grade)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best


def _confidence_accuracy(pairs: Sequence[tuple[float, int]], thresholds: Thresholds) -> float:
    """Share of top cases whose band agrees with their grade (strong: 2, possible: 1, weak: 0)."""
    if not pairs:
        return 0.0
    band = lambda s: 2 if s >= thresholds.strong else 1 if s >= thresholds.possible else 0  # noqa: E731
    return sum(1 for score, grade in pairs if band(score) == grade) / len(pairs)


def evaluate(source: CaseSource, queries: Sequence[Query], *, bm25: object, languages: Mapping[str, str]) -> Evaluation:
    """Run every query through Behovsgraf (shipped and leave-one-domain-out), BM25 and dense-only."""
    from graph.ranking.peers import bm25_ranking, dense_ranking

    ids = tuple(source.all_case_ids())
    documents = source.documents(ids)
    docs: list[CaseDoc] = [documents[i] for i in ids]
    scored = []
    for query in queries:
        problem = read_problem(query.problem, source)
        scored.append(_Scored(query, ids, score_candidates(problem, docs, source, lang=problem.language)))
    domains = domains_of(queries)
    fitted: dict[str, tuple[Weights, Thresholds]] = {}
    held_out: dict[str, list[str]] = {}
    held_pairs: list[tuple[float, int]] = []
    for domain in sorted(set(domains.values())):
        training = [s for s in scored if domains[s.query.id] != domain]
        weights = _fit_weights(training) if training else WEIGHTS
        pairs = _top_scores(training, weights)
        thresholds = Thresholds(strong=_fit_threshold(pairs, 2), possible=_fit_threshold(pairs, 1))
        fitted[domain] = (weights, thresholds)
        test = [s for s in scored if domains[s.query.id] == domain]
        for s in test:
            held_out[s.query.id] = _ranked(s, weights)
        held_pairs += [(score, grade) for score, grade in _top_scores(test, weights)]
    confidence = {
        "shipped": _confidence_accuracy(_top_scores(scored, WEIGHTS), THRESHOLDS),
        "leave-one-domain-out": statistics.fmean(
            _confidence_accuracy(_top_scores([s for s in scored if domains[s.query.id] == d], w), t)
            for d, (w, t) in fitted.items()
        ),
    }
    results = {
        "behovsgraf (leave-one-domain-out)": [_result(s.query, held_out[s.query.id], languages) for s in scored],
        "behovsgraf (shipped constants)": [_result(s.query, _ranked(s, WEIGHTS), languages) for s in scored],
        "bm25s": [_result(q, bm25_ranking(bm25, q.problem, K), languages) for q in queries],
        "dense-only": [_result(q, dense_ranking(source, q.problem, K), languages) for q in queries],
    }
    return Evaluation(results, domains, fitted, confidence)


def mean(results: Sequence[QueryResult], metric: str) -> float:
    """The mean of one metric (`ndcg`, `recall` or `mrr`) over the results."""
    return statistics.fmean(getattr(result, metric) for result in results) if results else 0.0


def cross_language_rate(results: Sequence[QueryResult]) -> tuple[int, int]:
    """(queries with a relevant case of another language in the top 5, queries that have one)."""
    judged = [r.cross_language for r in results if r.cross_language is not None]
    return sum(judged), len(judged)
