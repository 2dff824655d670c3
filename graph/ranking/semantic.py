"""Semantic signal: how close in meaning the case is to the problem, in any language, sentence by sentence.

A multilingual model places texts of one language near each other whatever they say, so a
Norwegian problem drifts towards Norwegian cases. Every vector is first moved by the centre of
its language (`source.language_centres`: the mean case vector of that language) and
renormalised, which leaves what a text is about.

The score is the mean of three similarities: the whole problem with the case's own text (title
and summary), the whole problem with the case's best passage (a sentence of the summary, or a
need), and, for each sentence of the problem, its best passage, averaged over the sentences (a
case that answers every part of the problem beats one that repeats one part). The best sentence
pair is kept as the main reason: the quoted case sentence and the part of the problem it matched.

Centred similarities of unrelated texts sit near 0.1 and of the same problem near 0.5;
`SIMILARITY_FLOOR` and `SIMILARITY_CEILING` stretch that band to 0..1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from graph.ranking.documents import CaseDoc
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason, ReasonKind
from graph.ranking.signals import SignalScores
from graph.ranking.source import ALL_LANGUAGES, CaseSource

__all__ = ["SIMILARITY_CEILING", "SIMILARITY_FLOOR", "SemanticSignal", "centred", "stretch"]

SIMILARITY_FLOOR = 0.05
SIMILARITY_CEILING = 0.55

Matrix = npt.NDArray[np.float32]


def stretch(similarity: float | np.ndarray) -> float | np.ndarray:
    """A centred cosine similarity on the 0..1 scale of the signals."""
    return np.clip((similarity - SIMILARITY_FLOOR) / (SIMILARITY_CEILING - SIMILARITY_FLOOR), 0.0, 1.0)


def centred(rows: Matrix, language: str | None, centres: Mapping[str, Matrix]) -> Matrix:
    """Unit rows moved by the centre of `language` (the centre of every case when the language has none)."""
    centre = centres.get(language or ALL_LANGUAGES, centres.get(ALL_LANGUAGES))
    moved = rows if centre is None else rows - centre
    norms = np.linalg.norm(moved, axis=-1, keepdims=True)
    return moved / np.where(norms > 0, norms, 1.0)


class SemanticSignal:
    """Language-centred similarity of the whole problem and of its sentences to the case's passages."""

    name = "semantic"

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """Scores and the best sentence pair of each embedded case (cases not yet embedded score 0)."""
        centres = source.centres()
        query = centred(problem.vectors, problem.language, centres)
        whole = query[0]
        sentences = query[1:] if len(query) > 1 else query
        values = np.zeros(len(docs))
        reasons: list[tuple[Reason, ...]] = []
        for position, doc in enumerate(docs):
            if doc.vectors is None or len(doc.vectors) < 2:
                reasons.append(())
                continue
            language = doc.case.props.get("language")
            rows = centred(doc.vectors, language if isinstance(language, str) else None, centres)
            pairs = sentences @ rows[1:].T
            parts = (float(rows[0] @ whole), float((rows @ whole).max()), float(pairs.max(axis=1).mean()))
            values[position] = float(stretch(sum(parts) / len(parts)))
            sentence, passage = np.unravel_index(int(np.argmax(pairs)), pairs.shape)
            part = problem.sentences[int(sentence)] if len(query) > 1 else problem.text.strip()
            reasons.append(
                (
                    Reason(
                        ReasonKind.SENTENCE,
                        doc.passages[int(passage)].text,
                        round(float(stretch(float(pairs[sentence, passage]))), 4),
                        problem_part=part,
                    ),
                ),
            )
        return SignalScores(values, tuple(reasons))
