"""Rate limits: per address for anonymous callers, per key for identified ones; 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from api.settings import Settings
from tests.api.conftest import READ_KEY, Api, make_settings

QUERY = "{ stats { nodes { type count } } }"


def test_anonymous_callers_are_limited_per_address(dataset: Path, serve: Callable[[Settings], Api]) -> None:
    api = serve(make_settings(dataset, rate_limit_per_address=3))
    assert [api.post(QUERY).status_code for _ in range(3)] == [200, 200, 200]
    refused = api.post(QUERY)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 20
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert error["extensions"]["retryAfter"] == int(refused.headers["retry-after"])
    assert api.client.get(f"{api.url}/healthz").status_code == 200, "health checks are never limited"
    assert api.client.get(f"{api.url}/").status_code == 429, "pages count against the same address"


def test_a_key_has_its_own_budget(dataset: Path, serve: Callable[[Settings], Api]) -> None:
    api = serve(make_settings(dataset, rate_limit_per_address=1, rate_limit_per_key=2))
    assert api.post(QUERY).status_code == 200
    assert api.post(QUERY).status_code == 429
    assert [api.post(QUERY, key=READ_KEY).status_code for _ in range(3)] == [200, 200, 429]
