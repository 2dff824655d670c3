"""GraphiQL at /graphql in a real browser with every request off 127.0.0.1 aborted."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from tests.visualisation.conftest import LiveServer, Visit

pytestmark = pytest.mark.browser


def test_graphiql_loads_from_the_app_and_runs_a_query_offline(
    page: Page, server: LiveServer, visit: Visit, graphiql_files: Path, screenshots: Path
) -> None:
    response = page.goto(server.url + "/graphql")
    assert response is not None and response.status == 200
    page.wait_for_selector(".graphiql-container .graphiql-query-editor .CodeMirror")
    assert "Loading" not in page.locator("#graphiql").inner_text()
    page.locator(".graphiql-execute-button").click()
    result = page.locator(".graphiql-response .CodeMirror")
    result.get_by_text('"priorWork"').wait_for()
    page.screenshot(path=str(screenshots / "graphiql.png"))
    assert all(url.startswith(server.url) for url in visit.requests), visit.requests
    assert visit.blocked == []


def test_graphiql_assets_are_served_by_the_app(server: LiveServer, graphiql_files: Path) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        html = http.get("/graphql", headers={"accept": "text/html"}).text
        assert "unpkg" not in html and "cdn" not in html.lower()
        for name in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "start.js"):
            assert f'src="/static/vendor/graphiql/{name}"' in html
            assert http.get(f"/static/vendor/graphiql/{name}").status_code == 200
        assert http.get("/static/vendor/graphiql/package.json").status_code == 404
        answer = http.post("/graphql", json={"query": "{ __typename }"}).json()
        assert json.dumps(answer) == '{"data": {"__typename": "Query"}}'
