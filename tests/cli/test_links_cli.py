"""`behovsgraf links list|confirm|reject` through the real process, on a real store file."""

from __future__ import annotations

import json
from pathlib import Path

from graph.backends import open_store
from graph.model import Batch, Direction, Edge, RelType
from graph.ranking.inferred import inferred_asserter
from tests.cli.test_cli import run

CASE_FILE = """\
cases:
  - id: se-a
    title: Ett fall
    language: sv
    country: SE
    target_groups: [barn som bor hos en annan familj]
    topics: [saker om skolgång]
"""
GROUP, TOPIC = "target-group:children", "topic:education"


def _seeded(tmp_path: Path) -> Path:
    """A store with one case and two links inferred for it (as the embedding worker writes them)."""
    store, case_file = tmp_path / "store.db", tmp_path / "a.yaml"
    case_file.write_text(CASE_FILE, encoding="utf-8")
    ingested = run("ingest", "--no-embed", "--store", store, case_file)
    assert ingested.returncode == 0, ingested.stderr
    with open_store(store) as graph:
        free = {edge.type: edge.target for edge in graph.edges_of("se-a", direction=Direction.OUT)}
        assert graph.get(GROUP) is not None and graph.get(TOPIC) is not None
        graph.upsert(Batch(edges=(
            Edge("se-a", RelType.INFERRED_LINK, GROUP, inferred_asserter("se-a"),
                 {"similarity": 0.91, "model": "test/model", "via": free[RelType.TARGETS]}),
            Edge("se-a", RelType.INFERRED_LINK, TOPIC, inferred_asserter("se-a"),
                 {"similarity": 0.87, "model": "test/model", "via": free[RelType.ABOUT]}),
        )))
    return store


def test_links_are_listed_confirmed_and_rejected(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    listed = run("links", "list", "--store", store)
    assert listed.returncode == 0, listed.stderr
    assert f"0.91  se-a -> {GROUP} (" in listed.stdout and "2 inferred link(s)" in listed.stdout
    rows = json.loads(run("links", "list", "--json", "--concept", TOPIC, "--store", store).stdout)
    assert [(row["case"], row["concept"], row["similarity"], row["model"]) for row in rows] == [
        ("se-a", TOPIC, 0.87, "test/model")
    ]

    confirmed = run("links", "confirm", "--store", store, "se-a", GROUP)
    assert confirmed.returncode == 0, confirmed.stderr
    assert f"confirmed: se-a -TARGETS-> {GROUP}" in confirmed.stdout
    rejected = run("links", "reject", "--store", store, "se-a", TOPIC)
    assert rejected.returncode == 0 and f"rejected: se-a -> {TOPIC}" in rejected.stdout
    assert json.loads(run("links", "list", "--json", "--store", store).stdout) == []
    with open_store(store) as graph:
        assert GROUP in {e.target for e in graph.edges_of("se-a", rel=RelType.TARGETS, direction=Direction.OUT)}
        assert [e.target for e in graph.edges_of("se-a", rel=RelType.REJECTED_LINK, direction=Direction.OUT)] == [TOPIC]
        assert [entry.run.actor for entry in graph.history("se-a")[:2]] == ["cli", "cli"]

    again = run("links", "confirm", "--store", store, "se-a", GROUP)
    assert again.returncode == 1 and "no inferred link from 'se-a'" in again.stderr and "nothing was changed" in again.stderr
    missing = run("links", "reject", "--store", store, "se-nothing", TOPIC)
    assert missing.returncode == 1 and "no node with id 'se-nothing'" in missing.stderr
