"""Neighbourhoods: the part of the graph around a node, for network views and API clients.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Edge, Node, NodeType, RelType
>>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "g.db").open()
>>> _ = store.upsert(Batch(
...     nodes=(Node("c1", NodeType.CASE, {"title": "C1"}), Node("method:interviews", NodeType.METHOD, {"name": "Interviews"})),
...     edges=(Edge("c1", RelType.USED, "method:interviews", "c1"),),
... ))
>>> sub = neighbourhood(store, "c1", depth=1)
>>> [node.id for node in sub.nodes], [(e.source, e.type.value, e.target) for e in sub.edges]
(['c1', 'method:interviews'], [('c1', 'USED', 'method:interviews')])
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from graph.errors import NodeNotFound
from graph.model import Edge, Node, NodeType
from graph.store import GraphStore

__all__ = ["MAX_DEPTH", "Subgraph", "neighbourhood", "subgraph_of"]

MAX_DEPTH = 3
"""Deeper neighbourhoods are refused: three steps already reach most of a national graph."""


@dataclass(frozen=True, slots=True)
class Subgraph:
    """Nodes and the edges between them; `truncated` says whether a node limit cut it."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    truncated: bool = False
    distance: dict[str, int] | None = None

    def node_ids(self) -> set[str]:
        """The ids of the nodes."""
        return {node.id for node in self.nodes}


def neighbourhood(
    store: GraphStore,
    node_id: str,
    *,
    depth: int = 1,
    types: Collection[NodeType] | None = None,
    max_nodes: int = 500,
) -> Subgraph:
    """Nodes within `depth` edges of `node_id` (breadth first), restricted to `types` beyond the start.

    Nodes nearer the start are kept first when `max_nodes` cuts the walk; `distance`
    maps each kept node to its number of steps from the start.

    Raises
    ------
    NodeNotFound
        `node_id` does not exist.
    ValueError
        `depth` is outside 0..MAX_DEPTH.
    """
    if not 0 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
    start = store.get(node_id)
    if start is None:
        raise NodeNotFound(node_id)
    allowed = set(types) if types else None
    distance = {start.id: 0}
    kept = [start]
    frontier = [start.id]
    for step in range(1, depth + 1):
        next_frontier: list[str] = []
        for current in frontier:
            for other in store.neighbours(current):
                if other.id in distance or (allowed is not None and other.type not in allowed):
                    continue
                if len(kept) >= max_nodes:
                    return subgraph_of(store, kept, truncated=True, distance=distance)
                distance[other.id] = step
                kept.append(other)
                next_frontier.append(other.id)
        frontier = next_frontier
    return subgraph_of(store, kept, distance=distance)


def subgraph_of(
    store: GraphStore,
    nodes: Collection[Node],
    *,
    truncated: bool = False,
    distance: dict[str, int] | None = None,
) -> Subgraph:
    """The nodes given and every edge that joins two of them (one edge per source, type and target)."""
    ids = {node.id for node in nodes}
    edges: dict[tuple[str, str, str], Edge] = {}
    for node in nodes:
        for edge in store.edges_of(node.id):
            if edge.source in ids and edge.target in ids:
                edges.setdefault(edge.key[:3], edge)
    ordered = tuple(sorted(nodes, key=lambda n: ((distance or {}).get(n.id, 0), n.type.value, n.id)))
    return Subgraph(ordered, tuple(edges[key] for key in sorted(edges)), truncated, distance)
