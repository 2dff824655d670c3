"""Word signal: how much of the problem's rare vocabulary the case uses.

A problem word weighs its background rarity (`language.rarity`, from wordfreq), so common
words ("tid", "gjøre", "ring") weigh nothing and a case scores by the share of the problem's
weight it covers. Both sides are lemmatised and folded in their own language. Weights come
from background frequencies, not from the stored cases, so every backend scores alike.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np

from graph.ranking.documents import CaseDoc
from graph.ranking.language import Term, terms
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason, ReasonKind
from graph.ranking.signals import SignalScores
from graph.ranking.source import CaseSource

__all__ = ["REASON_WORDS", "REASON_WORD_WEIGHT", "WordSignal", "case_terms", "weighted"]

REASON_WORD_WEIGHT = 1.0
"""Only words at least this rare (Zipf 4 or less) are named in a reason."""
REASON_WORDS = 6

_TERMS: dict[tuple[str, str], frozenset[str]] = {}
_TERMS_LOCK = threading.Lock()


def weighted(found: Iterable[Term]) -> dict[str, Term]:
    """The heaviest term of each key."""
    best: dict[str, Term] = {}
    for term in found:
        if term.key not in best or term.weight > best[term.key].weight:
            best[term.key] = term
    return best


def case_terms(doc: CaseDoc) -> frozenset[str]:
    """The folded lemmas of a case's passages and linked concept labels, in the case's language."""
    language = doc.case.props.get("language")
    lang = language if isinstance(language, str) else None
    text = "\n".join([*(p.text for p in doc.passages), *(link.node.label for link in doc.links)])
    key = (doc.id, text)
    with _TERMS_LOCK:
        found = _TERMS.get(key)
    if found is None:
        found = frozenset(term.key for term in terms(text, lang))
        with _TERMS_LOCK:
            _TERMS[key] = found
    return found


class WordSignal:
    """The share of the problem's word weight that a case covers."""

    name = "words"

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """Coverage per case and the rare problem words it shares, as the planner wrote them."""
        wanted = weighted(problem.terms)
        total = sum(term.weight for term in wanted.values())
        if total <= 0:
            return SignalScores.empty(len(docs))
        values = np.zeros(len(docs))
        reasons: list[tuple[Reason, ...]] = []
        for position, doc in enumerate(docs):
            have = case_terms(doc)
            shared = [term for key, term in wanted.items() if key in have]
            covered = sum(term.weight for term in shared) / total
            values[position] = covered
            named = sorted((t for t in shared if t.weight >= REASON_WORD_WEIGHT), key=lambda t: (-t.weight, t.key))
            label = ", ".join(t.word for t in named[:REASON_WORDS])
            reasons.append((Reason(ReasonKind.WORDS, label, round(covered, 4)),) if label else ())
        return SignalScores(values, tuple(reasons))
