"""The pages in a real browser: Debian's chromium against the real app on 127.0.0.1.

Each test's page aborts any request that leaves 127.0.0.1 (see conftest), so a
CDN reference anywhere fails the test that loaded it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import FloatRect, Page, Response

from graph.algorithms.neighbourhood import neighbourhood
from graph.backends.embedded import EmbeddedStore
from graph.model import NodeType
from tests.visualisation.conftest import (
    TIMINGS,
    XSS_CASES,
    XSS_IMG,
    XSS_METHOD,
    XSS_ORGANISATION,
    XSS_SCRIPT,
    LiveServer,
    Visit,
)
from visualisation.i18n import Texts
from visualisation.network import DEFAULT_MAX_NODES, build_view, render_network_page
from visualisation.templating import Assets

pytestmark = pytest.mark.browser

PROBLEM_NB = "Mange elever slutter i videregående skole etter overgangen fra ungdomsskolen"
EXPECTED_CASES = {"no-grunerlokka-overgangstjenesten", "no-ks-nygiv-overgangsprosjektet-2014"}
FOCUS_CASE = "no-grunerlokka-overgangstjenesten"

_DRAWN = """() => {
  const entry = window.behovsgraf.networks[0];
  const positions = entry.network.getPositions();
  return {
    nodes: entry.network.body.nodeIndices.filter((id) => Number.isFinite(positions[id].x)),
    edges: entry.network.body.edgeIndices.slice(),
    hidden: entry.nodes.get({filter: (item) => item.hidden === true}).map((item) => item.id),
  };
}"""

_NODE_POINT = """(id) => {
  const network = window.behovsgraf.networks[0].network;
  const point = network.canvasToDOM(network.getPositions([id])[id]);
  const box = network.body.container.getBoundingClientRect();
  return {x: box.left + point.x, y: box.top + point.y};
}"""


_ABOVE_THE_TABLE: FloatRect = {"x": 0, "y": 0, "width": 1280, "height": 1100}


def _server_ms(response: Response | None) -> float | None:
    header = response.headers.get("server-timing", "") if response else ""
    match = re.search(r"dur=([0-9.]+)", header)
    return float(match.group(1)) if match else None


def _open(page: Page, server: LiveServer, path: str, *, name: str | None = None) -> Response:
    """Load a page, wait until its network (if any) has stabilised, and record its timings."""
    response = page.goto(server.url + path)
    assert response is not None and response.ok, f"{path}: {response.status if response else 'no response'}"
    page.wait_for_load_state("load")
    network_ms = None
    if page.locator("[data-network]").count():
        page.wait_for_selector("[data-network][data-state=stable]")
        network_ms = float(page.locator("[data-network]").first.get_attribute("data-stable-at") or "nan")
    load_ms = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    if name:
        TIMINGS.add(name, path, _server_ms(response), load_ms, network_ms)
    return response


def _drawn(page: Page) -> dict[str, list[str]]:
    result: dict[str, list[str]] = page.evaluate(_DRAWN)
    return result


def _expected_around(reader: EmbeddedStore, case_id: str) -> tuple[set[str], set[str]]:
    """The case's direct neighbours and the ids network.js gives the edges to them."""
    edges = reader.edges_of(case_id)
    nodes = {case_id} | {edge.source for edge in edges} | {edge.target for edge in edges}
    return nodes, {"|".join(edge.key[:3]) for edge in edges}


def test_planner_finds_prior_cases_for_a_norwegian_problem(page: Page, server: LiveServer, screenshots: Path) -> None:
    _open(page, server, "/", name="planner")
    assert page.locator("html").get_attribute("lang") == "nb"
    page.get_by_label("Beskriv problemet du skal utforske").fill(PROBLEM_NB)
    submit = page.get_by_role("button", name="Finn tidligere arbeid")
    submit.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("ol.results")
    found = page.locator("ol.results > li").evaluate_all("items => items.map((item) => item.dataset.caseId)")
    assert set(found[:5]) >= EXPECTED_CASES, found
    first = page.locator("ol.results > li").first
    assert first.get_by_role("heading", level=3).inner_text()
    assert first.locator(".reasons li").count() >= 1
    assert first.get_by_role("link", name=re.compile("Vis i nettverk")).count() == 1
    page.screenshot(path=str(screenshots / "planner.png"), full_page=True)
    _open(page, server, "/?" + urlencode({"q": PROBLEM_NB}), name="planner")

    page.get_by_role("link", name="Vis alle treff som nettverk").focus()
    for download in ("CSV", "Excel (XLSX)"):  # the list's downloads come next, then the first result
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent.trim()") == download
    page.keyboard.press("Tab")
    first_title = page.locator("ol.results h3").first.inner_text()
    assert page.evaluate("() => document.activeElement.textContent.trim()") == first_title
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == first_title


def test_network_view_draws_the_case_neighbourhood(
    page: Page, server: LiveServer, reader: EmbeddedStore, screenshots: Path
) -> None:
    _open(page, server, "/?" + urlencode({"q": PROBLEM_NB}))
    hit = page.locator(f"ol.results > li[data-case-id='{FOCUS_CASE}']")
    with page.expect_navigation():
        hit.get_by_role("link", name=re.compile("Vis i nettverk")).click()
    page.wait_for_selector("[data-network][data-state=stable]")
    assert "/network?" in page.url and f"focus={FOCUS_CASE}" in page.url
    _open(page, server, f"/network?focus={FOCUS_CASE}", name="network")

    expected_nodes, expected_edges = _expected_around(reader, FOCUS_CASE)
    drawn = _drawn(page)
    assert expected_nodes <= set(drawn["nodes"]), expected_nodes - set(drawn["nodes"])
    assert expected_edges <= set(drawn["edges"]), expected_edges - set(drawn["edges"])
    assert page.locator(".network__table tbody tr").count() == len(drawn["edges"])
    page.screenshot(path=str(screenshots / "network.png"), full_page=True, clip=_ABOVE_THE_TABLE)

    methods = {node.id for node in reader.neighbours(FOCUS_CASE, node_type=NodeType.METHOD)}
    page.locator("[data-type-toggle][value=Method]").uncheck()
    assert methods <= set(_drawn(page)["hidden"])
    assert not methods & set(_drawn(page)["nodes"])
    page.locator("[data-type-toggle][value=Method]").check()

    organisation = next(node for node in reader.neighbours(FOCUS_CASE, node_type=NodeType.ORGANISATION))
    search = page.get_by_role("searchbox", name="Finn i nettverket")
    search.fill(organisation.label[:12])
    search.press("Enter")
    selected = page.evaluate("() => window.behovsgraf.networks[0].network.getSelectedNodes()")
    assert organisation.id in selected
    assert re.search(r"\d+ noder funnet", page.locator("[data-network-search-status]").inner_text())

    page.locator(".network__canvas").scroll_into_view_if_needed()
    page.evaluate("() => window.behovsgraf.networks[0].network.fit()")
    point = page.evaluate(_NODE_POINT, organisation.id)
    page.mouse.move(point["x"] - 2, point["y"] - 2)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert organisation.label in tooltip.inner_text()
    with page.expect_navigation():
        page.mouse.click(point["x"], point["y"])
    assert "/nodes/" + quote(organisation.id, safe=":") in page.url
    assert page.get_by_role("heading", level=1).inner_text() == organisation.label


def test_network_of_a_search_draws_the_cases_found(page: Page, server: LiveServer) -> None:
    _open(page, server, "/network?" + urlencode({"q": PROBLEM_NB}), name="network-q")
    drawn = set(_drawn(page)["nodes"])
    assert drawn >= EXPECTED_CASES
    assert page.locator("[data-network] .network__table tbody tr").count() > 0


def test_case_page_lists_stakeholders_and_draws_its_neighbourhood(
    page: Page, server: LiveServer, reader: EmbeddedStore, screenshots: Path
) -> None:
    _open(page, server, f"/cases/{FOCUS_CASE}", name="case")
    case = reader.get(FOCUS_CASE)
    assert case is not None
    assert page.get_by_role("heading", level=1).inner_text() == case.label
    rows = page.locator("section[aria-labelledby=stakeholders-heading] tbody tr")
    organisations = reader.neighbours(FOCUS_CASE, node_type=NodeType.ORGANISATION)
    assert rows.count() == len(organisations)
    assert "eier" in rows.all_inner_texts()[0]
    expected_nodes, _ = _expected_around(reader, FOCUS_CASE)
    assert expected_nodes <= set(_drawn(page)["nodes"])
    page.screenshot(path=str(screenshots / "case.png"), full_page=True)


def test_hostile_titles_show_as_text_and_run_nothing(page_without_csp: Page, server: LiveServer, visit: Visit) -> None:
    page = page_without_csp
    _open(page, server, "/?" + urlencode({"q": "Hostile skolefravær"}))
    titles = page.locator("ol.results h3").all_inner_texts()
    assert XSS_IMG in titles and XSS_SCRIPT in titles
    assert XSS_ORGANISATION in page.locator("ol.results").inner_text()

    for case_id, title in zip(XSS_CASES, (XSS_IMG, XSS_SCRIPT), strict=True):
        _open(page, server, f"/cases/{case_id}")
        assert page.get_by_role("heading", level=1).inner_text() == title
        assert XSS_METHOD in page.locator("main").inner_text()
        assert page.locator("a[href^='javascript:']").count() == 0

    _open(page, server, f"/network?focus={XSS_CASES[1]}&depth=1")
    page.locator(".network__canvas").scroll_into_view_if_needed()
    point = page.evaluate(_NODE_POINT, XSS_CASES[1])
    page.mouse.move(point["x"] - 2, point["y"] - 2)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert XSS_SCRIPT in tooltip.inner_text()
    assert tooltip.locator("img, script, svg").count() == 0

    _open(page, server, "/nodes/" + quote("organisation:hostile", safe=":"))
    assert page.get_by_role("heading", level=1).inner_text() == XSS_ORGANISATION

    assert page.evaluate("() => window.__xss") is None
    assert visit.dialogs == []
    assert not [url for url in visit.requests if url.rstrip("/").endswith("/x")], visit.requests


AXE_PAGES = {
    "planner": "/?" + urlencode({"q": PROBLEM_NB}),
    "case": f"/cases/{FOCUS_CASE}",
    "network": f"/network?focus={FOCUS_CASE}",
}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_page_has_no_serious_accessibility_violations(
    page_without_csp: Page, server: LiveServer, axe_script: Path, name: str
) -> None:
    page = page_without_csp
    _open(page, server, AXE_PAGES[name])
    page.add_script_tag(path=str(axe_script))
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_standalone_page_draws_without_any_server(page: Page, reader: EmbeddedStore, visit: Visit) -> None:
    subgraph = neighbourhood(reader, FOCUS_CASE, depth=1)
    view = build_view(subgraph, texts=Texts("sv"), node_url=lambda node: None, focus=(FOCUS_CASE,))
    page.set_content(render_network_page(view, texts=Texts("sv"), heading="Nätverk", assets=Assets.inline()))
    page.wait_for_selector("[data-network][data-state=stable]")
    assert set(_drawn(page)["nodes"]) == subgraph.node_ids()
    assert visit.requests == []


def test_large_neighbourhood_is_trimmed_with_a_notice_and_stops_moving(page: Page, server: LiveServer) -> None:
    _open(page, server, f"/network?focus={FOCUS_CASE}&depth=3", name="network-3")
    drawn = _drawn(page)
    assert len(drawn["nodes"]) == DEFAULT_MAX_NODES
    assert re.search(rf"Viser de {DEFAULT_MAX_NODES} mest relevante av \d+ noder", page.locator(".notice").inner_text())
    before = page.evaluate("() => window.behovsgraf.networks[0].network.getPositions()")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.behovsgraf.networks[0].network.getPositions()") == before


def test_network_of_a_search_shows_the_top_hits_and_what_they_share_on_a_phone(
    page: Page, server: LiveServer, reader: EmbeddedStore, screenshots: Path
) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    _open(page, server, "/network?" + urlencode({"q": PROBLEM_NB}), name="network-q-375")
    hits = page.locator(".overview__hits > li a")
    assert 2 <= hits.count() <= 8
    groups = page.locator(".overview h3").all_inner_texts()[1:]
    assert groups and set(groups) <= {"Behov", "Målgrupper", "Metoder", "Temaer", "Organisasjoner"}
    drawn = _drawn(page)["nodes"]
    cases = {node_id for node_id in drawn if ":" not in node_id}
    assert len(cases) == hits.count()
    for node_id in set(drawn) - cases:
        sharing = {edge.source if edge.target == node_id else edge.target for edge in reader.edges_of(node_id)}
        assert len(sharing & cases) >= 2, f"{node_id} is drawn but shared by fewer than two hits"
    table = page.locator("details.network__table")
    assert table.count() == 1 and table.get_attribute("open") is None
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert page.evaluate("() => document.documentElement.scrollHeight") < 4000
    page.screenshot(path=str(screenshots / "network-search-375.png"), full_page=True)
