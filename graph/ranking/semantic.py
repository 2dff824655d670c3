"""Semantic signal: how close in meaning the case's sentences are to the problem's, in any language.

Each problem sentence is compared with every passage of the case (title, summary sentences,
needs); a sentence's evidence is its best passage. The score mixes the whole texts' similarity
with the mean of the best sentence pairs, so a case that answers every part of the problem beats
one that repeats a single part. The best pair is kept as the main reason: the quoted case
sentence and the part of the problem it matched.

Cosine similarities of e5 models sit in a narrow band (unrelated texts about 0.75, paraphrases
above 0.9); `SIMILARITY_FLOOR` and `SIMILARITY_CEILING` stretch that band to 0..1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graph.ranking.documents import CaseDoc
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason, ReasonKind
from graph.ranking.signals import SignalScores
from graph.ranking.source import CaseSource

__all__ = ["SIMILARITY_CEILING", "SIMILARITY_FLOOR", "WHOLE_TEXT_SHARE", "SemanticSignal", "stretch"]

SIMILARITY_FLOOR = 0.75
SIMILARITY_CEILING = 0.95
WHOLE_TEXT_SHARE = 0.5
"""The share of the whole-text similarity in the score (the rest: the mean best sentence pair)."""


def stretch(similarity: float | np.ndarray) -> float | np.ndarray:
    """A cosine similarity on the 0..1 scale of the signals."""
    return np.clip((similarity - SIMILARITY_FLOOR) / (SIMILARITY_CEILING - SIMILARITY_FLOOR), 0.0, 1.0)


class SemanticSignal:
    """Best sentence pairs between the problem and each case, by embedding similarity."""

    name = "semantic"

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """Scores and the best sentence pair of each embedded case (cases not yet embedded score 0)."""
        values = np.zeros(len(docs))
        reasons: list[tuple[Reason, ...]] = []
        sentences = problem.vectors[1:] if len(problem.vectors) > 1 else problem.vectors
        for position, doc in enumerate(docs):
            if doc.vectors is None or len(doc.vectors) < 2:
                reasons.append(())
                continue
            pairs = sentences @ doc.vectors[1:].T
            best = pairs.max(axis=1)
            whole = float(problem.vector @ doc.vectors[0])
            values[position] = float(stretch(WHOLE_TEXT_SHARE * whole + (1 - WHOLE_TEXT_SHARE) * float(best.mean())))
            sentence, passage = np.unravel_index(int(np.argmax(pairs)), pairs.shape)
            part = problem.sentences[int(sentence)] if len(problem.vectors) > 1 else problem.text
            reasons.append(
                (
                    Reason(
                        ReasonKind.SENTENCE,
                        doc.passages[int(passage)].text,
                        round(float(stretch(float(pairs[sentence, passage]))), 4),
                        problem_part=part,
                    ),
                )
            )
        return SignalScores(values, tuple(reasons))
