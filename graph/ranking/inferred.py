"""Inferred concept links, stored: worked out after embedding, read by the ranking, confirmed or rejected by curators.

A case's free-text target groups, topics and methods (names that are no vocabulary
label or alias, stated by the case or by one of its needs) are compared with the
vocabulary concepts by embedding similarity; a concept at least `CONCEPT_SIMILARITY`
similar to one of them, and not stated already, is an inferred link
(`source.infer_links`). After a case's texts or free-text concepts are embedded,
`refresh_inferred_links` writes those links as `INFERRED_LINK` edges from the case
to the concept, with their `similarity`, the `model` and the free-text concept they
came `via`, asserted by `inferred:<case id>`; it writes only what differs from what
is stored, in one run per chunk of cases by `INFERENCE_ACTOR`.

The ranking reads the stored links of a case where there are any under its model
(`stored_links`) and infers at query time otherwise, so a case is ranked the same
before and after its links are stored.

A curator confirms a link (`confirm_inferred_link`): it becomes the stated link of
its type (`TARGETS`, `ABOUT`, `USED`) asserted by `curated:<case id>`, which no
re-ingest of the case file retracts; or rejects it (`reject_inferred_link`): it
becomes a `REJECTED_LINK` edge, and a rejected concept is never inferred again for
that case, whatever model embeds it. Both are one run by the curator, so the
history says who did it.

Examples
--------
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Edge, Node, NodeType, Origin, RelType
>>> store = EmbeddedStore(":memory:").open()
>>> _ = store.upsert(Batch(nodes=(
...     Node("se-a", NodeType.CASE, {"title": "A"}),
...     Node("target-group:pupils", NodeType.TARGET_GROUP, {"name": "Pupils", "label_sv": "Elever"}),
... ), edges=(Edge("se-a", RelType.INFERRED_LINK, "target-group:pupils", inferred_asserter("se-a"),
...               {"similarity": 0.9, "model": "m", "via": "target-group:skolelever"}),)))
>>> [(link.case, link.concept, link.similarity) for link in list_inferred_links(store)]
[('se-a', 'target-group:pupils', 0.9)]
>>> confirm_inferred_link(store, "se-a", "target-group:pupils", origin=Origin("person:kari")).type.value
'TARGETS'
>>> list_inferred_links(store), store.history("se-a")[0].run.actor
([], 'person:kari')
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from graph.changes import ChangeSet
from graph.errors import NodeNotFound, StoreError
from graph.model import Batch, Direction, Edge, Node, NodeType, Origin, RelType
from graph.ranking.documents import Link
from graph.ranking.embedding import Embedder
from graph.ranking.source import (
    CASE_RELS,
    CONCEPT_TYPES,
    LINK_TYPES,
    ConceptCatalogue,
    free_concepts,
    infer_links,
    is_vocabulary,
    query_model,
)
from graph.store import GraphStore
from graph.vectors import StoredVectors

__all__ = [
    "INFERENCE_ACTOR",
    "STATED_RELS",
    "CaseReading",
    "InferredLinkNotFound",
    "StoredLink",
    "cases_to_refresh",
    "confirm_inferred_link",
    "curated_asserter",
    "inferred_asserter",
    "list_inferred_links",
    "read_cases",
    "refresh_inferred_links",
    "reject_inferred_link",
    "rejected_concepts",
    "stated_links",
    "stored_links",
    "wanted_links",
]

log = logging.getLogger(__name__)

INFERENCE_ACTOR = "inference"
"""The actor of the runs that write inferred links (see `graph.history`)."""
SIMILARITY, MODEL, VIA = "similarity", "model", "via"
"""The properties of an `INFERRED_LINK` (and `REJECTED_LINK`) edge."""
STATED_RELS: Mapping[NodeType, RelType] = {
    NodeType.TARGET_GROUP: RelType.TARGETS,
    NodeType.TOPIC: RelType.ABOUT,
    NodeType.METHOD: RelType.USED,
}
"""The relationship a confirmed link becomes, by the concept's type."""
_CHUNK = 500
"""Cases read and written per round of `refresh_inferred_links`."""
_TRIGGERS = frozenset({RelType.TARGETS.value, RelType.ABOUT.value, RelType.USED.value, RelType.ADDRESSES.value,
                       RelType.REJECTED_LINK.value})
"""Edges from a case whose change changes what may be inferred for it."""


class InferredLinkNotFound(StoreError):
    """No inferred link joins the case and the concept (it was never inferred, or already confirmed or rejected)."""

    code = "NOT_FOUND"

    def __init__(self, case_id: str, concept_id: str) -> None:
        super().__init__(f"no inferred link from {case_id!r} to {concept_id!r}")
        self.case_id = case_id
        self.concept_id = concept_id


def inferred_asserter(case_id: str) -> str:
    """Who asserts a case's inferred links (one asserter per case, so a merge re-asserts only those it touches)."""
    return f"inferred:{case_id}"


def curated_asserter(case_id: str) -> str:
    """Who asserts the links curators confirmed or rejected for a case (no re-ingest of its file retracts them)."""
    return f"curated:{case_id}"


@dataclass(frozen=True, slots=True)
class StoredLink:
    """A stored inferred link: the case, the concept, their similarity, the model and the free-text concept it came via."""

    case: str
    concept: str
    similarity: float
    model: str
    via: str

    @classmethod
    def of(cls, edge: Edge) -> StoredLink:
        """The link an `INFERRED_LINK` edge holds."""
        similarity = edge.props.get(SIMILARITY)
        return cls(
            edge.source,
            edge.target,
            float(similarity) if isinstance(similarity, int | float) else 0.0,
            str(edge.props.get(MODEL, "")),
            str(edge.props.get(VIA, "")),
        )


# ---------------------------------------------------------------------- reading and inferring (pure)
@dataclass(frozen=True, slots=True)
class CaseReading:
    """What a handful of bounded store calls read for some cases: the cases, every edge of each, the nodes at the
    other ends and the target groups of their needs, and the query vectors of the free-text concepts among them."""

    cases: dict[str, Node]
    edges: dict[str, list[Edge]]
    nodes: dict[str, Node]
    need_of: dict[str, list[Edge]]
    free_vectors: dict[str, StoredVectors]


def read_cases(store: GraphStore, case_ids: Sequence[str], model: str) -> CaseReading:
    """Read the cases among `case_ids` with their links and free-text concept vectors under `model` (see `CaseReading`)."""
    cases = {node_id: node for node_id, node in store.get_many(list(case_ids)).items() if node.type is NodeType.CASE}
    if not cases:
        return CaseReading({}, {}, {}, {}, {})
    edges = store.edges_of_many(list(cases))
    others = {edge.target if edge.source == case_id else edge.source for case_id in cases for edge in edges[case_id]}
    nodes = store.get_many(sorted(others))
    need_ids = sorted(node_id for node_id, node in nodes.items() if node.type is NodeType.NEED)
    need_of = store.edges_of_many(need_ids, rel=RelType.OF, direction=Direction.OUT) if need_ids else {}
    need_targets = {edge.target for found in need_of.values() for edge in found}
    nodes.update(store.get_many(sorted(need_targets - nodes.keys())))
    free = sorted(node_id for node_id, node in nodes.items() if node.type in CONCEPT_TYPES and not is_vocabulary(node))
    free_vectors = store.vectors(query_model(model), free) if free else {}
    return CaseReading(cases, edges, nodes, need_of, free_vectors)


def stated_links(
    case: Node, edges: Iterable[Edge], nodes: Mapping[str, Node], need_of: Mapping[str, list[Edge]]
) -> tuple[list[Link], list[Node]]:
    """The links a case states (directly, or through a need's target groups), sorted by id, and its needs."""
    linked: dict[str, str] = {}
    needs: dict[str, Node] = {}
    for edge in edges:
        if edge.type not in CASE_RELS:
            continue
        other = nodes.get(edge.target if edge.source == case.id else edge.source)
        if other is None:
            continue
        if other.type is NodeType.NEED:
            needs.setdefault(other.id, other)
            for need_edge in need_of.get(other.id, ()):
                if need_edge.target in nodes:
                    linked.setdefault(need_edge.target, other.id)
        elif other.type in LINK_TYPES:
            linked.setdefault(other.id, case.id)
    return [Link(nodes[node_id], via) for node_id, via in sorted(linked.items())], list(needs.values())


def rejected_concepts(case_id: str, edges: Iterable[Edge]) -> frozenset[str]:
    """The concepts curators rejected as links of the case."""
    return frozenset(edge.target for edge in edges if edge.type is RelType.REJECTED_LINK and edge.source == case_id)


def wanted_links(
    stated: Sequence[Link],
    free_vectors: Mapping[str, StoredVectors],
    catalogue: ConceptCatalogue,
    rejected: Collection[str],
) -> list[Link]:
    """The links to infer for a case: `infer_links` over its embedded free-text concepts, less the rejected ones."""
    free = [node for node in free_concepts(stated) if node.id in free_vectors]
    rows = np.stack([free_vectors[node.id].own for node in free]) if free else np.zeros((0, 1), dtype=np.float32)
    return [link for link in infer_links(stated, free, rows, catalogue) if link.node.id not in rejected]


def stored_links(
    case_id: str, edges: Iterable[Edge], catalogue: ConceptCatalogue, model: str, stated: Sequence[Link]
) -> list[Link] | None:
    """The case's stored inferred links under `model` as the ranking reads them (by concept id), or None when it has none.

    A stored link to a concept the case now states, that curators rejected, or that left the vocabulary is left out.
    """
    edges = list(edges)
    found = [e for e in edges if e.type is RelType.INFERRED_LINK and e.source == case_id and e.props.get(MODEL) == model]
    if not found:
        return None
    skip = {link.node.id for link in stated} | rejected_concepts(case_id, edges)
    links = []
    for edge in sorted(found, key=lambda edge: edge.target):
        position = catalogue.position.get(edge.target)
        if position is None or edge.target in skip:
            continue
        link = StoredLink.of(edge)
        links.append(Link(catalogue.nodes[position], link.via, link.similarity))
    return links


def _edges_of(case_id: str, links: Iterable[Link], model: str) -> dict[tuple[str, str, str, str], Edge]:
    asserter = inferred_asserter(case_id)
    found = (
        Edge(case_id, RelType.INFERRED_LINK, link.node.id, asserter,
             {SIMILARITY: float(link.similarity or 0.0), MODEL: model, VIA: link.via})
        for link in links
    )
    return {edge.key: edge for edge in found}


# ---------------------------------------------------------------------- writing after embedding
def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def refresh_inferred_links(
    store: GraphStore,
    embedder: Embedder,
    case_ids: Collection[str] | None = None,
    *,
    catalogue: ConceptCatalogue | None = None,
) -> int:
    """Work out the inferred links of the cases (all when None) under the embedder's model and store what differs.

    Parameters
    ----------
    store
        The store; its cases' free-text concepts should be embedded (`graph.ranking.worker`).
    embedder
        The model whose vectors are compared (the links record its name).
    case_ids
        The cases whose links may have changed; ids of other nodes are ignored.
    catalogue
        The vocabulary with its vectors; the store's ranking source's when absent.

    Returns
    -------
    int
        How many inferred links were written or removed (one run per chunk of cases that changed).
    """
    if catalogue is None:
        from graph.ranking.source import source_for

        catalogue = source_for(store, embedder).concepts()
    model = embedder.model
    ids = sorted(set(case_ids)) if case_ids is not None else sorted(node.id for node in store.find(NodeType.CASE))
    changed = 0
    for chunk in _chunks(ids, _CHUNK):
        reading = read_cases(store, chunk, model)
        write: list[Edge] = []
        remove: set[tuple[str, str, str, str]] = set()
        for case_id, case in reading.cases.items():
            edges = reading.edges.get(case_id, [])
            stated, _ = stated_links(case, edges, reading.nodes, reading.need_of)
            wanted = _edges_of(case_id, wanted_links(stated, reading.free_vectors, catalogue,
                                                     rejected_concepts(case_id, edges)), model)
            old = {e.key: e for e in edges if e.type is RelType.INFERRED_LINK and e.source == case_id}
            remove |= old.keys() - wanted.keys()
            write += [edge for key, edge in wanted.items() if key not in old or old[key].props != edge.props]
        if write or remove:
            store.upsert(Batch(edges=tuple(write), remove_edges=frozenset(remove), origin=Origin(INFERENCE_ACTOR)))
            changed += len(write) + len(remove)
    if changed:
        log.info("inferred links: %s written or removed under %s", changed, model)
    return changed


def cases_to_refresh(store: GraphStore, change: ChangeSet) -> set[str] | None:
    """The cases whose inferred links a change may alter; None (all of them) when a vocabulary concept changed.

    A case changes its links when it, its needs or its free-text concepts change (their
    vectors follow), when its stated links, its needs' target groups or its rejections change.
    """
    changed = store.get_many(sorted(change.nodes_changed))
    if any(node.type in CONCEPT_TYPES and is_vocabulary(node) for node in changed.values()):
        return None
    cases = {node_id for node_id, node in changed.items() if node.type is NodeType.CASE}
    cases.update(key[0] for key in change.edges_added | change.edges_removed if key[1] in _TRIGGERS)
    needs = {node_id for node_id, node in changed.items() if node.type is NodeType.NEED}
    needs.update(key[0] for key in change.edges_added | change.edges_removed if key[1] == RelType.OF.value)
    free = [node_id for node_id, node in changed.items() if node.type in CONCEPT_TYPES and not is_vocabulary(node)]
    linked = store.edges_of_many(free, direction=Direction.IN) if free else {}
    for edge in (edge for edges in linked.values() for edge in edges):
        if edge.type is RelType.OF:
            needs.add(edge.source)
        elif edge.type in CASE_RELS:
            cases.add(edge.source)
    addressed = store.edges_of_many(sorted(needs), rel=RelType.ADDRESSES, direction=Direction.IN) if needs else {}
    cases.update(edge.source for edges in addressed.values() for edge in edges)
    return cases - change.nodes_removed


# ---------------------------------------------------------------------- listing and curating
def list_inferred_links(store: GraphStore, *, case_id: str | None = None, concept_id: str | None = None) -> list[StoredLink]:
    """The stored inferred links, of one case and/or to one concept, by case and concept."""
    if case_id is not None:
        edges = store.edges_of(case_id, rel=RelType.INFERRED_LINK, direction=Direction.OUT)
    elif concept_id is not None:
        edges = store.edges_of(concept_id, rel=RelType.INFERRED_LINK, direction=Direction.IN)
    else:
        edges = list(store.edges(RelType.INFERRED_LINK))
    links = {(edge.source, edge.target): StoredLink.of(edge) for edge in edges
             if concept_id is None or edge.target == concept_id}
    return [links[key] for key in sorted(links)]


def _inferred_edge(store: GraphStore, case_id: str, concept_id: str) -> tuple[Node, Edge]:
    """The concept and the inferred edge from the case to it; raise when either node or the edge is missing."""
    nodes = store.get_many([case_id, concept_id])
    for node_id in (case_id, concept_id):
        if node_id not in nodes:
            raise NodeNotFound(node_id)
    for edge in store.edges_of(case_id, rel=RelType.INFERRED_LINK, direction=Direction.OUT):
        if edge.target == concept_id:
            return nodes[concept_id], edge
    raise InferredLinkNotFound(case_id, concept_id)


def confirm_inferred_link(store: GraphStore, case_id: str, concept_id: str, *, origin: Origin) -> Edge:
    """Make an inferred link a stated one (`STATED_RELS`), in one run by `origin`; the stated edge.

    Raises
    ------
    NodeNotFound
        The case or the concept does not exist.
    InferredLinkNotFound
        No inferred link joins them.
    """
    concept, inferred = _inferred_edge(store, case_id, concept_id)
    stated = Edge(case_id, STATED_RELS[concept.type], concept_id, curated_asserter(case_id))
    store.upsert(Batch(edges=(stated,), remove_edges=frozenset({inferred.key}), origin=origin))
    return stated


def reject_inferred_link(store: GraphStore, case_id: str, concept_id: str, *, origin: Origin) -> Edge:
    """Remove an inferred link and remember the rejection (a `REJECTED_LINK` edge), in one run by `origin`.

    Raises
    ------
    NodeNotFound
        The case or the concept does not exist.
    InferredLinkNotFound
        No inferred link joins them.
    """
    _, inferred = _inferred_edge(store, case_id, concept_id)
    rejection = Edge(case_id, RelType.REJECTED_LINK, concept_id, curated_asserter(case_id), dict(inferred.props))
    store.upsert(Batch(edges=(rejection,), remove_edges=frozenset({inferred.key}), origin=origin))
    return rejection
