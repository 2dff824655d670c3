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
from dataclasses import dataclass, field, replace
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
    "ALL_LANGUAGES",
    "CONCEPT_TYPES",
    "CaseSource",
    "ConceptCatalogue",
    "NeedDoc",
    "StoreCaseSource",
    "language_centres",
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


@dataclass(frozen=True, slots=True)
class _Embedded:
    catalogue: ConceptCatalogue
    docs: Mapping[str, CaseDoc]
    needs: list[NeedDoc]
    own: Matrix
    centres: Mapping[str, npt.NDArray[np.float32]]


ALL_LANGUAGES = ""
"""The key of the centre of every case's vector, for languages no stored case is written in."""
CENTRE_PRIOR_CASES = 5
"""A language's centre counts the centre of all cases as this many cases of its own, so a language with few
cases is not centred on those few cases themselves."""


def language_centres(docs: Collection[CaseDoc]) -> dict[str, npt.NDArray[np.float32]]:
    """The mean own vector of the cases of each language, and of all cases under `ALL_LANGUAGES`.

    A multilingual model puts texts of one language near each other whatever they say;
    subtracting a language's centre leaves what the text is about. Each language's mean is
    shrunk towards the mean of all cases by `CENTRE_PRIOR_CASES`.
    """
    groups: dict[str, list[npt.NDArray[np.float32]]] = defaultdict(list)
    for doc in docs:
        if doc.vectors is not None:
            language = doc.case.props.get("language")
            if isinstance(language, str) and language:
                groups[language].append(doc.vectors[0])
            groups[ALL_LANGUAGES].append(doc.vectors[0])
    if not groups:
        return {}
    overall = np.mean(groups[ALL_LANGUAGES], axis=0)
    return {
        language: ((np.sum(rows, axis=0) + CENTRE_PRIOR_CASES * overall) / (len(rows) + CENTRE_PRIOR_CASES)).astype(np.float32)
        for language, rows in groups.items()
    }


class CaseSource(Protocol):
    """Candidates, documents and concepts for the ranking, from one revision of a store."""

    embedder: Embedder
    revision: int

    def candidates(self, problem: Problem, *, limit: int = CANDIDATES) -> list[str]:
        """Ids of at most `limit` cases worth scoring for the problem (every case when there are few)."""
        ...

    def documents(self, case_ids: Collection[str], *, embedded: bool = True) -> dict[str, CaseDoc]:
        """The case documents of the ids that name cases (without vectors and inferred links unless `embedded`)."""
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

    def centres(self) -> Mapping[str, npt.NDArray[np.float32]]:
        """The centre of the case vectors of each language, `ALL_LANGUAGES` for all cases."""
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
    """A `CaseSource` held in memory, read from a store once per revision.

    Reading is cheap and done at once (filters and counts need no vectors); texts are embedded
    on the first ranking, each text once per model.
    """

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
        self._case_ids = sorted(n.id for n in self._nodes.values() if n.type is NodeType.CASE)
        self._plain = {case_id: self._document(case_id, edges) for case_id in self._case_ids}
        self._embedded: _Embedded | None = None
        self._lock = threading.Lock()

    def _embed(self) -> _Embedded:
        with self._lock:
            if self._embedded is None:
                catalogue = self._build_catalogue()
                docs = {case_id: self._with_vectors(doc, catalogue) for case_id, doc in self._plain.items()}
                own = (
                    np.stack([docs[case_id].vectors[0] for case_id in self._case_ids])  # type: ignore[index]
                    if self._case_ids
                    else np.zeros((0, self.embedder.dimension), dtype=np.float32)
                )
                self._embedded = _Embedded(catalogue, docs, self._build_needs(), own, language_centres(docs.values()))
            return self._embedded

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
        """A case's passages and stated links (no vectors, no inferred links yet)."""
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
        links = tuple(Link(self._nodes[node_id], via) for node_id, via in sorted(linked.items()))
        broader_ids = {b for link in links for b in self._ancestors(link.node.id)} - set(linked)
        broader = tuple(Link(self._nodes[b], case_id) for b in sorted(broader_ids))
        return CaseDoc(case, tuple(case_passages(case, needs)), links, broader)

    def _with_vectors(self, doc: CaseDoc, catalogue: ConceptCatalogue) -> CaseDoc:
        """The document with its passage vectors and the concepts inferred from its free-text names."""
        texts = [own_text(doc.case), *(passage.text for passage in doc.passages)]
        vectors = embed_cached(self.embedder, texts, key=passages_hash(texts[0], doc.passages))
        return replace(doc, links=doc.links + tuple(self._inferred(doc.links, catalogue)), vectors=vectors)

    def _inferred(self, stated: Sequence[Link], catalogue: ConceptCatalogue) -> list[Link]:
        """Vocabulary concepts similar to the case's free-text target groups and topics (not already stated)."""
        from graph.ranking.concepts import CONCEPT_SIMILARITY

        free = [link.node for link in stated if link.node.type in CONCEPT_TYPES and not is_vocabulary(link.node)]
        if not free or not catalogue.nodes:
            return []
        texts = [node.label for node in free]
        vectors = embed_cached(self.embedder, texts, key="q" + texts_hash(texts), as_queries=True)
        have = {link.node.id for link in stated}
        best: dict[str, tuple[float, str]] = {}
        for row, node in zip(vectors @ catalogue.vectors.T, free, strict=True):
            for i in np.flatnonzero(row >= CONCEPT_SIMILARITY):
                concept = catalogue.nodes[int(i)].id
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

    def candidates(self, problem: Problem, *, limit: int = CANDIDATES) -> list[str]:
        """Every case when there are at most `limit`; else the nearest by vector, by shared concept and by word."""
        if len(self._case_ids) <= limit:
            return list(self._case_ids)
        embedded = self._embed()
        chosen: dict[str, None] = {}
        similarity = embedded.own @ problem.vector
        for position in np.argsort(-similarity, kind="stable")[: limit // 2]:
            chosen[self._case_ids[int(position)]] = None
        concepts = set(problem.concepts)
        words = problem.keys
        for case_id in self._case_ids:
            if len(chosen) >= limit:
                break
            doc = embedded.docs[case_id]
            if concepts & {link.node.id for link in doc.links} or words & set(_title_words(doc.case)):
                chosen[case_id] = None
        return list(chosen)

    def documents(self, case_ids: Collection[str], *, embedded: bool = True) -> dict[str, CaseDoc]:
        """The documents of the ids that name cases; without vectors and inferred links unless `embedded`."""
        docs = self._embed().docs if embedded else self._plain
        return {case_id: docs[case_id] for case_id in case_ids if case_id in docs}

    def all_case_ids(self) -> list[str]:
        """Every case id, sorted."""
        return list(self._case_ids)

    def concepts(self) -> ConceptCatalogue:
        """The vocabulary concepts with their vectors."""
        return self._embed().catalogue

    def needs(self) -> list[NeedDoc]:
        """Every stored need with its vector."""
        return self._embed().needs

    def centres(self) -> Mapping[str, npt.NDArray[np.float32]]:
        """The centre of the case vectors of each language (see `language_centres`)."""
        return self._embed().centres

    def node(self, node_id: str) -> Node | None:
        """Any node by id."""
        return self._nodes.get(node_id)


def _title_words(case: Node) -> list[str]:
    from graph.ranking.language import lemmas

    return lemmas(case.label)


_SOURCES: dict[tuple[str, str], StoreCaseSource] = {}
_SOURCES_LOCK = threading.Lock()


def source_for(store: GraphStore, embedder: Embedder) -> CaseSource:
    """The in-memory source of the store's current revision (built on first use after a write)."""
    revision = store.revision()
    key = (store.location, embedder.model)
    with _SOURCES_LOCK:
        source = _SOURCES.get(key)
        if source is None or source.revision != revision:
            source = StoreCaseSource(store, embedder)
            _SOURCES[key] = source
        return source
