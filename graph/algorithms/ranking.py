"""Prior-work ranking: which stored cases worked on the problem a planner describes, and why.

One implementation serves the CLI, the GraphQL API and the pages. A case scores on
three signals, mixed with the weights in `WEIGHTS`:

* words — BM25 over the case's title, summary, needs, target groups, topics and methods,
  after language-aware stemming and Scandinavian folding (`graph.algorithms.text`);
* concepts — vocabulary concepts (target groups, topics, methods, organisations) named
  in the problem and linked to the case, rare concepts counting more; a broader concept
  of a case's concept counts half;
* graph — cases that share needs, target groups, topics, methods or organisations with
  the best text matches (pseudo-relevance feedback over the graph);

plus two weak signals: same country as the problem's language, and recency.
The index is built from the store once per store revision and cached.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from graph.algorithms.bm25 import Bm25, top_positions
from graph.algorithms.text import STEMMERS, analyse, compound_parts, glued, guess_language
from graph.model import LANGUAGES, Node, NodeType, RelType
from graph.store import GraphStore

__all__ = [
    "WEIGHTS",
    "CaseCounts",
    "CaseFilter",
    "Hit",
    "NeedHit",
    "RankingIndex",
    "Reason",
    "SearchHit",
    "Weights",
    "case_counts",
    "filter_cases",
    "index_for",
    "prior_work",
    "related_cases",
    "search",
    "similar_needs",
]


@dataclass(frozen=True, slots=True)
class Weights:
    """Every weight of the ranking, in one place."""

    words: float = 1.0
    concepts: float = 0.7
    graph: float = 1.0
    country: float = 0.05
    recency: float = 0.05
    broader_concept: float = 0.5
    feedback_cases: int = 3
    recent_years: int = 10


WEIGHTS = Weights()

COUNTRY_OF_LANGUAGE = {"sv": "SE", "nb": "NO", "nn": "NO", "da": "DK"}
CONCEPT_TYPES = (NodeType.TARGET_GROUP, NodeType.TOPIC, NodeType.METHOD, NodeType.ORGANISATION)
REASON_KIND = {
    NodeType.TARGET_GROUP: "target_group",
    NodeType.TOPIC: "topic",
    NodeType.METHOD: "method",
    NodeType.ORGANISATION: "organisation",
    NodeType.NEED: "need",
    NodeType.PLACE: "place",
}
MAX_TOP = 100
MIN_CONCEPT_TERM = 3
MIN_ORGANISATION_TERM = 5
"""One-word names shorter than this do not name a concept in free text ("Bø", "TA" are words too)."""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a case was chosen: what kind of match, on what, and how much it added."""

    kind: str
    label: str
    weight: float


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked case with its score, reasons and the problem's words it matched."""

    case: Node
    score: float
    reasons: tuple[Reason, ...]
    matched_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NeedHit:
    """An existing need similar to a text."""

    need: Node
    score: float
    matched_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A node matching a search."""

    node: Node
    score: float


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Restricts cases; lists hold node ids (topics ...) or codes (countries, languages)."""

    text: str | None = None
    topics: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None


@dataclass(slots=True)
class _Case:
    node: Node
    links: set[str] = field(default_factory=set)
    broader: set[str] = field(default_factory=set)


Positions = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Phrase:
    """A name as the ranking matches it: its content terms, and the glue words that must follow some of them."""

    terms: tuple[str, ...]
    glue: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, words: list[tuple[str, bool]]) -> Phrase | None:
        terms = tuple(term for term, is_glue in words if not is_glue)
        if not terms:
            return None
        glue = frozenset(
            (before, term) for (before, before_glue), (term, is_glue) in zip(words, words[1:]) if is_glue and not before_glue
        )
        return cls(terms, glue)

    def found_in(self, terms: set[str], pairs: set[tuple[str, str]]) -> bool:
        """Whether every content term occurs and every glue word follows its term."""
        return set(self.terms) <= terms and self.glue <= pairs


def _phrases(text: str) -> set[Phrase]:
    """A name analysed with every stemmer (names of concepts come in any language)."""
    return {phrase for lang in LANGUAGES if (phrase := Phrase.of(glued(text, lang)))}


def _pairs(words: list[tuple[str, bool]]) -> set[tuple[str, str]]:
    return {(first[0], second[0]) for first, second in zip(words, words[1:])}


class RankingIndex:
    """Everything the ranking needs, built from one revision of a store.

    Cases have positions 0..n-1 (sorted by id); per-case signals are dense numpy
    vectors over those positions, so a query never loops over cases in Python.
    """

    def __init__(self, store: GraphStore) -> None:
        self.revision = store.revision()
        self.nodes: dict[str, Node] = {}
        self.cases: list[_Case] = []
        self.position: dict[str, int] = {}
        self.words = Bm25()
        self.needs = Bm25()
        self.everything = Bm25(b=0.3)
        self.direct: dict[str, Positions] = {}
        self.indirect: dict[str, Positions] = {}
        self.phrases: dict[str, list[tuple[Phrase, str]]] = defaultdict(list)
        self.broader: dict[str, set[str]] = defaultdict(set)
        self.lexicon: set[str] = set()
        self._build(store)

    def _build(self, store: GraphStore) -> None:
        for node_type in NodeType:
            for node in store.find(node_type):
                self.nodes[node.id] = node
        adjacent: dict[str, set[str]] = defaultdict(set)
        need_of: dict[str, set[str]] = defaultdict(set)
        for edge in store.edges():
            if edge.source not in self.nodes or edge.target not in self.nodes:
                continue  # written after the nodes were read; the next revision picks it up
            adjacent[edge.source].add(edge.target)
            adjacent[edge.target].add(edge.source)
            if edge.type is RelType.BROADER:
                self.broader[edge.source].add(edge.target)
            elif edge.type is RelType.OF:
                need_of[edge.source].add(edge.target)
        for node in self.nodes.values():
            self._add_names(node)
        self.everything.freeze()
        self.needs.freeze()
        direct: dict[str, list[int]] = defaultdict(list)
        indirect: dict[str, list[int]] = defaultdict(list)
        case_terms = []
        for node in sorted((n for n in self.nodes.values() if n.type is NodeType.CASE), key=lambda n: n.id):
            case, terms = self._case(node, adjacent[node.id], need_of)
            self.position[node.id] = len(self.cases)
            for link in case.links:
                direct[link].append(len(self.cases))
            for link in case.broader:
                indirect[link].append(len(self.cases))
            self.cases.append(case)
            case_terms.append(terms)
        self.countries = np.array([str(case.node.props.get("country", "")) for case in self.cases], dtype=object)
        self.languages = np.array([str(case.node.props.get("language", "")) for case in self.cases], dtype=object)
        self.years = np.array(
            [y if isinstance(y := case.node.props.get("year"), int) else np.nan for case in self.cases], dtype=np.float64
        )
        self.direct = {key: np.array(value, dtype=np.int64) for key, value in direct.items()}
        self.indirect = {key: np.array(value, dtype=np.int64) for key, value in indirect.items()}
        self.lexicon = {term for terms in case_terms for term in terms if len(term) >= 3}
        self.lexicon |= {term for phrases in self.phrases.values() for phrase, _ in phrases for term in phrase.terms}
        for case, terms in zip(self.cases, case_terms, strict=True):
            self.words.add(case.node.id, self.expand(terms))
        self.words.freeze()

    def _add_names(self, node: Node) -> None:
        names = _names(node)
        self.everything.add(node.id, [term for name in names for term in analyse(name, _lang(node))])
        if node.type in CONCEPT_TYPES:
            shortest = MIN_ORGANISATION_TERM if node.type is NodeType.ORGANISATION else MIN_CONCEPT_TERM
            for name in names:
                for phrase in _phrases(name):
                    if len(phrase.terms) > 1 or phrase.glue or len(phrase.terms[0]) >= shortest:
                        self.phrases[phrase.terms[0]].append((phrase, node.id))
        elif node.type is NodeType.NEED:
            self.needs.add(node.id, analyse(str(node.props.get("text", "")), _lang(node)))

    def _case(self, node: Node, adjacent: set[str], need_of: dict[str, set[str]]) -> tuple[_Case, list[str]]:
        """A case's links and the terms of its text (indexed once the lexicon is known)."""
        case = _Case(node)
        lang = _lang(node)
        texts = [node.label, str(node.props.get("summary", ""))]
        for other in (self.nodes[i] for i in sorted(adjacent)):
            if other.type is NodeType.CASE or other.type is NodeType.SOURCE:
                continue
            case.links.add(other.id)
            if other.type is NodeType.NEED:
                texts.append(str(other.props.get("text", "")))
                case.links.update(need_of.get(other.id, ()))
            elif other.type in (NodeType.TARGET_GROUP, NodeType.TOPIC, NodeType.METHOD):
                texts.append(other.label_in(lang))
        for link in list(case.links):
            case.broader |= self._ancestors(link) - case.links
        return case, analyse(" \n".join(texts), lang)

    def _ancestors(self, concept: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.broader.get(concept, ()))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.broader.get(current, ()))
        return seen

    def expand(self, terms: list[str]) -> list[str]:
        """The terms followed by the parts of those that are compounds of known terms (skolnärvaro: skol, närvaro)."""
        parts = [part for term in terms if len(term) >= 8 for part in compound_parts(term, self.lexicon) or ()]
        return terms + parts

    def concepts_in(self, terms: list[str], pairs: set[tuple[str, str]] | None = None) -> dict[str, tuple[str, ...]]:
        """Vocabulary concepts whose name, label or alias occurs in the analysed text, with the terms that matched.

        `pairs` are the adjacent words of the text (see `glued`); without them, names that
        need a glue word ("faller fra") cannot match.
        """
        present = set(terms)
        found: dict[str, tuple[str, ...]] = {}
        for term in sorted(present):
            for phrase, concept in self.phrases.get(term, ()):
                if phrase.found_in(present, pairs or set()) and len(phrase.terms) >= len(found.get(concept, ())):
                    found[concept] = phrase.terms
        return found

    def concept_weight(self, concept: str) -> float:
        """Rarer concepts count more: log(1 + cases / cases with the concept)."""
        df = len(self.direct.get(concept, ())) + len(self.indirect.get(concept, ()))
        return math.log(1 + len(self.cases) / df) if df else 0.0

    def vector(self) -> Scores:
        """A zero score per case."""
        return np.zeros(len(self.cases))


def _names(node: Node) -> list[str]:
    names = [node.label]
    names += [value for key, value in node.props.items() if key.startswith("label_") and isinstance(value, str)]
    aliases = node.props.get("aliases")
    if isinstance(aliases, list):
        names += aliases
    return list(dict.fromkeys(name for name in names if name))


def _lang(node: Node) -> str | None:
    lang = node.props.get("language")
    return lang if isinstance(lang, str) and lang in STEMMERS else None


_CACHE: dict[str, RankingIndex] = {}
_CACHE_LOCK = threading.Lock()


def index_for(store: GraphStore) -> RankingIndex:
    """The ranking index of the store's current revision (built on first use after a write)."""
    revision = store.revision()
    with _CACHE_LOCK:
        index = _CACHE.get(store.location)
        if index is None or index.revision != revision:
            index = RankingIndex(store)
            _CACHE[store.location] = index
        return index


def _mask(index: RankingIndex, case_filter: CaseFilter | None, exclude: Collection[str] = ()) -> npt.NDArray[np.bool_]:
    """Which cases the filter lets through, as a boolean vector."""
    allowed = np.ones(len(index.cases), dtype=bool)
    for case_id in exclude:
        if case_id in index.position:
            allowed[index.position[case_id]] = False
    if case_filter is None:
        return allowed
    for ids in (case_filter.topics, case_filter.target_groups, case_filter.methods, case_filter.organisations, case_filter.places):
        if ids:
            hit = np.zeros(len(index.cases), dtype=bool)
            for concept in ids:
                hit[index.direct.get(concept, np.empty(0, dtype=np.int64))] = True
                hit[index.indirect.get(concept, np.empty(0, dtype=np.int64))] = True
            allowed &= hit
    for values, wanted in ((index.countries, case_filter.countries), (index.languages, case_filter.languages)):
        if wanted:
            allowed &= np.isin(values, list(wanted))
    if case_filter.year_from is not None or case_filter.year_to is not None:
        low, high = case_filter.year_from or -math.inf, case_filter.year_to or math.inf
        allowed &= (index.years >= low) & (index.years <= high)
    if case_filter.text:
        terms = analyse(case_filter.text)
        hit = np.ones(len(index.cases), dtype=bool) if terms else np.zeros(len(index.cases), dtype=bool)
        for term in set(terms):
            hit &= index.words.scores([term]) > 0
        allowed &= hit
    return allowed


@dataclass(frozen=True, slots=True)
class CaseCounts:
    """How many cases each node (directly or through a narrower concept), country and language has."""

    by_node: Mapping[str, int]
    by_country: Mapping[str, int]
    by_language: Mapping[str, int]


def case_counts(store: GraphStore) -> CaseCounts:
    """Case counts as the filters see them (for pickers: "Fosterhjem (12)")."""
    index = index_for(store)
    concepts = index.direct.keys() | index.indirect.keys()
    nodes = {key: len(index.direct.get(key, ())) + len(index.indirect.get(key, ())) for key in concepts}
    return CaseCounts(
        nodes,
        dict(Counter(str(code) for code in index.countries if code)),
        dict(Counter(str(code) for code in index.languages if code)),
    )


def filter_cases(store: GraphStore, case_filter: CaseFilter | None = None) -> list[Node]:
    """The cases the filter lets through, newest first, then by id."""
    index = index_for(store)
    allowed = _mask(index, case_filter)
    cases = [case.node for case, keep in zip(index.cases, allowed, strict=True) if keep]
    return sorted(cases, key=lambda n: (-int(n.props.get("year", 0) or 0), n.id))  # type: ignore[arg-type]


def _normalised(scores: Scores) -> Scores:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else scores


def prior_work(
    store: GraphStore,
    problem: str,
    *,
    case_filter: CaseFilter | None = None,
    top: int = 10,
    exclude: Collection[str] = (),
    seed_concepts: Iterable[str] = (),
) -> list[Hit]:
    """The stored cases most likely to have worked on `problem`, best first, each with its reasons.

    `seed_concepts` adds concepts to those found in the text (used by `related_cases`);
    `exclude` drops cases (the case itself). Deterministic: ties break on case id.
    """
    index = index_for(store)
    if not index.cases:
        return []
    top = max(1, min(top, MAX_TOP))
    lang = guess_language(problem)
    terms = index.expand(analyse(problem, lang))
    pairs = _pairs(glued(problem, lang))
    allowed = _mask(index, case_filter, exclude)

    words = _normalised(index.words.scores(terms) * allowed)
    concepts = index.concepts_in(terms, pairs)
    for concept in seed_concepts:
        concepts.setdefault(concept, ())
    concept_weights = {concept: index.concept_weight(concept) for concept in concepts}
    concept_scores = index.vector()
    for concept, weight in concept_weights.items():
        np.add.at(concept_scores, index.direct.get(concept, np.empty(0, dtype=np.int64)), weight)
        np.add.at(concept_scores, index.indirect.get(concept, np.empty(0, dtype=np.int64)), weight * WEIGHTS.broader_concept)
    concept_scores *= allowed
    concept_norm = float(concept_scores.max()) or 1.0

    first = WEIGHTS.words * words + WEIGHTS.concepts * concept_scores / concept_norm
    graph, leaders = _feedback(index, first, allowed)
    country = COUNTRY_OF_LANGUAGE.get(lang)
    score = first + WEIGHTS.graph * graph
    same_country = index.countries == country if country else np.zeros(len(index.cases), dtype=bool)
    recency = _recency(index.years)
    score = np.where(score > 0, score + WEIGHTS.country * same_country + recency, 0.0)

    hits = []
    for position in top_positions(score, top):
        case = index.cases[position]
        reasons = _concept_reasons(index, case, concept_weights, concept_norm, lang)
        matched = tuple(index.words.matched(terms, position))
        if words[position]:
            reasons.insert(0, Reason("words", ", ".join(matched[:6]), round(WEIGHTS.words * float(words[position]), 4)))
        if graph[position]:
            shared = sorted(case.links & leaders, key=lambda link: (-index.concept_weight(link), link))[:3]
            labels = ", ".join(dict.fromkeys(index.nodes[link].label_in(lang) for link in shared))
            reasons.append(Reason("graph", labels, round(WEIGHTS.graph * float(graph[position]), 4)))
        if same_country[position]:
            reasons.append(Reason("country", str(country), WEIGHTS.country))
        if recency[position] > 0:
            reasons.append(Reason("recency", str(int(index.years[position])), round(float(recency[position]), 4)))
        hits.append(Hit(case.node, round(float(score[position]), 6), tuple(reasons), matched))
    return hits


def _recency(years: Scores) -> Scores:
    """A small bonus for cases from the last `recent_years` years of the graph, falling linearly."""
    if not len(years) or np.isnan(years).all():
        return np.zeros(len(years))
    age = float(np.nanmax(years)) - years
    bonus = WEIGHTS.recency * (1 - age / WEIGHTS.recent_years)
    return np.where(np.isnan(bonus) | (bonus < 0), 0.0, bonus)


def _concept_reasons(
    index: RankingIndex, case: _Case, weights: dict[str, float], norm: float, lang: str
) -> list[Reason]:
    shares = []
    for concept, weight in weights.items():
        if concept in case.links:
            shares.append((concept, weight))
        elif concept in case.broader:
            shares.append((concept, weight * WEIGHTS.broader_concept))
    shares.sort(key=lambda item: (-item[1], item[0]))
    return [
        Reason(REASON_KIND[index.nodes[c].type], index.nodes[c].label_in(lang), round(WEIGHTS.concepts * s / norm, 4))
        for c, s in shares
        if s > 0
    ]


def _feedback(index: RankingIndex, first: Scores, allowed: npt.NDArray[np.bool_]) -> tuple[Scores, set[str]]:
    """Graph signal: what each case shares with the best first-stage cases (other than itself).

    A shared link weighs the leader's first-stage score over log(2 + cases with the link),
    so rare needs and target groups count more than a method everybody uses. Returns the
    normalised scores and the leaders' links.
    """
    leaders = top_positions(first, WEIGHTS.feedback_cases)
    scores = index.vector()
    links: set[str] = set()
    for leader in leaders:
        own = index.vector()
        for link in sorted(index.cases[leader].links):
            cases = index.direct.get(link, np.empty(0, dtype=np.int64))
            np.add.at(own, cases, float(first[leader]) / math.log(2 + len(cases)))
            links.add(link)
        own[leader] = 0.0
        scores += own
    return _normalised(scores * allowed), links


def related_cases(store: GraphStore, case_id: str, *, top: int = 10) -> list[Hit]:
    """Cases related to a stored case: its own words and links used as the problem."""
    index = index_for(store)
    position = index.position.get(case_id)
    if position is None:
        return []
    case = index.cases[position]
    text = " ".join([case.node.label, str(case.node.props.get("summary", ""))])
    return prior_work(store, text, top=top, exclude={case_id}, seed_concepts=sorted(case.links))


def _ranked(index: Bm25, scores: Scores, top: int) -> list[tuple[str, float, int]]:
    return [(index.ids[p], round(float(scores[p]), 6), p) for p in top_positions(scores, max(1, min(top, MAX_TOP)))]


def similar_needs(store: GraphStore, text: str, *, top: int = 10) -> list[NeedHit]:
    """Stored needs worded like `text`, best first (for "already reported" hints in forms)."""
    index = index_for(store)
    terms = analyse(text)
    return [
        NeedHit(index.nodes[need_id], score, tuple(index.needs.matched(terms, position)))
        for need_id, score, position in _ranked(index.needs, index.needs.scores(terms), top)
    ]


def search(
    store: GraphStore, text: str, *, types: Collection[NodeType] | None = None, top: int = 20
) -> list[SearchHit]:
    """Nodes of any type whose names, labels or aliases match `text` (spelling variants folded)."""
    index = index_for(store)
    scores = index.everything.scores(analyse(text))
    if types:
        scores = scores * np.array([index.nodes[node_id].type in types for node_id in index.everything.ids], dtype=bool)
    return [SearchHit(index.nodes[node_id], score) for node_id, score, _ in _ranked(index.everything, scores, top)]
