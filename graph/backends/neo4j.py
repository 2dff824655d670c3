"""The Neo4j backend: nodes labelled with their `NodeType`, edges as relationships of their `RelType`.

A node is stored as ``(:Case {id: ..., title: ...})``, with a uniqueness constraint on
`id` for each label; an edge as a relationship with `asserted_by` and its own
properties. Properties are stored natively. The rare keys that would clash with `id`
or `asserted_by` (and empty keys or keys starting with ``~``) get a ``~`` prefix in
Neo4j, so every model key survives the round trip.

Every write is one managed transaction that first raises the revision on a single
`BehovsgrafMeta` node. That write lock serialises writers, so the stored state that
`plan_upsert` checks cannot change before the commit, and a failed check rolls the
whole batch back, revision included. Reads never see the meta node: they match only
the labels of `NodeType`.

Labels and relationship types in the Cypher text come from `NodeType` and `RelType`;
every value is a parameter.

Usage (needs a running server)::

    with Neo4jStore("bolt://127.0.0.1:7687", user="neo4j", password="...") as store:
        store.upsert(batch)
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
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

from graph.errors import NodeNotFound, StoreError, StoreUnavailable
from graph.model import RELATIONSHIP_ENDS, Batch, Direction, Edge, EdgeKey, Node, NodeType, Props, PropValue, RelType
from graph.store import OpensAsContext, StoreStats, UpsertResult, has_props, named_ids, plan_upsert

__all__ = ["CASE_TEXT_INDEX", "META_LABEL", "Neo4jStore"]

log = logging.getLogger(__name__)

META_LABEL = "BehovsgrafMeta"
"""Label of the one node holding the revision; no read matches it."""
CASE_TEXT_INDEX = "behovsgraf_case_text"
"""Full-text index over the title and summary of cases (`db.index.fulltext.queryNodes`)."""
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


_OBSOLETE_INDEXES = {f"behovsgraf_{rel.name.lower()}_asserted_by" for rel in RelType}
"""Relationship indexes on `asserted_by` made `MERGE` seek every edge of an asserter (quadratic writes)."""


def _schema() -> dict[str, LiteralString]:
    """Constraint and index statements by name."""
    statements = {
        f"behovsgraf_{t.name.lower()}_id": f"FOR (n:{t.value}) REQUIRE n.id IS UNIQUE" for t in NodeType
    }
    statements["behovsgraf_meta_name"] = f"FOR (m:{META_LABEL}) REQUIRE m.name IS UNIQUE"
    schema = {name: _cypher(f"CREATE CONSTRAINT {name} IF NOT EXISTS {rule}") for name, rule in statements.items()}
    schema[CASE_TEXT_INDEX] = _cypher(
        f"CREATE FULLTEXT INDEX {CASE_TEXT_INDEX} IF NOT EXISTS "
        f"FOR (n:{NodeType.CASE.value}) ON EACH [n.title, n.summary]"
    )
    return schema


def _node_fields(var: str) -> str:
    return f"{var}.id AS id, labels({var}) AS labels, properties({var}) AS props"


_EDGE_FIELDS = "startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, properties(r) AS props"
_BUMP_REVISION = _cypher(
    f"MERGE (m:{META_LABEL} {{name: 'revision'}}) ON CREATE SET m.value = 0 SET m.value = m.value + 1"
)
_REVISION = _cypher(f"OPTIONAL MATCH (m:{META_LABEL} {{name: 'revision'}}) RETURN coalesce(m.value, 0) AS revision")
_NODES_BY_ID = _cypher(f"UNWIND $ids AS id MATCH (n:{_ANY_NODE} {{id: id}}) RETURN {_node_fields('n')}")
_RETRACTED = f"MATCH ()-[r:{_ANY_REL}]->() WHERE r.asserted_by IN $asserters"
_COUNT_RETRACTED = _cypher(f"{_RETRACTED} RETURN count(r) AS count")
_DELETE_RETRACTED = _cypher(f"{_RETRACTED} DELETE r")
_DELETE_ALL = _cypher(f"MATCH (n:{_ANY_NODE}) DETACH DELETE n")
_DELETE_NODE = _cypher(f"MATCH (n:{_ANY_NODE} {{id: $id}}) DETACH DELETE n RETURN count(n) AS deleted")
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


def _existing_edges(rel: RelType) -> LiteralString:
    return _cypher(
        f"UNWIND $rows AS row {_ends(rel)} MATCH (a)-[r:{rel.value} {{asserted_by: row.asserted_by}}]->(b) "
        "RETURN DISTINCT row.source AS source, row.target AS target, row.asserted_by AS asserted_by"
    )


def _merge_edges(rel: RelType) -> LiteralString:
    return _cypher(
        f"UNWIND $rows AS row {_ends(rel)} "
        f"MERGE (a)-[r:{rel.value} {{asserted_by: row.asserted_by}}]->(b) SET r = row.props"
    )


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


def _node(record: Record) -> Node:
    node_type = next(_TYPES[label] for label in record["labels"] if label in _TYPES)
    return Node(record["id"], node_type, _model_props(record["props"], "id"))


def _edge(record: Record) -> Edge:
    props = record["props"]
    asserter = props["asserted_by"]
    return Edge(
        record["source"], RelType(record["type"]), record["target"], asserter, _model_props(props, "asserted_by")
    )


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
    def upsert(self, batch: Batch) -> UpsertResult:
        """Write `batch` in one managed transaction; `Conflict` rolls all of it back."""
        with self._translated("writing"), self._db.session(database=self.database) as session:
            return session.execute_write(self._write, batch)

    def _write(self, tx: ManagedTransaction, batch: Batch) -> UpsertResult:
        """The transaction body; the driver may run it again, so it reads everything it needs."""
        tx.run(_BUMP_REVISION).consume()
        stored = {} if batch.replace_all else self._stored_nodes(tx, list(named_ids(batch)))
        existing: set[EdgeKey] = set()
        for rel, rows in _edge_rows(batch.edges).items():
            for chunk in _chunks(rows):
                for record in tx.run(_existing_edges(rel), rows=chunk):
                    existing.add((record["source"], rel.value, record["target"], record["asserted_by"]))
        if batch.replace_all:
            retracted = sum(_count(tx.run(_COUNTS))["edge"].values())
        else:
            retracted = tx.run(_COUNT_RETRACTED, asserters=list(batch.retract)).single(strict=True)["count"]
        plan = plan_upsert(batch, stored, existing_edges=existing, edges_retracted=retracted)

        if batch.replace_all:
            tx.run(_DELETE_ALL).consume()
        elif batch.retract:
            tx.run(_DELETE_RETRACTED, asserters=list(batch.retract)).consume()
        node_rows: dict[NodeType, list[dict[str, Any]]] = defaultdict(list)
        for node in plan.nodes:
            node_rows[node.type].append({"id": node.id, "props": _stored_props(node.props, "id", node.id)})
        for node_type, rows in node_rows.items():
            for chunk in _chunks(rows, self.rows_per_statement):
                tx.run(_merge_nodes(node_type), rows=chunk).consume()
        for rel, rows in _edge_rows(plan.edges).items():
            for chunk in _chunks(rows, self.rows_per_statement):
                tx.run(_merge_edges(rel), rows=chunk).consume()
        return plan.result

    @staticmethod
    def _stored_nodes(tx: ManagedTransaction, node_ids: list[str]) -> dict[str, Node]:
        nodes: dict[str, Node] = {}
        for ids in _chunks(node_ids):
            nodes.update((record["id"], _node(record)) for record in tx.run(_NODES_BY_ID, ids=ids))
        return nodes

    def delete(self, node_id: str) -> None:
        """Remove the node and all its relationships in one transaction."""
        with self._translated(f"deleting {node_id!r}"), self._db.session(database=self.database) as session:
            session.execute_write(self._delete, node_id)

    @staticmethod
    def _delete(tx: ManagedTransaction, node_id: str) -> None:
        tx.run(_BUMP_REVISION).consume()
        if tx.run(_DELETE_NODE, id=node_id).single(strict=True)["deleted"] == 0:
            raise NodeNotFound(node_id)

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
