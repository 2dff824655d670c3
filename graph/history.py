"""Change history: every write is a run, and every run keeps what it did to each node and edge.

A backend records one `RunRecord` per write in the write's own transaction: who wrote
it and from which files (`Origin`), when, its counts, and the before and after values
of every node and edge it created, changed or removed (unchanged ones are left out).
The record is worked out here, the same way for every backend, from what the write
read and planned; each backend only persists it (SQLite tables beside the graph, or
nodes Neo4j reads never match). `revert_batch` turns a record back into the batch
that undoes it, refusing when a later run changed the same node or edge.

Examples
--------
>>> run = Run(3, "2026-12-01T22:15:00Z", "cli", (), {"updated": 1}, None, False)
>>> change = NodeChange("se-x", NodeType.CASE, {"title": "Old", "year": 2019}, {"title": "New", "year": 2019})
>>> batch = revert_batch(RunRecord(run, (change,), ()), later_nodes={}, later_edges={}, absent=set(), origin=Origin("cli"))
>>> batch.nodes[0].props, sorted(batch.replace_props), batch.origin.reverts
({'title': 'Old', 'year': 2019}, ['se-x'], 3)
>>> [(d.key, d.before, d.after) for d in differences(change.before, change.after)]
[('title', 'Old', 'New')]
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from graph.errors import Conflict
from graph.model import Batch, Edge, EdgeKey, Node, NodeType, Origin, Props, PropValue, RelType, SourceFile
from graph.properties import UPDATED_AT

__all__ = [
    "Difference",
    "EdgeChange",
    "NodeChange",
    "NodeHistory",
    "RevertRefused",
    "RevertScope",
    "Run",
    "RunRecord",
    "decode_props",
    "decode_sources",
    "differences",
    "encode_props",
    "encode_sources",
    "node_history",
    "record_of",
    "revert_batch",
    "timestamp",
]


class RevertRefused(Conflict):
    """A run cannot be reverted exactly: it replaced the whole graph, or a later run changed what it wrote."""

    code = "REVERT_REFUSED"

    def __init__(self, message: str, *, node_id: str | None = None) -> None:
        super().__init__(message)
        self.node_id = node_id


@dataclass(frozen=True, slots=True)
class Run:
    """One committed write: its id (the store's revision), when (UTC, ISO 8601), who, from what, and counts.

    `counts` holds created, updated, unchanged and removed nodes and added and removed
    edges. A run with `is_replace` replaced the whole graph (import, sync); it keeps no
    per-node changes, and the backup taken before it is what undoes it.
    """

    id: int
    at: str
    actor: str
    sources: tuple[SourceFile, ...]
    counts: Mapping[str, int]
    reverts: int | None
    is_replace: bool


@dataclass(frozen=True, slots=True)
class NodeChange:
    """A node's properties before and after one run; None before: created, None after: removed."""

    node_id: str
    node_type: NodeType
    before: Props | None
    after: Props | None


@dataclass(frozen=True, slots=True)
class EdgeChange:
    """An edge's properties before and after one run; None before: asserted, None after: retracted."""

    key: EdgeKey
    before: Props | None
    after: Props | None

    @property
    def ends(self) -> tuple[str, str]:
        """The source and target node ids."""
        return self.key[0], self.key[2]


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A run with every node and edge change it made."""

    run: Run
    nodes: tuple[NodeChange, ...]
    edges: tuple[EdgeChange, ...]


@dataclass(frozen=True, slots=True)
class NodeHistory:
    """What one run did to one node: its own change (if any) and the changes of edges touching it."""

    run: Run
    node: NodeChange | None
    edges: tuple[EdgeChange, ...]


@dataclass(frozen=True, slots=True)
class Difference:
    """One property that a change set, altered or dropped (None: absent)."""

    key: str
    before: PropValue | None
    after: PropValue | None


def timestamp(now: dt.datetime | None = None) -> str:
    """When a run happens: UTC, ISO 8601 to the microsecond (``2026-12-01T22:15:00.000000Z``)."""
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def differences(before: Props | None, after: Props | None) -> list[Difference]:
    """The properties that differ between two versions of a node or edge, by key (the write stamp left out:
    the run says when)."""
    old, new = before or {}, after or {}
    return [
        Difference(key, old.get(key), new.get(key))
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key) and key != UPDATED_AT
    ]


def encode_props(props: Props | None) -> str | None:
    """Properties as the JSON text both backends persist (None stays None)."""
    return None if props is None else json.dumps(props, ensure_ascii=False, sort_keys=True)


def decode_props(text: str | None) -> Props | None:
    """The inverse of `encode_props`."""
    return None if text is None else dict(json.loads(text))


def encode_sources(sources: Iterable[SourceFile]) -> str:
    """A run's source files as JSON text."""
    return json.dumps([[source.path, source.sha256] for source in sources], ensure_ascii=False)


def decode_sources(text: str) -> tuple[SourceFile, ...]:
    """The inverse of `encode_sources`."""
    return tuple(SourceFile(path, sha256) for path, sha256 in json.loads(text))


def record_of(
    run_id: int,
    batch: Batch,
    counts: Mapping[str, int],
    written: Iterable[Node],
    stored: Mapping[str, Node],
    edges_before: Mapping[EdgeKey, Props],
    *,
    at: str,
) -> RunRecord:
    """The record of one write, from what it read and what it writes.

    Parameters
    ----------
    run_id
        The revision the write commits.
    batch
        The batch written.
    counts
        Its result as counts (see `Run`).
    written
        The nodes it writes, with their merged properties (`UpsertPlan.nodes`).
    stored
        The stored nodes it names, read in its transaction (removed ones included).
    edges_before
        The stored properties of every edge it deletes or writes again.
    at
        When it commits (`timestamp`).
    """
    run = Run(run_id, at, batch.origin.actor, batch.origin.sources, dict(counts), batch.origin.reverts, batch.replace_all)
    if batch.replace_all:
        return RunRecord(run, (), ())
    nodes = [
        NodeChange(node.id, node.type, stored[node.id].props if node.id in stored else None, node.props)
        for node in written
        if node.id not in stored or stored[node.id].props != node.props
    ]
    nodes += [NodeChange(node_id, stored[node_id].type, stored[node_id].props, None) for node_id in sorted(batch.remove_nodes)]
    edges_after = {edge.key: edge.props for edge in batch.edges}
    edges = [
        EdgeChange(key, edges_before.get(key), edges_after.get(key))
        for key in sorted(edges_before.keys() | edges_after.keys())
        if edges_before.get(key) != edges_after.get(key)
    ]
    return RunRecord(run, tuple(nodes), tuple(edges))


def revert_batch(
    record: RunRecord,
    *,
    later_nodes: Mapping[str, int],
    later_edges: Mapping[EdgeKey, int],
    absent: Set[str],
    origin: Origin,
) -> Batch:
    """The batch that undoes a run exactly, read in the transaction that writes it.

    Parameters
    ----------
    record
        The run to undo.
    later_nodes
        For each node the run changed, the first later run that changed it too.
    later_edges
        For each edge the run changed, and each edge touching a node it created, the
        first later run that changed that edge (see `RevertScope`).
    absent
        The nodes among `RevertScope.ends` that no longer exist.
    origin
        Who reverts; the batch's origin names the run it reverts.

    Raises
    ------
    RevertRefused
        The run replaced the whole graph, a later run changed one of its nodes or
        edges (or an edge of a node it created), or a node an edge it retracted
        needs is gone; the message names the node.
    """
    run_id = record.run.id
    if record.run.is_replace:
        raise RevertRefused(f"run {run_id} replaced the whole graph; restore the backup taken before it instead")
    created = {change.node_id for change in record.nodes if change.before is None}
    for change in record.nodes:
        if change.node_id in later_nodes:
            raise RevertRefused(_changed_later(run_id, later_nodes[change.node_id], change.node_id), node_id=change.node_id)
    own = {change.key for change in record.edges}
    blocking = {
        key: later for key, later in later_edges.items()
        if key in own or key[1] != RelType.INFERRED_LINK.value or not created & {key[0], key[2]}
    }  # links inferred later for a node the run created are derived from it: they go with the node
    if blocking:
        key, later = min(blocking.items())
        node_id = next((end for end in (key[0], key[2]) if end in created), key[0])
        raise RevertRefused(_changed_later(run_id, later, node_id, key), node_id=node_id)
    if absent:
        node_id = min(absent)
        raise RevertRefused(
            f"run {run_id} cannot be reverted: node {node_id}, which an edge it retracted joins, was removed later",
            node_id=node_id,
        )
    restored = [change for change in record.nodes if change.before is not None]
    return Batch(
        nodes=tuple(Node(change.node_id, change.node_type, dict(change.before or {})) for change in restored),
        edges=tuple(
            Edge(source, RelType(rel), target, asserter, dict(change.before))
            for change in record.edges
            if change.before is not None
            for source, rel, target, asserter in (change.key,)
        ),
        replace_props=frozenset(change.node_id for change in restored),
        remove_nodes=frozenset(created),
        remove_edges=frozenset(e.key for e in record.edges if e.before is None and not created & set(e.ends)),
        origin=Origin(origin.actor, origin.sources, reverts=run_id),
    )


@dataclass(frozen=True, slots=True)
class RevertScope:
    """What a backend reads, in the revert's transaction, before `revert_batch`.

    The later changes of `node_ids` (the run's nodes), those of `edge_keys` (its
    edges) and of edges touching `created` (the nodes it created), and which of
    `ends` (nodes its restored edges need that the revert does not restore) are gone.
    """

    node_ids: frozenset[str]
    created: frozenset[str]
    edge_keys: frozenset[EdgeKey]
    ends: frozenset[str]

    @classmethod
    def of(cls, record: RunRecord) -> RevertScope:
        """The scope of reverting `record`."""
        restored = {change.node_id for change in record.nodes if change.before is not None}
        return cls(
            node_ids=frozenset(change.node_id for change in record.nodes),
            created=frozenset(change.node_id for change in record.nodes if change.before is None),
            edge_keys=frozenset(change.key for change in record.edges),
            ends=frozenset(end for change in record.edges if change.before is not None for end in change.ends) - restored,
        )


def _changed_later(run_id: int, later: int, node_id: str, key: EdgeKey | None = None) -> str:
    what = f"the {key[1]} edge {key[0]} -> {key[2]}" if key is not None else "it"
    return f"run {run_id} cannot be reverted: run {later} later changed {what} (node {node_id})"


def node_history(
    node_id: str, runs: Iterable[Run], nodes: Iterable[tuple[int, NodeChange]], edges: Iterable[tuple[int, EdgeChange]]
) -> list[NodeHistory]:
    """A node's history, newest run first, from the runs and (run id, change) pairs a backend read for it."""
    own = {run_id: change for run_id, change in nodes if change.node_id == node_id}
    touching: dict[int, list[EdgeChange]] = defaultdict(list)
    for run_id, edge in edges:
        if node_id in edge.ends:
            touching[run_id].append(edge)
    return [
        NodeHistory(run, own.get(run.id), tuple(sorted(touching[run.id], key=lambda edge: edge.key)))
        for run in sorted(runs, key=lambda run: run.id, reverse=True)
        if run.id in own or run.id in touching
    ]
