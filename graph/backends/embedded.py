"""The embedded default store: a networkx graph in memory, persisted in SQLite.

SQLite runs in WAL mode with `synchronous=FULL`, and every batch is one
transaction, so a process killed mid-write leaves the previous state intact. The
in-memory graph is changed only after the commit succeeded. Every write logs what it
changed in the `changes` table (the change feed, see `graph.changes`) in the same
transaction. When another process (say, a CLI ingest beside a running API) commits,
the next read notices it through `PRAGMA data_version` and applies the logged
changes to the graph in memory; only a reset in the log (a `replace_all` or a
very large write) makes it reload everything.

The change history (`graph.history`) lives in three tables beside the graph, written
in each write's transaction: `runs`, and `run_nodes` and `run_edges` with the before
and after properties (JSON) of what each run changed, indexed by node id and by edge
end so a node's history is two index lookups.

A store opened with `lazy=True` (the CLI's one-shot commands, and the server until `preload`
has read the rest beside its first requests) starts with an empty graph
and reads nodes and edges from SQLite as reads ask for them, so answering one query does
not wait for the whole graph: `get`, `get_many` and `find` read nodes, `neighbours` and
`edges_of_many` read the asked nodes' edges of the asked type and direction (with the nodes
at their other ends, so a hub's other edges stay unread), `stats` counts in SQL. What needs the whole graph (`edges`,
every write but `put_vectors`) loads it first, and from then on the store is as if opened
eagerly. A commit by another connection empties a lazy store's partial graph.

Beside the graph, the file holds the full-text index `node_text` (FTS5, written in
the same transaction as the nodes) and the `vectors` table (float32 BLOBs with
their model and text hash). Nearest-vector queries run over an in-memory matrix
per model and node type (`graph.backends.matrix`), loaded from `vectors` on first
use and kept fresh by the same change feed.

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
import math
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import networkx as nx
import numpy as np

from graph.backends.matrix import VectorMatrix
from graph.changes import CHANGE_LOG_REVISIONS, ChangeSet, ChangesExpired
from graph.errors import Conflict, NodeNotFound, StoreError, StoreUnavailable
from graph.history import (
    EdgeChange,
    NodeChange,
    NodeHistory,
    RevertScope,
    Run,
    RunRecord,
    decode_props,
    decode_sources,
    encode_props,
    encode_sources,
    node_history,
    record_of,
    revert_batch,
    timestamp,
)
from graph.model import Batch, Direction, Edge, EdgeKey, Node, NodeType, Origin, Props, RelType
from graph.store import (
    TEXT_FIELDS,
    OpensAsContext,
    StoreStats,
    UpsertPlan,
    UpsertResult,
    change_of,
    has_props,
    indexed_text,
    named_ids,
    plan_upsert,
    query_words,
)
from graph.vectors import StoredVectors, check_vectors

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
CREATE INDEX IF NOT EXISTS nodes_by_type ON nodes (type);
CREATE INDEX IF NOT EXISTS edges_by_asserter ON edges (asserted_by);
CREATE TABLE IF NOT EXISTS changes (revision INTEGER PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    node_id TEXT NOT NULL,
    node_type TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    rows INTEGER NOT NULL,
    dimension INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (model, node_id)
);
CREATE INDEX IF NOT EXISTS vectors_by_node ON vectors (node_id);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    sources TEXT NOT NULL,
    counts TEXT NOT NULL,
    reverts INTEGER,
    is_replace INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS run_nodes (
    run INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    node_type TEXT NOT NULL,
    before TEXT,
    after TEXT,
    PRIMARY KEY (node_id, run)
);
CREATE INDEX IF NOT EXISTS run_nodes_by_run ON run_nodes (run);
CREATE TABLE IF NOT EXISTS run_edges (
    run INTEGER NOT NULL,
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    target TEXT NOT NULL,
    asserted_by TEXT NOT NULL,
    before TEXT,
    after TEXT,
    PRIMARY KEY (run, source, type, target, asserted_by)
);
CREATE INDEX IF NOT EXISTS run_edges_by_source ON run_edges (source, run);
CREATE INDEX IF NOT EXISTS run_edges_by_target ON run_edges (target, run);
CREATE TABLE IF NOT EXISTS derived (name TEXT PRIMARY KEY, revision INTEGER NOT NULL, data BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS node_text USING fts5(
    node_type UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ł": "l"})
"""Letters FTS5's `remove_diacritics` keeps that Lucene's ASCII folding (the Neo4j index) folds."""
_TEXT_TYPES = sorted(node_type.value for node_type in TEXT_FIELDS)
"""`node_text` rows share their rowid with `nodes`, so a node's text is replaced by rowid."""


COMMON_SHARE = 0.1
"""A text-match word in more than this share of the indexed texts is common (see `EmbeddedStore._best_texts`)."""
_BM25_K1 = 1.2
_BM25_MIN_IDF = 1e-6
"""FTS5's bm25(): k1, and the IDF it gives a phrase in more than half the rows."""


def _dump(props: Props | dict[str, Any]) -> str:
    return json.dumps(props, ensure_ascii=False, sort_keys=True)


def _loaded(texts: list[str]) -> list[dict[str, Any]]:
    """Many stored property texts decoded by one `json.loads` (a call per row cost more than the decoding)."""
    return json.loads(f"[{','.join(texts)}]") if texts else []


@contextmanager
def _snapshot(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction, unless `db` is inside one already (a write catching up reads in its own)."""
    if db.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        db.execute("COMMIT")


@dataclass(frozen=True, slots=True)
class _Whole:
    """The whole graph as read in one read transaction, with its lookups and revision."""

    graph: nx.MultiDiGraph
    by_type: dict[NodeType, set[str]]
    asserted: dict[str, set[EdgeKey]]
    revision: int


def _read_whole(db: sqlite3.Connection) -> _Whole:
    """Every node and edge (call inside a read transaction)."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    by_type: dict[NodeType, set[str]] = defaultdict(set)
    asserted: dict[str, set[EdgeKey]] = defaultdict(set)
    revision = _stored_revision(db)
    node_rows = db.execute("SELECT id, type, props FROM nodes").fetchall()
    edge_rows = db.execute("SELECT source, type, target, asserted_by, props FROM edges").fetchall()
    types = {node_type.value: node_type for node_type in NodeType}
    node_props = _loaded([row[2] for row in node_rows])
    graph.add_nodes_from(
        (node_id, {"type": types[type_name], "props": props})
        for (node_id, type_name, _), props in zip(node_rows, node_props, strict=True)
    )
    for node_id, type_name, _ in node_rows:
        by_type[types[type_name]].add(node_id)
    edge_props = _loaded([row[4] for row in edge_rows])
    graph.add_edges_from(
        (source, target, (type_name, asserter), {"props": props})
        for (source, type_name, target, asserter, _), props in zip(edge_rows, edge_props, strict=True)
    )
    for source, type_name, target, asserter, _ in edge_rows:
        asserted[asserter].add((source, type_name, target, asserter))
    return _Whole(graph, by_type, asserted, revision)


def _stored_revision(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    return int(row[0]) if row else 0


def _folded(text: str | None) -> str | None:
    return text.translate(_FOLD) if text is not None else None


def _copy(props: dict[str, Any]) -> Props:
    return {key: list(value) if isinstance(value, list) else value for key, value in props.items()}


class EmbeddedStore(OpensAsContext):
    """A `GraphStore` that needs no server: networkx in memory, SQLite on disk.

    Parameters
    ----------
    path
        The SQLite file; its folder is created when missing.
    lazy
        Read the graph as reads ask for it rather than all of it at open (see the module).
    """

    def __init__(self, path: str | Path, *, lazy: bool = False) -> None:
        self.path = Path(path)
        self._lazy = lazy
        self.location = str(self.path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._data_version = -1
        self._revision = 0
        self._writes = 0
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._complete = False
        """Whether `_graph` holds the whole graph; when not (a lazy store), it holds the nodes read so far and the
        edges `_adjacent` names. `_by_type`, `_asserted` and `_edge_types` are kept only when complete."""
        self._adjacent: set[tuple[str, str | None, Direction]] = set()
        """(node id, relationship type or None for all, direction) whose edges the partial graph holds."""
        self._by_type: dict[NodeType, set[str]] = defaultdict(set)
        self._asserted: dict[str, set[EdgeKey]] = defaultdict(set)
        self._edge_types: Counter[str] = Counter()
        """Edges per relationship type, kept with `_asserted` (which holds every edge key), so `stats` reads no edge."""
        self._matrices: dict[tuple[str, NodeType], VectorMatrix | None] = {}
        self._readers = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []

    # ------------------------------------------------------------------ lifecycle
    def open(self) -> Self:
        """Open (creating when new) the SQLite file and load the graph into memory (unless lazy)."""
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
                self._migrate(conn)
            except (sqlite3.Error, OSError) as exc:
                raise StoreUnavailable(f"cannot open the embedded store {self.location}: {exc}") from exc
            self._conn = conn
            if self._lazy:
                self._forget()
            else:
                self._reload()
            return self

    def close(self) -> None:
        """Close the SQLite connections."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            for reader in self._reader_conns:
                reader.close()
            self._reader_conns.clear()
            self._readers = threading.local()
            self._matrices.clear()

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection, for full-text queries: SQLite runs them beside each other (WAL) and
        without the GIL, and the store's lock stays free for the other threads meanwhile."""
        reader: sqlite3.Connection | None = getattr(self._readers, "conn", None)
        if reader is None:
            with self._lock:
                if self._conn is None:
                    raise StoreUnavailable(f"the embedded store {self.location} is not open")
                try:
                    reader = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                    reader.execute("PRAGMA query_only = ON")
                except sqlite3.Error as exc:
                    raise StoreUnavailable(f"cannot read the embedded store {self.location}: {exc}") from exc
                self._reader_conns.append(reader)
            self._readers.conn = reader
        return reader

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

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Give a file written before the change feed and the text index both (once, in one transaction)."""
        if conn.execute("SELECT 1 FROM meta WHERE key = 'changes_from'").fetchone():
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not conn.execute("SELECT 1 FROM meta WHERE key = 'changes_from'").fetchone():
                conn.execute(
                    "INSERT INTO meta (key, value) SELECT 'changes_from', "
                    "coalesce((SELECT value FROM meta WHERE key = 'revision'), '0')"
                )
                conn.execute("DELETE FROM node_text")
                for rowid, type_name, props in conn.execute(
                    "SELECT rowid, type, props FROM nodes WHERE type IN (SELECT value FROM json_each(?))",
                    (json.dumps(_TEXT_TYPES),),
                ).fetchall():
                    node = Node("", NodeType(type_name), json.loads(props))
                    conn.execute(
                        "INSERT INTO node_text (rowid, node_type, body) VALUES (?, ?, ?)",
                        (rowid, type_name, _folded(indexed_text(node))),
                    )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailable(f"the embedded store {self.location} is not open")
        return self._conn

    def _reload(self) -> None:
        """Read the whole graph (at open, and after a reset in the change log)."""
        with _snapshot(self._db) as db:
            whole = _read_whole(db)
            self._data_version = db.execute("PRAGMA data_version").fetchone()[0]
        self._install(whole)
        self._matrices.clear()

    def _install(self, whole: _Whole) -> None:
        self._graph, self._by_type, self._asserted, self._revision = whole.graph, whole.by_type, whole.asserted, whole.revision
        self._complete, self._adjacent = True, set()
        self._edge_types = Counter(key[1] for keys in whole.asserted.values() for key in keys)
        log.debug("loaded %s nodes and %s edges from %s", whole.graph.number_of_nodes(), whole.graph.number_of_edges(),
                  self.location)

    def preload(self) -> None:
        """Make a lazy store whole without holding up its readers meanwhile (see `GraphStore.preload`).

        The graph is read on this thread's read-only connection, outside the store's lock; then, under it,
        swapped in and brought up to the stored revision from the change log. A write that comes
        first reads the whole graph itself, and this one is dropped.
        """
        with self._lock:
            if self._complete:
                return
            if self._conn is None:
                raise StoreUnavailable(f"the embedded store {self.location} is not open")
        try:
            with _snapshot(self._reader()) as db:
                whole = _read_whole(db)
        except sqlite3.Error as exc:
            raise StoreError(f"reading the whole graph of {self.location} failed: {exc}") from exc
        with self._lock:
            if self._complete or self._conn is None:
                return
            self._install(whole)
            self._catch_up()

    def _forget(self) -> None:
        """Start a lazy store's graph empty, at the stored revision."""
        with _snapshot(self._db) as db:
            revision = _stored_revision(db)
            self._data_version = db.execute("PRAGMA data_version").fetchone()[0]
        self._graph, self._complete, self._adjacent, self._revision = nx.MultiDiGraph(), False, set(), revision
        self._by_type, self._asserted, self._edge_types = defaultdict(set), defaultdict(set), Counter()
        self._matrices.clear()

    def _fresh(self) -> nx.MultiDiGraph:
        """The whole in-memory graph (read first by a lazy store), brought up to date first when another
        connection has committed."""
        self._catch_up_if_changed()
        if not self._complete:
            self._reload()
        return self._graph

    def _part(
        self,
        *,
        nodes: Collection[str] = (),
        edges_of: Collection[str] = (),
        rel: RelType | None = None,
        direction: Direction = Direction.BOTH,
    ) -> nx.MultiDiGraph:
        """The in-memory graph, up to date, holding at least `nodes` and the `rel` edges in `direction` of
        `edges_of` (with the nodes at their other ends) when they are stored: a lazy store reads what its
        partial graph lacks."""
        self._catch_up_if_changed()
        if not self._complete:
            self._read_edges_of(edges_of, rel, direction)
            self._read_nodes(nodes)
        return self._graph

    def _catch_up_if_changed(self) -> None:
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._catch_up()

    def _read_nodes(self, node_ids: Collection[str]) -> None:
        """Read the stored ones of `node_ids` the partial graph lacks."""
        missing = [node_id for node_id in dict.fromkeys(node_ids) if node_id not in self._graph]
        if missing:
            rows = self._db.execute(
                "SELECT id, type, props FROM nodes WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(missing),)
            ).fetchall()
            self._add_rows(rows, [])

    def _read_edges_of(self, node_ids: Collection[str], rel: RelType | None, direction: Direction) -> None:
        """Read the `rel` edges (all when None) in `direction` of those of `node_ids` the partial graph lacks them
        of, and the nodes they join (a hub's other edges are left alone)."""
        rels = (None,) if rel is None else (None, rel.value)
        directions = (Direction.BOTH,) if direction is Direction.BOTH else (Direction.BOTH, direction)
        wanted = [
            node_id
            for node_id in dict.fromkeys(node_ids)
            if not any((node_id, r, d) in self._adjacent for r in rels for d in directions)
        ]
        if not wanted:
            return
        ends = ("source", "target") if direction is Direction.BOTH else ("source",) if direction is Direction.OUT else ("target",)
        typed = "" if rel is None else " AND type = ?"
        query = " UNION ".join(
            f"SELECT source, type, target, asserted_by, props FROM edges WHERE {end} IN (SELECT value FROM json_each(?)){typed}"
            for end in ends
        )
        listed = json.dumps(wanted)
        rows = self._db.execute(query, [value for _ in ends for value in (listed, *rels[1:])]).fetchall()
        self._read_nodes([*wanted, *(end for row in rows for end in (row[0], row[2]))])
        self._add_rows([], rows)
        self._adjacent.update((node_id, rels[-1], direction) for node_id in wanted)

    def _catch_up(self) -> None:
        """Apply what other connections committed, read from the change log in one read transaction (a lazy
        store's partial graph is emptied instead)."""
        if not self._complete:
            self._forget()
            return
        with _snapshot(self._db) as db:
            try:
                change = self._logged_changes(db, self._revision)
            except ChangesExpired:
                change = None
            if change is not None:
                nodes = db.execute(
                    "SELECT id, type, props FROM nodes WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(change.nodes_changed)),),
                ).fetchall()
                edges = db.execute(
                    "SELECT e.source, e.type, e.target, e.asserted_by, e.props FROM json_each(?) AS k "
                    "JOIN edges AS e ON e.source = k.value ->> 0 AND e.type = k.value ->> 1 "
                    "AND e.target = k.value ->> 2 AND e.asserted_by = k.value ->> 3",
                    (json.dumps(sorted(change.edges_added)),),
                ).fetchall()
                vectors = self._vector_rows(db, change.vectors_changed)
                self._data_version = db.execute("PRAGMA data_version").fetchone()[0]
        if change is None:
            self._reload()
            return
        self._remove_nodes(change.nodes_removed)
        self._remove_edges(change.edges_removed)
        self._add_rows(nodes, edges)
        self._refresh_matrices(vectors, change.nodes_removed)
        self._revision = change.revision
        log.debug("applied revisions up to %s of %s from the change log", change.revision, self.location)

    # ------------------------------------------------------------------ change log
    def _logged_changes(self, db: sqlite3.Connection, since: int) -> ChangeSet:
        """The folded log after `since` (call inside a transaction for a consistent view)."""
        revision = _stored_revision(db)
        row = db.execute("SELECT value FROM meta WHERE key = 'changes_from'").fetchone()
        oldest = int(row[0]) if row else revision
        records = db.execute("SELECT record FROM changes WHERE revision > ? ORDER BY revision", (since,))
        logged = [ChangeSet.decode(record) for (record,) in records]
        return ChangeSet.fold(since, logged, revision=revision, oldest=oldest)

    @staticmethod
    def _log(db: sqlite3.Connection, revision: int, change: ChangeSet | None) -> None:
        """Log one write's change (None: a reset) and prune what has aged out of the log."""
        if change is None:
            db.execute("DELETE FROM changes")
            db.execute("DELETE FROM derived")
            db.execute("UPDATE meta SET value = ? WHERE key = 'changes_from'", (str(revision),))
            return
        db.execute("INSERT INTO changes (revision, record) VALUES (?, ?)", (revision, change.encode()))
        horizon = revision - CHANGE_LOG_REVISIONS
        if horizon > 0:
            db.execute("DELETE FROM changes WHERE revision <= ?", (horizon,))
            db.execute(
                "UPDATE meta SET value = max(CAST(value AS INTEGER), ?) WHERE key = 'changes_from'", (horizon,)
            )

    def writes_here(self) -> int:
        """How many writes this handle has committed (see `GraphStore`)."""
        return self._writes

    def changes(self, since: int) -> ChangeSet:
        """What the writes committed after revision `since` changed; `ChangesExpired` beyond the log."""
        with self._lock, _snapshot(self._db) as db:
            return self._logged_changes(db, since)

    # ------------------------------------------------------------------ writes
    @contextmanager
    def _transaction(self, action: str, *, nodes: Collection[str] | None = None) -> Iterator[tuple[nx.MultiDiGraph, int]]:
        """One write transaction holding SQLite's write lock; yields the fresh graph (of a lazy store, only with
        `nodes` when given) and the new revision."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot lock {self.location} for writing: {exc}") from exc
        try:
            graph = self._fresh() if nodes is None else self._part(nodes=nodes)
            revision = _stored_revision(db) + 1
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('revision', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(revision),),
            )
            yield graph, revision
            db.execute("COMMIT")
        except BaseException as exc:
            db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{action} in {self.location} failed: {exc}") from exc
            raise
        self._data_version = db.execute("PRAGMA data_version").fetchone()[0]
        self._writes += 1

    def upsert(self, batch: Batch) -> UpsertResult:
        """Write `batch` in one SQLite transaction (recorded as a run), then apply it to the graph in memory."""
        with self._lock:
            with self._transaction("writing") as (graph, revision):
                plan, deleted = self._write(graph, revision, batch)
            self._apply(batch, plan, deleted - {edge.key for edge in plan.edges})
            self._revision = revision
            return plan.result

    def revert(self, run_id: int, *, origin: Origin) -> UpsertResult:
        """Undo one run in one transaction, refusing when a later run changed what it wrote (see `GraphStore`)."""
        with self._lock:
            db = self._db
            with self._transaction(f"reverting run {run_id}") as (graph, revision):
                record = self._record(db, run_id)
                if record is None:
                    raise NodeNotFound(f"run {run_id}")
                scope = RevertScope.of(record)
                later_nodes = dict(
                    db.execute(
                        "SELECT node_id, min(run) FROM run_nodes WHERE run > ? "
                        "AND node_id IN (SELECT value FROM json_each(?)) GROUP BY node_id",
                        (run_id, json.dumps(sorted(scope.node_ids))),
                    ).fetchall()
                )
                batch = revert_batch(
                    record,
                    later_nodes=later_nodes,
                    later_edges=self._later_edges(db, run_id, scope.created, scope.edge_keys),
                    absent={end for end in scope.ends if end not in graph},
                    origin=origin,
                )
                plan, deleted = self._write(graph, revision, batch)
            self._apply(batch, plan, deleted - {edge.key for edge in plan.edges})
            self._revision = revision
            return plan.result

    def _write(self, graph: nx.MultiDiGraph, revision: int, batch: Batch) -> tuple[UpsertPlan, set[EdgeKey]]:
        """Write a batch and its run inside the open transaction; the plan and the stored edges it deletes."""
        db = self._db
        plan, stored, before, deleted = self._plan(graph, batch)
        plan.result.run = revision
        if batch.replace_all:
            db.execute("DELETE FROM edges")
            db.execute("DELETE FROM nodes")
            db.execute("DELETE FROM node_text")
        else:
            db.executemany(
                "DELETE FROM edges WHERE source = ? AND type = ? AND target = ? AND asserted_by = ?", sorted(deleted)
            )
        removed = json.dumps(sorted(batch.remove_nodes))
        db.execute(
            "DELETE FROM node_text WHERE rowid IN (SELECT rowid FROM nodes WHERE id IN (SELECT value FROM json_each(?)))",
            (removed,),
        )
        db.execute("DELETE FROM nodes WHERE id IN (SELECT value FROM json_each(?))", (removed,))
        db.execute("DELETE FROM vectors WHERE node_id IN (SELECT value FROM json_each(?))", (removed,))
        db.executemany(
            "INSERT INTO nodes (id, type, props) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET props = excluded.props",
            [(node.id, node.type.value, _dump(node.props)) for node in plan.nodes],
        )
        self._write_text(db, plan.nodes, fresh=batch.replace_all)
        db.executemany(
            "INSERT INTO edges (source, type, target, asserted_by, props) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (source, type, target, asserted_by) DO UPDATE SET props = excluded.props",
            [(*edge.key, _dump(edge.props)) for edge in plan.edges],
        )
        if batch.replace_all:
            db.execute(
                "DELETE FROM vectors WHERE NOT EXISTS "
                "(SELECT 1 FROM nodes WHERE nodes.id = vectors.node_id AND nodes.type = vectors.node_type)"
            )
        self._log(db, revision, change_of(revision, plan, deleted, batch))
        self._keep(db, record_of(revision, batch, plan.result.counts(), plan.nodes, stored, before, at=timestamp()))
        return plan, deleted

    @staticmethod
    def _write_text(db: sqlite3.Connection, nodes: tuple[Node, ...], *, fresh: bool) -> None:
        """Replace the full-text rows of the written nodes that `TEXT_FIELDS` indexes."""
        texts = [(node.id, node.type.value, _folded(text)) for node in nodes if (text := indexed_text(node)) is not None]
        if not texts:
            return
        if not fresh:
            db.executemany(
                "DELETE FROM node_text WHERE rowid = (SELECT rowid FROM nodes WHERE id = ?)",
                [(node_id,) for node_id, _, _ in texts],
            )
        db.executemany(
            "INSERT INTO node_text (rowid, node_type, body) SELECT rowid, ?, ? FROM nodes WHERE id = ?",
            [(type_name, text, node_id) for node_id, type_name, text in texts],
        )

    def _plan(
        self, graph: nx.MultiDiGraph, batch: Batch
    ) -> tuple[UpsertPlan, dict[str, Node], dict[EdgeKey, Props], set[EdgeKey]]:
        """Check the batch: its plan, the stored nodes it names, the stored edges it rewrites or deletes
        (with their properties) and the keys of those it deletes."""
        stored = {
            node_id: Node(node_id, graph.nodes[node_id]["type"], graph.nodes[node_id]["props"])
            for node_id in named_ids(batch)
            if node_id in graph
        }
        deleted: set[EdgeKey] = set()
        if batch.replace_all:
            deleted = {(s, k[0], t, k[1]) for s, t, k in graph.edges(keys=True)}
        else:
            for asserter in batch.retract:
                deleted |= self._asserted.get(asserter, set())
            deleted |= {key for key in batch.remove_edges if self._has_edge(graph, key)}
            for node_id in batch.remove_nodes & graph.nodes.keys():
                deleted |= {(s, k[0], t, k[1]) for s, t, k in graph.in_edges(node_id, keys=True)}
                deleted |= {(s, k[0], t, k[1]) for s, t, k in graph.out_edges(node_id, keys=True)}
        existing = {edge.key for edge in batch.edges if self._has_edge(graph, edge.key)}
        plan = plan_upsert(batch, stored, existing_edges=existing, edges_retracted=len(deleted))
        before = {} if batch.replace_all else {key: self._edge_props(graph, key) for key in deleted | existing}
        return plan, stored, before, deleted

    @staticmethod
    def _edge_props(graph: nx.MultiDiGraph, key: EdgeKey) -> Props:
        source, rel, target, asserter = key
        return _copy(graph.edges[source, target, (rel, asserter)]["props"])

    @staticmethod
    def _has_edge(graph: nx.MultiDiGraph, key: EdgeKey) -> bool:
        source, rel, target, asserter = key
        return bool(graph.has_edge(source, target, key=(rel, asserter)))

    def _apply(self, batch: Batch, plan: UpsertPlan, removed: set[EdgeKey]) -> None:
        """Mirror a committed batch in memory (a reload when the batch replaced everything)."""
        if batch.replace_all:
            self._reload()
            return
        self._remove_edges(removed)
        if batch.remove_nodes:
            self._remove_nodes(batch.remove_nodes)
            self._refresh_matrices([], batch.remove_nodes)
        graph = self._graph
        for node in plan.nodes:
            graph.add_node(node.id, type=node.type, props=_copy(node.props))
            self._by_type[node.type].add(node.id)
        for edge in plan.edges:
            graph.add_edge(edge.source, edge.target, key=(edge.type.value, edge.asserted_by), props=_copy(edge.props))
            self._assert(edge.key)

    def _assert(self, key: EdgeKey) -> None:
        keys = self._asserted[key[3]]
        if key not in keys:
            keys.add(key)
            self._edge_types[key[1]] += 1

    def _retract(self, key: EdgeKey) -> None:
        keys = self._asserted[key[3]]
        if key in keys:
            keys.discard(key)
            self._edge_types[key[1]] -= 1

    def _remove_edges(self, keys: Iterator[EdgeKey] | set[EdgeKey] | frozenset[EdgeKey]) -> None:
        graph = self._graph
        for source, rel, target, asserter in keys:
            if graph.has_edge(source, target, key=(rel, asserter)):
                graph.remove_edge(source, target, key=(rel, asserter))
            self._retract((source, rel, target, asserter))

    def _remove_nodes(self, node_ids: frozenset[str]) -> None:
        graph = self._graph
        for node_id in node_ids:
            if node_id not in graph:
                continue
            for source, target, (rel, asserter) in list(graph.in_edges(node_id, keys=True)) + list(
                graph.out_edges(node_id, keys=True)
            ):
                self._retract((source, rel, target, asserter))
            self._by_type[graph.nodes[node_id]["type"]].discard(node_id)
            graph.remove_node(node_id)

    def _add_rows(
        self, node_rows: list[tuple[str, str, str]], edge_rows: list[tuple[str, str, str, str, str]]
    ) -> None:
        graph, complete = self._graph, self._complete
        for (node_id, type_name, _), props in zip(node_rows, _loaded([row[2] for row in node_rows]), strict=True):
            node_type = NodeType(type_name)
            graph.add_node(node_id, type=node_type, props=props)
            if complete:
                self._by_type[node_type].add(node_id)
        for (source, rel, target, asserter, _), props in zip(edge_rows, _loaded([row[4] for row in edge_rows]), strict=True):
            graph.add_edge(source, target, key=(rel, asserter), props=props)
            if complete:
                self._assert((source, rel, target, asserter))

    def delete(self, node_id: str, *, origin: Origin | None = None) -> None:
        """Remove the node, its edges, text and vectors in one transaction (a run)."""
        self.upsert(Batch(remove_nodes=frozenset({node_id}), origin=origin or Origin()))

    # ------------------------------------------------------------------ history
    @staticmethod
    def _keep(db: sqlite3.Connection, record: RunRecord) -> None:
        """Persist a run and its changes (inside the write's transaction)."""
        run = record.run
        db.execute(
            "INSERT INTO runs (id, at, actor, sources, counts, reverts, is_replace) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (run.id, run.at, run.actor, encode_sources(run.sources), json.dumps(run.counts), run.reverts, run.is_replace),
        )
        db.executemany(
            "INSERT INTO run_nodes (run, node_id, node_type, before, after) VALUES (?, ?, ?, ?, ?)",
            [(run.id, c.node_id, c.node_type.value, encode_props(c.before), encode_props(c.after)) for c in record.nodes],
        )
        db.executemany(
            "INSERT INTO run_edges (run, source, type, target, asserted_by, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(run.id, *c.key, encode_props(c.before), encode_props(c.after)) for c in record.edges],
        )

    @staticmethod
    def _runs(db: sqlite3.Connection, run_ids: Collection[int]) -> list[Run]:
        rows = db.execute(
            "SELECT id, at, actor, sources, counts, reverts, is_replace FROM runs "
            "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(sorted(run_ids)),),
        )
        return [
            Run(run_id, at, actor, decode_sources(sources), json.loads(counts), reverts, bool(is_replace))
            for run_id, at, actor, sources, counts, reverts, is_replace in rows
        ]

    @staticmethod
    def _node_change(row: tuple[Any, ...]) -> tuple[int, NodeChange]:
        run_id, node_id, type_name, before, after = row
        return run_id, NodeChange(node_id, NodeType(type_name), decode_props(before), decode_props(after))

    @staticmethod
    def _edge_change(row: tuple[Any, ...]) -> tuple[int, EdgeChange]:
        run_id, source, rel, target, asserter, before, after = row
        return run_id, EdgeChange((source, rel, target, asserter), decode_props(before), decode_props(after))

    def _record(self, db: sqlite3.Connection, run_id: int) -> RunRecord | None:
        runs = self._runs(db, [run_id])
        if not runs:
            return None
        nodes = db.execute(
            "SELECT run, node_id, node_type, before, after FROM run_nodes WHERE run = ? ORDER BY node_id", (run_id,)
        )
        edges = db.execute(
            "SELECT run, source, type, target, asserted_by, before, after FROM run_edges WHERE run = ? "
            "ORDER BY source, type, target, asserted_by",
            (run_id,),
        )
        return RunRecord(
            runs[0],
            tuple(self._node_change(row)[1] for row in nodes),
            tuple(self._edge_change(row)[1] for row in edges),
        )

    @staticmethod
    def _later_edges(
        db: sqlite3.Connection, run_id: int, created: Collection[str], keys: Collection[EdgeKey]
    ) -> dict[EdgeKey, int]:
        """The first run after `run_id` changing each edge among `keys` or touching a node in `created`."""
        rows = db.execute(
            "SELECT source, type, target, asserted_by, run FROM run_edges WHERE run > ?1 "
            "AND (source IN (SELECT value FROM json_each(?2)) OR target IN (SELECT value FROM json_each(?2))) "
            "UNION ALL SELECT e.source, e.type, e.target, e.asserted_by, e.run FROM json_each(?3) AS k "
            "JOIN run_edges AS e ON e.source = k.value ->> 0 AND e.type = k.value ->> 1 "
            "AND e.target = k.value ->> 2 AND e.asserted_by = k.value ->> 3 AND e.run > ?1",
            (run_id, json.dumps(sorted(created)), json.dumps(sorted(keys))),
        )
        later: dict[EdgeKey, int] = {}
        for source, rel, target, asserter, run in rows:
            key = (source, rel, target, asserter)
            later[key] = min(run, later.get(key, run))
        return later

    def run(self, run_id: int) -> RunRecord | None:
        """The run with this id and every change it made, or None."""
        with self._lock, _snapshot(self._db) as db:
            return self._record(db, run_id)

    def history(self, node_id: str) -> list[NodeHistory]:
        """The runs that changed the node or an edge touching it, newest first."""
        with self._lock, _snapshot(self._db) as db:
            nodes = [
                self._node_change(row)
                for row in db.execute(
                    "SELECT run, node_id, node_type, before, after FROM run_nodes WHERE node_id = ?", (node_id,)
                )
            ]
            edges = [
                self._edge_change(row)
                for row in db.execute(
                    "SELECT run, source, type, target, asserted_by, before, after FROM run_edges "
                    "WHERE source = ?1 UNION SELECT run, source, type, target, asserted_by, before, after "
                    "FROM run_edges WHERE target = ?1",
                    (node_id,),
                )
            ]
            runs = self._runs(db, {run_id for run_id, _ in nodes} | {run_id for run_id, _ in edges})
        return node_history(node_id, runs, nodes, edges)

    # ------------------------------------------------------------------ vectors
    def put_vectors(self, model: str, vectors: Mapping[str, StoredVectors]) -> None:
        """Store the vectors of existing nodes under `model` in one transaction (see `GraphStore`)."""
        check_vectors(model, vectors)
        if not vectors:
            return
        with self._lock:
            db = self._db
            with self._transaction("storing vectors", nodes=vectors.keys()) as (graph, revision):
                rows = []
                for node_id, stored in vectors.items():
                    if node_id not in graph:
                        raise Conflict(f"vectors name {node_id!r}, which does not exist")
                    node_type = graph.nodes[node_id]["type"].value
                    rows.append(
                        (model, node_id, node_type, stored.text_hash, stored.rows, stored.dimension, stored.to_bytes())
                    )
                db.executemany(
                    "INSERT INTO vectors (model, node_id, node_type, text_hash, rows, dimension, data) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model, node_id) DO UPDATE SET "
                    "node_type = excluded.node_type, text_hash = excluded.text_hash, rows = excluded.rows, "
                    "dimension = excluded.dimension, data = excluded.data",
                    rows,
                )
                self._log(db, revision, ChangeSet(revision, vectors_changed=frozenset(vectors)))
            self._refresh_matrices([(row[0], row[1], row[2], row[5], row[6]) for row in rows], frozenset())
            self._revision = revision

    def vectors(self, model: str, node_ids: Collection[str]) -> dict[str, StoredVectors]:
        """The stored vectors under `model` of those among `node_ids` that have them."""
        with self._lock:
            self._part()
            found = self._db.execute(
                "SELECT node_id, text_hash, rows, dimension, data FROM vectors "
                "WHERE model = ? AND node_id IN (SELECT value FROM json_each(?))",
                (model, json.dumps(list(node_ids))),
            )
            return {
                node_id: StoredVectors.from_bytes(text_hash, rows, dimension, data)
                for node_id, text_hash, rows, dimension, data in found
            }

    # ------------------------------------------------------------------ derived data
    def put_derived(self, name: str, revision: int, data: bytes) -> None:
        """Keep `data` worked out from the graph at `revision` under `name`, in a transaction of its own."""
        with self._lock:
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.execute(
                        "INSERT INTO derived (name, revision, data) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
                        "SET revision = excluded.revision, data = excluded.data",
                        (name, revision, data),
                    )
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise StoreError(f"keeping {name!r} in {self.location} failed: {exc}") from exc

    def derived(self, name: str) -> tuple[int, bytes] | None:
        """What `put_derived` last kept under `name`, with its revision."""
        with self._lock:
            row = self._db.execute("SELECT revision, data FROM derived WHERE name = ?", (name,)).fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    @staticmethod
    def _vector_rows(db: sqlite3.Connection, node_ids: Collection[str]) -> list[tuple[str, str, str, int, bytes]]:
        """(model, node id, node type, dimension, row 0 as bytes) of every stored vector of these nodes."""
        if not node_ids:
            return []
        return db.execute(
            "SELECT model, node_id, node_type, dimension, substr(data, 1, 4 * dimension) FROM vectors "
            "WHERE node_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(node_ids)),),
        ).fetchall()

    def _refresh_matrices(self, rows: list[tuple[str, str, str, int, bytes]], removed: frozenset[str]) -> None:
        """Bring the loaded matrices up to date with changed vectors and removed nodes."""
        for matrix in self._matrices.values():
            if matrix is not None:
                matrix.remove(removed)
        fresh: dict[tuple[str, NodeType], dict[str, np.ndarray]] = defaultdict(dict)
        for model, node_id, type_name, _, data in rows:
            fresh[(model, NodeType(type_name))][node_id] = np.frombuffer(data, dtype="<f4")
        for key, vectors in fresh.items():
            if key not in self._matrices:
                continue  # not loaded yet; loading reads them
            matrix = self._matrices[key]
            dimension = len(next(iter(vectors.values())))
            if matrix is None or matrix.dimension != dimension:
                self._matrices.pop(key)  # a model changed dimension: reload on next use
                continue
            matrix.put(vectors)

    def _matrix(self, model: str, node_type: NodeType) -> VectorMatrix | None:
        """The matrix of own vectors of one model and node type, loaded on first use (None: no vectors)."""
        key = (model, node_type)
        if key not in self._matrices:
            rows = self._db.execute(
                "SELECT node_id, dimension, substr(data, 1, 4 * dimension) FROM vectors "
                "WHERE model = ? AND node_type = ?",
                (model, node_type.value),
            ).fetchall()
            matrix = None
            if rows:
                matrix = VectorMatrix(rows[0][1])
                matrix.put({node_id: np.frombuffer(data, dtype="<f4") for node_id, dimension, data in rows
                            if dimension == matrix.dimension})
            self._matrices[key] = matrix
        return self._matrices[key]

    def nearest(self, model: str, query: np.ndarray, *, node_type: NodeType, k: int) -> list[tuple[str, float]]:
        """Up to `k` nodes whose own vector is closest to `query` by cosine, best first."""
        with self._lock:
            self._part()
            matrix = self._matrix(model, node_type)
        if matrix is None or k <= 0:
            return []
        if len(query) != matrix.dimension:
            raise Conflict(f"the query has {len(query)} dimensions; {model} vectors have {matrix.dimension}")
        return matrix.nearest(query, k)

    def text_matches(self, text: str, *, node_type: NodeType, k: int) -> list[tuple[str, float]]:
        """Up to `k` nodes whose indexed text shares words with `text`, best first (FTS5 BM25)."""
        words = query_words(text)
        if not words or k <= 0 or node_type not in TEXT_FIELDS:
            return []
        phrases = ['"' + _folded(word).replace('"', '""') + '"' for word in words]
        with self._lock:
            self._part()
        db = self._reader()
        try:
            with _snapshot(db):  # the counts and the queries read one snapshot
                rows = self._best_texts(db, phrases, node_type, k)
        except sqlite3.Error as exc:
            raise StoreError(f"full-text search in {self.location} failed: {exc}") from exc
        return [(node_id, float(score)) for node_id, score in rows]

    @staticmethod
    def _best_texts(db: sqlite3.Connection, phrases: list[str], node_type: NodeType, k: int) -> list[tuple[str, float]]:
        """The `k` best BM25 matches of the phrases OR-ed, exactly, without scoring every text a common word is in.

        BM25 adds one part per phrase, each below its IDF times (k1 + 1). A text holding only common
        phrases (in more than `COMMON_SHARE` of the texts) scores below the sum of those bounds; when
        the k-th best of the texts holding a rarer phrase scores above it, those k are the answer.
        """
        ranked = (
            "SELECT nodes.id, -bm25(node_text) AS score FROM node_text JOIN nodes ON nodes.rowid = node_text.rowid "
            "WHERE node_text MATCH ? AND node_text.node_type = ?{} ORDER BY score DESC, nodes.id LIMIT ?"
        )
        expression = " OR ".join(phrases)
        texts = int(db.execute("SELECT count(*) FROM node_text_docsize").fetchone()[0])
        hits = {
            phrase: int(db.execute("SELECT count(*) FROM node_text WHERE node_text MATCH ?", (phrase,)).fetchone()[0])
            for phrase in set(phrases)
        }
        common = [phrase for phrase in phrases if hits[phrase] > COMMON_SHARE * texts]
        rare = [phrase for phrase in dict.fromkeys(phrases) if hits[phrase] <= COMMON_SHARE * texts]
        if common and rare:
            bound = (_BM25_K1 + 1) * sum(
                max(math.log((texts - hits[phrase] + 0.5) / (hits[phrase] + 0.5)), _BM25_MIN_IDF) for phrase in common
            )
            found = db.execute(
                ranked.format(" AND node_text.rowid + 0 IN (SELECT rowid FROM node_text WHERE node_text MATCH ?)"),
                (expression, node_type.value, " OR ".join(rare), k),
            ).fetchall()
            if len(found) == k and found[-1][1] > bound * (1 + 1e-9):
                return found
        return db.execute(ranked.format(""), (expression, node_type.value, k)).fetchall()

    # ------------------------------------------------------------------ reads
    def _node(self, graph: nx.MultiDiGraph, node_id: str) -> Node:
        data = graph.nodes[node_id]
        return Node(node_id, data["type"], _copy(data["props"]))

    def get(self, node_id: str) -> Node | None:
        """The node with this id, or None."""
        with self._lock:
            graph = self._part(nodes=(node_id,))
            return self._node(graph, node_id) if node_id in graph else None

    def get_many(self, node_ids: list[str]) -> dict[str, Node]:
        """The existing nodes among `node_ids`."""
        with self._lock:
            graph = self._part(nodes=node_ids)
            return {node_id: self._node(graph, node_id) for node_id in node_ids if node_id in graph}

    def _edge_tuples(
        self, graph: nx.MultiDiGraph, node_id: str, rel: RelType | None, direction: Direction
    ) -> Iterator[tuple[str, str, tuple[str, str], dict[str, Any]]]:
        if direction in (Direction.OUT, Direction.BOTH):  # the adjacency itself: networkx's edge views cost more
            for target, keyed in graph.succ[node_id].items():
                for key, data in keyed.items():
                    yield node_id, target, key, data["props"]
        if direction in (Direction.IN, Direction.BOTH):
            for source, keyed in graph.pred[node_id].items():
                for key, data in keyed.items():
                    yield source, node_id, key, data["props"]

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
            graph = self._part(edges_of=(node_id,), rel=rel, direction=direction)
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
        return self.edges_of_many([node_id], rel=rel, direction=direction)[node_id]

    def edges_of_many(
        self, node_ids: Collection[str], *, rel: RelType | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, list[Edge]]:
        """The edges touching each of `node_ids`, each list sorted by key."""
        with self._lock:
            graph = self._part(edges_of=node_ids, rel=rel, direction=direction)
            found: dict[str, list[Edge]] = {}
            for node_id in node_ids:
                if node_id not in graph:
                    found[node_id] = []
                    continue
                edges = {
                    (source, type_name, target, asserter): (source, type_name, target, asserter, props)
                    for source, target, (type_name, asserter), props in self._edge_tuples(graph, node_id, rel, direction)
                    if rel is None or type_name == rel.value
                }
                found[node_id] = [
                    Edge(s, RelType(t), o, a, _copy(props)) for s, t, o, a, props in (edges[key] for key in sorted(edges))
                ]
            return found

    def find(self, node_type: NodeType, **props: str | int | float | bool) -> Iterator[Node]:
        """Nodes of a type whose properties equal `props`, sorted by id."""
        with self._lock:
            graph = self._part()
            ids = sorted(self._by_type.get(node_type, ())) if self._complete else self._read_type(node_type)
            matches = [self._node(graph, node_id) for node_id in ids if has_props(graph.nodes[node_id]["props"], props)]
        return iter(matches)

    def _read_type(self, node_type: NodeType) -> list[str]:
        """The ids of every stored node of a type, sorted, read into the partial graph."""
        rows = self._db.execute("SELECT id, type, props FROM nodes WHERE type = ? ORDER BY id", (node_type.value,)).fetchall()
        self._add_rows([row for row in rows if row[0] not in self._graph], [])
        return [row[0] for row in rows]

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
            return _stored_revision(self._db)

    def stats(self) -> StoreStats:
        """Counts per node type and relationship type."""
        with self._lock:
            self._part()
            if self._complete:
                nodes = {node_type.value: len(ids) for node_type, ids in self._by_type.items() if ids}
                edges = {rel: count for rel, count in self._edge_types.items() if count}
            else:
                nodes = dict(self._db.execute("SELECT type, count(*) FROM nodes GROUP BY type").fetchall())
                edges = dict(self._db.execute("SELECT type, count(*) FROM edges GROUP BY type").fetchall())
        return StoreStats(nodes=dict(sorted(nodes.items())), edges=dict(sorted(edges.items())))
