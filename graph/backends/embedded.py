"""The embedded default store: a networkx graph in memory, persisted in SQLite.

SQLite runs in WAL mode with `synchronous=FULL`, and every batch is one
transaction, so a process killed mid-write leaves the previous state intact. The
in-memory graph is changed only after the commit succeeded. When another process
(say, a CLI ingest beside a running API) commits, the next read notices it through
`PRAGMA data_version` and reloads.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.model import Batch, Node, NodeType
>>> path = pathlib.Path(tempfile.mkdtemp()) / "g.db"
>>> with EmbeddedStore(path) as store:
...     result = store.upsert(Batch(nodes=(Node("method:interviews", NodeType.METHOD, {"name": "Interviews"}),)))
...     result.created
['method:interviews']
>>> with EmbeddedStore(path) as store:
...     store.get("method:interviews").label
'Interviews'
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import networkx as nx

from graph.errors import NodeNotFound, StoreError, StoreUnavailable
from graph.model import Batch, Direction, Edge, EdgeKey, Node, NodeType, Props, RelType
from graph.store import OpensAsContext, StoreStats, UpsertResult, count_types, has_props, named_ids, plan_upsert

__all__ = ["EmbeddedStore"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    props TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS edges (
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    target TEXT NOT NULL,
    asserted_by TEXT NOT NULL,
    props TEXT NOT NULL,
    PRIMARY KEY (source, type, target, asserted_by)
);
CREATE INDEX IF NOT EXISTS edges_by_target ON edges (target);
CREATE INDEX IF NOT EXISTS edges_by_asserter ON edges (asserted_by);
"""


def _dump(props: Props | dict[str, Any]) -> str:
    return json.dumps(props, ensure_ascii=False, sort_keys=True)


def _copy(props: dict[str, Any]) -> Props:
    return {key: list(value) if isinstance(value, list) else value for key, value in props.items()}


class EmbeddedStore(OpensAsContext):
    """A `GraphStore` that needs no server: networkx in memory, SQLite on disk.

    Parameters
    ----------
    path
        The SQLite file; its folder is created when missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._data_version = -1
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._by_type: dict[NodeType, set[str]] = defaultdict(set)
        self._asserted: dict[str, set[EdgeKey]] = defaultdict(set)

    # ------------------------------------------------------------------ lifecycle
    def open(self) -> Self:
        """Open (creating when new) the SQLite file and load the graph into memory."""
        with self._lock:
            if self._conn is not None:
                return self
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                conn.executescript(_SCHEMA)
                self._check_schema(conn)
            except (sqlite3.Error, OSError) as exc:
                raise StoreUnavailable(f"cannot open the embedded store {self.location}: {exc}") from exc
            self._conn = conn
            self._reload()
            return self

    def close(self) -> None:
        """Close the SQLite connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def backup(self, path: str | Path) -> None:
        """Copy the database to `path` with SQLite's online backup: a consistent copy, even beside other writers.

        Raises `StoreError` when the copy cannot be written.
        """
        with self._lock:
            try:
                target = sqlite3.connect(path)
                try:
                    self._db.backup(target)
                finally:
                    target.close()
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot back up {self.location} to {path}: {exc}") from exc

    def _check_schema(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            conn.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif row[0] != SCHEMA_VERSION:
            raise StoreUnavailable(
                f"{self.location} has schema version {row[0]}; this Behovsgraf reads version {SCHEMA_VERSION}"
            )

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailable(f"the embedded store {self.location} is not open")
        return self._conn

    def _reload(self) -> None:
        graph: nx.MultiDiGraph = nx.MultiDiGraph()
        by_type: dict[NodeType, set[str]] = defaultdict(set)
        asserted: dict[str, set[EdgeKey]] = defaultdict(set)
        db = self._db
        for node_id, type_name, props in db.execute("SELECT id, type, props FROM nodes"):
            node_type = NodeType(type_name)
            graph.add_node(node_id, type=node_type, props=json.loads(props))
            by_type[node_type].add(node_id)
        for source, type_name, target, asserter, props in db.execute(
            "SELECT source, type, target, asserted_by, props FROM edges"
        ):
            graph.add_edge(source, target, key=(type_name, asserter), props=json.loads(props))
            asserted[asserter].add((source, type_name, target, asserter))
        self._graph, self._by_type, self._asserted = graph, by_type, asserted
        self._data_version = db.execute("PRAGMA data_version").fetchone()[0]
        log.debug("loaded %s nodes and %s edges from %s", graph.number_of_nodes(), graph.number_of_edges(), self.location)

    def _fresh(self) -> nx.MultiDiGraph:
        """The in-memory graph, reloaded first when another connection has committed."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._reload()
        return self._graph

    # ------------------------------------------------------------------ writes
    @contextmanager
    def _transaction(self, action: str) -> Iterator[nx.MultiDiGraph]:
        """One write transaction holding SQLite's write lock; yields the fresh graph; commits or rolls back."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot lock {self.location} for writing: {exc}") from exc
        try:
            yield self._fresh()
            self._bump_revision(db)
            db.execute("COMMIT")
        except BaseException as exc:
            db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{action} in {self.location} failed: {exc}") from exc
            raise
        self._data_version = db.execute("PRAGMA data_version").fetchone()[0]

    def upsert(self, batch: Batch) -> UpsertResult:
        """Write `batch` in one SQLite transaction, then apply it to the graph in memory."""
        with self._lock:
            db = self._db
            with self._transaction("writing") as graph:
                result, node_rows, edge_rows, removed = self._plan(graph, batch)
                if batch.replace_all:
                    db.execute("DELETE FROM edges")
                    db.execute("DELETE FROM nodes")
                elif batch.retract:
                    db.execute(
                        "DELETE FROM edges WHERE asserted_by IN (SELECT value FROM json_each(?))",
                        (json.dumps(sorted(batch.retract)),),
                    )
                db.executemany(
                    "INSERT INTO nodes (id, type, props) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET props = excluded.props",
                    node_rows,
                )
                db.executemany(
                    "INSERT INTO edges (source, type, target, asserted_by, props) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (source, type, target, asserted_by) DO UPDATE SET props = excluded.props",
                    edge_rows,
                )
            self._apply(batch, node_rows, edge_rows, removed)
            return result

    @staticmethod
    def _bump_revision(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('revision', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def _plan(
        self, graph: nx.MultiDiGraph, batch: Batch
    ) -> tuple[UpsertResult, list[tuple[str, str, str]], list[tuple[str, str, str, str, str]], set[EdgeKey]]:
        """Check the batch and work out the rows to write and what changes."""
        stored = {
            node_id: Node(node_id, graph.nodes[node_id]["type"], graph.nodes[node_id]["props"])
            for node_id in named_ids(batch)
            if node_id in graph
        }
        old_edges: set[EdgeKey] = set()
        if batch.replace_all:
            old_edges = {(s, k[0], t, k[1]) for s, t, k in graph.edges(keys=True)}
        else:
            for asserter in batch.retract:
                old_edges |= self._asserted.get(asserter, set())
        existing = {edge.key for edge in batch.edges if self._has_edge(graph, edge.key)}
        plan = plan_upsert(batch, stored, existing_edges=existing, edges_retracted=len(old_edges))
        node_rows = [(node.id, node.type.value, _dump(node.props)) for node in plan.nodes]
        edge_rows = [(*edge.key, _dump(edge.props)) for edge in plan.edges]
        removed = old_edges - {edge.key for edge in plan.edges}
        return plan.result, node_rows, edge_rows, removed

    @staticmethod
    def _has_edge(graph: nx.MultiDiGraph, key: EdgeKey) -> bool:
        source, rel, target, asserter = key
        return bool(graph.has_edge(source, target, key=(rel, asserter)))

    def _apply(
        self,
        batch: Batch,
        node_rows: list[tuple[str, str, str]],
        edge_rows: list[tuple[str, str, str, str, str]],
        removed: set[EdgeKey],
    ) -> None:
        """Mirror a committed batch in memory (a reload when the batch replaced everything)."""
        if batch.replace_all:
            self._reload()
            return
        graph = self._graph
        for source, rel, target, asserter in removed:
            graph.remove_edge(source, target, key=(rel, asserter))
            self._asserted[asserter].discard((source, rel, target, asserter))
        for node_id, type_name, props in node_rows:
            node_type = NodeType(type_name)
            graph.add_node(node_id, type=node_type, props=json.loads(props))
            self._by_type[node_type].add(node_id)
        for source, rel, target, asserter, props in edge_rows:
            graph.add_edge(source, target, key=(rel, asserter), props=json.loads(props))
            self._asserted[asserter].add((source, rel, target, asserter))

    def delete(self, node_id: str) -> None:
        """Remove the node and all its edges in one transaction."""
        with self._lock:
            db = self._db
            with self._transaction(f"deleting {node_id!r}") as graph:
                if node_id not in graph:
                    raise NodeNotFound(node_id)
                db.execute("DELETE FROM edges WHERE source = ? OR target = ?", (node_id, node_id))
                db.execute("DELETE FROM nodes WHERE id = ?", (node_id,))
            for source, target, (rel, asserter) in list(graph.in_edges(node_id, keys=True)) + list(
                graph.out_edges(node_id, keys=True)
            ):
                self._asserted[asserter].discard((source, rel, target, asserter))
            self._by_type[graph.nodes[node_id]["type"]].discard(node_id)
            graph.remove_node(node_id)

    # ------------------------------------------------------------------ reads
    def _node(self, graph: nx.MultiDiGraph, node_id: str) -> Node:
        data = graph.nodes[node_id]
        return Node(node_id, data["type"], _copy(data["props"]))

    def get(self, node_id: str) -> Node | None:
        """The node with this id, or None."""
        with self._lock:
            graph = self._fresh()
            return self._node(graph, node_id) if node_id in graph else None

    def get_many(self, node_ids: list[str]) -> dict[str, Node]:
        """The existing nodes among `node_ids`."""
        with self._lock:
            graph = self._fresh()
            return {node_id: self._node(graph, node_id) for node_id in node_ids if node_id in graph}

    def _edge_tuples(
        self, graph: nx.MultiDiGraph, node_id: str, rel: RelType | None, direction: Direction
    ) -> Iterator[tuple[str, str, tuple[str, str], dict[str, Any]]]:
        if direction in (Direction.OUT, Direction.BOTH):
            yield from graph.out_edges(node_id, keys=True, data="props")
        if direction in (Direction.IN, Direction.BOTH):
            yield from graph.in_edges(node_id, keys=True, data="props")

    def neighbours(
        self,
        node_id: str,
        *,
        rel: RelType | None = None,
        direction: Direction = Direction.BOTH,
        node_type: NodeType | None = None,
    ) -> list[Node]:
        """Distinct nodes one edge away, sorted by id."""
        with self._lock:
            graph = self._fresh()
            if node_id not in graph:
                return []
            found: set[str] = set()
            for source, target, (type_name, _), _ in self._edge_tuples(graph, node_id, rel, direction):
                if rel is not None and type_name != rel.value:
                    continue
                other = target if source == node_id else source
                if node_type is None or graph.nodes[other]["type"] is node_type:
                    found.add(other)
            return [self._node(graph, other) for other in sorted(found)]

    def edges_of(
        self, node_id: str, *, rel: RelType | None = None, direction: Direction = Direction.BOTH
    ) -> list[Edge]:
        """Edges touching the node, sorted by key."""
        with self._lock:
            graph = self._fresh()
            if node_id not in graph:
                return []
            edges = {
                (source, type_name, target, asserter): Edge(source, RelType(type_name), target, asserter, _copy(props))
                for source, target, (type_name, asserter), props in self._edge_tuples(graph, node_id, rel, direction)
                if rel is None or type_name == rel.value
            }
            return [edges[key] for key in sorted(edges)]

    def find(self, node_type: NodeType, **props: str | int | float | bool) -> Iterator[Node]:
        """Nodes of a type whose properties equal `props`, sorted by id."""
        with self._lock:
            graph = self._fresh()
            matches = [
                self._node(graph, node_id)
                for node_id in sorted(self._by_type.get(node_type, ()))
                if has_props(graph.nodes[node_id]["props"], props)
            ]
        return iter(matches)

    def edges(self, rel: RelType | None = None) -> Iterator[Edge]:
        """Every edge (of one type), sorted by key."""
        with self._lock:
            graph = self._fresh()
            rows = sorted(
                ((source, type_name, target, asserter), props)
                for source, target, (type_name, asserter), props in graph.edges(keys=True, data="props")
                if rel is None or type_name == rel.value
            )
        return iter(Edge(s, RelType(t), o, a, _copy(props)) for (s, t, o, a), props in rows)

    def revision(self) -> int:
        """How many writes were ever committed to this file."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0]) if row else 0

    def stats(self) -> StoreStats:
        """Counts per node type and relationship type."""
        with self._lock:
            graph = self._fresh()
            nodes = {node_type.value: len(ids) for node_type, ids in sorted(self._by_type.items()) if ids}
            edges = count_types(key[0] for _, _, key in graph.edges(keys=True))
        return StoreStats(nodes=dict(sorted(nodes.items())), edges=edges)
