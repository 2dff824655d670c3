"""A running server: ready only when it can answer, says whether embeddings are pending, and a new case is
found by its words at once and by its meaning within seconds (the real model, in the background)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from api.settings import Settings
from graph.backends import open_store
from graph.ranking.facets import CaseFacets
from graph.ranking.stored import FACETS
from ingest.run import ingest_records
from tests.api.conftest import CASES, WRITE_KEY, Api, global_id, live_server, make_settings
from tests.api.test_mutations import NEW_CASE, UPSERT

PRIOR = """query($p: String!) { priorWork(problem: $p, first: 10) { edges { node { case { key } } } } }"""
CASE_KEYS = """{ cases(first: 100) { edges { node { key } } } }"""
FINDABLE = """query($id: ID!) { node(id: $id) { ... on Case { findableByMeaning } } }"""


def _wait(condition: Callable[[], bool], *, seconds: float) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.1)
    return time.monotonic() - started


def test_new_case_is_found_by_words_at_once_and_by_meaning_within_five_seconds(
    serve: Callable[[Settings], Api], tmp_path: Path
) -> None:
    path = tmp_path / "store.db"
    with open_store(path) as store:
        assert ingest_records(store, CASES, origin="tests").written
    api = serve(make_settings(path, embed_in_background=True))

    def current() -> bool:
        ready = api.client.get(f"{api.url}/readyz")
        return ready.status_code == 200 and ready.json()["embeddings"]["state"] == "current"

    _wait(current, seconds=600)
    assert api.data(FINDABLE, {"id": global_id("Case", CASES[0]["id"])})["node"]["findableByMeaning"] is True

    api.data(UPSERT, {"input": {"cases": [NEW_CASE]}}, key=WRITE_KEY)
    written = time.monotonic()
    found = api.data(PRIOR, {"p": "språkcafé för nyanlända"})["priorWork"]["edges"]
    assert NEW_CASE["id"] in [edge["node"]["case"]["key"] for edge in found], "findable by its words at once"

    def by_meaning() -> bool:
        return bool(api.data(FINDABLE, {"id": global_id("Case", NEW_CASE["id"])})["node"]["findableByMeaning"])

    _wait(by_meaning, seconds=5)
    assert time.monotonic() - written < 5


def test_a_stopping_server_keeps_the_facets_it_followed_for_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with open_store(path) as store:
        assert ingest_records(store, CASES, origin="tests").written
    with live_server(make_settings(path)) as api:
        api.wait_ready()
        api.data(UPSERT, {"input": {"cases": [NEW_CASE]}}, key=WRITE_KEY)
        assert NEW_CASE["id"] in [edge["node"]["key"] for edge in api.data(CASE_KEYS)["cases"]["edges"]]
    with open_store(path) as store:
        kept = store.derived(FACETS)
        assert kept is not None and kept[0] == store.revision()
        assert NEW_CASE["id"] in CaseFacets.decode(kept[1]).ids
