"""Title signal: the problem is (nearly) a case's own title — known-item search.

Precision times recall of the title's words in the problem, each word weighing its rarity plus
`TITLE_WORD_FLOOR` (so a title of common words still matches itself). A case's exact title
scores 1, and a longer problem that merely contains the title scores little.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graph.ranking.documents import CaseDoc, derived
from graph.ranking.language import terms
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason, ReasonKind
from graph.ranking.signals import SignalScores
from graph.ranking.source import CaseSource
from graph.ranking.words import weighted

__all__ = ["TITLE_REASON", "TITLE_WORD_FLOOR", "TitleSignal"]

TITLE_WORD_FLOOR = 0.1
TITLE_REASON = 0.8
"""A title at least this close is named as a reason."""


def _title_weights(doc: CaseDoc) -> dict[str, float]:
    """Each folded lemma of the case's title with its rarity plus `TITLE_WORD_FLOOR`."""
    language = doc.case.props.get("language")
    found = weighted(terms(doc.case.label, language if isinstance(language, str) else None))
    return {key: term.weight + TITLE_WORD_FLOOR for key, term in found.items()}


class TitleSignal:
    """How exactly the problem repeats a case's title."""

    name = "title"

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """Precision x recall of title words per case."""
        asked = {key: term.weight + TITLE_WORD_FLOOR for key, term in weighted(problem.terms).items()}
        asked_total = sum(asked.values())
        values = np.zeros(len(docs))
        for position, doc in enumerate(docs):
            title = derived("title", doc, _title_weights)
            shared = sum(weight for key, weight in title.items() if key in asked)
            title_total = sum(title.values())
            values[position] = (shared / title_total) * (shared / asked_total) if title_total and asked_total else 0.0

        def explain(position: int) -> tuple[Reason, ...]:
            value = float(values[position])
            return (Reason(ReasonKind.TITLE, docs[position].case.label, round(value, 4)),) if value >= TITLE_REASON else ()

        return SignalScores(values, explain)
