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


def _centred_similarities(
    docs: Sequence[CaseDoc], embedded: list[int], query: Matrix, centres: Mapping[str, Matrix]
) -> tuple[Matrix, npt.NDArray[np.int64]]:
    """Centred cosine similarities of every row of the embedded docs with every (centred) query row.

    All rows are stacked into one matrix, so a query is one product however many candidates it
    has: a row `v` of a doc in a language with centre `c` moved and renormalised is `(v - c) / |v - c|`,
    so its similarity with `q` is `(v @ q - c @ q) / |v - c|`, where `|v - c|^2 = v @ v - 2 v @ c + c @ c`.
    Returns the similarities (one row per doc row) and where each doc's rows start (and the end).
    """
    stacked = [docs[position].vectors for position in embedded]
    starts = np.cumsum([0, *(len(rows) for rows in stacked)])  # type: ignore[arg-type]
    rows = np.concatenate(stacked).astype(np.float32, copy=False)  # type: ignore[arg-type]
    languages = [docs[position].case.props.get("language") for position in embedded]
    keys = [language if isinstance(language, str) and language in centres else ALL_LANGUAGES for language in languages]
    shift = np.zeros((len(keys), rows.shape[1]), dtype=np.float32)
    for key in set(keys):
        if key in centres:
            shift[[index for index, found in enumerate(keys) if found == key]] = centres[key]
    per_row = np.repeat(shift, np.diff(starts), axis=0)
    norms = np.sqrt(np.maximum(
        np.einsum("ij,ij->i", rows, rows) - 2 * np.einsum("ij,ij->i", rows, per_row) + np.einsum("ij,ij->i", per_row, per_row),
        0.0,
    ))
    similarities = (rows @ query.T - per_row @ query.T) / np.where(norms > 0, norms, 1.0)[:, None]
    return similarities, starts


class SemanticSignal:
    """Language-centred similarity of the whole problem and of its sentences to the case's passages."""

    name = "semantic"

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """Scores and the best sentence pair of each embedded case (cases not yet embedded score 0)."""
        centres = source.centres()
        query = centred(problem.vectors, problem.language, centres)
        values = np.zeros(len(docs))
        embedded = [position for position, doc in enumerate(docs) if doc.vectors is not None and len(doc.vectors) >= 2]
        if not embedded:
            return SignalScores(values)
        similarities, starts = _centred_similarities(docs, embedded, query, centres)
        firsts = starts[:-1]
        similarities = similarities.astype(np.float64)
        pairs = similarities[:, 1:].copy() if len(query) > 1 else similarities[:, :1].copy()  # rows x sentences
        pairs[firsts] = -np.inf  # a case's own row (title and summary) is no passage
        best_pair = np.maximum.reduceat(pairs, firsts, axis=0)  # per case: each sentence's best passage
        whole = similarities[:, 0]
        parts = (whole[firsts] + np.maximum.reduceat(whole, firsts) + best_pair.mean(axis=1)) / 3
        values[embedded] = stretch(parts)
        best_of_row, sentence_of_row = pairs.max(axis=1), pairs.argmax(axis=1)
        index_of = {position: index for index, position in enumerate(embedded)}

        def explain(position: int) -> tuple[Reason, ...]:
            index = index_of.get(position)
            if index is None:
                return ()
            first = firsts[index]
            row = int(np.argmax(best_of_row[first : starts[index + 1]]))
            sentence = int(sentence_of_row[first + row])
            part = problem.sentences[sentence] if len(query) > 1 else problem.text.strip()
            weight = float(np.round(stretch(best_of_row[first + row]), 4))
            return (Reason(ReasonKind.SENTENCE, docs[position].passages[row - 1].text, weight, problem_part=part),)

        return SignalScores(values, explain)
