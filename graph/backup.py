"""Consistent backups of a whole store, taken before anything replaces the graph.

The embedded store is copied with SQLite's online backup API (readers and writers
may go on; the copy is one consistent snapshot). A Neo4j store is read in one read
transaction and written as the lossless JSON export (`graph.exchange`), which
`behovsgraf import` reads back. Either file is written beside its destination first
and renamed into place, so a crash never leaves half a backup under the final name.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Node, NodeType
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with EmbeddedStore(folder / "graph.db") as store:
...     _ = store.upsert(Batch(nodes=(Node("topic:education", NodeType.TOPIC, {"name": "Education"}),)))
...     written = backup_store(store, folder / "backups")
>>> written.parent.name, written.suffix
('backups', '.db')
>>> with EmbeddedStore(written) as copy:
...     copy.get("topic:education").label
'Education'
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from graph.backends.embedded import EmbeddedStore
from graph.backends.neo4j import (
    _ANY_NODE,
    _ANY_REL,
    _EDGE_FIELDS,
    Neo4jStore,
    _cypher,
    _edge,
    _node,
    _node_fields,
)
from graph.errors import StoreError
from graph.exchange import export_of
from graph.store import GraphStore

__all__ = ["backup_store", "backup_name"]


def backup_name(store: GraphStore, *, now: dt.datetime | None = None) -> str:
    """A file name for a backup of `store` taken now: ``behovsgraf-20261201T221500Z.db`` (``.json`` for Neo4j)."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"behovsgraf-{stamp}{'.db' if isinstance(store, EmbeddedStore) else '.json'}"


def backup_store(store: GraphStore, destination: Path) -> Path:
    """Write a consistent backup of `store` to `destination` and return the file written.

    Parameters
    ----------
    store
        An open embedded or Neo4j store.
    destination
        A file, or a folder (created when missing) to put a time-stamped file in.

    Raises
    ------
    StoreError
        The store cannot be read or the backup cannot be written; nothing is left
        under the final name then.
    """
    target = destination / backup_name(store) if destination.is_dir() or not destination.suffix else destination
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if isinstance(store, EmbeddedStore):
            _copy_sqlite(store.path, partial)
        elif isinstance(store, Neo4jStore):
            partial.write_text(json.dumps(_neo4j_export(store), ensure_ascii=False), encoding="utf-8")
        else:
            raise StoreError(f"no backup for a {type(store).__name__}")
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot write the backup {target}: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: one consistent snapshot, even while others write."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    copy.close()
    origin.close()


def _neo4j_export(store: Neo4jStore) -> dict[str, Any]:
    """Every node and edge, read in one transaction, as the JSON export.

    The backend's own record readers are reused so the backup reads exactly what the store would.
    """

    def read(tx: Any) -> dict[str, Any]:
        nodes = [_node(record) for record in tx.run(_cypher(f"MATCH (n:{_ANY_NODE}) RETURN {_node_fields('n')}"))]
        edges = [_edge(record) for record in tx.run(_cypher(f"MATCH ()-[r:{_ANY_REL}]->() RETURN {_EDGE_FIELDS}"))]
        return export_of(sorted(nodes, key=lambda n: (n.type.value, n.id)), sorted(edges, key=lambda e: e.key))

    with store._translated("backing up"), store._db.session(database=store.database) as session:  # noqa: SLF001
        result: dict[str, Any] = session.execute_read(read)
    return result
