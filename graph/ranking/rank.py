"""Prior work for a problem: candidates from the source, every signal, one mix, a confidence, the reasons.

The score of a case is the `Weights`-weighted sum of the signals (each 0..1). The semantic
signal decides; the title signal makes a case's own title find it; words, concepts and named
organisations only break near-ties, so their weights are small. The shipped weights are set by
hand, not fitted to the graded sets; `behovsgraf eval` fits weights and thresholds for each
held-out domain on the other domains only, and reports both rankings (docs/eval.md).

`THRESHOLDS` put a mixed score into a confidence band. They were set from the gap between
problems nobody worked on (ten written for this, in all five languages, other than the ones the
tests use: their best case scored at most 0.52 on the samples) and problems with a known case
(the right case mostly scores 0.55 to 1.1).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np
import numpy.typing as npt

from graph.model import Node
from graph.ranking.concepts import ConceptSignal, case_concepts, problem_concepts
from graph.ranking.documents import CaseDoc, sentences
from graph.ranking.embedding import Embedder, default_embedder
from graph.ranking.filters import CaseFilter, allows
from graph.ranking.language import detect_language, terms
from graph.ranking.needs import NeedHit
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason, ReasonKind
from graph.ranking.semantic import SemanticSignal, centred
from graph.ranking.shared import OrganisationSignal
from graph.ranking.signals import Signal, SignalScores
from graph.ranking.source import CaseSource, source_for
from graph.ranking.title import TitleSignal
from graph.ranking.words import WordSignal
from graph.store import GraphStore

__all__ = [
    "MAX_TOP",
    "SIGNALS",
    "THRESHOLDS",
    "WEIGHTS",
    "Confidence",
    "Hit",
    "NeedHit",
    "PriorWork",
    "Thresholds",
    "Weights",
    "prior_work",
    "read_problem",
    "related_cases",
    "score_candidates",
    "similar_needs",
]

MAX_TOP = 100
PROBLEM_CACHE = 256
"""Problems read recently (their vectors) are kept, so paging and repeated pages do not re-embed."""


class Confidence(str, Enum):
    """How well a case matches: its mixed score against `THRESHOLDS`."""

    STRONG = "strong"
    POSSIBLE = "possible"
    WEAK = "weak"


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each signal counts in the mix (the semantic signal counts 1)."""

    semantic: float = 1.0
    words: float = 0.15
    concepts: float = 0.1
    graph: float = 0.1
    title: float = 1.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Mixed scores at or above which a match is strong, or possible; below `possible` it is weak."""

    strong: float = 0.55
    possible: float = 0.45


WEIGHTS = Weights()
THRESHOLDS = Thresholds()
SIGNALS: tuple[Signal, ...] = (SemanticSignal(), WordSignal(), ConceptSignal(), OrganisationSignal(), TitleSignal())


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked case with its score, confidence and reasons (the best sentence pair first)."""

    case: Node
    score: float
    confidence: Confidence
    reasons: tuple[Reason, ...]

    @property
    def matched_words(self) -> tuple[str, ...]:
        """The uncommon words of the problem, as written, that the case uses."""
        return tuple(w for r in self.reasons if r.kind is ReasonKind.WORDS for w in r.label.split(", ") if w)


@dataclass(frozen=True, slots=True)
class PriorWork:
    """One page of ranked cases, how many cases matched at all and how many match strongly."""

    hits: tuple[Hit, ...]
    total: int
    strong: int
    language: str

    @property
    def is_no_match(self) -> bool:
        """No earlier case matches this well (the hits are only the closest)."""
        return self.strong == 0


_PROBLEMS: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_PROBLEMS_LOCK = threading.Lock()


def _problem_vectors(embedder: Embedder, texts: list[str]) -> np.ndarray:
    key = (embedder.model, "\x00".join(texts))
    with _PROBLEMS_LOCK:
        if key in _PROBLEMS:
            _PROBLEMS.move_to_end(key)
            return _PROBLEMS[key]
    vectors = embedder.embed_queries(texts)
    with _PROBLEMS_LOCK:
        _PROBLEMS[key] = vectors
        while len(_PROBLEMS) > PROBLEM_CACHE:
            _PROBLEMS.popitem(last=False)
    return vectors


def read_problem(text: str, source: CaseSource, *, seed_concepts: Iterable[str] = ()) -> Problem:
    """The problem's language, sentences, words, vectors and concepts."""
    lang = detect_language(text)
    parts = sentences(text) or [text.strip() or " "]
    vectors = _problem_vectors(source.embedder, [text.strip() or " ", *parts] if len(parts) > 1 else [text.strip() or " "])
    found = tuple(terms(text, lang))
    concepts = problem_concepts(frozenset(t.key for t in found), vectors[1:] if len(vectors) > 1 else vectors, source.concepts())
    for concept in seed_concepts:
        concepts[concept] = 1.0
    return Problem(text, lang, tuple(parts) if len(parts) > 1 else (text.strip(),), found, vectors, concepts)


def score_candidates(problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> dict[str, SignalScores]:
    """Every signal's scores for the candidates, by signal name (the evaluation mixes these itself)."""
    return {signal.name: signal.score(problem, docs, source, lang=lang) for signal in SIGNALS}


def mix(scores: dict[str, SignalScores], weights: Weights = WEIGHTS) -> npt.NDArray[np.float64]:
    """The weighted sum of the signals per candidate."""
    total = np.zeros(len(next(iter(scores.values())).values))
    for name, signal in scores.items():
        total += getattr(weights, name) * signal.values
    return total


def confidence_of(score: float, thresholds: Thresholds = THRESHOLDS) -> Confidence:
    """The confidence band of a mixed score."""
    if score >= thresholds.strong:
        return Confidence.STRONG
    return Confidence.POSSIBLE if score >= thresholds.possible else Confidence.WEAK


def _reasons(scores: dict[str, SignalScores], position: int, weights: Weights) -> tuple[Reason, ...]:
    reasons = []
    for name in ("semantic", "title", "concepts", "graph", "words"):
        weight = getattr(weights, name)
        for reason in scores[name].reasons(position):
            reasons.append(replace(reason, weight=round(weight * reason.weight, 4)))
    return tuple(reasons)


def prior_work(
    store: GraphStore,
    problem: str,
    *,
    case_filter: CaseFilter | None = None,
    top: int = 10,
    offset: int = 0,
    exclude: Collection[str] = (),
    seed_concepts: Iterable[str] = (),
    lang: str | None = None,
    embedder: Embedder | None = None,
) -> PriorWork:
    """The stored cases most likely to have worked on `problem`, best first, with confidence and reasons.

    `lang` is the language reasons are labelled in (the page's; the problem's when None).
    `seed_concepts` adds concepts to those found in the text (used by `related_cases`);
    `exclude` drops cases. Deterministic: ties break on case id.
    """
    source = source_for(store, embedder or default_embedder())
    read = read_problem(problem, source, seed_concepts=seed_concepts)
    return rank(read, source, case_filter=case_filter, top=top, offset=offset, exclude=exclude, lang=lang)


def rank(
    problem: Problem,
    source: CaseSource,
    *,
    case_filter: CaseFilter | None = None,
    top: int = 10,
    offset: int = 0,
    exclude: Collection[str] = (),
    lang: str | None = None,
    weights: Weights = WEIGHTS,
    thresholds: Thresholds = THRESHOLDS,
) -> PriorWork:
    """Rank the source's candidates for a read problem (see `prior_work`)."""
    lang = lang or problem.language
    top = max(1, min(top, MAX_TOP))
    ids = [case_id for case_id in source.candidates(problem) if case_id not in exclude]
    documents = source.documents(ids)
    docs = [documents[case_id] for case_id in ids if case_id in documents and allows(case_filter, documents[case_id])]
    if not docs:
        return PriorWork((), 0, 0, lang)
    scores = score_candidates(problem, docs, source, lang=lang)
    mixed = mix(scores, weights)
    order = sorted((i for i in range(len(docs)) if mixed[i] > 0), key=lambda i: (-mixed[i], docs[i].id))
    hits = tuple(
        Hit(docs[i].case, round(float(mixed[i]), 6), confidence_of(float(mixed[i]), thresholds), _reasons(scores, i, weights))
        for i in order[offset : offset + top]
    )
    strong = sum(1 for i in order if mixed[i] >= thresholds.strong)
    return PriorWork(hits, len(order), strong, lang)


def related_cases(store: GraphStore, case_id: str, *, top: int = 10, lang: str | None = None) -> PriorWork:
    """Cases related to a stored case: its title and summary as the problem, its concepts as seeds."""
    source = source_for(store, default_embedder())
    doc = source.documents([case_id]).get(case_id)
    if doc is None:
        return PriorWork((), 0, 0, lang or "sv")
    summary = doc.case.props.get("summary")
    text = f"{doc.case.label}. {summary}" if isinstance(summary, str) else doc.case.label
    seeds = [c for c, (strength, inferred) in case_concepts(doc).items() if strength >= 1.0 and not inferred]
    return prior_work(store, text, top=top, exclude={case_id}, seed_concepts=seeds, lang=lang)


def similar_needs(store: GraphStore, text: str, *, top: int = 10) -> list[NeedHit]:
    """Stored needs that say what `text` says, by meaning and rare words, best first (see `needs.NeedIndex`)."""
    source = source_for(store, default_embedder())
    index = source.needs()
    if not len(index) or not text.strip():
        return []
    lang = detect_language(text)
    centres = source.centres()
    vector = centred(_problem_vectors(source.embedder, [text.strip()]), lang, centres)[0]
    return index.search(vector, terms(text, lang), centres, top=max(1, min(top, MAX_TOP)))
