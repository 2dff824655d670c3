"""Concept signal: vocabulary concepts (target groups, topics, methods) the problem and the case share.

A problem has a concept when it names it (every content word of a label or alias occurs) or
means it (a sentence is at least `CONCEPT_SIMILARITY` similar to the concept's labels). A case
has the concepts its file links, half of their broader concepts, and the concepts its free-text
target groups and topics are similar to (inferred links, kept with their similarity).

`CONCEPT_SIMILARITY` is a fixed cosine of the raw (not language-centred) e5 vectors, set by hand
at the level where e5 puts paraphrases of a short name; it is not fitted to the graded sets. The
links inferred with it are stored after embedding (`graph.ranking.inferred`: `INFERRED_LINK` edges
with their similarity and model), read into the case documents and shown as inferred; curators
confirm or reject them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from graph.model import Node, NodeType
from graph.ranking.cache import cache_dir
from graph.ranking.documents import CaseDoc, derived
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
_CACHE_FORMAT = 1
log = logging.getLogger(__name__)


def _cache_key(names: Sequence[tuple[str, list[tuple[str, str | None]]]]) -> str:
    """A hash of every name with its language and of the versions of the libraries that read them."""
    versions = [metadata.version(package) for package in ("simplemma", "wordfreq", "stopwordsiso", "lingua-language-detector")]
    text = json.dumps([_CACHE_FORMAT, versions, names], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _read_cached(path: Path) -> NameIndex | None:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return NameIndex({key: tuple((frozenset(words), node_id) for words, node_id in value) for key, value in rows.items()})
    except (OSError, ValueError, TypeError):
        return None


def _write_cached(path: Path, index: NameIndex) -> None:
    rows = {key: [[sorted(words), node_id] for words, node_id in value] for key, value in index.by_key.items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as out:
            json.dump(rows, out, ensure_ascii=False)
        os.replace(out.name, path)
    except OSError as exc:  # a read-only home only costs the next process the same work
        log.info("cannot keep the name index in %s: %s", path.parent, exc)


def _build(names: Sequence[tuple[str, list[tuple[str, str | None]]]]) -> NameIndex:
    rows: dict[str, list[tuple[frozenset[str], str]]] = {}
    for node_id, node_names in names:
        for name, lang in node_names:
            found = terms(name, lang)
            if not found or sum(term.weight for term in found) < MIN_NAME_WEIGHT:
                continue
            rarest = max(found, key=lambda term: (term.weight, term.key))
            rows.setdefault(rarest.key, []).append((frozenset(term.key for term in found), node_id))
    return NameIndex({key: tuple(dict.fromkeys(value)) for key, value in rows.items()})


def name_index(catalogue: ConceptCatalogue) -> NameIndex:
    """The name index of a catalogue's concepts and organisations: once per catalogue in a process, and kept in
    the cache folder (`graph.ranking.cache`) for the next process (lemmatising every name in five languages
    takes seconds)."""
    with _INDEX_LOCK:
        cached = _INDEXES.get(id(catalogue))
        if cached is not None and cached[0] is catalogue:
            return cached[1]
    names = [(node.id, _names(node)) for node in (*catalogue.nodes, *catalogue.organisations)]
    folder = cache_dir()
    path = folder / f"names-{_cache_key(names)}.json" if folder is not None else None
    index = _read_cached(path) if path is not None else None
    if index is None:
        index = _build(names)
        if path is not None:
            _write_cached(path, index)
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
    return derived("concepts", doc, _case_concepts)


def _case_concepts(doc: CaseDoc) -> dict[str, tuple[float, bool]]:
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
        items = list(wanted.items())

        def shared_of(doc: CaseDoc) -> list[tuple[float, str, bool]]:
            have = case_concepts(doc)
            return [
                (strength * have[concept][0], concept, strength < 1.0 or have[concept][1])
                for concept, strength in items
                if concept in have
            ]

        values = np.array([sum(weight for weight, _, _ in shared_of(doc)) for doc in docs], dtype=np.float64) / total

        def explain(position: int) -> tuple[Reason, ...]:
            shared = sorted(shared_of(docs[position]), key=lambda item: (-item[0], item[1]))
            return tuple(_reason(source, concept, weight / total, inferred, lang) for weight, concept, inferred in shared)

        return SignalScores(values, explain)


def _reason(source: CaseSource, concept: str, weight: float, inferred: bool, lang: str) -> Reason:
    node = source.node(concept)
    assert node is not None
    return Reason(REASON_KIND[node.type], node.label_in(lang), round(weight, 4), is_inferred=inferred, node_id=concept)
