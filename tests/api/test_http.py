"""What browsers and operators see: CORS, GraphiQL, GET queries, health and readiness."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path

from graphql import get_introspection_query

from api.settings import Settings
from graph.ranking.embedding import DEFAULT_MODEL
from tests.api.conftest import Api, make_settings

ORIGIN = "https://intranett.example.no"


def test_cors_allows_only_configured_origins(serve: Callable[[Settings], Api], dataset: Path) -> None:
    server = serve(make_settings(dataset, cors_origins=[ORIGIN]))
    allowed = server.post("{ stats { nodeTotal } }", headers={"Origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in allowed.headers["access-control-expose-headers"].lower()
    other = server.post("{ stats { nodeTotal } }", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers
    preflight = server.client.options(
        f"{server.url}/graphql",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == ORIGIN
    refused = server.client.options(
        f"{server.url}/graphql",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert refused.status_code == 400


def test_no_origin_is_allowed_by_default(api: Api) -> None:
    response = api.post("{ stats { nodeTotal } }", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


def test_graphiql_for_browsers_and_get_queries(api: Api) -> None:
    page = api.client.get(f"{api.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    answer = api.client.get(f"{api.url}/graphql", params={"query": "{ stats { nodeTotal } }"})
    assert answer.json()["data"]["stats"]["nodeTotal"] > 0
    mutation = api.client.get(f"{api.url}/graphql", params={"query": 'mutation { deleteNode(id: "x") { key } }'})
    assert mutation.status_code == 400 and mutation.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_graphiql_can_be_turned_off(serve: Callable[[Settings], Api], dataset: Path) -> None:
    server = serve(make_settings(dataset, graphiql=False))
    page = server.client.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()


def test_health_and_readiness(api: Api) -> None:
    assert api.client.get(f"{api.url}/healthz").json() == {"status": "ok"}
    ready = api.client.get(f"{api.url}/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert ready.json()["embeddings"] == {"model": DEFAULT_MODEL, "pending": None, "state": "unknown"}
    assert ready.headers["X-Request-ID"]
    deadline = time.monotonic() + 60
    while ready.json()["readAhead"] != "done":
        assert ready.json()["readAhead"] == "reading" and time.monotonic() < deadline
        time.sleep(0.1)
        ready = api.client.get(f"{api.url}/readyz")
    assert gc.get_freeze_count() > 0, "once warm, the live objects are kept out of the garbage collector's walks"


def test_introspection_fits_within_the_default_limits(api: Api) -> None:
    query = get_introspection_query(descriptions=True, specified_by_url=True, input_value_deprecation=True)
    body = api.result(query)
    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"
