"""upsertCases, deleteNode and proposeNeed over HTTP, each on a store of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.settings import Settings
from graph.backends import open_store
from ingest.run import ingest_paths
from tests.api.conftest import (
    CASES,
    PROPOSE_KEY,
    READ_KEY,
    WRITE_KEY,
    Api,
    case_input,
    global_id,
    load_cases,
    make_settings,
)

UPSERT = """mutation($input: UpsertCasesInput!) { upsertCases(input: $input) {
  __typename
  ... on UpsertCasesSuccess { cases { id key title } created updated unchanged rejectedCases
                              merged { name matched key } problems { field code message } }
  ... on InvalidInput { field message problems { field code message } } } }"""
PROPOSE = """mutation($input: ProposeNeedInput!) { proposeNeed(input: $input) {
  created need { key text language targetGroup { key } }
  similarNeeds { score need { key text } } similarCases { score case { key } } } }"""

NEW_CASE: dict[str, Any] = {
    "id": "se-malmo-sprakcafe",
    "title": "Språkcafé för nyanlända i Malmö",
    "language": "sv",
    "year": 2024,
    "country": "SE",
    "organisations": [{"name": "Malmö stad", "role": "owner"}],
    "needs": [{"text": "Nyanlända behöver öva svenska i vardagen", "targetGroups": ["Nyanlända"]}],
    "methods": ["Intervjuer"],
}


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable store holding the test cases, shared by this module's servers."""
    path = tmp_path_factory.mktemp("writable") / "cases.db"
    load_cases(path)
    return path


@pytest.fixture
def writable(serve: Callable[[Settings], Api], loaded_store: Path) -> Api:
    """A server over this module's writable store."""
    return serve(make_settings(loaded_store))


def test_upsert_cases_creates_updates_and_leaves_unchanged(writable: Api) -> None:
    created = writable.data(UPSERT, {"input": {"cases": [NEW_CASE]}}, key=WRITE_KEY)["upsertCases"]
    assert created["cases"] == [
        {"id": global_id("Case", NEW_CASE["id"]), "key": NEW_CASE["id"], "title": NEW_CASE["title"]}
    ]
    assert NEW_CASE["id"] in created["created"] and created["rejectedCases"] == [] and created["problems"] == []
    assert "Malmö stad" not in {merge["name"] for merge in created["merged"]}  # the official name: no alias match
    case = writable.data(
        "query($id: ID!) { node(id: $id) { ... on Case { participants { edges { role node { name } } }"
        " needs { edges { node { text targetGroup { name } } } } } } }",
        {"id": global_id("Case", NEW_CASE["id"])},
    )["node"]
    assert case["participants"]["edges"] == [{"role": "OWNER", "node": {"name": "Malmö stad"}}]
    assert case["needs"]["edges"][0]["node"]["targetGroup"]["name"]

    renamed = {**NEW_CASE, "title": "Språkcafé för nyanlända vuxna i Malmö"}
    updated = writable.data(UPSERT, {"input": {"cases": [renamed]}}, key=WRITE_KEY)["upsertCases"]
    assert updated["updated"] == [NEW_CASE["id"]] and updated["cases"][0]["title"] == renamed["title"]
    again = writable.data(UPSERT, {"input": {"cases": [renamed]}}, key=WRITE_KEY)["upsertCases"]
    assert NEW_CASE["id"] in again["unchanged"] and again["created"] == again["updated"] == []


BAD_CASE: dict[str, Any] = {
    "id": "se-trasigt-fall",
    "title": "Trasigt fall",
    "language": "xx",
    "organisations": [{"name": "Malmö stad", "role": "boss"}],
    "needs": [{"text": "Något behövs", "targetGroups": [""]}],
}


def test_upsert_cases_returns_validation_problems_in_the_payload_and_writes_nothing(writable: Api) -> None:
    body = writable.result(UPSERT, {"input": {"cases": [BAD_CASE]}}, key=WRITE_KEY)
    assert "errors" not in body, body
    invalid = body["data"]["upsertCases"]
    assert invalid["__typename"] == "InvalidInput"
    fields = {problem["field"] for problem in invalid["problems"]}
    assert fields == {
        "input.cases[0].language",
        "input.cases[0].organisations[0].role",
        "input.cases[0].needs[0].targetGroups[0]",
    }
    assert (invalid["field"], invalid["message"]) == (invalid["problems"][0]["field"], invalid["problems"][0]["message"])
    assert writable.data("query($id: ID!) { node(id: $id) { id } }", {"id": global_id("Case", BAD_CASE["id"])}) == {
        "node": None
    }


def test_upsert_cases_problems_are_those_of_file_ingest(writable: Api, tmp_path: Path) -> None:
    record = {
        **BAD_CASE,
        "needs": [{"text": "Något behövs", "target_groups": [""]}],
        "related": [{"id": "no-such-case"}],
    }
    sent = {**BAD_CASE, "related": [{"id": "no-such-case"}]}
    case_file = tmp_path / "bad.yaml"
    case_file.write_text(yaml.safe_dump({"cases": [record]}, allow_unicode=True), encoding="utf-8")
    with open_store(tmp_path / "file.db") as store:
        report = ingest_paths(store, [case_file])
    invalid = writable.data(UPSERT, {"input": {"cases": [sent]}}, key=WRITE_KEY)["upsertCases"]
    from_api = {(p["field"], p["code"], p["message"]) for p in invalid["problems"]}
    from_file = {
        ("input." + p.path.replace("target_groups", "targetGroups"), p.code, p.message) for p in report.problems
    }
    assert from_api == from_file and not report.written


def test_upsert_cases_partial_writes_the_valid_cases(writable: Api) -> None:
    good = {**NEW_CASE, "id": "se-malmo-laxhjalp"}
    result = writable.data(UPSERT, {"input": {"cases": [good, BAD_CASE], "partial": True}}, key=WRITE_KEY)[
        "upsertCases"
    ]
    assert result["__typename"] == "UpsertCasesSuccess"
    assert [case["key"] for case in result["cases"]] == [good["id"]]
    assert result["rejectedCases"] == [BAD_CASE["id"]]
    assert {problem["field"] for problem in result["problems"]} >= {"input.cases[1].language"}


def test_delete_node_removes_it_and_its_edges(writable: Api) -> None:
    victim = {**NEW_CASE, "id": "se-malmo-att-radera"}
    writable.data(UPSERT, {"input": {"cases": [victim]}}, key=WRITE_KEY)
    case_id = global_id("Case", victim["id"])
    deleted = writable.data(
        "mutation($id: ID!) { deleteNode(id: $id) { deletedId key } }", {"id": case_id}, key=WRITE_KEY
    )["deleteNode"]
    assert deleted == {"deletedId": case_id, "key": victim["id"]}
    assert writable.data("query($id: ID!) { node(id: $id) { id } }", {"id": case_id}) == {"node": None}
    owner = writable.data(
        '{ search(text: "Malmö kommun", types: [ORGANISATION], first: 1) {'
        " node { ... on Organisation { cases(first: 100) { edges { node { key } } } } } } }"
    )["search"][0]["node"]
    assert victim["id"] not in {edge["node"]["key"] for edge in owner["cases"]["edges"]}
    again = writable.error("mutation($id: ID!) { deleteNode(id: $id) { key } }", {"id": case_id}, key=WRITE_KEY)
    assert again["extensions"]["code"] == "NOT_FOUND"


def _target_group(api: Api) -> str:
    terms = api.data('{ vocabulary(kind: TARGET_GROUP, text: "Elever i videregående") { edges { node { value } } } }')
    value: str = terms["vocabulary"]["edges"][0]["node"]["value"]
    return value


def test_propose_need_without_confirm_only_looks(writable: Api) -> None:
    text = "Elevene trenger hjelp til å velge utdanningsprogram tidlig"
    result = writable.data(PROPOSE, {"input": {"text": text}})["proposeNeed"]
    assert result["created"] is False and result["need"] is None
    assert result["similarNeeds"][0]["need"]["text"] == CASES[0]["needs"][0]["text"]
    assert CASES[0]["id"] in {hit["case"]["key"] for hit in result["similarCases"]}
    looked = writable.data('{ similarNeeds(text: "velge utdanningsprogram tidlig", first: 10) { need { text } } }')
    assert text not in {hit["need"]["text"] for hit in looked["similarNeeds"]}


def test_propose_need_with_confirm_stores_it_once(writable: Api) -> None:
    group = _target_group(writable)
    proposal = {
        "text": "Lærlinger trenger faste kontaktpersoner i bedriften",
        "targetGroups": [group],
        "language": "NB",
        "confirm": True,
    }
    anonymous = writable.error(PROPOSE, {"input": proposal})
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    reader = writable.error(PROPOSE, {"input": proposal}, key=READ_KEY)
    assert reader["extensions"]["code"] == "FORBIDDEN"
    stored = writable.data(PROPOSE, {"input": proposal}, key=PROPOSE_KEY)["proposeNeed"]
    assert stored["created"] is True
    assert stored["need"]["text"] == proposal["text"] and stored["need"]["language"] == "nb"
    assert stored["need"]["targetGroup"]["key"] == "target-group:elever-i-videregaaende"
    again = writable.data(PROPOSE, {"input": proposal}, key=WRITE_KEY)["proposeNeed"]
    assert again["created"] is False and again["need"]["key"] == stored["need"]["key"]
    assert again["similarNeeds"][0]["need"]["key"] == stored["need"]["key"]


def test_a_proposed_need_never_takes_the_id_of_another_text(writable: Api) -> None:
    first = {"text": "Lærlinger trenger veiledning: nå", "language": "NB", "confirm": True}
    second = {**first, "text": "Lærlinger trenger veiledning nå!"}
    one = writable.data(PROPOSE, {"input": first}, key=PROPOSE_KEY)["proposeNeed"]
    two = writable.data(PROPOSE, {"input": second}, key=PROPOSE_KEY)["proposeNeed"]
    assert one["created"] is True and two["created"] is True
    assert one["need"]["key"] != two["need"]["key"]
    assert (one["need"]["text"], two["need"]["text"]) == (first["text"], second["text"])


@pytest.mark.parametrize(
    ("proposal", "field"),
    [
        ({"text": "   "}, "input.text"),
        ({"text": "Noe trengs", "targetGroups": [global_id("Topic", "topic:education")]}, "input.targetGroups[0]"),
        ({"text": "Noe trengs", "first": -1}, "input.first"),
    ],
)
def test_propose_need_refuses_bad_input(writable: Api, proposal: dict[str, Any], field: str) -> None:
    error = writable.error(PROPOSE, {"input": proposal})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


def test_later_fields_of_one_operation_see_earlier_writes(writable: Api) -> None:
    first = {**NEW_CASE, "id": "se-malmo-tva-steg", "title": "Första titeln"}
    second = {**first, "title": "Andra titeln"}
    result = writable.data(
        """mutation($a: UpsertCasesInput!, $b: UpsertCasesInput!) {
             a: upsertCases(input: $a) { ... on UpsertCasesSuccess { cases { title } } }
             b: upsertCases(input: $b) { ... on UpsertCasesSuccess { cases { title } } } }""",
        {"a": {"cases": [first]}, "b": {"cases": [second]}},
        key=WRITE_KEY,
    )
    assert result == {"a": {"cases": [{"title": "Första titeln"}]}, "b": {"cases": [{"title": "Andra titeln"}]}}


def test_updated_order_lists_the_case_changed_last_first_and_an_unchanged_write_keeps_its_time(writable: Api) -> None:
    newest = """{ cases(orderBy: {field: UPDATED, direction: DESC}, first: 2) { edges { node { key updatedAt } } } }"""
    changed = case_input({**CASES[1], "summary": "Aalborg Kommune prøvede velfærdsteknologi hos ældre borgere."})
    assert writable.data(UPSERT, {"input": {"cases": [changed]}}, key=WRITE_KEY)["upsertCases"]["updated"]
    first, second = (edge["node"] for edge in writable.data(newest)["cases"]["edges"])
    assert first["key"] == CASES[1]["id"] and first["updatedAt"] > second["updatedAt"]
    again = writable.data(UPSERT, {"input": {"cases": [changed]}}, key=WRITE_KEY)["upsertCases"]
    assert CASES[1]["id"] in again["unchanged"], again
    assert writable.data(newest)["cases"]["edges"][0]["node"] == first
