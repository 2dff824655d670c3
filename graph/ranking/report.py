"""The evaluation as tables (for the terminal and docs/): per set, per query, fitted weights, confidence."""

from __future__ import annotations

from collections import defaultdict

from graph.ranking.evaluation import Evaluation, QueryResult, cross_language_rate, mean

__all__ = ["evaluation_tables"]

Table = tuple[str, tuple[str, ...], list[tuple[str, ...]]]


def _set_of(query_id: str) -> str:
    return query_id.rsplit("-", 1)[0]


def _cells(results: list[QueryResult]) -> tuple[str, ...]:
    hits, judged = cross_language_rate(results)
    cross = f"{hits}/{judged} ({hits / judged:.0%})" if judged else "-"
    return (f"{mean(results, 'ndcg'):.3f}", f"{mean(results, 'recall'):.3f}", f"{mean(results, 'mrr'):.3f}", cross)


def evaluation_tables(evaluation: Evaluation) -> list[Table]:
    """Per set and overall for every ranking, then per query, then the weights fitted for each held-out domain."""
    names = list(evaluation.results)
    first = evaluation.results[names[0]]
    sets: dict[str, list[int]] = defaultdict(list)
    for position, result in enumerate(first):
        sets[_set_of(result.query.id)].append(position)
    overall: list[tuple[str, ...]] = []
    for name in names:
        results = evaluation.results[name]
        for label, positions in [*sorted(sets.items()), ("all", list(range(len(results))))]:
            overall.append((name, label, str(len(positions)), *_cells([results[p] for p in positions])))
    summary = ("ranking", "set", "queries", "NDCG@10", "recall@10", "MRR", "cross-language hit@5")
    ours = evaluation.results[names[0]]
    ratio_rows = [
        (peer, f"{mean(ours, 'ndcg') / mean(evaluation.results[peer], 'ndcg'):.2f}x")
        for peer in names[1:]
        if mean(evaluation.results[peer], "ndcg")
    ]
    per_query_header = ("query", "domain", "lang", *(f"{name} NDCG@10" for name in names), "cross-language hit@5")
    per_query = []
    for position, result in enumerate(first):
        cross = "-" if result.cross_language is None else ("yes" if result.cross_language else "NO")
        per_query.append(
            (
                result.query.id,
                evaluation.domains[result.query.id],
                result.query.language,
                *(f"{evaluation.results[name][position].ndcg:.3f}" for name in names),
                cross,
            )
        )
    fitted = [
        (domain, f"{w.words:g}", f"{w.concepts:g}", f"{w.graph:g}", f"{t.strong:g}", f"{t.possible:g}")
        for domain, (w, t) in sorted(evaluation.fitted.items())
    ]
    confidence = [(name, f"{value:.2f}") for name, value in evaluation.confidence.items()]
    return [
        ("Per set", summary, overall),
        (f"NDCG@10 of {names[0]} over each peer", ("peer", "ratio"), ratio_rows),
        ("Per query", per_query_header, per_query),
        (
            "Fitted on the other domains, for each held-out domain",
            ("held-out domain", "words", "concepts", "graph", "strong >=", "possible >="),
            fitted,
        ),
        ("Confidence band agrees with the grade (top 10 of every query)", ("thresholds", "share"), confidence),
    ]
