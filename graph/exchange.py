"""Whole-graph export and import, for backups, `sync` between stores and other tools.

The JSON form holds every node and edge with its properties, so export followed by
import into an empty store of any backend gives back the same graph. GraphML is
written for tools such as Gephi and yEd (list properties become JSON text there).

Examples
--------
>>> import tempfile, pathlib
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Node, NodeType
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with EmbeddedStore(folder / "a.db") as a, EmbeddedStore(folder / "b.db") as b:
...     _ = a.upsert(Batch(nodes=(Node("topic:education", NodeType.TOPIC, {"name": "Education"}),)))
...     _ = import_graph(b, export_graph(a))
...     b.get("topic:education").label
'Education'
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import IngestError
from graph.model import Batch, Edge, Node, NodeType, RelType
from graph.store import GraphStore, UpsertResult

__all__ = ["FORMAT", "copy_graph", "copy_vectors", "export_graph", "import_graph", "to_networkx", "write_graphml"]

FORMAT = "behovsgraf-graph"
VERSION = 1


def all_nodes(store: GraphStore) -> list[Node]:
    """Every node of the store, by type then id."""
    return [node for node_type in NodeType for node in store.find(node_type)]


def export_graph(store: GraphStore) -> dict[str, Any]:
    """Every node and edge as plain JSON-ready data."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "nodes": [{"id": n.id, "type": n.type.value, "props": n.props} for n in all_nodes(store)],
        "edges": [
            {"source": e.source, "type": e.type.value, "target": e.target, "asserted_by": e.asserted_by, "props": e.props}
            for e in store.edges()
        ],
    }


def import_graph(store: GraphStore, data: Any) -> UpsertResult:
    """Replace the store's whole graph with an export, in one transaction.

    Raises `IngestError` naming the first malformed entry.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise IngestError(f"not a Behovsgraf export: expected \"format\": \"{FORMAT}\"")
    if data.get("version") != VERSION:
        raise IngestError(f"export version {data.get('version')!r} is not supported (this Behovsgraf reads {VERSION})")
    try:
        nodes = tuple(Node(n["id"], NodeType(n["type"]), dict(n.get("props", {}))) for n in data["nodes"])
        edges = tuple(
            Edge(e["source"], RelType(e["type"]), e["target"], e["asserted_by"], dict(e.get("props", {})))
            for e in data["edges"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise IngestError(f"malformed export: {exc!r}") from exc
    return store.upsert(Batch(nodes=nodes, edges=edges, replace_all=True))


def copy_graph(source: GraphStore, target: GraphStore) -> UpsertResult:
    """Replace the target's graph with the source's (any backends), in one target transaction."""
    return import_graph(target, export_graph(source))


VECTOR_CHUNK = 1_000
"""Nodes whose vectors are copied per write."""


def copy_vectors(source: GraphStore, target: GraphStore, models: Collection[str]) -> int:
    """Copy the stored vectors under `models` of every node both stores hold (after `copy_graph`); how many."""
    ids = sorted(node.id for node in all_nodes(target))
    copied = 0
    for model in models:
        for start in range(0, len(ids), VECTOR_CHUNK):
            found = source.vectors(model, ids[start : start + VECTOR_CHUNK])
            if found:
                target.put_vectors(model, found)
                copied += len(found)
    return copied


def to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    """The whole graph as a networkx multigraph with flat attributes."""
    graph = nx.MultiDiGraph()
    for node in all_nodes(store):
        graph.add_node(node.id, type=node.type.value, **_flat(node.props))
    for edge in store.edges():
        graph.add_edge(
            edge.source, edge.target, key=f"{edge.type.value}|{edge.asserted_by}", type=edge.type.value,
            asserted_by=edge.asserted_by, **_flat(edge.props),
        )
    return graph


def _flat(props: dict[str, Any]) -> dict[str, Any]:
    return {key: json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value for key, value in props.items()}


def write_graphml(store: GraphStore, path: Path) -> None:
    """Write the graph as GraphML."""
    nx.write_graphml(to_networkx(store), path)
