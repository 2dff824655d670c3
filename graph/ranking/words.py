"""Word signal: how much of the problem's rare vocabulary the case uses.

A problem word weighs its background rarity (`language.rarity`, from wordfreq), so common
words ("tid", "gjøre", "ring") weigh nothing and a case scores by the share of the problem's
weight it covers. Both sides are lemmatised and folded in their own language. Weights come
from background frequencies, not from the stored cases, so every backend scores alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from graph.ranking.documents import CaseDoc, derived
from graph.ranking.language import Term, terms
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason, ReasonKind
from graph.ranking.signals import SignalScores
from graph.ranking.source import CaseSource

__all__ = ["REASON_WORDS", "REASON_WORD_WEIGHT", "WordSignal", "case_terms", "weighted"]

REASON_WORD_WEIGHT = 1.0
"""Only words at least this rare (Zipf 4 or less) are named in a reason."""
REASON_WORDS = 6

def weighted(found: Iterable[Term]) -> dict[str, Term]:
    """The heaviest term of each key."""
    best: dict[str, Term] = {}
    for term in found:
        if term.key not in best or term.weight > best[term.key].weight:
            best[term.key] = term
    return best


def case_terms(doc: CaseDoc) -> frozenset[str]:
    """The folded lemmas of a case's passages and linked concept labels, in the case's language."""
    return derived("lemmas", doc, _case_terms)


def _case_terms(doc: CaseDoc) -> frozenset[str]:
    language = doc.case.props.get("language")
    text = "\n".join([*(p.text for p in doc.passages), *(link.node.label for link in doc.links)])
    return frozenset(term.key for term in terms(text, language if isinstance(language, str) else None))


class WordSignal:
    """The share of the problem's word weight that a case covers."""

    name = "words"

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """Coverage per case and the rare problem words it shares, as the planner wrote them."""
        wanted = weighted(problem.terms)
        total = sum(term.weight for term in wanted.values())
        if total <= 0:
            return SignalScores.empty(len(docs))
        items = list(wanted.items())
        covered = [sum(term.weight for key, term in items if key in have) for have in map(case_terms, docs)]
        values = np.array(covered, dtype=np.float64) / total

        def explain(position: int) -> tuple[Reason, ...]:
            have = case_terms(docs[position])
            shared = [term for key, term in wanted.items() if key in have and term.weight >= REASON_WORD_WEIGHT]
            named = sorted(shared, key=lambda t: (-t.weight, t.key))
            label = ", ".join(t.word for t in named[:REASON_WORDS])
            return (Reason(ReasonKind.WORDS, label, round(float(values[position]), 4)),) if label else ()

        return SignalScores(values, explain)
