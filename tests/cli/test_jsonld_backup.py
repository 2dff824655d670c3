"""JSON-LD export and import, and backups, through the real `behovsgraf` process on both backends."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from graph.backends import open_store
from graph.exchange import export_graph
from graph.model import Batch, Edge, Node, NodeType, RelType
from graph.properties import UPDATED_AT
from ingest.vocabulary import DATA_DIR
from tests.cli.test_cli import run

PUBLIC_URL = "https://behovsgraf.example.org"


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "BEHOVSGRAF_PUBLIC_URL": PUBLIC_URL, "BEHOVSGRAF_BACKUP_DIR": str(tmp_path / "backups")}


def _unusual(store_location: str) -> None:
    """Add what the sample data lacks: an empty list, a boolean, a float, an unknown edge prop, two asserters of one edge."""
    with open_store(store_location) as store:
        store.upsert(Batch(
            nodes=(
                Node("topic:odd-one", NodeType.TOPIC, {"name": "Odd one", "aliases": [], "is_draft": True, "weight": 0.25}),
                Node("se-odd-case", NodeType.CASE, {"title": "Udda ärende", "language": "sv", "year": 2020,
                                                    "outcomes": ["Två", "Ett"], "country": "SE"}),
            ),
            edges=(
                Edge("se-odd-case", RelType.ABOUT, "topic:odd-one", "se-odd-case", {"confidence": 0.5, "note": "=1+1"}),
                Edge("se-odd-case", RelType.ABOUT, "topic:odd-one", "curator"),
                Edge("se-odd-case", RelType.RELATED_TO, "no-trondelag-novari-utdanningsvalg", "se-odd-case",
                     {"kind": "similar_to"}),
                Edge("organisation:novari-iks", RelType.PARTICIPATED_IN, "se-odd-case", "se-odd-case",
                     {"role": "funder", "share": 3}),
            ),
        ))


def _graph(store_location: str) -> tuple[dict[str, tuple[str, Any]], dict[tuple[str, str, str, str], Any]]:
    """Nodes by id and edges by key, with their properties, as the store holds them."""
    with open_store(store_location) as store:
        data = export_graph(store)
    nodes = {node["id"]: (node["type"], node["props"]) for node in data["nodes"]}
    edges = {(e["source"], e["type"], e["target"], e["asserted_by"]): e["props"] for e in data["edges"]}
    return nodes, edges


def _load(store_location: str) -> str:
    result = run("ingest", "--store", store_location, DATA_DIR / "samples" / "seed-cases.yaml")
    assert result.returncode == 0, result.stderr
    _unusual(store_location)
    return store_location


@pytest.fixture
def loaded(store_location: str) -> str:
    """Sample cases and unusual properties in a store of each backend."""
    return _load(store_location)


@pytest.fixture
def embedded(tmp_path: Path) -> str:
    """The same in an embedded store (for behaviour that does not depend on the backend)."""
    return _load(str(tmp_path / "embedded.db"))


def test_jsonld_export_import_export_is_lossless_node_by_node_and_edge_by_edge(loaded: str, tmp_path: Path) -> None:
    env = _env(tmp_path)
    first = tmp_path / "first.jsonld"
    assert run("export", "--store", loaded, "--format", "jsonld", "-o", first, env=env).returncode == 0
    document = json.loads(first.read_text(encoding="utf-8"))
    assert document["@context"] == f"{PUBLIC_URL}/ns/behovsgraf.jsonld"
    before_nodes, before_edges = _graph(loaded)

    with open_store(loaded) as store:  # import replaces: empty the store first to prove nothing survives from before
        store.upsert(Batch(replace_all=True))
    result = run("import", "--store", loaded, first, env=env)
    assert result.returncode == 0, result.stderr
    assert f"imported {len(before_nodes)} nodes and {len(before_edges)} relationships" in result.stdout

    after_nodes, after_edges = _graph(loaded)
    assert after_nodes.keys() == before_nodes.keys()
    for node_id, node in before_nodes.items():
        assert after_nodes[node_id] == node, node_id
    assert after_edges.keys() == before_edges.keys()
    for key, props in before_edges.items():
        assert after_edges[key] == props, key
    assert ("se-odd-case", "ABOUT", "topic:odd-one", "curator") in after_edges
    odd = after_nodes["topic:odd-one"][1]
    assert {key: value for key, value in odd.items() if key != UPDATED_AT} == {
        "name": "Odd one",
        "aliases": [],
        "is_draft": True,
        "weight": 0.25,
    }

    second = tmp_path / "second.jsonld"
    assert run("export", "--store", loaded, "--format", "jsonld", "-o", second, env=env).returncode == 0
    assert json.loads(second.read_text(encoding="utf-8")) == document


def test_import_backs_up_the_graph_it_replaces_and_says_where(embedded: str, tmp_path: Path) -> None:
    loaded = embedded
    env = _env(tmp_path)
    export = tmp_path / "graph.json"
    assert run("export", "--store", loaded, "-o", export, env=env).returncode == 0
    before_nodes, before_edges = _graph(loaded)
    emptied = {**json.loads(export.read_text(encoding="utf-8")), "nodes": [], "edges": []}
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(emptied), encoding="utf-8")

    result = run("import", "--replace", "--store", loaded, empty, env=env)
    assert result.returncode == 0, result.stderr
    saved = Path(result.stderr.split(" nodes) to ", 1)[1].split()[0])
    assert saved.parent == tmp_path / "backups" and saved.is_file()
    assert _graph(loaded) == ({}, {})

    assert saved.suffix == ".db"  # the embedded store's backup is a SQLite file: it opens as a store
    assert _graph(str(saved)) == (before_nodes, before_edges)


def test_backup_command_writes_a_consistent_copy_of_either_backend(loaded: str, tmp_path: Path) -> None:
    result = run("backup", "--store", loaded, tmp_path / "copies")
    assert result.returncode == 0, result.stderr
    saved = Path(result.stdout.split("backed up to ", 1)[1].strip())
    assert saved.is_file() and not list(saved.parent.glob(".*.partial"))
    if saved.suffix == ".db":
        assert _graph(str(saved)) == _graph(loaded)
    else:
        fresh = tmp_path / "fresh.db"
        assert run("import", "--store", fresh, saved, "--backup-to", tmp_path / "unused").returncode == 0
        assert _graph(str(fresh)) == _graph(loaded)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"@context": "https://elsewhere.example/context.jsonld", "@graph": []}, "not Behovsgraf's"),
        ({"@context": f"{PUBLIC_URL}/ns/behovsgraf.jsonld", "@graph": []}, "void:Dataset"),
        (
            {"@context": f"{PUBLIC_URL}/ns/behovsgraf.jsonld", "@graph": [
                {"@id": f"{PUBLIC_URL}/", "@type": "void:Dataset", "uriSpace": f"{PUBLIC_URL}/id/"},
                {"@id": f"{PUBLIC_URL}/id/topic:x", "@type": "bg:Topic", "prefLabel": "X", "schema:price": 3},
            ]},
            "<https://schema.org/price> is not a property of a Topic",
        ),
    ],
)
def test_import_refuses_foreign_or_unknown_json_ld_and_writes_nothing(
    embedded: str, tmp_path: Path, document: dict[str, Any], message: str
) -> None:
    loaded = embedded
    before = _graph(loaded)
    path = tmp_path / "bad.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run("import", "--store", loaded, path, env=_env(tmp_path))
    assert result.returncode == 1
    assert message in result.stderr and "nothing was written" in result.stderr
    assert _graph(loaded) == before
    assert not (tmp_path / "backups").exists()
