"""The one store protocol every backend implements, and the checks they share.

Backends never import each other; whatever logic is the same for all of them lives
here or in `graph.algorithms`. Every backend passes `tests/contract`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from graph.errors import Conflict
from graph.model import RELATIONSHIP_ENDS, Batch, Direction, Edge, Node, NodeType, RelType

__all__ = [
    "GraphStore",
    "StoreStats",
    "UpsertResult",
    "check_batch",
    "check_props",
    "count_types",
    "merged_props",
]


@dataclass(slots=True)
class UpsertResult:
    """What one `GraphStore.upsert` changed, node ids grouped by outcome."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    edges_added: int = 0
    edges_removed: int = 0


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Node counts per type and edge counts per relationship type."""

    nodes: Mapping[str, int]
    edges: Mapping[str, int]

    @property
    def node_total(self) -> int:
        """All nodes."""
        return sum(self.nodes.values())

    @property
    def edge_total(self) -> int:
        """All edges."""
        return sum(self.edges.values())


@runtime_checkable
class GraphStore(Protocol):
    """Persistence contract; every backend passes tests/contract.

    A store is opened with `open()` (or `with store:`) and closed with `close()`.
    """

    location: str

    def open(self) -> Self:
        """Connect or load; raise `StoreUnavailable` when that fails."""
        ...

    def close(self) -> None:
        """Release connections; safe to call twice."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def upsert(self, batch: Batch) -> UpsertResult:
        """Write the batch all or nothing; raise `Conflict` when it breaks the model."""
        ...

    def get(self, node_id: str) -> Node | None:
        """The node with this id, or None."""
        ...

    def get_many(self, node_ids: list[str]) -> dict[str, Node]:
        """The nodes among `node_ids` that exist, by id."""
        ...

    def neighbours(
        self,
        node_id: str,
        *,
        rel: RelType | None = None,
        direction: Direction = Direction.BOTH,
        node_type: NodeType | None = None,
    ) -> list[Node]:
        """Distinct nodes one edge away, sorted by id."""
        ...

    def edges_of(
        self, node_id: str, *, rel: RelType | None = None, direction: Direction = Direction.BOTH
    ) -> list[Edge]:
        """Edges touching the node, sorted by key."""
        ...

    def find(self, node_type: NodeType, **props: str | int | float | bool) -> Iterator[Node]:
        """Nodes of a type whose properties equal the given ones (all, when none given), by id."""
        ...

    def edges(self, rel: RelType | None = None) -> Iterator[Edge]:
        """Every edge (of one type), sorted by key."""
        ...

    def delete(self, node_id: str) -> None:
        """Remove the node and every edge that touched it; raise `NodeNotFound` if absent."""
        ...

    def stats(self) -> StoreStats:
        """Counts per node type and relationship type."""
        ...

    def revision(self) -> int:
        """A counter that every committed write raises, seen by all processes using the store.

        Caches above the store (the ranking's text index) rebuild when it changes.
        """
        ...


def check_props(owner: str, props: Mapping[str, object]) -> None:
    """Raise `Conflict` unless every value is flat: str, int, float, bool or a list of str."""
    for key, value in props.items():
        if isinstance(value, list):
            if all(isinstance(item, str) for item in value):
                continue
        elif isinstance(value, str | int | float | bool):
            continue
        raise Conflict(f"{owner}: property {key!r} must be a string, number, boolean or list of strings")


def check_batch(batch: Batch, stored_types: Mapping[str, NodeType]) -> None:
    """Check a batch against the model before any backend writes it.

    Parameters
    ----------
    batch
        The batch to write.
    stored_types
        The stored type of every id the batch names (nodes and edge ends) that exists.

    Raises
    ------
    Conflict
        A node changes type, an edge end is missing, or an edge joins the wrong types.
    """
    types = dict(stored_types)
    for node in batch.nodes:
        check_props(node.id, node.props)
        known = types.get(node.id)
        if known is not None and known is not node.type:
            raise Conflict(f"node {node.id!r} is a {known.value}, not a {node.type.value}")
        types[node.id] = node.type
    for edge in batch.edges:
        check_props(f"edge {edge.key}", edge.props)
        sources, targets = RELATIONSHIP_ENDS[edge.type]
        for end, allowed in ((edge.source, sources), (edge.target, targets)):
            end_type = types.get(end)
            if end_type is None:
                raise Conflict(f"{edge.type.value} edge names {end!r}, which does not exist")
            if end_type not in allowed:
                raise Conflict(f"{edge.type.value} cannot touch {end!r}, a {end_type.value}")


def merged_props(old: Mapping[str, object], new: Mapping[str, object]) -> dict[str, object]:
    """Properties after an upsert: new values win, keys missing from `new` are kept."""
    return {**old, **new}


def count_types(values: Iterator[str]) -> dict[str, int]:
    """Count occurrences, sorted by name (helper for `stats`)."""
    return dict(sorted(Counter(values).items()))
