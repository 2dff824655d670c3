"""A page of cases with their organisations and methods costs a few store calls, whatever its size."""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.backends.embedded import EmbeddedStore
from tests.api.conftest import Api, live_server, make_settings

PAGE = """query($first: Int!) { cases(first: $first) { edges { node {
  title
  participants { edges { role node { name organisationType } } }
  methods { edges { node { name } } }
} } } }"""
READS = ("get", "get_many", "neighbours", "edges_of", "edges_of_many", "find", "edges", "stats", "revision")


@pytest.fixture
def api(dataset: Path) -> Iterator[Api]:
    """A ready server over the shared dataset without the watch loops, whose change-feed polls would be counted too."""
    with live_server(make_settings(dataset, watches=False)) as client:
        client.wait_ready()  # the warm-up's own reads are done before anything is counted
        # and so is the read-ahead: a store read whole answers some reads without calling its other methods
        deadline = time.monotonic() + 60
        while client.client.get(f"{client.url}/readyz").json()["readAhead"] != "done":
            assert time.monotonic() < deadline, "the server did not finish reading ahead within 60 s"
            time.sleep(0.1)
        yield client


@pytest.fixture
def store_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts calls of the embedded store's read methods (the server runs in this process)."""
    calls: Counter[str] = Counter()

    def counted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return method(*args, **kwargs)

        return wrapper

    for name in READS:
        monkeypatch.setattr(EmbeddedStore, name, counted(name, getattr(EmbeddedStore, name)))
    return calls


def _calls_for(api: Api, calls: Counter[str], first: int) -> Counter[str]:
    calls.clear()
    edges = api.data(PAGE, {"first": first})["cases"]["edges"]
    assert len(edges) == first
    assert all(edge["node"]["participants"]["edges"] and edge["node"]["methods"]["edges"] for edge in edges)
    return Counter(calls)


def test_a_page_of_100_cases_costs_the_same_few_store_calls_as_10(api: Api, store_calls: Counter[str]) -> None:
    api.data(PAGE, {"first": 1})
    ten = _calls_for(api, store_calls, 10)
    hundred = _calls_for(api, store_calls, 100)
    assert hundred == ten
    assert sum(hundred.values()) <= 6, hundred
    assert hundred["edges_of"] == hundred["neighbours"] == hundred["get"] == hundred["edges"] == 0
    assert hundred["edges_of_many"] == 2, "one call for participants, one for methods, only of the parents asked for"
