"""Where the ranking's candidates and case documents come from: the `CaseSource` interface.

A source answers three things for a problem: which cases are worth scoring (at most a bounded
number, `CANDIDATES`), what those cases look like (`CaseDoc`s with their vectors), and which
vocabulary concepts exist (`ConceptCatalogue`, with one vector per concept). The reranking
above it is written once and does the same on every backend.

`source_for` gives the one implementation, `graph.ranking.stored.StoredCaseSource`: bounded
store calls and stored vectors, kept fresh by the store's change feed.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from graph.model import Node, NodeType, RelType
from graph.ranking.documents import CaseDoc, Link
from graph.ranking.embedding import Embedder
from graph.ranking.problem import Problem
from graph.store import GraphStore

if TYPE_CHECKING:
    from graph.ranking.facets import CaseFacets
    from graph.ranking.needs import NeedIndex

__all__ = [
    "ALL_LANGUAGES",
    "CANDIDATES",
    "CASE_RELS",
    "CONCEPT_TYPES",
    "CaseSource",
    "ConceptCatalogue",
    "NeedDoc",
    "free_concepts",
    "infer_links",
    "language_centres",
    "query_model",
    "source_for",
]

CANDIDATES = 300
"""At most this many cases are reranked for one problem."""
CONCEPT_TYPES = (NodeType.TARGET_GROUP, NodeType.TOPIC, NodeType.METHOD)
"""Concept types that are linked by similarity (organisations are linked by name only)."""
LINK_TYPES = (*CONCEPT_TYPES, NodeType.ORGANISATION, NodeType.PLACE)
CASE_RELS = {RelType.TARGETS, RelType.ABOUT, RelType.USED, RelType.PARTICIPATED_IN, RelType.ADDRESSES, RelType.LOCATED_IN}
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


ALL_LANGUAGES = ""
"""The key of the centre of every case's vector, for languages no stored case is written in."""
CENTRE_PRIOR_CASES = 5
"""A language's centre counts the centre of all cases as this many cases of its own, so a language with few
cases is not centred on those few cases themselves."""


def language_centres(rows: Iterable[tuple[str | None, Matrix]]) -> dict[str, Matrix]:
    """The mean of (language, own case vector) rows per language, and of all rows under `ALL_LANGUAGES`.

    A multilingual model puts texts of one language near each other whatever they say;
    subtracting a language's centre leaves what the text is about. Each language's mean is
    shrunk towards the mean of all cases by `CENTRE_PRIOR_CASES`.
    """
    groups: dict[str, list[Matrix]] = defaultdict(list)
    for language, vector in rows:
        if language:
            groups[language].append(vector)
        groups[ALL_LANGUAGES].append(vector)
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

    def documents(self, case_ids: Collection[str]) -> dict[str, CaseDoc]:
        """The case documents of the ids that name cases."""
        ...

    def all_case_ids(self) -> list[str]:
        """Every case id, sorted (for filters and counts)."""
        ...

    def concepts(self) -> ConceptCatalogue:
        """The vocabulary concepts with their vectors."""
        ...

    def needs(self) -> NeedIndex:
        """Every stored need with its vector and lemmas, for `similar_needs`."""
        ...

    def node(self, node_id: str) -> Node | None:
        """Any node by id (labels of reasons)."""
        ...

    def facets(self) -> CaseFacets:
        """Every case's country, language, year and links as arrays (filters, counts, pages)."""
        ...

    def centres(self) -> Mapping[str, Matrix]:
        """The centre of the case vectors of each language, `ALL_LANGUAGES` for all cases."""
        ...

    def keep_facets(self) -> None:
        """Keep the facets in the store (when built and changed since last kept), so the next process starts
        from them."""
        ...


def free_concepts(stated: Sequence[Link]) -> list[Node]:
    """The stated target groups, topics and methods that are free text, not vocabulary concepts."""
    return [link.node for link in stated if link.node.type in CONCEPT_TYPES and not is_vocabulary(link.node)]


def infer_links(stated: Sequence[Link], free: Sequence[Node], vectors: Matrix, catalogue: ConceptCatalogue) -> list[Link]:
    """Vocabulary concepts similar to the free-text concepts `free` (query vectors, one row each), not already stated."""
    from graph.ranking.concepts import CONCEPT_SIMILARITY

    if not free or not catalogue.nodes:
        return []
    have = {link.node.id for link in stated}
    best: dict[str, tuple[float, str]] = {}
    for row, node in zip(vectors @ catalogue.vectors.T, free, strict=True):
        for i in np.flatnonzero(row >= CONCEPT_SIMILARITY):
            concept = catalogue.nodes[int(i)].id
            if concept not in have and float(row[i]) > best.get(concept, (0.0, ""))[0]:
                best[concept] = (round(float(row[i]), 4), node.id)
    return [Link(catalogue.nodes[catalogue.position[c]], via, similarity) for c, (similarity, via) in sorted(best.items())]


def query_model(model: str) -> str:
    """The name free-text concepts' query vectors are stored under (they are embedded as queries)."""
    return f"{model}#query"


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
