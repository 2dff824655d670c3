"""mergeNodes over HTTP: write scope, edges and names moved, the merged id still resolving, on a store of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from api.settings import Settings
from graph.backends import open_store
from ingest.run import ingest_records
from tests.api.conftest import READ_KEY, WRITE_KEY, Api, global_id, make_settings

MERGE = """mutation($input: MergeNodesInput!) { mergeNodes(input: $input) { key mergedKey edgesMoved namesAdded } }"""
CASES = [
    {"id": "se-energi-a", "title": "Energirådgivning för hushåll", "language": "sv", "country": "SE",
     "organisations": [{"name": "Borlänge Energi", "role": "owner"}]},
    {"id": "se-energi-b", "title": "Energirådgivning för företag", "language": "sv", "country": "SE",
     "organisations": [{"name": "Borlänge Energi AB", "role": "partner"}, {"name": "Borlänge kommun", "role": "owner"}]},
]
KEEP, OTHER = "organisation:borlaenge-energi", "organisation:borlaenge-energi-ab"


@pytest.fixture
def curated(serve: Callable[[Settings], Api], tmp_path: Path) -> Api:
    """A server over a store holding two names of one company."""
    path = tmp_path / "curated.db"
    with open_store(path) as store:
        report = ingest_records(store, CASES, origin="energi.yaml")
    assert report.ok and [p.node_id for p in report.possible] == [OTHER]
    return serve(make_settings(path))


def _input(keep: str, other: str) -> dict[str, dict[str, str]]:
    return {"input": {"keep": global_id("Organisation", keep), "other": global_id("Organisation", other)}}


def test_merge_needs_write_scope(curated: Api) -> None:
    assert curated.error(MERGE, _input(KEEP, OTHER))["extensions"]["code"] == "UNAUTHENTICATED"
    assert curated.error(MERGE, _input(KEEP, OTHER), key=READ_KEY)["extensions"]["code"] == "FORBIDDEN"


def test_merge_moves_edges_and_names_and_the_old_id_still_resolves(curated: Api) -> None:
    merged = curated.data(MERGE, _input(KEEP, OTHER), key=WRITE_KEY)["mergeNodes"]
    assert merged == {"key": KEEP, "mergedKey": OTHER, "edgesMoved": 1, "namesAdded": ["Borlänge Energi AB"]}
    node = curated.data(
        'query($id: ID!) { node(id: $id) { ... on Organisation { key name cases(first: 10) { edges { node { key } } } } } }',
        {"id": global_id("Organisation", OTHER)},
    )["node"]
    assert node["key"] == KEEP and node["name"] == "Borlänge Energi"
    assert {edge["node"]["key"] for edge in node["cases"]["edges"]} == {"se-energi-a", "se-energi-b"}
    page = curated.client.get(f"{curated.url}/nodes/{OTHER}")
    assert page.status_code == 200 and "Borlänge Energi" in page.text
    again = curated.data(
        """mutation($input: UpsertCasesInput!) { upsertCases(input: $input) { ... on UpsertCasesSuccess { created merged { name key reason } } } }""",
        {"input": {"cases": [{**CASES[1], "title": "Energirådgivning för företag, igen"}]}},
        key=WRITE_KEY,
    )["upsertCases"]
    assert OTHER not in again["created"]
    assert {"name": "Borlänge Energi AB", "key": KEEP, "reason": "alias 'Borlänge Energi AB'"} in again["merged"]


@pytest.mark.parametrize(
    ("keep", "other", "code", "field"),
    [
        (KEEP, "organisation:nothing-here", "NOT_FOUND", "input.other"),
        (KEEP, KEEP, "BAD_USER_INPUT", "input.other"),
        (KEEP, "organisation:borlaenge-kommun", "BAD_USER_INPUT", "input.other"),
    ],
)
def test_merge_refuses_what_it_cannot_do(curated: Api, keep: str, other: str, code: str, field: str) -> None:
    error = curated.error(MERGE, _input(keep, other), key=WRITE_KEY)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, field)
