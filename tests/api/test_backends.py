"""The API over every store backend: ingest through the API, then read it back the same way."""

from __future__ import annotations

from collections.abc import Callable

from api.settings import Settings
from tests.api.conftest import CASES, WRITE_KEY, Api, case_input, global_id, make_settings

UPSERT = "mutation($input: UpsertCasesInput!) { upsertCases(input: $input) { ... on UpsertCasesSuccess { created } } }"
TRONDELAG = CASES[0]["id"]


def test_api_reads_back_what_it_wrote(serve: Callable[[Settings], Api], store_location: str) -> None:
    api = serve(make_settings(store_location))
    created = api.data(UPSERT, {"input": {"cases": [case_input(case) for case in CASES]}}, key=WRITE_KEY)[
        "upsertCases"
    ]["created"]
    assert {case["id"] for case in CASES} <= set(created)

    page = api.data(
        "{ cases { totalCount edges { node { key participants { edges { role node { name } } }"
        " methods { edges { node { key } } } } } } }"
    )["cases"]
    assert page["totalCount"] == len(CASES)
    by_key = {edge["node"]["key"]: edge["node"] for edge in page["edges"]}
    assert {"role": "OWNER", "node": {"name": "Trøndelag fylkeskommune"}} in by_key[TRONDELAG]["participants"]["edges"]
    assert len(by_key[TRONDELAG]["methods"]["edges"]) == 2

    hits = api.data('{ priorWork(problem: "elever velger utdanningsprogram", first: 3) { edges { node { case { key } } } } }')
    assert hits["priorWork"]["edges"][0]["node"]["case"]["key"] == TRONDELAG
    case_id = global_id("Case", TRONDELAG)
    sub = api.data("query($id: ID!) { neighbourhood(id: $id) { nodes { key } } }", {"id": case_id})
    assert TRONDELAG in {node["key"] for node in sub["neighbourhood"]["nodes"]}

    api.data("mutation($id: ID!) { deleteNode(id: $id) { key } }", {"id": case_id}, key=WRITE_KEY)
    assert api.data("{ cases { totalCount } }")["cases"]["totalCount"] == len(CASES) - 1
