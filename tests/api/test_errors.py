"""Errors carry codes, never stack traces or internal paths; a lost store is reported and recovered from."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from api.settings import Settings
from graph import ranking
from tests.api.conftest import Api, global_id, make_settings


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ stats { nodeTotal }", None, "GRAPHQL_PARSE_FAILED"),
        ("{ stats { nodeTotal } } tokens", None, "GRAPHQL_PARSE_FAILED"),
        ("{ stats { nodeCount } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($n: Int!) { cases(first: $n) { totalCount } }", {"n": "many"}, "BAD_USER_INPUT"),
        ('{ node(id: "not a global id") { id } }', None, "BAD_USER_INPUT"),
        ('{ cases(after: "bm9wZQ==") { totalCount } }', None, "BAD_USER_INPUT"),
        ('{ search(text: "  ") { score } }', None, "BAD_USER_INPUT"),
        (
            "query($f: CaseFilter) { cases(filter: $f) { totalCount } }",
            {"f": {"yearFrom": 2020, "yearTo": 2010}},
            "BAD_USER_INPUT",
        ),
        (
            "query($f: CaseFilter) { cases(filter: $f) { totalCount } }",
            {"f": {"topics": [global_id("Method", "method:x")]}},
            "BAD_USER_INPUT",
        ),
        (
            "query($id: ID!) { neighbourhood(id: $id, depth: -1) { truncated } }",
            {"id": global_id("Case", "x")},
            "BAD_USER_INPUT",
        ),
    ],
)
def test_client_mistakes_have_codes(api: Api, query: str, variables: dict[str, object] | None, code: str) -> None:
    body = api.result(query, variables)
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("content", "status"),
    [(b"{not json", 400), (b'{"variables": {}}', 400), (b"[1, 2]", 400)],
)
def test_malformed_requests_get_graphql_errors(api: Api, content: bytes, status: int) -> None:
    response = api.client.post(f"{api.url}/graphql", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"]
    assert error["extensions"]["requestId"] == response.headers["X-Request-ID"]


def test_unexpected_errors_are_masked_and_logged_with_the_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> ranking.PriorWork:
        raise RuntimeError("cannot read /srv/behovsgraf/secret/index.bin")

    monkeypatch.setattr(ranking, "prior_work", broken)
    caplog.set_level(logging.ERROR)
    response = api.post('{ priorWork(problem: "elever") { totalCount } stats { nodeTotal } }')
    body = response.json()
    request_id = response.headers["X-Request-ID"]
    error = body["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL", "requestId": request_id}
    assert request_id in error["message"] and "/srv" not in response.text and "Traceback" not in response.text
    assert body["data"] is None
    logged = [record for record in caplog.records if request_id in record.getMessage()]
    assert logged and logged[0].exc_info is not None and "secret/index.bin" in caplog.text


def test_a_client_request_id_is_kept(api: Api) -> None:
    response = api.post("{ stats { nodeTotal } }", headers={"X-Request-ID": "intake-form-1234"})
    assert response.headers["X-Request-ID"] == "intake-form-1234"
    odd = api.post("{ stats { nodeTotal } }", headers={"X-Request-ID": "bad id\twith tab"})
    assert odd.headers["X-Request-ID"] != "bad id\twith tab"


def test_store_outage_is_reported_and_recovered_from(serve: Callable[[Settings], Api], tmp_path: Path) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the store's folder should be")
    server = serve(make_settings(blocker / "store.db"))
    assert server.client.get(f"{server.url}/healthz").json() == {"status": "ok"}
    ready = server.client.get(f"{server.url}/readyz")
    assert ready.status_code == 503 and str(tmp_path) not in ready.text
    body = server.result("{ stats { nodeTotal } }")
    assert body["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
    assert str(tmp_path) not in str(body) and "blocked" not in str(body)

    blocker.unlink()
    assert server.client.get(f"{server.url}/readyz").status_code == 200
    assert server.data("{ stats { nodeTotal } }") == {"stats": {"nodeTotal": 0}}
