"""Where the ranking's candidates and case documents come from: the `CaseSource` interface.

A source answers three things for a problem: which cases are worth scoring (at most a bounded
number, `CANDIDATES`), what those cases look like (`CaseDoc`s with their vectors), and which
vocabulary concepts exist (`ConceptCatalogue`, with one vector per concept). The reranking
above it is written once and does the same on every backend.

`StoreCaseSource` builds all of this in memory from one revision of any `GraphStore`,
embedding each text once per model (vectors are kept by text hash across revisions).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from graph.model import Edge, Node, NodeType, RelType
from graph.ranking.documents import CaseDoc, Link, case_passages, own_text, passages_hash, texts_hash
from graph.ranking.embedding import Embedder
from graph.ranking.problem import Problem
from graph.store import GraphStore

__all__ = [
    "CANDIDATES",
    "CONCEPT_TYPES",
    "CaseSource",
    "ConceptCatalogue",
    "NeedDoc",
    "StoreCaseSource",
    "source_for",
]

CANDIDATES = 300
"""At most this many cases are reranked for one problem."""
CONCEPT_TYPES = (NodeType.TARGET_GROUP, NodeType.TOPIC, NodeType.METHOD)
"""Concept types that are linked by similarity (organisations are linked by name only)."""
LINK_TYPES = (*CONCEPT_TYPES, NodeType.ORGANISATION, NodeType.PLACE)
_CASE_RELS = {RelType.TARGETS, RelType.ABOUT, RelType.USED, RelType.PARTICIPATED_IN, RelType.ADDRESSES, RelType.LOCATED_IN}
_CONCEPT_ALIASES_EMBEDDED = 4
"""A concept's vector is of its labels and its first few aliases, in one text."""

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ConceptCatalogue:
    """The vocabulary concepts (nodes with labels) and one unit vector per concept, row i for `nodes[i]`."""

    nodes: tuple[Node, ...]
    vectors: Matrix
    position: Mapping[str, int] = field(default_factory=dict)
    organisations: tuple[Node, ...] = ()

    def similar(self, vectors: Matrix, threshold: float) -> dict[str, float]:
        """Concepts whose vector is at least `threshold` similar to any of `vectors`, with the best similarity."""
        if not len(self.nodes) or not len(vectors):
            return {}
        best = (vectors @ self.vectors.T).max(axis=0)
        return {self.nodes[i].id: float(best[i]) for i in np.flatnonzero(best >= threshold)}


@dataclass(frozen=True, slots=True)
class NeedDoc:
    """A stored need with its vector (None while not embedded)."""

    need: Node
    vector: npt.NDArray[np.float32] | None


class CaseSource(Protocol):
    """Candidates, documents and concepts for the ranking, from one revision of a store."""

    embedder: Embedder
    revision: int

    def candidates(self, problem: Problem, *, limit: int = CANDIDATES) -> list[str]:
        """Ids of at most `limit` cases worth scoring for the problem (every case when there are few)."""
        ...

    def documents(self, case_ids: Collection[str]) -> dict[str, CaseDoc]:
        """The case documents of the ids that name cases."""
        ...

    def all_case_ids(self) -> list[str]:
        """Every case id, sorted (for filters and counts)."""
        ...

    def concepts(self) -> ConceptCatalogue:
        """The vocabulary concepts with their vectors."""
        ...

    def needs(self) -> list[NeedDoc]:
        """Every stored need with its vector."""
        ...

    def node(self, node_id: str) -> Node | None:
        """Any node by id (labels of reasons)."""
        ...


def is_vocabulary(node: Node) -> bool:
    """Whether a node is a vocabulary concept (it has labels in our languages), not a free-text name."""
    return any(key.startswith("label_") for key in node.props)


def concept_text(node: Node) -> str:
    """The text a concept is embedded with: its labels and first aliases, deduplicated."""
    names = [node.label, *(str(v) for k, v in sorted(node.props.items()) if k.startswith("label_"))]
    aliases = node.props.get("aliases")
    if isinstance(aliases, list):
        names += [str(alias) for alias in aliases[:_CONCEPT_ALIASES_EMBEDDED]]
    return ", ".join(dict.fromkeys(name.strip() for name in names if name.strip()))


_VECTORS: dict[tuple[str, str], Matrix] = {}
_VECTORS_LOCK = threading.Lock()


def embed_cached(embedder: Embedder, texts: Sequence[str], *, key: str, as_queries: bool = False) -> Matrix:
    """Passage (or query) vectors of `texts`, embedded once per model and text hash `key` in this process."""
    with _VECTORS_LOCK:
        found = _VECTORS.get((embedder.model, key))
    if found is None:
        found = embedder.embed_queries(list(texts)) if as_queries else embedder.embed_passages(list(texts))
        with _VECTORS_LOCK:
            _VECTORS[(embedder.model, key)] = found
    return found


class StoreCaseSource:
    """A `CaseSource` held in memory, read from a store once per revision."""

    def __init__(self, store: GraphStore, embedder: Embedder) -> None:
        self.embedder = embedder
        self.revision = store.revision()
        self._nodes: dict[str, Node] = {}
        for node_type in NodeType:
            for node in store.find(node_type):
                self._nodes[node.id] = node
        edges: dict[str, list[Edge]] = defaultdict(list)
        broader: dict[str, set[str]] = defaultdict(set)
        for edge in store.edges():
            if edge.source in self._nodes and edge.target in self._nodes:
                edges[edge.source].append(edge)
                edges[edge.target].append(edge)
                if edge.type is RelType.BROADER:
                    broader[edge.source].add(edge.target)
        self._broader = broader
        self._catalogue = self._build_catalogue()
        self._case_ids = sorted(n.id for n in self._nodes.values() if n.type is NodeType.CASE)
        self._docs = {case_id: self._document(case_id, edges) for case_id in self._case_ids}
        self._needs = self._build_needs()
        self._own = (
            np.stack([self._own_vector(self._docs[case_id]) for case_id in self._case_ids])
            if self._case_ids
            else np.zeros((0, embedder.dimension), dtype=np.float32)
        )

    def _build_catalogue(self) -> ConceptCatalogue:
        nodes = tuple(
            sorted(
                (n for n in self._nodes.values() if n.type in CONCEPT_TYPES and is_vocabulary(n)),
                key=lambda n: n.id,
            )
        )
        texts = [concept_text(node) for node in nodes]
        vectors = embed_cached(self.embedder, texts, key=texts_hash(texts))
        organisations = tuple(sorted((n for n in self._nodes.values() if n.type is NodeType.ORGANISATION), key=lambda n: n.id))
        return ConceptCatalogue(nodes, vectors, {node.id: i for i, node in enumerate(nodes)}, organisations)

    def _document(self, case_id: str, edges: Mapping[str, list[Edge]]) -> CaseDoc:
        case = self._nodes[case_id]
        linked: dict[str, str] = {}
        needs: list[Node] = []
        for edge in edges.get(case_id, ()):
            if edge.type not in _CASE_RELS:
                continue
            other = self._nodes[edge.target if edge.source == case_id else edge.source]
            if other.type is NodeType.NEED:
                needs.append(other)
                for need_edge in edges.get(other.id, ()):
                    if need_edge.type is RelType.OF and need_edge.source == other.id:
                        linked.setdefault(need_edge.target, other.id)
            elif other.type in LINK_TYPES:
                linked.setdefault(other.id, case_id)
        passages = tuple(case_passages(case, needs))
        texts = [own_text(case), *(passage.text for passage in passages)]
        vectors = embed_cached(self.embedder, texts, key=passages_hash(texts[0], passages))
        stated = [Link(self._nodes[node_id], via) for node_id, via in sorted(linked.items())]
        links = tuple(stated + self._inferred(stated))
        broader_ids = {b for link in links for b in self._ancestors(link.node.id)} - set(linked)
        broader = tuple(Link(self._nodes[b], case_id) for b in sorted(broader_ids))
        return CaseDoc(case, passages, links, broader, vectors)

    def _inferred(self, stated: Sequence[Link]) -> list[Link]:
        """Vocabulary concepts similar to the case's free-text target groups and topics (not already stated)."""
        from graph.ranking.concepts import CONCEPT_SIMILARITY

        free = [link.node for link in stated if link.node.type in CONCEPT_TYPES and not is_vocabulary(link.node)]
        if not free or not self._catalogue.nodes:
            return []
        texts = [node.label for node in free]
        vectors = embed_cached(self.embedder, texts, key="q" + texts_hash(texts), as_queries=True)
        have = {link.node.id for link in stated}
        best: dict[str, tuple[float, str]] = {}
        for row, node in zip(vectors @ self._catalogue.vectors.T, free, strict=True):
            for i in np.flatnonzero(row >= CONCEPT_SIMILARITY):
                concept = self._catalogue.nodes[int(i)].id
                if concept not in have and float(row[i]) > best.get(concept, (0.0, ""))[0]:
                    best[concept] = (round(float(row[i]), 4), node.id)
        return [Link(self._nodes[c], via, similarity) for c, (similarity, via) in sorted(best.items())]

    def _ancestors(self, concept: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self._broader.get(concept, ()))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self._broader.get(current, ()))
        return seen

    def _build_needs(self) -> list[NeedDoc]:
        needs = sorted((n for n in self._nodes.values() if n.type is NodeType.NEED), key=lambda n: n.id)
        texts = [str(need.props.get("text", "")) or need.label for need in needs]
        vectors = embed_cached(self.embedder, texts, key=texts_hash(texts))
        return [NeedDoc(need, vectors[i]) for i, need in enumerate(needs)]

    @staticmethod
    def _own_vector(doc: CaseDoc) -> Matrix:
        assert doc.vectors is not None
        return doc.vectors[0]

    def candidates(self, problem: Problem, *, limit: int = CANDIDATES) -> list[str]:
        """Every case when there are at most `limit`; else the nearest by vector, by shared concept and by word."""
        if len(self._case_ids) <= limit:
            return list(self._case_ids)
        chosen: dict[str, None] = {}
        similarity = self._own @ problem.vector
        for position in np.argsort(-similarity, kind="stable")[: limit // 2]:
            chosen[self._case_ids[int(position)]] = None
        concepts = set(problem.concepts)
        words = problem.keys
        for case_id in self._case_ids:
            if len(chosen) >= limit:
                break
            doc = self._docs[case_id]
            if concepts & {link.node.id for link in doc.links} or words & set(_title_words(doc.case)):
                chosen[case_id] = None
        return list(chosen)

    def documents(self, case_ids: Collection[str]) -> dict[str, CaseDoc]:
        """The documents of the ids that name cases."""
        return {case_id: self._docs[case_id] for case_id in case_ids if case_id in self._docs}

    def all_case_ids(self) -> list[str]:
        """Every case id, sorted."""
        return list(self._case_ids)

    def concepts(self) -> ConceptCatalogue:
        """The vocabulary concepts with their vectors."""
        return self._catalogue

    def needs(self) -> list[NeedDoc]:
        """Every stored need with its vector."""
        return self._needs

    def node(self, node_id: str) -> Node | None:
        """Any node by id."""
        return self._nodes.get(node_id)


def _title_words(case: Node) -> list[str]:
    from graph.ranking.language import lemmas

    return lemmas(case.label)


_SOURCES: dict[tuple[str, str], CaseSource] = {}
_SOURCES_LOCK = threading.Lock()
NETWORK_REFRESH_SECONDS = 0.25
"""A source over a networked store (Neo4j) asks for changes at most this often; an embedded one on every query."""


def source_for(store: GraphStore, embedder: Embedder) -> CaseSource:
    """The store's source for this model: made once per open store, then kept fresh by its change feed."""
    from graph.backends import is_neo4j_location
    from graph.ranking.stored import StoredCaseSource

    key = (store.location, embedder.model)
    with _SOURCES_LOCK:
        source = _SOURCES.get(key)
        if not isinstance(source, StoredCaseSource) or source.store is not store:
            refresh = NETWORK_REFRESH_SECONDS if is_neo4j_location(store.location) else 0.0
            source = StoredCaseSource(store, embedder, refresh_seconds=refresh)
            _SOURCES[key] = source
    source.sync()
    return source
