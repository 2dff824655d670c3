"""The Neo4j backend: nodes labelled with their `NodeType`, edges as relationships of their `RelType`.

A node is stored as ``(:Case {id: ..., title: ...})``, with a uniqueness constraint on
`id` for each label; an edge as a relationship with `asserted_by` and its own
properties. Properties are stored natively. The rare keys that would clash with `id`
or `asserted_by` (and empty keys or keys starting with ``~``) get a ``~`` prefix in
Neo4j, so every model key survives the round trip.

Every write is one managed transaction that first raises the revision on a single
`BehovsgrafMeta` node. That write lock serialises writers, so the stored state that
`plan_upsert` checks cannot change before the commit, and a failed check rolls the
whole batch back, revision included. The same transaction logs what it changed on a
`BehovsgrafChange` node (the change feed, see `graph.changes`). Reads never see these
nodes: they match only the labels of `NodeType`.

The change history (`graph.history`) is kept in the same transaction on nodes no read
matches either: one `BehovsgrafRun` per run, and a `BehovsgrafNodeChange` or
`BehovsgrafEdgeChange` per node or edge it changed, naming them by id and holding
the before and after properties as JSON text (Neo4j has no map properties). They are
linked to nothing, so `DETACH DELETE` of a node or of the whole graph leaves its
history in place, and indexes on node id and edge ends make a node's history a seek.

Vectors live on `BehovsgrafVector` nodes (one per node and model, with a label per
node type such as `BehovsgrafCaseVector`): row 0 as a float list under Neo4j's native
vector index (cosine), all rows as float32 bytes. Text matches use the full-text
indexes over `TEXT_FIELDS` (ASCII-folding analyzer, like the embedded store's FTS5).

Labels and relationship types in the Cypher text come from `NodeType` and `RelType`;
every value is a parameter.

Usage (needs a running server)::

    with Neo4jStore("bolt://127.0.0.1:7687", user="neo4j", password="...") as store:
        store.upsert(batch)
"""

from __future__ import annotations

import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, LiteralString, Self, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from neo4j import (
    Driver,
    GraphDatabase,
    ManagedTransaction,
    NotificationDisabledClassification,
    Record,
    RoutingControl,
)
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

import numpy as np

from graph.changes import CHANGE_LOG_REVISIONS, ChangeSet
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
from graph.model import (
    RELATIONSHIP_ENDS,
    Batch,
    Direction,
    Edge,
    EdgeKey,
    Node,
    NodeType,
    Origin,
    Props,
    PropValue,
    RelType,
)
from graph.store import (
    TEXT_FIELDS,
    OpensAsContext,
    StoreStats,
    UpsertPlan,
    UpsertResult,
    change_of,
    has_props,
    named_ids,
    plan_upsert,
    query_words,
)
from graph.vectors import StoredVectors, check_vectors

__all__ = ["CHANGE_LABEL", "DERIVED_LABEL", "HISTORY_LABELS", "META_LABEL", "VECTOR_LABEL", "Neo4jStore", "text_index", "vector_index"]

log = logging.getLogger(__name__)

META_LABEL = "BehovsgrafMeta"
"""Label of the one node holding the revision; no read matches it."""
CHANGE_LABEL = "BehovsgrafChange"
"""Label of the change-log nodes (one per revision); no read matches it."""
RUN_LABEL = "BehovsgrafRun"
NODE_CHANGE_LABEL = "BehovsgrafNodeChange"
EDGE_CHANGE_LABEL = "BehovsgrafEdgeChange"
HISTORY_LABELS = (RUN_LABEL, NODE_CHANGE_LABEL, EDGE_CHANGE_LABEL)
"""Labels of the change history: runs and the node and edge changes of each; no graph read matches them."""
VECTOR_LABEL = "BehovsgrafVector"
"""Label of the nodes holding stored vectors; no graph read matches it."""
DERIVED_LABEL = "BehovsgrafDerived"
"""Label of the nodes holding what `put_derived` keeps (by name, with its revision and bytes); no graph read matches it."""
RETRY_SECONDS = 3.0
"""How long a read or write is retried on transient errors or a lost connection before it fails."""
CHUNK = 10_000
"""Rows per UNWIND statement; a large batch is several statements in one transaction."""

_ESCAPE = "~"
_TYPES = {node_type.value: node_type for node_type in NodeType}
_T = TypeVar("_T")


def _cypher(text: str) -> LiteralString:
    """Mark Cypher built only from literals and the model's enums (never from input) as safe.

    mypy treats `LiteralString` as `str`, so this is a marker for readers and stricter checkers.
    """
    return text


def _labels(node_types: Iterable[NodeType]) -> str:
    return "|".join(sorted(node_type.value for node_type in node_types))


_ANY_NODE = _labels(NodeType)
_ANY_REL = "|".join(rel.value for rel in RelType)


_OBSOLETE_INDEXES = {f"behovsgraf_{rel.name.lower()}_asserted_by" for rel in RelType} | {"behovsgraf_case_text"}
"""Relationship indexes on `asserted_by` made `MERGE` seek every edge of an asserter (quadratic writes);
the first case text index did not fold diacritics."""


def text_index(node_type: NodeType) -> str:
    """The full-text index over a node type's `TEXT_FIELDS`."""
    return f"behovsgraf_{node_type.name.lower()}_words"


def vector_index(node_type: NodeType) -> str:
    """The vector index over the own vectors of a node type (created with the first vectors stored)."""
    return f"behovsgraf_{node_type.name.lower()}_vectors"


def _vector_label(node_type: NodeType) -> str:
    return f"Behovsgraf{node_type.value}Vector"


def _schema() -> dict[str, LiteralString]:
    """Constraint and index statements by name."""
    statements = {
        f"behovsgraf_{t.name.lower()}_id": f"FOR (n:{t.value}) REQUIRE n.id IS UNIQUE" for t in NodeType
    }
    statements["behovsgraf_meta_name"] = f"FOR (m:{META_LABEL}) REQUIRE m.name IS UNIQUE"
    statements["behovsgraf_change_revision"] = f"FOR (c:{CHANGE_LABEL}) REQUIRE c.revision IS UNIQUE"
    statements["behovsgraf_vector_key"] = f"FOR (v:{VECTOR_LABEL}) REQUIRE v.key IS UNIQUE"
    statements["behovsgraf_run_id"] = f"FOR (r:{RUN_LABEL}) REQUIRE r.id IS UNIQUE"
    statements["behovsgraf_derived_name"] = f"FOR (d:{DERIVED_LABEL}) REQUIRE d.name IS UNIQUE"
    schema = {name: _cypher(f"CREATE CONSTRAINT {name} IF NOT EXISTS {rule}") for name, rule in statements.items()}
    for label, field in (
        (NODE_CHANGE_LABEL, "node_id"), (NODE_CHANGE_LABEL, "run"),
        (EDGE_CHANGE_LABEL, "source"), (EDGE_CHANGE_LABEL, "target"), (EDGE_CHANGE_LABEL, "run"),
    ):
        name = f"behovsgraf_{label.lower()}_{field}"
        schema[name] = _cypher(f"CREATE INDEX {name} IF NOT EXISTS FOR (c:{label}) ON (c.{field})")
    schema["behovsgraf_vector_node"] = _cypher(
        f"CREATE INDEX behovsgraf_vector_node IF NOT EXISTS FOR (v:{VECTOR_LABEL}) ON (v.node_id)"
    )
    for node_type, fields in TEXT_FIELDS.items():
        properties = ", ".join(f"n.{key}" for key in fields)
        schema[text_index(node_type)] = _cypher(
            f"CREATE FULLTEXT INDEX {text_index(node_type)} IF NOT EXISTS FOR (n:{node_type.value}) "
            f"ON EACH [{properties}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'standard-folding'}}}}"
        )
    return schema


def _node_fields(var: str) -> str:
    return f"{var}.id AS id, labels({var}) AS labels, properties({var}) AS props"


_EDGE_FIELDS = "startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, properties(r) AS props"
_BUMP_REVISION = _cypher(
    f"MERGE (m:{META_LABEL} {{name: 'revision'}}) ON CREATE SET m.value = 0, m.changes_from = 0 "
    "SET m.changes_from = coalesce(m.changes_from, m.value) SET m.value = m.value + 1 RETURN m.value AS revision"
)
_LOG_CHANGE = _cypher(f"CREATE (:{CHANGE_LABEL} {{revision: $revision, record: $record}})")
_PRUNE_CHANGES = _cypher(
    f"MATCH (m:{META_LABEL} {{name: 'revision'}}) SET m.changes_from = CASE WHEN m.changes_from > $horizon "
    f"THEN m.changes_from ELSE $horizon END WITH m MATCH (c:{CHANGE_LABEL}) WHERE c.revision <= $horizon DELETE c"
)
_RESET_CHANGES = _cypher(
    f"MATCH (m:{META_LABEL} {{name: 'revision'}}) SET m.changes_from = $revision "
    f"WITH m MATCH (c:{CHANGE_LABEL}) DELETE c"
)
_DELETE_DERIVED = _cypher(f"MATCH (d:{DERIVED_LABEL}) DELETE d")
_PUT_DERIVED = _cypher(f"MERGE (d:{DERIVED_LABEL} {{name: $name}}) SET d.revision = $revision, d.data = $data")
_DERIVED = _cypher(f"MATCH (d:{DERIVED_LABEL} {{name: $name}}) RETURN d.revision AS revision, d.data AS data")
_CHANGES = _cypher(
    f"OPTIONAL MATCH (m:{META_LABEL} {{name: 'revision'}}) "
    f"OPTIONAL MATCH (c:{CHANGE_LABEL}) WHERE c.revision > $since "
    "WITH m, c ORDER BY c.revision "
    "RETURN coalesce(m.value, 0) AS revision, coalesce(m.changes_from, m.value, 0) AS oldest, "
    "collect(c.record) AS records"
)
_REVISION = _cypher(f"OPTIONAL MATCH (m:{META_LABEL} {{name: 'revision'}}) RETURN coalesce(m.value, 0) AS revision")
_NODES_BY_ID = _cypher(f"UNWIND $ids AS id MATCH (n:{_ANY_NODE} {{id: id}}) RETURN {_node_fields('n')}")
_RETRACTED = f"MATCH ()-[r:{_ANY_REL}]->() WHERE r.asserted_by IN $asserters"
_EDGE_KEY = "[startNode(r).id, type(r), endNode(r).id, r.asserted_by] AS key"
_RETRACTED_ROWS = _cypher(f"{_RETRACTED} RETURN {_EDGE_KEY}, properties(r) AS props")
_DELETE_RETRACTED = _cypher(f"{_RETRACTED} DELETE r")
_EXACT = (
    f"UNWIND $keys AS k MATCH (:{_ANY_NODE} {{id: k[0]}})-[r:{_ANY_REL}]->(:{_ANY_NODE} {{id: k[2]}}) "
    "WHERE type(r) = k[1] AND r.asserted_by = k[3]"
)
_EXACT_ROWS = _cypher(f"{_EXACT} RETURN {_EDGE_KEY}, properties(r) AS props")
_DELETE_EXACT = _cypher(f"{_EXACT} DELETE r")
_TOUCHING_ROWS = _cypher(
    f"UNWIND $ids AS id MATCH (:{_ANY_NODE} {{id: id}})-[r:{_ANY_REL}]-(:{_ANY_NODE}) "
    f"RETURN DISTINCT {_EDGE_KEY}, properties(r) AS props"
)
_DELETE_NODES = _cypher(f"UNWIND $ids AS id MATCH (n:{_ANY_NODE} {{id: id}}) DETACH DELETE n")
_DELETE_VECTORS = _cypher(f"UNWIND $ids AS id MATCH (v:{VECTOR_LABEL} {{node_id: id}}) DELETE v")
_KEEP_RUN = _cypher(
    f"CREATE (:{RUN_LABEL} {{id: $id, at: $at, actor: $actor, sources: $sources, counts: $counts, "
    "reverts: $reverts, is_replace: $is_replace})"
)
_KEEP_NODE_CHANGES = _cypher(f"UNWIND $rows AS row CREATE (c:{NODE_CHANGE_LABEL}) SET c = row")
_KEEP_EDGE_CHANGES = _cypher(f"UNWIND $rows AS row CREATE (c:{EDGE_CHANGE_LABEL}) SET c = row")
_RUNS = _cypher(
    f"UNWIND $ids AS id MATCH (r:{RUN_LABEL} {{id: id}}) RETURN r.id AS id, r.at AS at, r.actor AS actor, "
    "r.sources AS sources, r.counts AS counts, r.reverts AS reverts, r.is_replace AS is_replace ORDER BY id"
)
_NODE_CHANGE_FIELDS = "c.run AS run, c.node_id AS node_id, c.node_type AS node_type, c.before AS before, c.after AS after"
_EDGE_CHANGE_FIELDS = (
    "c.run AS run, c.source AS source, c.type AS type, c.target AS target, c.asserted_by AS asserted_by, "
    "c.before AS before, c.after AS after"
)
_RUN_NODE_CHANGES = _cypher(f"MATCH (c:{NODE_CHANGE_LABEL} {{run: $run}}) RETURN {_NODE_CHANGE_FIELDS} ORDER BY node_id")
_RUN_EDGE_CHANGES = _cypher(
    f"MATCH (c:{EDGE_CHANGE_LABEL} {{run: $run}}) RETURN {_EDGE_CHANGE_FIELDS} "
    "ORDER BY source, type, target, asserted_by"
)
_NODE_CHANGES_OF = _cypher(f"MATCH (c:{NODE_CHANGE_LABEL} {{node_id: $id}}) RETURN {_NODE_CHANGE_FIELDS}")
_EDGE_CHANGES_OF = _cypher(
    f"MATCH (c:{EDGE_CHANGE_LABEL} {{source: $id}}) RETURN {_EDGE_CHANGE_FIELDS} "
    f"UNION MATCH (c:{EDGE_CHANGE_LABEL} {{target: $id}}) RETURN {_EDGE_CHANGE_FIELDS}"
)
_LATER_NODES = _cypher(
    f"UNWIND $ids AS id MATCH (c:{NODE_CHANGE_LABEL} {{node_id: id}}) WHERE c.run > $run "
    "RETURN id, min(c.run) AS later"
)
_LATER_EDGES = _cypher(
    f"CALL {{ UNWIND $created AS id MATCH (c:{EDGE_CHANGE_LABEL} {{source: id}}) WHERE c.run > $run RETURN c "
    f"UNION UNWIND $created AS id MATCH (c:{EDGE_CHANGE_LABEL} {{target: id}}) WHERE c.run > $run RETURN c "
    f"UNION UNWIND $keys AS k MATCH (c:{EDGE_CHANGE_LABEL} {{source: k[0], target: k[2]}}) "
    "WHERE c.type = k[1] AND c.asserted_by = k[3] AND c.run > $run RETURN c } "
    "RETURN [c.source, c.type, c.target, c.asserted_by] AS key, min(c.run) AS later"
)
_DELETE_ALL = _cypher(f"MATCH (n:{_ANY_NODE}) DETACH DELETE n")
_DELETE_ORPHAN_VECTORS = _cypher(
    f"MATCH (v:{VECTOR_LABEL}) WHERE NOT EXISTS {{ MATCH (n:{_ANY_NODE} {{id: v.node_id}}) WHERE v.node_type IN labels(n) }} "
    "DELETE v"
)
_NODE_TYPES = _cypher(f"UNWIND $ids AS id MATCH (n:{_ANY_NODE} {{id: id}}) RETURN n.id AS id, labels(n) AS labels")
_VECTORS = _cypher(
    f"UNWIND $ids AS id MATCH (v:{VECTOR_LABEL} {{key: $model + '\u001f' + id}}) "
    "RETURN v.node_id AS id, v.text_hash AS text_hash, v.rows AS rows, v.dimension AS dimension, v.data AS data"
)
_VECTOR_DIMENSIONS = _cypher(
    "SHOW VECTOR INDEXES YIELD name, options WHERE name IN $names "
    "RETURN name, options.indexConfig['vector.dimensions'] AS dimension"
)
_COUNTS = _cypher(
    " UNION ALL ".join(
        [f"MATCH (n:{t.value}) RETURN 'node' AS kind, '{t.value}' AS name, count(n) AS count" for t in NodeType]
        + [f"MATCH ()-[r:{r.value}]->() RETURN 'edge' AS kind, '{r.value}' AS name, count(r) AS count" for r in RelType]
    )
)
_ARROWS = {Direction.OUT: ("-", "->"), Direction.IN: ("<-", "-"), Direction.BOTH: ("-", "-")}


def _merge_nodes(node_type: NodeType) -> LiteralString:
    return _cypher(f"UNWIND $rows AS row MERGE (n:{node_type.value} {{id: row.id}}) SET n = row.props")


def _ends(rel: RelType) -> str:
    """Match `a` and `b`, the ends of an edge row, by id and the labels `rel` allows."""
    sources, targets = RELATIONSHIP_ENDS[rel]
    return f"MATCH (a:{_labels(sources)} {{id: row.source}}) MATCH (b:{_labels(targets)} {{id: row.target}})"


def _put_vectors(node_type: NodeType) -> LiteralString:
    return _cypher(
        f"UNWIND $rows AS row MERGE (v:{VECTOR_LABEL} {{key: row.key}}) "
        f"SET v:{_vector_label(node_type)}, v.node_id = row.node_id, v.node_type = '{node_type.value}', "
        "v.model = $model, v.text_hash = row.text_hash, v.rows = row.rows, v.dimension = row.dimension, "
        "v.data = row.data, v.embedding = row.embedding"
    )


def _edges_around_many(rel: RelType | None, direction: Direction) -> LiteralString:
    left, right = _ARROWS[direction]
    rel_types = rel.value if rel is not None else _ANY_REL
    return _cypher(
        f"UNWIND $ids AS id MATCH (n:{_ANY_NODE} {{id: id}}){left}[r:{rel_types}]{right}(:{_ANY_NODE}) "
        f"RETURN DISTINCT id AS node, {_EDGE_FIELDS}"
    )


def _existing_edges(rel: RelType) -> LiteralString:
    """Each end is found by its id in a subquery of its own, so the edge is looked for between the two
    (`Expand(Into)`); matched in one pattern, the planner started from the target and walked every relationship
    of a hub (a method used by thousands of cases) for each row."""
    sources, targets = RELATIONSHIP_ENDS[rel]
    return _cypher(
        f"UNWIND $rows AS row CALL (row) {{ MATCH (a:{_labels(sources)} {{id: row.source}}) RETURN a }} "
        f"CALL (row) {{ MATCH (b:{_labels(targets)} {{id: row.target}}) RETURN b }} "
        f"MATCH (a)-[r:{rel.value} {{asserted_by: row.asserted_by}}]->(b) "
        "RETURN DISTINCT row.source AS source, row.target AS target, row.asserted_by AS asserted_by, "
        "properties(r) AS props"
    )


def _merge_edges(rel: RelType) -> LiteralString:
    return _cypher(
        f"UNWIND $rows AS row {_ends(rel)} "
        f"MERGE (a)-[r:{rel.value} {{asserted_by: row.asserted_by}}]->(b) SET r = row.props"
    )


def _create_edges(rel: RelType) -> LiteralString:
    """For edges known to be absent: `CREATE` does not look through the ends' relationships as `MERGE` does,
    which, for a hub written in the same transaction as its thousands of edges, grew with every edge."""
    return _cypher(f"UNWIND $rows AS row {_ends(rel)} CREATE (a)-[r:{rel.value}]->(b) SET r = row.props")


def _edge_rows(edges: Iterable[Edge]) -> dict[RelType, list[dict[str, Any]]]:
    """UNWIND rows for `_existing_edges` and `_merge_edges`, by relationship type."""
    rows: dict[RelType, list[dict[str, Any]]] = defaultdict(list)
    for edge in edges:
        props = _stored_props(edge.props, "asserted_by", edge.asserted_by)
        rows[edge.type].append(
            {"source": edge.source, "target": edge.target, "asserted_by": edge.asserted_by, "props": props}
        )
    return rows


def _around(rel: RelType | None, direction: Direction, node_type: NodeType | None) -> str:
    """The pattern from node `$id` over one edge `r` to `m`."""
    left, right = _ARROWS[direction]
    rel_types = rel.value if rel is not None else _ANY_REL
    labels = node_type.value if node_type is not None else _ANY_NODE
    return f"(n:{_ANY_NODE} {{id: $id}}){left}[r:{rel_types}]{right}(m:{labels})"


def _count(records: Iterable[Record]) -> dict[str, dict[str, int]]:
    """Non-zero counts from `_COUNTS`: {"node": {label: n}, "edge": {type: n}}, sorted by name."""
    counts: dict[str, dict[str, int]] = {"node": {}, "edge": {}}
    for record in sorted(records, key=lambda record: record["name"]):
        if record["count"]:
            counts[record["kind"]][record["name"]] = record["count"]
    return counts


def _stored_key(key: str, reserved: str) -> str:
    """The Neo4j property name of a model key: `reserved`, empty and ``~`` keys get a ``~`` prefix."""
    return _ESCAPE + key if key == reserved or not key or key.startswith(_ESCAPE) else key


def _stored_props(props: Mapping[str, PropValue], reserved: str, value: str) -> dict[str, PropValue]:
    """Neo4j properties for model `props`, plus `reserved` set to `value`."""
    return {_stored_key(key, reserved): item for key, item in props.items()} | {reserved: value}


def _model_props(stored: Mapping[str, Any], reserved: str) -> Props:
    """The model properties of a stored node or relationship: the inverse of `_stored_props`."""
    return {key.removeprefix(_ESCAPE): item for key, item in stored.items() if key != reserved}


def _node_type(labels: Iterable[str]) -> NodeType:
    return next(_TYPES[label] for label in labels if label in _TYPES)


def _node(record: Record) -> Node:
    return Node(record["id"], _node_type(record["labels"]), _model_props(record["props"], "id"))


def _edge(record: Record) -> Edge:
    props = record["props"]
    asserter = props["asserted_by"]
    return Edge(
        record["source"], RelType(record["type"]), record["target"], asserter, _model_props(props, "asserted_by")
    )


def _key(value: list[str]) -> EdgeKey:
    source, rel, target, asserter = value
    return (source, rel, target, asserter)


def _node_change(record: Record) -> tuple[int, NodeChange]:
    change = NodeChange(
        record["node_id"], NodeType(record["node_type"]), decode_props(record["before"]), decode_props(record["after"])
    )
    return record["run"], change


def _edge_change(record: Record) -> tuple[int, EdgeChange]:
    key = (record["source"], record["type"], record["target"], record["asserted_by"])
    return record["run"], EdgeChange(key, decode_props(record["before"]), decode_props(record["after"]))


def _chunks(items: list[_T], size: int = CHUNK) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _cause(exc: BaseException) -> str:
    """The reason in one line (the server's message when there is one)."""
    text = exc.message if isinstance(exc, Neo4jError) and exc.message else str(exc)
    return " ".join(text.split()) or type(exc).__name__


class Neo4jStore(OpensAsContext):
    """A `GraphStore` on a Neo4j 5 server, over Bolt.

    Parameters
    ----------
    url
        ``bolt://`` for a single server, ``neo4j://`` for a cluster (``+s`` / ``+ssc``
        for TLS). Credentials in the URL are used when `user` and `password` are not given.
    user, password
        Credentials; without a password the driver connects without authentication.
    database
        The database to use.
    rows_per_statement
        Rows per `UNWIND` write statement (1 writes one `MERGE` per row; for benchmarks).
    """

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str = "neo4j",
        rows_per_statement: int = CHUNK,
    ) -> None:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
        self.location = urlunsplit(parts._replace(netloc=host))
        self.database = database
        self.rows_per_statement = max(1, rows_per_statement)
        if user is None and parts.username:
            user = unquote(parts.username)
        if password is None and parts.password:
            password = unquote(parts.password)
        self._auth = (user or "neo4j", password) if password is not None else None
        self._driver: Driver | None = None
        self._lock = threading.Lock()
        self._vector_dimensions: dict[NodeType, int] = {}
        self._writes = 0
        self._writes_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    def open(self) -> Self:
        """Connect, then create the constraints and indexes that are missing and wait until they are online."""
        with self._lock:
            if self._driver is not None:
                return self
            try:
                driver = GraphDatabase.driver(
                    self.location,
                    auth=self._auth,
                    # A young graph lacks some labels, types and keys; that is no cause for warnings.
                    notifications_disabled_classifications=[NotificationDisabledClassification.UNRECOGNIZED],
                    # Retry transient errors briefly; a server that is down should fail a request fast.
                    max_transaction_retry_time=RETRY_SECONDS,
                    connection_timeout=RETRY_SECONDS,
                )
            except (DriverError, ValueError) as exc:
                raise StoreUnavailable(f"cannot open Neo4j at {self.location}: {_cause(exc)}") from exc
            try:
                driver.verify_connectivity()
                self._create_schema(driver)
            except (Neo4jError, DriverError, ValueError) as exc:
                driver.close()
                raise StoreUnavailable(f"cannot open Neo4j at {self.location}: {_cause(exc)}") from exc
            self._driver = driver
            log.debug("connected to Neo4j at %s, database %s", self.location, self.database)
            return self

    def _create_schema(self, driver: Driver) -> None:
        """Schema statements run in their own transactions, never beside data writes."""
        with driver.session(database=self.database) as session:
            existing = {
                record["name"]
                for show in ("SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name")
                for record in session.run(show)
            }
            for name, statement in _schema().items():
                if name not in existing:
                    session.run(statement).consume()
                    log.info("created %s in Neo4j at %s", name, self.location)
            for name in sorted(existing & _OBSOLETE_INDEXES):
                session.run(_cypher(f"DROP INDEX {name} IF EXISTS")).consume()
                log.info("dropped %s in Neo4j at %s", name, self.location)
            session.run("CALL db.awaitIndexes()").consume()

    def close(self) -> None:
        """Close the driver and its connections."""
        with self._lock:
            if self._driver is not None:
                self._driver.close()
                self._driver = None

    @property
    def _db(self) -> Driver:
        if self._driver is None:
            raise StoreUnavailable(f"the Neo4j store {self.location} is not open")
        return self._driver

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """Turn driver errors into `StoreUnavailable` (cannot reach the server) or `StoreError`."""
        try:
            yield
        except (ServiceUnavailable, SessionExpired, AuthError) as exc:
            raise StoreUnavailable(f"Neo4j at {self.location} is unavailable ({action}): {_cause(exc)}") from exc
        except (Neo4jError, DriverError, OverflowError) as exc:
            raise StoreError(f"{action} in Neo4j at {self.location} failed: {_cause(exc)}") from exc

    def _read(self, query: LiteralString, **params: Any) -> list[Record]:
        with self._translated("reading"):
            records, _, _ = self._db.execute_query(query, params, database_=self.database, routing_=RoutingControl.READ)
        return records

    # ------------------------------------------------------------------ writes
    def _committed(self, action: str, work: Callable[..., _T], *args: Any) -> _T:
        """Run `work(tx, *args)` as one managed write transaction and count it (`writes_here`)."""
        with self._translated(action), self._db.session(database=self.database) as session:
            result = session.execute_write(work, *args)
        with self._writes_lock:
            self._writes += 1
        return result

    def writes_here(self) -> int:
        """How many writes this handle has committed (see `GraphStore`)."""
        return self._writes

    def upsert(self, batch: Batch) -> UpsertResult:
        """Write `batch` in one managed transaction, recorded as a run; `Conflict` rolls all of it back."""
        return self._committed("writing", self._write, batch)

    def _write(self, tx: ManagedTransaction, batch: Batch) -> UpsertResult:
        """The transaction body; the driver may run it again, so it reads everything it needs."""
        return self._write_batch(tx, tx.run(_BUMP_REVISION).single(strict=True)["revision"], batch)

    def revert(self, run_id: int, *, origin: Origin) -> UpsertResult:
        """Undo one run in one transaction, refusing when a later run changed what it wrote (see `GraphStore`)."""
        return self._committed(f"reverting run {run_id}", self._revert, run_id, origin)

    def _revert(self, tx: ManagedTransaction, run_id: int, origin: Origin) -> UpsertResult:
        revision = tx.run(_BUMP_REVISION).single(strict=True)["revision"]
        record = self._record(tx, run_id)
        if record is None:
            raise NodeNotFound(f"run {run_id}")
        scope = RevertScope.of(record)
        later_nodes = {row["id"]: row["later"] for row in tx.run(_LATER_NODES, ids=sorted(scope.node_ids), run=run_id)}
        later_edges = {
            _key(row["key"]): row["later"]
            for row in tx.run(
                _LATER_EDGES, created=sorted(scope.created), keys=sorted(map(list, scope.edge_keys)), run=run_id
            )
        }
        absent = scope.ends - self._stored_nodes(tx, sorted(scope.ends)).keys()
        batch = revert_batch(record, later_nodes=later_nodes, later_edges=later_edges, absent=absent, origin=origin)
        return self._write_batch(tx, revision, batch)

    def _write_batch(self, tx: ManagedTransaction, revision: int, batch: Batch) -> UpsertResult:
        """Write a batch and its run as revision `revision` (the write lock is held)."""
        stored = {} if batch.replace_all else self._stored_nodes(tx, list(named_ids(batch)))
        retracted_count = sum(_count(tx.run(_COUNTS))["edge"].values()) if batch.replace_all else 0
        before: dict[EdgeKey, Props] = {}
        if not batch.replace_all or retracted_count:  # a replacement of an empty graph finds no edge before it
            for rel, rows in _edge_rows(batch.edges).items():
                for chunk in _chunks(rows):
                    for record in tx.run(_existing_edges(rel), rows=chunk):
                        key = (record["source"], rel.value, record["target"], record["asserted_by"])
                        before[key] = _model_props(record["props"], "asserted_by")
        existing = set(before)
        deleted: dict[EdgeKey, Props] = {}
        if not batch.replace_all:
            for query, name, values in self._removals(batch, _RETRACTED_ROWS, _EXACT_ROWS, _TOUCHING_ROWS):
                found = tx.run(query, {name: values})
                deleted.update((_key(row["key"]), _model_props(row["props"], "asserted_by")) for row in found)
            retracted_count = len(deleted)
        plan = plan_upsert(batch, stored, existing_edges=existing, edges_retracted=retracted_count)
        plan.result.run = revision

        if batch.replace_all:
            tx.run(_DELETE_ALL).consume()
        else:
            for query, name, values in self._removals(batch, _DELETE_RETRACTED, _DELETE_EXACT, _DELETE_VECTORS):
                tx.run(query, {name: values}).consume()
            if batch.remove_nodes:
                tx.run(_DELETE_NODES, ids=sorted(batch.remove_nodes)).consume()
        self._merge(tx, plan, present=set() if batch.replace_all else existing - deleted.keys())
        if batch.replace_all:
            tx.run(_DELETE_ORPHAN_VECTORS).consume()
        self._log(tx, revision, change_of(revision, plan, set(deleted), batch))
        counts = plan.result.counts()
        self._keep(tx, record_of(revision, batch, counts, plan.nodes, stored, before | deleted, at=timestamp()))
        return plan.result

    @staticmethod
    def _removals(
        batch: Batch, by_asserter: LiteralString, by_key: LiteralString, by_node: LiteralString
    ) -> list[tuple[LiteralString, str, list[Any]]]:
        """(query, parameter, values) for the asserters retracted, the edges and the nodes removed, when any."""
        removals: list[tuple[LiteralString, str, list[Any]]] = [
            (by_asserter, "asserters", sorted(batch.retract)),
            (by_key, "keys", sorted(map(list, batch.remove_edges))),
            (by_node, "ids", sorted(batch.remove_nodes)),
        ]
        return [removal for removal in removals if removal[2]]

    def _merge(self, tx: ManagedTransaction, plan: UpsertPlan, *, present: set[EdgeKey]) -> None:
        """Write the planned nodes and edges, a chunk of rows per statement: the edges in `present` (stored
        before and not removed by this write) are merged, the others created."""
        node_rows: dict[NodeType, list[dict[str, Any]]] = defaultdict(list)
        for node in plan.nodes:
            node_rows[node.type].append({"id": node.id, "props": _stored_props(node.props, "id", node.id)})
        for node_type, rows in node_rows.items():
            for chunk in _chunks(rows, self.rows_per_statement):
                tx.run(_merge_nodes(node_type), rows=chunk).consume()
        for rel, rows in _edge_rows(plan.edges).items():
            stored = [(row["source"], rel.value, row["target"], row["asserted_by"]) in present for row in rows]
            kept = [row for row, is_stored in zip(rows, stored, strict=True) if is_stored]
            new = [row for row, is_stored in zip(rows, stored, strict=True) if not is_stored]
            for query, chosen in ((_merge_edges(rel), kept), (_create_edges(rel), new)):
                for chunk in _chunks(chosen, self.rows_per_statement):
                    tx.run(query, rows=chunk).consume()

    # ------------------------------------------------------------------ history
    @staticmethod
    def _keep(tx: ManagedTransaction, record: RunRecord) -> None:
        """Persist a run and its changes (inside the write's transaction)."""
        run = record.run
        tx.run(
            _KEEP_RUN, id=run.id, at=run.at, actor=run.actor, sources=encode_sources(run.sources),
            counts=json.dumps(run.counts), reverts=run.reverts, is_replace=run.is_replace,
        ).consume()
        node_rows = [
            {"run": run.id, "node_id": c.node_id, "node_type": c.node_type.value,
             "before": encode_props(c.before), "after": encode_props(c.after)}
            for c in record.nodes
        ]
        edge_rows = [
            {"run": run.id, "source": c.key[0], "type": c.key[1], "target": c.key[2], "asserted_by": c.key[3],
             "before": encode_props(c.before), "after": encode_props(c.after)}
            for c in record.edges
        ]
        for query, rows in ((_KEEP_NODE_CHANGES, node_rows), (_KEEP_EDGE_CHANGES, edge_rows)):
            for chunk in _chunks(rows):
                tx.run(query, rows=chunk).consume()

    @staticmethod
    def _runs(tx: ManagedTransaction, run_ids: Collection[int]) -> list[Run]:
        return [
            Run(
                row["id"], row["at"], row["actor"], decode_sources(row["sources"]), json.loads(row["counts"]),
                row["reverts"], bool(row["is_replace"]),
            )
            for row in tx.run(_RUNS, ids=sorted(run_ids))
        ]

    @classmethod
    def _record(cls, tx: ManagedTransaction, run_id: int) -> RunRecord | None:
        runs = cls._runs(tx, [run_id])
        if not runs:
            return None
        nodes = tuple(_node_change(row)[1] for row in tx.run(_RUN_NODE_CHANGES, run=run_id))
        edges = tuple(_edge_change(row)[1] for row in tx.run(_RUN_EDGE_CHANGES, run=run_id))
        return RunRecord(runs[0], nodes, edges)

    def run(self, run_id: int) -> RunRecord | None:
        """The run with this id and every change it made, or None."""
        with self._translated("reading a run"), self._db.session(database=self.database) as session:
            record: RunRecord | None = session.execute_read(self._record, run_id)
        return record

    def history(self, node_id: str) -> list[NodeHistory]:
        """The runs that changed the node or an edge touching it, newest first."""

        def read(tx: ManagedTransaction) -> list[NodeHistory]:
            nodes = [_node_change(row) for row in tx.run(_NODE_CHANGES_OF, id=node_id)]
            edges = [_edge_change(row) for row in tx.run(_EDGE_CHANGES_OF, id=node_id)]
            runs = self._runs(tx, {run_id for run_id, _ in nodes} | {run_id for run_id, _ in edges})
            return node_history(node_id, runs, nodes, edges)

        with self._translated("reading history"), self._db.session(database=self.database) as session:
            found: list[NodeHistory] = session.execute_read(read)
        return found

    @staticmethod
    def _log(tx: ManagedTransaction, revision: int, change: ChangeSet | None) -> None:
        """Log one write's change (None: a reset) and prune what has aged out of the log."""
        if change is None:
            tx.run(_RESET_CHANGES, revision=revision).consume()
            tx.run(_DELETE_DERIVED).consume()
            return
        tx.run(_LOG_CHANGE, revision=revision, record=change.encode()).consume()
        if revision > CHANGE_LOG_REVISIONS:
            tx.run(_PRUNE_CHANGES, horizon=revision - CHANGE_LOG_REVISIONS).consume()

    def changes(self, since: int) -> ChangeSet:
        """What the writes committed after revision `since` changed; `ChangesExpired` beyond the log."""
        (record,) = self._read(_CHANGES, since=since)
        logged = [ChangeSet.decode(text) for text in record["records"]]
        return ChangeSet.fold(since, logged, revision=int(record["revision"]), oldest=int(record["oldest"]))

    @staticmethod
    def _stored_nodes(tx: ManagedTransaction, node_ids: list[str]) -> dict[str, Node]:
        nodes: dict[str, Node] = {}
        for ids in _chunks(node_ids):
            nodes.update((record["id"], _node(record)) for record in tx.run(_NODES_BY_ID, ids=ids))
        return nodes

    def delete(self, node_id: str, *, origin: Origin | None = None) -> None:
        """Remove the node and all its relationships and vectors in one transaction (a run)."""
        self.upsert(Batch(remove_nodes=frozenset({node_id}), origin=origin or Origin()))

    # ------------------------------------------------------------------ vectors
    def put_vectors(self, model: str, vectors: Mapping[str, StoredVectors]) -> None:
        """Store the vectors of existing nodes under `model` in one transaction (see `GraphStore`)."""
        check_vectors(model, vectors)
        if not vectors:
            return
        types = {record["id"]: _node_type(record["labels"]) for record in self._read(_NODE_TYPES, ids=list(vectors))}
        missing = sorted(set(vectors) - types.keys())
        if missing:
            raise Conflict(f"vectors name {missing[0]!r}, which does not exist")
        dimension = next(iter(vectors.values())).dimension
        for node_type in set(types.values()):
            self._ensure_vector_index(node_type, dimension)
        rows: dict[NodeType, list[dict[str, Any]]] = defaultdict(list)
        for node_id, stored in vectors.items():
            rows[types[node_id]].append(
                {
                    "key": f"{model}\u001f{node_id}",
                    "node_id": node_id,
                    "text_hash": stored.text_hash,
                    "rows": stored.rows,
                    "dimension": stored.dimension,
                    "data": stored.to_bytes(),
                    "embedding": [float(value) for value in stored.own],
                }
            )
        self._committed("storing vectors", self._write_vectors, model, rows, frozenset(vectors))

    def _write_vectors(
        self, tx: ManagedTransaction, model: str, rows: dict[NodeType, list[dict[str, Any]]], node_ids: frozenset[str]
    ) -> None:
        revision = tx.run(_BUMP_REVISION).single(strict=True)["revision"]
        if len(tx.run(_NODE_TYPES, ids=sorted(node_ids)).fetch(len(node_ids) + 1)) != len(node_ids):
            raise Conflict("a node named by the vectors was deleted meanwhile")
        for node_type, typed in rows.items():
            for chunk in _chunks(typed, self.rows_per_statement):
                tx.run(_put_vectors(node_type), rows=chunk, model=model).consume()
        self._log(tx, revision, ChangeSet(revision, vectors_changed=node_ids))

    def _ensure_vector_index(self, node_type: NodeType, dimension: int) -> None:
        """Create the vector index of a node type (or recreate it for a new dimension); schema runs alone."""
        if self._vector_dimensions.get(node_type) == dimension:
            return
        name = vector_index(node_type)
        with self._translated("creating a vector index"), self._db.session(database=self.database) as session:
            found = {record["name"]: record["dimension"] for record in session.run(_VECTOR_DIMENSIONS, names=[name])}
            if name in found and found[name] != dimension:
                session.run(_cypher(f"DROP INDEX {name} IF EXISTS")).consume()
                log.info("dropped %s in Neo4j at %s: vectors now have %s dimensions", name, self.location, dimension)
            if found.get(name) != dimension:
                session.run(
                    _cypher(
                        f"CREATE VECTOR INDEX {name} IF NOT EXISTS FOR (v:{_vector_label(node_type)}) ON v.embedding "
                        f"OPTIONS {{indexConfig: {{`vector.dimensions`: {int(dimension)}, "
                        "`vector.similarity_function`: 'cosine'}}"
                    )
                ).consume()
                session.run(_cypher(f"CALL db.awaitIndex('{name}')")).consume()
                log.info("created %s in Neo4j at %s", name, self.location)
        self._vector_dimensions[node_type] = dimension

    def preload(self) -> None:
        """Nothing to read ahead: the graph stays in Neo4j."""

    # ------------------------------------------------------------------ derived data
    def put_derived(self, name: str, revision: int, data: bytes) -> None:
        """Keep `data` worked out from the graph at `revision` under `name` (a byte-array property)."""
        with self._translated(f"keeping {name!r}"):
            self._db.execute_query(_PUT_DERIVED, name=name, revision=revision, data=data, database_=self.database)

    def derived(self, name: str) -> tuple[int, bytes] | None:
        """What `put_derived` last kept under `name`, with its revision."""
        records = self._read(_DERIVED, name=name)
        return (int(records[0]["revision"]), bytes(records[0]["data"])) if records else None

    def vectors(self, model: str, node_ids: Collection[str]) -> dict[str, StoredVectors]:
        """The stored vectors under `model` of those among `node_ids` that have them."""
        return {
            record["id"]: StoredVectors.from_bytes(record["text_hash"], record["rows"], record["dimension"], record["data"])
            for record in self._read(_VECTORS, ids=list(node_ids), model=model)
        }

    def nearest(self, model: str, query: np.ndarray, *, node_type: NodeType, k: int) -> list[tuple[str, float]]:
        """Up to `k` nodes whose own vector is closest to `query` by cosine, best first (Neo4j's vector index)."""
        if k <= 0:
            return []
        name = vector_index(node_type)
        found = {record["name"]: record["dimension"] for record in self._read(_VECTOR_DIMENSIONS, names=[name])}
        if name not in found:
            return []
        if len(query) != found[name]:
            raise Conflict(f"the query has {len(query)} dimensions; stored {node_type.value} vectors have {found[name]}")
        records = self._read(
            _cypher(
                "CALL db.index.vector.queryNodes($index, $k, $vector) YIELD node, score "
                "WHERE node.model = $model RETURN node.node_id AS id, score"
            ),
            index=name,
            k=int(k),
            vector=[float(value) for value in query],
            model=model,
        )
        hits = [(record["id"], 2.0 * float(record["score"]) - 1.0) for record in records]
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))

    def text_matches(self, text: str, *, node_type: NodeType, k: int) -> list[tuple[str, float]]:
        """Up to `k` nodes whose indexed text shares words with `text`, best first (Neo4j's full-text index)."""
        words = query_words(text)
        if not words or k <= 0 or node_type not in TEXT_FIELDS:
            return []
        records = self._read(
            _cypher(
                "CALL db.index.fulltext.queryNodes($index, $words, {limit: $k}) YIELD node, score "
                "RETURN node.id AS id, score"
            ),
            index=text_index(node_type),
            words=" OR ".join(f'"{word}"' for word in words),
            k=int(k),
        )
        hits = [(record["id"], float(record["score"])) for record in records]
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))

    # ------------------------------------------------------------------ reads
    def get(self, node_id: str) -> Node | None:
        """The node with this id, or None."""
        return self.get_many([node_id]).get(node_id)

    def get_many(self, node_ids: list[str]) -> dict[str, Node]:
        """The existing nodes among `node_ids`."""
        return {record["id"]: _node(record) for record in self._read(_NODES_BY_ID, ids=list(node_ids))}

    def neighbours(
        self,
        node_id: str,
        *,
        rel: RelType | None = None,
        direction: Direction = Direction.BOTH,
        node_type: NodeType | None = None,
    ) -> list[Node]:
        """Distinct nodes one edge away, sorted by id."""
        query = _cypher(f"MATCH {_around(rel, direction, node_type)} RETURN DISTINCT {_node_fields('m')}")
        nodes = {record["id"]: _node(record) for record in self._read(query, id=node_id)}
        return [nodes[other] for other in sorted(nodes)]

    def edges_of(
        self, node_id: str, *, rel: RelType | None = None, direction: Direction = Direction.BOTH
    ) -> list[Edge]:
        """Edges touching the node, sorted by key."""
        query = _cypher(f"MATCH {_around(rel, direction, None)} RETURN {_EDGE_FIELDS}")
        edges = {edge.key: edge for edge in map(_edge, self._read(query, id=node_id))}
        return [edges[key] for key in sorted(edges)]

    def edges_of_many(
        self, node_ids: Collection[str], *, rel: RelType | None = None, direction: Direction = Direction.BOTH
    ) -> dict[str, list[Edge]]:
        """The edges touching each of `node_ids`, each list sorted by key (one read per chunk of ids)."""
        found: dict[str, dict[EdgeKey, Edge]] = {node_id: {} for node_id in node_ids}
        for ids in _chunks(list(found)):
            for record in self._read(_edges_around_many(rel, direction), ids=ids):
                edge = _edge(record)
                found[record["node"]][edge.key] = edge
        return {node_id: [edges[key] for key in sorted(edges)] for node_id, edges in found.items()}

    def find(self, node_type: NodeType, **props: str | int | float | bool) -> Iterator[Node]:
        """Nodes of a type whose properties equal `props`, sorted by id.

        Strings are matched in Cypher; numbers and booleans are compared in Python, so
        that ``1 == 1.0 == True`` holds as it does for the embedded store.
        """
        equal = [[_stored_key(key, "id"), value] for key, value in props.items() if isinstance(value, str)]
        present = [_stored_key(key, "id") for key in props]
        query = _cypher(
            f"MATCH (n:{node_type.value}) WHERE all(p IN $equal WHERE n[p[0]] = p[1]) "
            f"AND all(k IN $present WHERE n[k] IS NOT NULL) RETURN {_node_fields('n')}"
        )
        nodes = [_node(record) for record in self._read(query, equal=equal, present=present)]
        return iter(sorted((node for node in nodes if has_props(node.props, props)), key=lambda node: node.id))

    def edges(self, rel: RelType | None = None) -> Iterator[Edge]:
        """Every edge (of one type), sorted by key."""
        rel_types = rel.value if rel is not None else _ANY_REL
        query = _cypher(f"MATCH (:{_ANY_NODE})-[r:{rel_types}]->(:{_ANY_NODE}) RETURN {_EDGE_FIELDS}")
        return iter(sorted(map(_edge, self._read(query)), key=lambda edge: edge.key))

    def revision(self) -> int:
        """How many writes were ever committed to this database."""
        (record,) = self._read(_REVISION)
        return int(record["revision"])

    def stats(self) -> StoreStats:
        """Counts per node type and relationship type, from Neo4j's count store."""
        counts = _count(self._read(_COUNTS))
        return StoreStats(nodes=counts["node"], edges=counts["edge"])
