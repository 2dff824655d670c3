"""Schemathesis fuzzes every query and mutation; no answer may be a 5xx or an INTERNAL error.

Bounded by a fixed number of examples per operation; runs by default (marked `slow`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from tests.api.conftest import WRITE_KEY, live_server, load_cases, make_settings
from tests.api.test_schema_file import SDL

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def fuzzed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over a store of its own, since mutations are fuzzed too."""
    path = tmp_path_factory.mktemp("fuzz") / "cases.db"
    load_cases(path)
    with live_server(make_settings(path)) as server:
        yield f"{server.url}/graphql"


schema = schemathesis.graphql.from_path(SDL)
"""The committed SDL, which `test_schema_file` keeps equal to the served schema."""


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_fails_on_the_server(case: schemathesis.Case[Any], fuzzed_url: str) -> None:
    response = case.call(base_url=fuzzed_url, headers={"Authorization": f"Bearer {WRITE_KEY}"}, timeout=60)
    assert response.status_code < 500, response.text
    body = response.json()
    assert "data" in body or "errors" in body, body
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
    assert "INTERNAL" not in codes, (case.body, body)
    assert all(codes), body
