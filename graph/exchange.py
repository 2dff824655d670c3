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

import dataclasses
import json
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from graph.errors import Conflict, IngestError
from graph.model import Batch, Edge, Node, NodeType, Origin, Props, RelType
from graph.store import GraphStore, UpsertResult, check_props

__all__ = [
    "FORMAT",
    "check_export",
    "copy_graph",
    "copy_vectors",
    "export_graph",
    "export_of",
    "import_graph",
    "to_networkx",
    "write_graphml",
]

T = TypeVar("T", Node, Edge)

FORMAT = "behovsgraf-graph"
VERSION = 1


def all_nodes(store: GraphStore) -> list[Node]:
    """Every node of the store, by type then id."""
    return [node for node_type in NodeType for node in store.find(node_type)]


def export_graph(store: GraphStore) -> dict[str, Any]:
    """Every node and edge as plain JSON-ready data."""
    return export_of(all_nodes(store), store.edges())


def export_of(nodes: Iterable[Node], edges: Iterable[Edge]) -> dict[str, Any]:
    """The JSON export of these nodes and edges (what `import_graph` reads)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "nodes": [{"id": n.id, "type": n.type.value, "props": n.props} for n in nodes],
        "edges": [
            {"source": e.source, "type": e.type.value, "target": e.target, "asserted_by": e.asserted_by, "props": e.props}
            for e in edges
        ],
    }


def import_graph(store: GraphStore, data: Any, *, origin: Origin | None = None) -> UpsertResult:
    """Replace the store's whole graph with an export, in one transaction (one run by `origin`).

    Every node and edge is checked first (`check_export`); nothing is written when
    one is malformed or the edges break the model.
    """
    batch = check_export(data)
    try:
        return store.upsert(dataclasses.replace(batch, origin=origin or Origin()))
    except Conflict as exc:
        raise IngestError(f"the export breaks the model: {exc}") from exc


def check_export(data: Any) -> Batch:
    """The batch that replaces a graph with the export `data`, every entry checked as any write is.

    Raises `IngestError` naming the first malformed entry (`nodes[3] (se-x): property 'year' ...`).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise IngestError(f"not a Behovsgraf export: expected \"format\": \"{FORMAT}\"")
    if data.get("version") != VERSION:
        raise IngestError(f"export version {data.get('version')!r} is not supported (this Behovsgraf reads {VERSION})")
    nodes = tuple(_entry("nodes", i, item, _node) for i, item in enumerate(_list(data, "nodes")))
    edges = tuple(_entry("edges", i, item, _edge) for i, item in enumerate(_list(data, "edges")))
    return Batch(nodes=nodes, edges=edges, replace_all=True)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise IngestError(f"`{key}` must be a list")
    return value


def _node(item: dict[str, Any]) -> Node:
    return Node(_text(item, "id"), NodeType(item["type"]), _props(item))


def _edge(item: dict[str, Any]) -> Edge:
    names = (_text(item, "source"), _text(item, "target"), _text(item, "asserted_by"))
    return Edge(names[0], RelType(item["type"]), names[1], names[2], _props(item))


def _text(item: dict[str, Any], key: str) -> str:
    value = item[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"`{key}` must be a non-empty text")
    return value


def _props(item: dict[str, Any]) -> Props:
    props = item.get("props", {})
    if not isinstance(props, dict):
        raise ValueError("`props` must be an object")
    return dict(props)


def _entry(key: str, index: int, item: Any, make: Callable[[dict[str, Any]], T]) -> T:
    """One node or edge of the export, checked like any write; errors name `nodes[3]` and the id."""
    where = f"{key}[{index}]"
    if not isinstance(item, dict):
        raise IngestError(f"{where}: must be an object")
    try:
        made = make(item)
        check_props(f"{where} ({item.get('id') or item.get('source')})", made.props)
    except KeyError as exc:
        raise IngestError(f"{where}: {exc.args[0]!r} is missing") from exc
    except (TypeError, ValueError) as exc:
        raise IngestError(f"{where}: {exc}") from exc
    except Conflict as exc:
        raise IngestError(str(exc)) from exc
    return made


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
