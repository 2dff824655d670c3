"""Concept signal: vocabulary concepts (target groups, topics, methods) the problem and the case share.

A problem has a concept when it names it (every content word of a label or alias occurs) or
means it (a sentence is at least `CONCEPT_SIMILARITY` similar to the concept's labels). A case
has the concepts its file links, half of their broader concepts, and the concepts its free-text
target groups and topics are similar to (inferred links, kept with their similarity).

`CONCEPT_SIMILARITY` is calibrated on held-out data: the vocabulary's own aliases, embedded as
queries, against concept vectors built from labels alone; see `docs/eval.md`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from graph.model import Node, NodeType
from graph.ranking.documents import CaseDoc
from graph.ranking.language import terms
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason, ReasonKind
from graph.ranking.signals import SignalScores
from graph.ranking.source import CaseSource, ConceptCatalogue

__all__ = ["BROADER_SHARE", "CONCEPT_SIMILARITY", "REASON_KIND", "ConceptSignal", "NameIndex", "name_index"]

CONCEPT_SIMILARITY = 0.86
BROADER_SHARE = 0.5
MIN_NAME_WEIGHT = 1.0
"""A name matches free text only when its words together are this rare ("kommun" alone names nothing)."""

REASON_KIND = {
    NodeType.TARGET_GROUP: ReasonKind.TARGET_GROUP,
    NodeType.TOPIC: ReasonKind.TOPIC,
    NodeType.METHOD: ReasonKind.METHOD,
    NodeType.ORGANISATION: ReasonKind.ORGANISATION,
}


def _names(node: Node) -> list[tuple[str, str | None]]:
    names: list[tuple[str, str | None]] = [(node.label, "en" if any(k.startswith("label_") for k in node.props) else None)]
    names += [(str(v), k.removeprefix("label_")) for k, v in node.props.items() if k.startswith("label_")]
    aliases = node.props.get("aliases")
    if isinstance(aliases, list):
        names += [(str(alias), None) for alias in aliases]
    return names


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Names of concepts and organisations as sets of folded lemmas, by their rarest lemma."""

    by_key: Mapping[str, tuple[tuple[frozenset[str], str], ...]]

    def named_in(self, keys: frozenset[str]) -> set[str]:
        """Ids of the nodes one of whose names has all its words among `keys`."""
        found = set()
        for key in keys:
            for name, node_id in self.by_key.get(key, ()):
                if name <= keys:
                    found.add(node_id)
        return found


_INDEXES: dict[int, tuple[ConceptCatalogue, NameIndex]] = {}
_INDEX_LOCK = threading.Lock()


def name_index(catalogue: ConceptCatalogue) -> NameIndex:
    """The name index of a catalogue's concepts and organisations (built once per catalogue)."""
    with _INDEX_LOCK:
        cached = _INDEXES.get(id(catalogue))
        if cached is not None and cached[0] is catalogue:
            return cached[1]
    rows: dict[str, list[tuple[frozenset[str], str]]] = {}
    for node in (*catalogue.nodes, *catalogue.organisations):
        for name, lang in _names(node):
            found = terms(name, lang)
            if not found or sum(term.weight for term in found) < MIN_NAME_WEIGHT:
                continue
            rarest = max(found, key=lambda term: (term.weight, term.key))
            rows.setdefault(rarest.key, []).append((frozenset(term.key for term in found), node.id))
    index = NameIndex({key: tuple(dict.fromkeys(value)) for key, value in rows.items()})
    with _INDEX_LOCK:
        _INDEXES[id(catalogue)] = (catalogue, index)
    return index


def problem_concepts(problem_keys: frozenset[str], sentence_vectors: np.ndarray, catalogue: ConceptCatalogue) -> dict[str, float]:
    """Concepts the problem names (1.0) or means (their similarity)."""
    found = catalogue.similar(sentence_vectors, CONCEPT_SIMILARITY)
    position = catalogue.position
    for node_id in name_index(catalogue).named_in(problem_keys):
        if node_id in position:
            found[node_id] = 1.0
    return found


def case_concepts(doc: CaseDoc) -> dict[str, tuple[float, bool]]:
    """A case's concepts: (strength, inferred) — stated 1, broader `BROADER_SHARE`, inferred its similarity."""
    found: dict[str, tuple[float, bool]] = {}
    for link in doc.broader:
        found[link.node.id] = (BROADER_SHARE, False)
    for link in doc.links:
        strength = 1.0 if link.similarity is None else link.similarity
        if link.node.id not in found or found[link.node.id][0] < strength:
            found[link.node.id] = (strength, link.is_inferred)
    return found


class ConceptSignal:
    """Shared vocabulary concepts, stated or inferred, weighed by how strongly each side has them."""

    name = "concepts"

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """The share of the problem's concept weight each case shares, with one reason per shared concept."""
        wanted = {c: s for c, s in problem.concepts.items() if source.node(c) is not None and source.node(c).type in REASON_KIND}  # type: ignore[union-attr]
        total = sum(wanted.values())
        if total <= 0:
            return SignalScores.empty(len(docs))
        values = np.zeros(len(docs))
        reasons: list[tuple[Reason, ...]] = []
        for position, doc in enumerate(docs):
            have = case_concepts(doc)
            shared = []
            for concept, strength in wanted.items():
                if concept in have:
                    case_strength, case_inferred = have[concept]
                    shared.append((strength * case_strength, concept, strength < 1.0 or case_inferred))
            values[position] = sum(weight for weight, _, _ in shared) / total
            shared.sort(key=lambda item: (-item[0], item[1]))
            reasons.append(tuple(_reason(source, concept, weight / total, inferred, lang) for weight, concept, inferred in shared))
        return SignalScores(values, tuple(reasons))


def _reason(source: CaseSource, concept: str, weight: float, inferred: bool, lang: str) -> Reason:
    node = source.node(concept)
    assert node is not None
    return Reason(REASON_KIND[node.type], node.label_in(lang), round(weight, 4), is_inferred=inferred, node_id=concept)
