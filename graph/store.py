"""The one store protocol every backend implements, and the checks they share.

Backends never import each other; whatever logic is the same for all of them lives
here or in `graph.algorithms`. Every backend passes `tests/contract`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import numpy as np

from graph.changes import CHANGE_LOG_LIMIT, ChangeSet
from graph.errors import Conflict, NodeNotFound
from graph.history import NodeHistory, RunRecord
from graph.model import RELATIONSHIP_ENDS, Batch, Direction, Edge, EdgeKey, Node, NodeType, Origin, Props, PropValue, RelType
from graph.properties import UPDATED_AT, property_problem, timestamp
from graph.vectors import StoredVectors

__all__ = [
    "MAX_QUERY_WORDS",
    "TEXT_FIELDS",
    "GraphStore",
    "OpensAsContext",
    "StoreStats",
    "UpsertPlan",
    "UpsertResult",
    "check_batch",
    "change_of",
    "check_props",
    "count_types",
    "has_props",
    "indexed_text",
    "merged_props",
    "named_ids",
    "plan_upsert",
    "query_words",
]

TEXT_FIELDS: Mapping[NodeType, tuple[str, ...]] = {
    NodeType.CASE: ("title", "summary"),
    NodeType.NEED: ("text",),
}
"""The properties `GraphStore.text_matches` searches, per node type (the full-text indexes of both backends)."""
MAX_QUERY_WORDS = 64
"""Words of a text-match query beyond this many are ignored."""


@dataclass(slots=True)
class UpsertResult:
    """What one `GraphStore.upsert` changed, node ids grouped by outcome, and the run it became."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    edges_added: int = 0
    edges_removed: int = 0
    removed: list[str] = field(default_factory=list)
    run: int = 0

    def counts(self) -> dict[str, int]:
        """The counts a run keeps (see `graph.history.Run`)."""
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "edges_added": self.edges_added,
            "edges_removed": self.edges_removed,
        }


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
        """Write the batch all or nothing, recorded as one run; raise `Conflict` when it breaks the model."""
        ...

    def run(self, run_id: int) -> RunRecord | None:
        """The run with this id and every change it made, or None."""
        ...

    def history(self, node_id: str) -> list[NodeHistory]:
        """The runs that changed the node or an edge touching it, newest first (also after it was removed)."""
        ...

    def revert(self, run_id: int, *, origin: Origin) -> UpsertResult:
        """Undo one run exactly, in one transaction that is itself recorded as a run.

        Raises `NodeNotFound` for an unknown run and `RevertRefused` when a later run
        changed one of its nodes or edges (see `graph.history.revert_batch`).
        """
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

    def delete(self, node_id: str, *, origin: Origin | None = None) -> None:
        """Remove the node and every edge that touched it (a run by `origin`); raise `NodeNotFound` if absent."""
        ...

    def stats(self) -> StoreStats:
        """Counts per node type and relationship type."""
        ...

    def revision(self) -> int:
        """A counter that every committed write raises, seen by all processes using the store.

        Caches above the store follow it through `changes`.
        """
        ...

    def changes(self, since: int) -> ChangeSet:
        """What the writes committed after revision `since` changed, folded into one `ChangeSet`.

        Raises `ChangesExpired` when the log no longer reaches back that far (the
        caller then rebuilds from the store).
        """
        ...

    def edges_of_many(
        self, node_ids: Collection[str], *, rel: RelType | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, list[Edge]]:
        """The edges touching each of `node_ids` (every id is a key), each list sorted by key."""
        ...

    def put_vectors(self, model: str, vectors: Mapping[str, StoredVectors]) -> None:
        """Store (replace) the vectors of existing nodes under `model`, in one transaction.

        Raises `Conflict` for a missing node, an empty or non-finite matrix, or mixed
        dimensions. The write raises the revision and is logged as `vectors_changed`.
        """
        ...

    def vectors(self, model: str, node_ids: Collection[str]) -> dict[str, StoredVectors]:
        """The stored vectors under `model` of those among `node_ids` that have them."""
        ...

    def writes_here(self) -> int:
        """How many writes this handle has committed: a cache in the same process that asks for `changes` only
        now and then (a network store) sees its own process's writes at once when this number moves."""
        ...

    def preload(self) -> None:
        """Read ahead now what the store would otherwise read on first use, while it goes on answering.

        The embedded store opened lazily reads its whole graph (then writes no longer wait for that);
        a store that holds nothing in memory (Neo4j) has nothing to do.
        """
        ...

    def put_derived(self, name: str, revision: int, data: bytes) -> None:
        """Keep `data`, worked out from the graph as it was at `revision`, under `name` (replacing what was there).

        Derived data is a cache beside the graph (the search keeps its case facets here): keeping it raises
        no revision and is not logged, exports leave it out, and a reset of the change log (`replace_all`)
        drops all of it. Raises `StoreError` when it cannot be written.
        """
        ...

    def derived(self, name: str) -> tuple[int, bytes] | None:
        """What `put_derived` last kept under `name` and the revision it was worked out at (None: nothing)."""
        ...

    def nearest(self, model: str, query: np.ndarray, *, node_type: NodeType, k: int) -> list[tuple[str, float]]:
        """Up to `k` nodes of `node_type` whose own vector (row 0) is closest to `query`, by cosine, best first."""
        ...

    def text_matches(self, text: str, *, node_type: NodeType, k: int) -> list[tuple[str, float]]:
        """Up to `k` nodes of `node_type` whose `TEXT_FIELDS` share words with `text`, best first.

        Scores are the engine's own (BM25 in both); only their order is meaningful.
        """
        ...


class OpensAsContext:
    """`with store:` opens the store and closes it afterwards (shared by the backends)."""

    def open(self) -> Self:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def check_props(owner: str, props: Mapping[str, object]) -> None:
    """Raise `Conflict` unless every value is flat (str, int, float, bool or a list of str) and
    the well-known properties hold what they should (`graph.properties`)."""
    for key, value in props.items():
        if isinstance(value, list):
            flat = all(isinstance(item, str) for item in value)
        else:
            flat = isinstance(value, str | int | float | bool)
        if not flat:
            raise Conflict(f"{owner}: property {key!r} must be a string, number, boolean or list of strings")
        problem = property_problem(key, value)  # type: ignore[arg-type]
        if problem is not None:
            raise Conflict(f"{owner}: property {key!r} {problem} (got {_shown(value)})")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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


def merged_props(old: Mapping[str, PropValue], new: Mapping[str, PropValue]) -> Props:
    """Properties after an upsert: new values win, keys missing from `new` are kept."""
    return {**old, **new}


def named_ids(batch: Batch) -> set[str]:
    """Every id a batch names: its nodes, the nodes it removes and the ends of its edges."""
    ends = {end for edge in batch.edges for end in (edge.source, edge.target)}
    return {node.id for node in batch.nodes} | set(batch.remove_nodes) | ends


@dataclass(frozen=True, slots=True)
class UpsertPlan:
    """What a backend writes for one checked batch, and the result it reports.

    `nodes` holds one node per id with its merged properties, in batch order;
    `edges` one edge per key (the batch's last), in batch order.
    """

    result: UpsertResult
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def plan_upsert(
    batch: Batch,
    stored: Mapping[str, Node],
    *,
    existing_edges: Set[EdgeKey],
    edges_retracted: int,
    now: datetime | None = None,
) -> UpsertPlan:
    """Check a batch and work out what to write, the same way for every backend.

    Parameters
    ----------
    batch
        The batch to write.
    stored
        The stored nodes among `named_ids(batch)`, read in the write transaction.
        Ignored with `replace_all`, which starts from an empty graph.
    existing_edges
        The keys among the batch's edges that are stored now.
    edges_retracted
        How many stored edges the batch deletes before writing: all of them with
        `replace_all`, else those asserted by `batch.retract`, those in
        `batch.remove_edges` and those touching `batch.remove_nodes`.
    now
        The time of the write (the current time when absent).

    Returns
    -------
    UpsertPlan
        Properties merge into the stored ones (replace them for ids in
        `batch.replace_props`); a node is unchanged when the result equals what is
        stored. Every node whose properties change gets `UPDATED_AT` set to `now`;
        an unchanged one keeps its stamp, and a `replace_all` batch (a restore) or
        a revert keeps the stamps it carries. Re-asserted edges count neither as added nor
        as removed.

    Raises
    ------
    Conflict
        The batch breaks the model (see `check_batch`).

    Examples
    --------
    >>> old = Node("method:interviews", NodeType.METHOD, {"name": "Interviews"})
    >>> new = Node("method:interviews", NodeType.METHOD, {"label_sv": "Intervjuer"})
    >>> plan = plan_upsert(Batch(nodes=(new,)), {old.id: old}, existing_edges=set(), edges_retracted=0,
    ...                    now=datetime(2026, 3, 1, tzinfo=UTC))
    >>> plan.result.updated, plan.nodes[0].props
    (['method:interviews'], {'name': 'Interviews', 'label_sv': 'Intervjuer', 'updated_at': '2026-03-01T00:00:00.000Z'})
    """
    if batch.replace_all:
        stored = {}
    _check_removals(batch, stored)
    check_batch(batch, {node_id: node.type for node_id, node in stored.items() if node_id not in batch.remove_nodes})

    nodes: dict[str, Node] = {}
    for node in batch.nodes:
        previous = nodes.get(node.id)
        if previous is None and node.id not in batch.replace_props:
            previous = stored.get(node.id)
        base = previous.props if previous is not None else {}
        nodes[node.id] = Node(node.id, node.type, merged_props(base, node.props))
    stamp = timestamp(now or datetime.now(UTC))
    restore = batch.replace_all or batch.origin.reverts is not None  # a revert brings the old stamps back too
    nodes = {
        node_id: Node(node_id, node.type, _stamped(node.props, stored.get(node_id), stamp, is_restore=restore))
        for node_id, node in nodes.items()
    }
    result = UpsertResult(removed=sorted(batch.remove_nodes))
    for node_id, node in nodes.items():
        if node_id not in stored:
            result.created.append(node_id)
        elif node.props == stored[node_id].props:
            result.unchanged.append(node_id)
        else:
            result.updated.append(node_id)

    edges = {edge.key: edge for edge in batch.edges}
    reasserted = {key for key in existing_edges if batch.replace_all or key[3] in batch.retract}
    result.edges_removed = edges_retracted - len(reasserted)
    result.edges_added = len(edges.keys() - existing_edges)
    return UpsertPlan(result, tuple(nodes.values()), tuple(edges.values()))


def _check_removals(batch: Batch, stored: Mapping[str, Node]) -> None:
    """Raise unless every node the batch removes is stored and nothing it removes is also written."""
    for node_id in sorted(batch.remove_nodes):
        if node_id not in stored:
            raise NodeNotFound(node_id)
    nodes = batch.remove_nodes & {node.id for node in batch.nodes}
    edges = batch.remove_edges & {edge.key for edge in batch.edges}
    if nodes or edges:
        raise Conflict(f"the batch both removes and writes {min(nodes) if nodes else min(edges)}")


def _stamped(props: Props, old: Node | None, stamp: str, *, is_restore: bool) -> Props:
    """`props` with the write stamp: the restored one, the stored one when nothing else changed, else `stamp`."""
    if is_restore and UPDATED_AT in props:
        return props
    content = {key: value for key, value in props.items() if key != UPDATED_AT}
    if old is not None and content == {key: value for key, value in old.props.items() if key != UPDATED_AT}:
        kept = old.props.get(UPDATED_AT)
        return content if kept is None else {**content, UPDATED_AT: kept}
    return {**content, UPDATED_AT: stamp}


def has_props(props: Mapping[str, PropValue], wanted: Mapping[str, PropValue]) -> bool:
    """Whether `props` has every key of `wanted` with an equal value (Python equality)."""
    return all(props.get(key) == value for key, value in wanted.items())


def count_types(values: Iterator[str]) -> dict[str, int]:
    """Count occurrences, sorted by name (helper for `stats`)."""
    return dict(sorted(Counter(values).items()))


_WORD = re.compile(r"\w+")


def query_words(text: str) -> list[str]:
    """The distinct lower-cased words of a text-match query, in order, at most `MAX_QUERY_WORDS`.

    >>> query_words("Barn i familjehem, barn & unga")
    ['barn', 'i', 'familjehem', 'unga']
    """
    words = dict.fromkeys(word.lower() for word in _WORD.findall(text) if word.strip("_"))
    return list(words)[:MAX_QUERY_WORDS]


def indexed_text(node: Node) -> str | None:
    """The text the full-text index holds for a node, or None for types it does not index."""
    fields = TEXT_FIELDS.get(node.type)
    if fields is None:
        return None
    return "\n".join(str(node.props[key]) for key in fields if isinstance(node.props.get(key), str))


def change_of(revision: int, plan: UpsertPlan, retracted: Set[EdgeKey], batch: Batch) -> ChangeSet | None:
    """The change an upsert logs: None (a reset) for `replace_all` and for writes above `CHANGE_LOG_LIMIT`.

    `retracted` are the keys of the stored edges the batch deleted before writing.
    """
    if batch.replace_all:
        return None
    written = frozenset(edge.key for edge in plan.edges)
    change = ChangeSet(
        revision,
        nodes_changed=frozenset(plan.result.created) | frozenset(plan.result.updated),
        nodes_removed=batch.remove_nodes,
        edges_added=written,
        edges_removed=frozenset(retracted) - written,
    )
    return change if len(change) <= CHANGE_LOG_LIMIT else None
