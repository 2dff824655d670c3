"""A node's change history over HTTP: the `history` connection in GraphQL and the section on the case page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from api.settings import Settings
from tests.api.conftest import WRITE_KEY, Api, global_id, make_settings

UPSERT = """mutation($input: UpsertCasesInput!) { upsertCases(input: $input) {
  __typename ... on UpsertCasesSuccess { created updated } } }"""
HISTORY = """query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Case {
  history(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      run { number actor created updated reverts replacedGraph sources { path sha256 } }
      change properties { key before after }
      edges { relationship source target change properties { key before after } } } } } } } }"""

CASE: dict[str, Any] = {
    "id": "se-lund-hemtjanst",
    "title": "Hemtjänst på äldres villkor i Lund",
    "language": "sv",
    "country": "SE",
    "organisations": [{"name": "Lunds kommun", "role": "owner"}],
    "methods": ["Intervjuer"],
}


@pytest.fixture
def written(serve: Callable[[Settings], Api], tmp_path: Path) -> Api:
    """A server whose store got the case twice through `upsertCases`: created, then renamed and given a year."""
    api = serve(make_settings(tmp_path / "store.db"))
    for case in (CASE, {**CASE, "title": "Hemtjänst på de äldres villkor i Lund", "year": 2022}):
        assert api.data(UPSERT, {"input": {"cases": [case]}}, key=WRITE_KEY)["upsertCases"]["__typename"] == "UpsertCasesSuccess"
    return api


def test_history_pages_the_runs_of_a_case_newest_first_with_the_differences(written: Api) -> None:
    variables = {"id": global_id("Case", CASE["id"]), "first": 1}
    first = written.data(HISTORY, variables)["node"]["history"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"]
    (latest,) = [edge["node"] for edge in first["edges"]]
    assert latest["run"]["actor"] == "key:curator" and latest["run"]["updated"] >= 1 and latest["change"] == "CHANGED"
    assert latest["properties"] == [
        {"key": "title", "before": '"Hemtjänst på äldres villkor i Lund"', "after": '"Hemtjänst på de äldres villkor i Lund"'},
        {"key": "year", "before": None, "after": "2022"},
    ]
    (source,) = latest["run"]["sources"]
    assert source["path"] == "api:key:curator" and len(source["sha256"]) == 64

    rest = written.data(HISTORY, {**variables, "after": first["pageInfo"]["endCursor"]})["node"]["history"]
    (oldest,) = [edge["node"] for edge in rest["edges"]]
    assert not rest["pageInfo"]["hasNextPage"] and oldest["change"] == "CREATED"
    assert oldest["run"]["number"] < latest["run"]["number"]
    owner = [edge for edge in oldest["edges"] if edge["relationship"] == "PARTICIPATED_IN"]
    assert owner == [
        {"relationship": "PARTICIPATED_IN", "source": "organisation:lund-kommun", "target": CASE["id"], "change": "CREATED",
         "properties": [{"key": "role", "before": None, "after": '"owner"'}]}
    ]


@pytest.mark.parametrize(
    ("lang", "heading", "created"),
    [
        ("sv", "Ändringshistorik", "Skapad"),
        ("nb", "Endringshistorikk", "Opprettet"),
        ("nn", "Endringshistorikk", "Oppretta"),
        ("da", "Ændringshistorik", "Oprettet"),
        ("en", "Change history", "Created"),
    ],
)
def test_the_case_page_shows_the_history_in_the_page_language(written: Api, lang: str, heading: str, created: str) -> None:
    page = written.client.get(f"{written.url}/cases/{CASE['id']}", params={"lang": lang})
    assert page.status_code == 200
    section = page.text[page.text.index('id="history-heading"') :]
    assert section.startswith(f'id="history-heading">{heading}</h2>')
    assert "key:curator" in section and f"<li>{created}</li>" in section
    assert "title: “Hemtjänst på äldres villkor i Lund” → “Hemtjänst på de äldres villkor i Lund”" in section
    assert "year: – → “2022”" in section
