"""Reconcile a name with the nodes it may stand for: candidates with a score and the reasons for it.

A name is compared the way a registrar would: as written (names, labels, aliases),
case- and diacritic-folded and with Nordic letters spelled out (`AliasIndex`), then by
its core, without "kommun", "kommune", "stad", "Kommune", the English "City of" and
"Municipality" and a genitive s, with "X Region" read as "Region X" (`core_name`), and
last by edit distance (rapidfuzz). A former name ("Kristiania kommune") meets today's
successor as written or by its spelling, never by its core alone, and the candidate
says so (`Candidate.former_name`). A body of another type than the
name says ("fylkeskommune", "kommun", "region"; a place, for such a name) or of
another country than the case's loses score; names with other numbers in them
("Bydel 4", "Bydel 14") never meet by spelling. When candidates tie, the case's
context decides: the counties and municipalities of the other organisations and
places it names, and the places its title and summary mention.

Examples
--------
>>> from graph.model import Node, NodeType
>>> matcher = Matcher([Node("organisation:aengelholm-kommun", NodeType.ORGANISATION,
...                         {"name": "Ängelholms kommun", "org_type": "municipality", "country": "SE"})], [])
>>> found = matcher.resolve(NodeType.ORGANISATION, "Ängelholm kommun")
>>> found.chosen.node_id, found.chosen.score, found.chosen.reasons[0]
('organisation:aengelholm-kommun', 0.95, 'same name without its type words or genitive s')
>>> found = matcher.resolve(NodeType.ORGANISATION, "Ängelholms komun")
>>> found.chosen.score, found.chosen.reasons[0]
(0.942, 'similar spelling (97 % alike)')
>>> found = matcher.resolve(NodeType.ORGANISATION, "Ängelholms skola")
>>> found.chosen is None and found.is_possible
True
>>> matcher.add(Node("organisation:oslo-kommune", NodeType.ORGANISATION,
...                  {"name": "Oslo kommune", "org_type": "municipality", "former_names": ["Kristiania kommune"]}))
>>> found = matcher.resolve(NodeType.ORGANISATION, "Kristiana kommune")
>>> found.chosen.node_id, found.chosen.former_name, found.chosen.reasons
('organisation:oslo-kommune', 'Kristiania kommune', ('similar spelling (97 % alike)', "former name 'Kristiania kommune'"))
>>> matcher.resolve(NodeType.ORGANISATION, "Kristiania").chosen is None
True
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from graph.ids import fold, normalise_name, transliterate
from graph.model import Edge, Node, NodeType, RelType
from ingest.aliases import AliasIndex, former_names_of, names_of

__all__ = ["MATCH", "POSSIBLE", "Candidate", "Context", "Matcher", "Resolution", "core_name", "spell"]

MATCH = 0.9
"""A candidate scoring this or more is the node the name stands for."""
POSSIBLE = 0.75
"""From this score up to MATCH a candidate is a possible match for a curator to confirm."""

FUZZY_TYPES = frozenset({NodeType.ORGANISATION, NodeType.METHOD, NodeType.TARGET_GROUP, NodeType.TOPIC, NodeType.PLACE})
"""Types compared by core and edit distance too; needs (sentences) and sources only as written."""

_TIE = 0.02
_SPELLING, _CORE, _FUZZY = 0.98, 0.95, 0.97
_TYPE_PENALTY = 0.1
_COUNTRY_PENALTY = 0.05  # a hint only: cases name partners abroad
_GENERIC = frozenset({"regionskommune", "kommune", "kommun", "stad", "municipality"})
_LEADING = (("the",), ("city", "of"), ("municipality", "of"))
_TYPE_WORDS = (
    ("fylkeskommune", "county"),
    ("regionskommune", "municipality"),
    ("kommune", "municipality"),
    ("kommun", "municipality"),
    ("stad", "municipality"),
    ("municipality", "municipality"),
    ("city", "municipality"),
    ("region", "region"),
    ("landsting", "region"),
)
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"[0-9]+")


def core_name(name: str) -> str:
    """The part of a name that tells bodies apart: no type words around it, no genitive s, "Region" first.

    >>> core_name("Ängelholms kommun"), core_name("Ängelholm"), core_name("Københavns Kommune")
    ('aengelholm', 'aengelholm', 'koebenhavn')
    >>> core_name("The City of Gothenburg"), core_name("Bergen Municipality"), core_name("Skåne Region")
    ('gothenburg', 'bergen', 'region skaane')
    """
    words = _WORD.findall(transliterate(name))
    while prefix := next((p for p in _LEADING if len(words) > len(p) and tuple(words[: len(p)]) == p), None):
        del words[: len(prefix)]
    while len(words) > 1 and words[-1] in _GENERIC:
        words.pop()
    if len(words) > 1 and words[-1] == "region":
        words = ["region", *words[:-1]]
    if words and len(words[-1]) > 3 and words[-1].endswith("s"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def spell(text: str) -> str:
    """Text as names are compared in the context: lower-case ascii words, Nordic letters spelled out."""
    return " ".join(_WORD.findall(transliterate(text)))


@lru_cache(maxsize=1 << 16)
def _forms(name: str) -> tuple[str, str] | None:
    """(spelled, core) of a name, or None for a script without an ascii spelling or no words at all."""
    spelled = transliterate(name)
    if any(ch.isalnum() and not ch.isascii() for ch in spelled) or not _WORD.search(spelled):
        return None
    return " ".join(_WORD.findall(spelled)), core_name(name)


def _former_met(node: Node, name: str) -> str | None:
    """The former name of `node` that `name` is, as the alias index compares names, or None."""
    keys = (normalise_name, fold, transliterate)
    return next((f for f in former_names_of(node) if any(key(f) == key(name) for key in keys)), None)


def _type_said(name: str) -> str | None:
    words = set(_WORD.findall(transliterate(name)))
    return next((org_type for word, org_type in _TYPE_WORDS if word in words), None)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A node a name may stand for, with its score (0-1) and why."""

    node_id: str
    name: str
    matched: str
    score: float
    reasons: tuple[str, ...]
    former_name: str | None = None
    """The former name of the node the name met, when it met one ("Kristiania kommune")."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a case says around a name: its country, the areas of its other names, its text."""

    country: str | None = None
    areas: Mapping[str, int] = field(default_factory=dict)
    """Place id -> how many of the case's other organisations and places lie in it."""
    text: str = ""
    """The case's title and summary, spelled as `_spelled` spells names."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """The candidates for a name, best first, and the one chosen when it is certain."""

    name: str
    candidates: tuple[Candidate, ...] = ()
    chosen: Candidate | None = None
    is_ambiguous: bool = False

    @property
    def is_possible(self) -> bool:
        """No certain match, but a candidate worth a curator's look."""
        return self.chosen is None and not self.is_ambiguous and bool(self.candidates) and self.candidates[0].score >= POSSIBLE


class Matcher:
    """Candidates for names among a set of nodes, kept per node type; nodes can be added."""

    def __init__(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> None:
        self.index = AliasIndex()
        self.nodes: dict[str, Node] = {}
        self._cores: dict[NodeType, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._keys: dict[NodeType, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._former: dict[NodeType, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
        self._choices: dict[NodeType, list[str]] = defaultdict(list)
        self._parents: dict[str, set[str]] = defaultdict(set)
        self._areas: dict[str, frozenset[str]] = {}
        for edge in edges:
            if edge.type in (RelType.LOCATED_IN, RelType.PART_OF):
                self._parents[edge.source].add(edge.target)
        for node in nodes:
            self.add(node)

    def add(self, node: Node) -> None:
        """Register the node under every name it has."""
        self.nodes[node.id] = node
        self.index.add(node)
        if node.type not in FUZZY_TYPES:
            return
        former = set(former_names_of(node))
        for name in names_of(node):
            forms = _forms(name)
            if forms is None:
                continue
            spelled, core = forms
            if name in former:  # in full only: "Aker kommune" is Oslo's, "Aker" is not
                self._former[node.type][spelled][node.id] = name
            else:
                self._cores[node.type][core].add(node.id)
            for key in {spelled} if name in former else {spelled, core}:
                if key not in self._keys[node.type]:
                    self._choices[node.type].append(key)
                self._keys[node.type][key].add(node.id)

    def areas(self, node_id: str) -> frozenset[str]:
        """The places a node lies in (municipality, county or region), transitively, countries left out."""
        known = self._areas.get(node_id)
        if known is None:
            found: set[str] = set()
            todo = list(self._parents.get(node_id, ()))
            while todo:
                place = todo.pop()
                node = self.nodes.get(place)
                if place in found or (node is not None and node.props.get("kind") == "country"):
                    continue
                found.add(place)
                todo += self._parents.get(place, ())
            known = self._areas[node_id] = frozenset(found)
        return known

    def resolve(self, node_type: NodeType, name: str, context: Context | None = None, *, limit: int = 5) -> Resolution:
        """Score the candidates for `name` and choose one when it is certain (see the module docstring)."""
        context = context or Context()
        found = self._exact(node_type, name)
        if not found and node_type in FUZZY_TYPES:
            found = self._similar(node_type, name, context)
        ranked = sorted(found.values(), key=lambda c: (-c.score, c.name, c.node_id))
        if not ranked or ranked[0].score < MATCH:
            return Resolution(name, tuple(ranked[:limit]))
        tied = [c for c in ranked if c.score >= ranked[0].score - _TIE]
        if len(tied) == 1:
            return Resolution(name, tuple(ranked[:limit]), ranked[0])
        supported = sorted(((self._support(c, context), c) for c in tied), key=lambda pair: -pair[0][0])
        (best, why), first = supported[0]
        if best > 0 and supported[1][0][0] < best:
            chosen = replace(first, reasons=(*first.reasons, why))
            rest = [c for c in ranked if c.node_id != chosen.node_id]
            return Resolution(name, (chosen, *rest[: limit - 1]), chosen)
        return Resolution(name, tuple(ranked[:limit]), None, is_ambiguous=True)

    def similar(self, node_type: NodeType, name: str, context: Context | None = None) -> list[Candidate]:
        """Every candidate for `name` by its names, core and spelling, certain or not, best first."""
        found = self._similar(node_type, name, context or Context()) if node_type in FUZZY_TYPES else {}
        found.update(self._exact(node_type, name))
        return sorted(found.values(), key=lambda c: (-c.score, c.name, c.node_id))

    def _exact(self, node_type: NodeType, name: str) -> dict[str, Candidate]:
        ids, matched = self.index.lookup(node_type, name)
        found = {}
        for node_id in ids:
            node = self.nodes[node_id]
            names = {normalise_name(n): n for n in names_of(node)}
            key = normalise_name(matched or name)
            if key == normalise_name(node.label):
                score, reason = 1.0, "same name"
            elif key in names:
                score, reason = 1.0, f"alias {names[key]!r}"
            else:
                score, reason = _SPELLING, "same name spelled without diacritics or with å, ä, ö, ø, æ spelled out"
            former = _former_met(node, matched or name)
            if former is not None:
                reason = f"former name {former!r}"
            found[node_id] = Candidate(node_id, node.label, matched or name, score, (reason,), former)
        return found

    def _similar(self, node_type: NodeType, name: str, context: Context) -> dict[str, Candidate]:
        scored: dict[str, tuple[float, str, str | None]] = {}
        forms = _forms(name)
        if forms is None:
            return {}
        for node_id in self._cores[node_type].get(forms[1], ()):
            scored[node_id] = (_CORE, "same name without its type words or genitive s", None)
        for query in set(forms):
            for key, ratio, _ in process.extract(
                query, self._choices[node_type], scorer=fuzz.ratio, limit=10, score_cutoff=100 * POSSIBLE
            ):
                if ratio == 100 or _NUMBER.findall(key) != _NUMBER.findall(query):  # same core (above); another number
                    continue
                for node_id in self._keys[node_type][key]:
                    score = round(_FUZZY * ratio / 100, 3)
                    if score > scored.get(node_id, (0.0, "", None))[0]:
                        former = self._former[node_type].get(key, {}).get(node_id)
                        scored[node_id] = (score, f"similar spelling ({ratio:.0f} % alike)", former)
        said = _type_said(name)
        found = {}
        for node_id, (score, reason, former) in scored.items():
            node = self.nodes[node_id]
            reasons = [reason, f"former name {former!r}"] if former else [reason]
            org_type, country = node.props.get("org_type"), node.props.get("country")
            if said and node_type is NodeType.PLACE:
                score, reasons = score - _TYPE_PENALTY, [*reasons, f"a place, while the name says {said}"]
            elif said and org_type and org_type != said:
                score, reasons = score - _TYPE_PENALTY, [*reasons, f"a {org_type}, while the name says {said}"]
            if context.country and country and country != context.country:
                score, reasons = score - _COUNTRY_PENALTY, [*reasons, f"in {country}, the case in {context.country}"]
            found[node_id] = Candidate(node_id, node.label, name, round(score, 3), tuple(reasons), former)
        return found

    def _support(self, candidate: Candidate, context: Context) -> tuple[int, str]:
        """How strongly the case's context points at the candidate, and how to say so."""
        areas = self.areas(candidate.node_id)
        counts = Counter({area: context.areas.get(area, 0) for area in areas if context.areas.get(area, 0)})
        text = f" {context.text} "
        mentioned = sorted(
            area for area in areas if area in self.nodes and any(f" {spell(n)} " in text for n in names_of(self.nodes[area]))
        )
        total = sum(counts.values()) + len(mentioned)
        parts = [f"{count} of the case's other names lie in {self.nodes[area].label}" for area, count in counts.most_common(1)]
        parts += [f"the case's text names {self.nodes[area].label}" for area in mentioned[:1]]
        return total, "context: " + "; ".join(parts) if parts else ""

