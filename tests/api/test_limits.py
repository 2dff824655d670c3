"""Abuse limits: each refusal is a GraphQL error with a clear message and LIMIT_EXCEEDED."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.settings import Settings
from tests.api.conftest import Api, global_id, make_settings


@pytest.fixture
def strict(serve: Callable[[Settings], Api], dataset: Path) -> Api:
    """A server with small limits, so that refusals are cheap to provoke."""
    return serve(
        make_settings(
            dataset, max_query_depth=6, max_query_tokens=200, max_aliases=3, max_body_bytes=4096, max_page_size=50
        )
    )


def _limit_error(api: Api, query: str, variables: dict[str, object] | None = None) -> str:
    body = api.result(query, variables)
    assert body["data"] is None or all(value is None for value in body["data"].values()), body
    codes = {error["extensions"]["code"] for error in body["errors"]}
    assert codes == {"LIMIT_EXCEEDED"}, body
    message: str = body["errors"][0]["message"]
    return message


def test_query_depth(strict: Api) -> None:
    shallow = "{ cases(first: 1) { edges { node { methods { edges { node { name } } } } } } }"
    assert strict.data(shallow)
    deep = "{ cases(first: 1) { edges { node { methods { edges { node { cases { edges { node { key } } } } } } } } } }"
    assert _limit_error(strict, deep) == "The query nests fields 9 deep; the limit is 6."


def test_query_tokens(strict: Api) -> None:
    query = "{ " + " ".join(f"f{i}: stats {{ nodeTotal }}" for i in range(60)) + " }"
    message = _limit_error(strict, query)
    assert "more than 200 tokens" in message


def test_aliases(strict: Api) -> None:
    assert strict.data("{ a: stats { nodeTotal } b: stats { edgeTotal } }")
    message = _limit_error(
        strict, "{ a: stats { nodeTotal } b: stats { nodeTotal } c: stats { nodeTotal } d: stats { nodeTotal } }"
    )
    assert message == "The query uses 4 aliases; the limit is 3."


@pytest.mark.parametrize(
    "query",
    [
        "{ cases(first: 51) { totalCount } }",
        "{ cases(first: 1) { edges { node { methods(first: 51) { totalCount } } } } }",
        '{ search(text: "elever", first: 51) { score } }',
        '{ priorWork(problem: "elever", first: 51) { totalCount } }',
        "{ vocabulary(kind: TOPIC, first: 51) { totalCount } }",
    ],
)
def test_page_size(strict: Api, query: str) -> None:
    assert "can be at most 50" in _limit_error(strict, query)


def test_negative_page_size_is_bad_input(strict: Api) -> None:
    error = strict.error("{ cases(first: -1) { totalCount } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


def test_list_arguments_and_texts(strict: Api) -> None:
    ids = [global_id("Case", f"case-{i}") for i in range(51)]
    assert "at most 50 ids" in _limit_error(strict, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert "at most 2000 characters" in _limit_error(
        strict, "query($p: String!) { priorWork(problem: $p) { totalCount } }", {"p": "elev " * 500}
    )
    assert "at most 50 values" in _limit_error(
        strict, "query($c: [String!]) { cases(filter: {countries: $c}) { totalCount } }", {"c": ["SE"] * 51}
    )


def test_neighbourhood_depth(strict: Api) -> None:
    case_id = global_id("Case", "no-trondelag-karriereveiledning")
    assert "at most 3" in _limit_error(
        strict, "query($id: ID!) { neighbourhood(id: $id, depth: 4) { truncated } }", {"id": case_id}
    )


def test_request_body_size(strict: Api) -> None:
    padding = "#" + "x" * 5000 + "\n"
    response = strict.post(padding + "{ stats { nodeTotal } }")
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "larger than 4096 bytes" in response.json()["errors"][0]["message"]


def test_request_body_size_without_content_length(strict: Api) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "#'
        for _ in range(10):
            yield b"x" * 1000
        yield b'\\n{ stats { nodeTotal } }"}'

    response = strict.client.post(
        f"{strict.url}/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


def test_small_chunked_bodies_pass(strict: Api) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ stats '
        yield b'{ nodeTotal } }"}'

    response = strict.client.post(
        f"{strict.url}/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200 and response.json()["data"]["stats"]["nodeTotal"] > 0


def test_nested_pages_are_multiplied_into_a_cost_limit(serve: Callable[[Settings], Api], dataset: Path) -> None:
    api = serve(make_settings(dataset, max_query_cost=1000))
    page = "{ cases(first: 20) { edges { node { key participants(first: 20) { totalCount } } } } }"
    assert api.data(page)
    nested = (
        "query($n: Int) { cases(first: 10) { edges { node { participants(first: 10) { edges { node {"
        " cases(first: $n) { edges { node { key } } } } } } } } } }"
    )
    message = _limit_error(api, nested)
    assert "about 10,110 objects; the limit is 1,000" in message
    through_fragment = (
        "{ cases(first: 30) { edges { node { ...orgs } } } } "
        "fragment orgs on Case { participants(first: 40) { edges { node { key } } } }"
    )
    assert "about 1,230 objects" in _limit_error(api, through_fragment)
