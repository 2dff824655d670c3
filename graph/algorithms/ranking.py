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
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from graph.algorithms.bm25 import Bm25
from graph.algorithms.text import STEMMERS, analyse, compound_parts, guess_language
from graph.model import Node, NodeType, RelType
from graph.store import GraphStore

__all__ = [
    "WEIGHTS",
    "CaseFilter",
    "Hit",
    "NeedHit",
    "RankingIndex",
    "Reason",
    "SearchHit",
    "Weights",
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
    concepts: float = 1.0
    graph: float = 0.35
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


def _analyse_all(text: str) -> set[tuple[str, ...]]:
    """A name analysed with every stemmer (names of concepts come in any language)."""
    return {tuple(terms) for lang in ("sv", "nb", "da", "en") if (terms := analyse(text, lang))}


class RankingIndex:
    """Everything the ranking needs, built from one revision of a store."""

    def __init__(self, store: GraphStore) -> None:
        self.revision = store.revision()
        self.cases: dict[str, _Case] = {}
        self.nodes: dict[str, Node] = {}
        self.words = Bm25()
        self.needs = Bm25()
        self.everything = Bm25(b=0.3)
        self.concept_cases: dict[str, set[str]] = defaultdict(set)
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self.broader: dict[str, set[str]] = defaultdict(set)
        self._build(store)

    def _build(self, store: GraphStore) -> None:
        for node_type in NodeType:
            for node in store.find(node_type):
                self.nodes[node.id] = node
        adjacent: dict[str, set[str]] = defaultdict(set)
        need_of: dict[str, set[str]] = defaultdict(set)
        for edge in store.edges():
            adjacent[edge.source].add(edge.target)
            adjacent[edge.target].add(edge.source)
            if edge.type is RelType.BROADER:
                self.broader[edge.source].add(edge.target)
            elif edge.type is RelType.OF:
                need_of[edge.source].add(edge.target)
        for node in self.nodes.values():
            names = _names(node)
            self.everything.add(node.id, [term for name in names for term in analyse(name, _lang(node))])
            if node.type in CONCEPT_TYPES:
                shortest = MIN_ORGANISATION_TERM if node.type is NodeType.ORGANISATION else MIN_CONCEPT_TERM
                for name in names:
                    for phrase in _analyse_all(name):
                        if len(phrase) > 1 or len(phrase[0]) >= shortest:
                            self.phrases[phrase[0]].append((phrase, node.id))
            elif node.type is NodeType.NEED:
                self.needs.add(node.id, analyse(str(node.props.get("text", "")), _lang(node)))
        case_terms = {
            node.id: self._add_case(node, adjacent[node.id], need_of)
            for node in self.nodes.values()
            if node.type is NodeType.CASE
        }
        self.lexicon = {term for terms in case_terms.values() for term in terms if len(term) >= 3}
        self.lexicon |= {term for phrases in self.phrases.values() for phrase, _ in phrases for term in phrase}
        for case_id, terms in case_terms.items():
            self.words.add(case_id, self.expand(terms))

    def expand(self, terms: list[str]) -> list[str]:
        """The terms followed by the parts of those that are compounds of known terms (skolnärvaro: skol, närvaro)."""
        parts = [part for term in terms if len(term) >= 8 for part in compound_parts(term, self.lexicon) or ()]
        return terms + parts

    def _add_case(self, node: Node, adjacent: set[str], need_of: dict[str, set[str]]) -> list[str]:
        """Register a case's links; return the terms of its text (indexed once the lexicon is known)."""
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
        for concept in case.links | case.broader:
            self.concept_cases[concept].add(node.id)
        self.cases[node.id] = case
        return analyse(" \n".join(texts), lang)

    def _ancestors(self, concept: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.broader.get(concept, ()))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.broader.get(current, ()))
        return seen

    def concepts_in(self, terms: list[str]) -> dict[str, tuple[str, ...]]:
        """Vocabulary concepts whose name, label or alias occurs in the analysed text, with the words that matched."""
        present = set(terms)
        found: dict[str, tuple[str, ...]] = {}
        for term in present:
            for phrase, concept in self.phrases.get(term, ()):
                if set(phrase) <= present and len(phrase) >= len(found.get(concept, ())):
                    found[concept] = phrase
        return found

    def concept_weight(self, concept: str) -> float:
        """Rarer concepts count more: log(1 + cases / cases with the concept)."""
        df = len(self.concept_cases.get(concept, ()))
        return math.log(1 + len(self.cases) / df) if df else 0.0


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


def _allowed(index: RankingIndex, case_filter: CaseFilter | None) -> set[str] | None:
    if case_filter is None:
        return None
    allowed = set(index.cases)
    for ids in (case_filter.topics, case_filter.target_groups, case_filter.methods, case_filter.organisations, case_filter.places):
        if ids:
            allowed &= set().union(*(index.concept_cases.get(i, set()) for i in ids))
    for key, wanted in (("country", case_filter.countries), ("language", case_filter.languages)):
        if wanted:
            allowed = {c for c in allowed if index.cases[c].node.props.get(key) in wanted}
    if case_filter.year_from is not None or case_filter.year_to is not None:
        low, high = case_filter.year_from or -math.inf, case_filter.year_to or math.inf
        allowed = {c for c in allowed if isinstance(y := index.cases[c].node.props.get("year"), int) and low <= y <= high}
    if case_filter.text:
        terms = analyse(case_filter.text)
        allowed &= {c for c in index.words.scores(terms, within=allowed) if set(terms) <= set(index.words.matched(terms, c))}
    return allowed


def filter_cases(store: GraphStore, case_filter: CaseFilter | None = None) -> list[Node]:
    """The cases the filter lets through, newest first, then by id."""
    index = index_for(store)
    allowed = _allowed(index, case_filter)
    ids = index.cases if allowed is None else allowed
    cases = [index.cases[c].node for c in ids]
    return sorted(cases, key=lambda n: (-int(n.props.get("year", 0) or 0), n.id))  # type: ignore[arg-type]


def _normalised(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values(), default=0.0)
    return {key: value / top for key, value in scores.items()} if top > 0 else {}


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
    top = max(1, min(top, MAX_TOP))
    lang = guess_language(problem)
    terms = index.expand(analyse(problem, lang))
    allowed = _allowed(index, case_filter)
    if allowed is not None:
        allowed -= set(exclude)
    else:
        allowed = set(index.cases) - set(exclude) if exclude else None

    words = _normalised(index.words.scores(terms, within=allowed))
    concepts = index.concepts_in(terms)
    for concept in seed_concepts:
        concepts.setdefault(concept, ())
    concept_scores: dict[str, float] = defaultdict(float)
    concept_reasons: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for concept in concepts:
        weight = index.concept_weight(concept)
        for case_id in index.concept_cases.get(concept, ()):
            if allowed is not None and case_id not in allowed:
                continue
            share = weight if concept in index.cases[case_id].links else weight * WEIGHTS.broader_concept
            concept_scores[case_id] += share
            concept_reasons[case_id].append((concept, share))
    concept_norm = max(concept_scores.values(), default=0.0) or 1.0

    first = {
        case_id: WEIGHTS.words * words.get(case_id, 0.0) + WEIGHTS.concepts * concept_scores.get(case_id, 0.0) / concept_norm
        for case_id in set(words) | set(concept_scores)
    }
    graph, shared_with = _feedback(index, first, allowed)
    country = COUNTRY_OF_LANGUAGE.get(lang)
    newest = max((y for c in index.cases.values() if isinstance(y := c.node.props.get("year"), int)), default=None)

    hits = []
    for case_id, base in first.items():
        case = index.cases[case_id].node
        reasons = [
            Reason(REASON_KIND[index.nodes[c].type], index.nodes[c].label_in(lang), round(WEIGHTS.concepts * s / concept_norm, 4))
            for c, s in sorted(concept_reasons.get(case_id, []), key=lambda item: (-item[1], item[0]))
        ]
        matched = tuple(index.words.matched(terms, case_id))
        if words.get(case_id):
            reasons.insert(0, Reason("words", ", ".join(matched[:6]), round(WEIGHTS.words * words[case_id], 4)))
        score = base + WEIGHTS.graph * graph.get(case_id, 0.0)
        if graph.get(case_id):
            labels = ", ".join(index.nodes[n].label_in(lang) for n in shared_with[case_id][:3])
            reasons.append(Reason("graph", labels, round(WEIGHTS.graph * graph[case_id], 4)))
        if country and case.props.get("country") == country:
            score += WEIGHTS.country
            reasons.append(Reason("country", country, WEIGHTS.country))
        year = case.props.get("year")
        if newest is not None and isinstance(year, int) and newest - year < WEIGHTS.recent_years:
            bonus = WEIGHTS.recency * (1 - (newest - year) / WEIGHTS.recent_years)
            score += bonus
            reasons.append(Reason("recency", str(year), round(bonus, 4)))
        hits.append(Hit(case, round(score, 6), tuple(reasons), matched))
    hits.sort(key=lambda hit: (-hit.score, hit.case.id))
    return hits[:top]


def _feedback(
    index: RankingIndex, first: dict[str, float], allowed: set[str] | None
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Graph signal: what each case shares with the best first-stage cases (other than itself).

    A shared link weighs the leader's first-stage score over log(2 + cases with the link),
    so rare needs and target groups count more than a method everybody uses.
    """
    leaders = sorted(first, key=lambda c: (-first[c], c))[: WEIGHTS.feedback_cases]
    scores: dict[str, float] = defaultdict(float)
    shared: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for leader in leaders:
        for link in sorted(index.cases[leader].links):
            weight = first[leader] / math.log(2 + len(index.concept_cases.get(link, ())))
            for case_id in index.concept_cases.get(link, ()):
                if case_id == leader or (allowed is not None and case_id not in allowed):
                    continue
                if link in index.cases[case_id].links:
                    scores[case_id] += weight
                    shared[case_id][link] += weight
    ordered = {case_id: sorted(links, key=lambda n: (-links[n], n)) for case_id, links in shared.items()}
    return _normalised(scores), ordered


def related_cases(store: GraphStore, case_id: str, *, top: int = 10) -> list[Hit]:
    """Cases related to a stored case: its own words and links used as the problem."""
    index = index_for(store)
    case = index.cases.get(case_id)
    if case is None:
        return []
    text = " ".join([case.node.label, str(case.node.props.get("summary", ""))])
    return prior_work(store, text, top=top, exclude={case_id}, seed_concepts=case.links)


def similar_needs(store: GraphStore, text: str, *, top: int = 10) -> list[NeedHit]:
    """Stored needs worded like `text`, best first (for "already reported" hints in forms)."""
    index = index_for(store)
    terms = analyse(text)
    scores = index.needs.scores(terms)
    ranked = sorted(scores, key=lambda n: (-scores[n], n))[: max(1, min(top, MAX_TOP))]
    return [NeedHit(index.nodes[n], round(scores[n], 6), tuple(index.needs.matched(terms, n))) for n in ranked]


def search(
    store: GraphStore, text: str, *, types: Collection[NodeType] | None = None, top: int = 20
) -> list[SearchHit]:
    """Nodes of any type whose names, labels or aliases match `text` (spelling variants folded)."""
    index = index_for(store)
    terms = analyse(text)
    scores = index.everything.scores(terms)
    if types:
        scores = {n: s for n, s in scores.items() if index.nodes[n].type in types}
    ranked = sorted(scores, key=lambda n: (-scores[n], n))[: max(1, min(top, MAX_TOP))]
    return [SearchHit(index.nodes[n], round(scores[n], 6)) for n in ranked]

