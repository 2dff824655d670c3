"""Requests an attacker or a broken client sends: each is refused cheaply, with a code, without a traceback."""

from __future__ import annotations

import base64
import logging
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from tests.api.conftest import Api, live_server, make_settings


def _fragment_bomb(levels: int) -> str:
    """A query of a few hundred tokens whose fragments, written out, spread 2**levels times."""
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"query {{ ...F0 }} {chain} fragment F{levels} on Query {{ stats {{ nodeTotal }} }}"


@pytest.mark.parametrize("levels", [20, 30])
def test_fragments_spread_exponentially_are_refused_at_once(api: Api, levels: int) -> None:
    started = time.perf_counter()
    body = api.result(_fragment_bomb(levels))
    elapsed = time.perf_counter() - started
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["LIMIT_EXCEEDED"]
    assert "spreads fragments" in body["errors"][0]["message"]
    assert elapsed < 1.0, f"refusing took {elapsed:.2f} s; expanding the fragments takes 2**{levels} steps"


def test_health_answers_while_fragment_bombs_are_validated(api: Api) -> None:
    def bomb() -> None:
        with httpx.Client(timeout=60) as client:
            client.post(f"{api.url}/graphql", json={"query": _fragment_bomb(30)})

    threads = [threading.Thread(target=bomb) for _ in range(10)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    health = api.client.get(f"{api.url}/healthz")
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join()
    assert health.status_code == 200
    assert elapsed < 0.5, f"/healthz took {elapsed:.2f} s while the queries ran"


def test_fragments_are_counted_once_per_spread_for_depth_and_aliases(api: Api) -> None:
    shared = "fragment S on Query { a: stats { nodeTotal } }"
    spread_twice = "{ ...S x: stats { nodeTotal } } " + shared
    assert api.data(spread_twice)["a"]["nodeTotal"] > 0
    spread_sixteen_times = (
        "{ ...T } fragment T on Query { ...U ...U } fragment U on Query { ...V ...V } "
        "fragment V on Query { ...W ...W } fragment W on Query { ...S ...S } " + shared
    )
    body = api.result(spread_sixteen_times)
    assert body["errors"][0]["message"] == "The query uses 16 aliases; the limit is 15."


def test_an_undefined_fragment_is_a_validation_error(api: Api) -> None:
    body = api.result("query { ...Nope }")
    assert [error["extensions"]["code"] for error in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["errors"][0]["message"] == "Unknown fragment 'Nope'."


def test_several_operations_need_an_operation_name(api: Api) -> None:
    document = "query A { stats { nodeTotal } } query B { stats { edgeTotal } }"
    body = api.result(document)
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "operationName" in body["errors"][0]["message"]
    chosen = api.client.post(f"{api.url}/graphql", json={"query": document, "operationName": "B"}).json()
    assert chosen["data"]["stats"]["edgeTotal"] > 0


def _nested(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"null", "must be a JSON object"),
        (b"true", "must be a JSON object"),
        (b"42", "must be a JSON object"),
        (b'"{ stats { nodeTotal } }"', "must be a JSON object"),
        (b'{"query": "{ stats { nodeTotal } }\xff"}', "not valid UTF-8"),
        (b"[" * 1500 + b"]" * 1500, "nested deeper than 64 levels"),
        (b'{"query": "{ stats { nodeTotal } }", "variables": ' + _nested(1500) + b"}", "nested deeper than 64"),
        (b'{"query": "{ stats { nodeTotal } }", "variables": {"n": ' + b"7" * 5000 + b"}}", "digits"),
    ],
)
def test_malformed_bodies_are_bad_requests_logged_at_most_once(
    api: Api, caplog: pytest.LogCaptureFixture, content: bytes, words: str
) -> None:
    with caplog.at_level(logging.INFO):
        response = api.client.post(f"{api.url}/graphql", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert words in error["message"]
    assert len(caplog.records) <= 1
    assert not any(record.exc_info for record in caplog.records)


def test_a_cursor_holding_deeply_nested_json_is_bad_input(api: Api) -> None:
    cursor = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode()
    error = api.error("query($after: String) { cases(after: $after) { totalCount } }", {"after": cursor})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "after"


def test_graphiql_and_graphql_responses_carry_security_headers(api: Api) -> None:
    graphiql = api.client.get(f"{api.url}/graphql", headers={"Accept": "text/html"})
    answer = api.client.post(f"{api.url}/graphql", json={"query": "{ stats { nodeTotal } }"})
    for response in (graphiql, answer):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert graphiql.headers["Content-Type"].startswith("text/html")


def test_a_failing_page_is_an_html_error_page_with_the_security_headers(
    dataset: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(make_settings(dataset))

    async def broken() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/broken", broken)
    with live_server(app.state.settings, app=app) as api, caplog.at_level(logging.ERROR):
        response = api.client.get(f"{api.url}/broken?lang=nb", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self';")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "secret internals" not in response.text
    assert f"Oppgi feil-id {response.headers['X-Request-ID']}" in response.text
    assert [record.exc_info is not None for record in caplog.records] == [True]
