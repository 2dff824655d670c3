"""The pages over HTTP without a browser: status codes, languages, headers, escaping, local assets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import httpx
from pydantic import SecretStr

from api.settings import ApiKey, Scope, Settings
from graph.algorithms.neighbourhood import neighbourhood
from graph.backends.embedded import EmbeddedStore
from graph.model import NodeType
from tests.visualisation.conftest import (
    XSS_CASES,
    LiveServer,
    live,
    XSS_IMG,
    XSS_ORGANISATION,
    XSS_SCRIPT,
)
from visualisation.network import DEFAULT_MAX_NODES
from api.pages import CONTENT_SECURITY_POLICY, FETCH_LIMIT

CASE = "no-grunerlokka-overgangstjenesten"
PAGES = [
    "/",
    "/?" + urlencode({"q": "elever slutter i videregående"}),
    f"/cases/{CASE}",
    "/nodes/organisation:hostile",
    f"/network?focus={CASE}",
    "/network?" + urlencode({"q": "skolefravær"}),
    "/network",
]


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client of the real app over the sample store, served by uvicorn."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


@pytest.mark.parametrize("path", PAGES)
def test_page_is_served_with_security_headers_and_only_local_assets(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert re.match(r"render;dur=\d", response.headers["server-timing"])
    for url in re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', response.text):
        assert url.startswith("/static/"), url


@pytest.mark.parametrize(
    ("headers", "query", "lang", "heading"),
    [
        ({"accept-language": "nb-NO,nb;q=0.9"}, "", "nb", "Hvilket problem skal du utforske?"),
        ({"accept-language": "sv-SE"}, "", "sv", "Vilket problem ska du utforska?"),
        ({"accept-language": "sv-SE"}, "?lang=en", "en", "What problem are you about to explore?"),
    ],
)
def test_planner_page_speaks_the_chosen_language(
    client: httpx.Client, headers: dict[str, str], query: str, lang: str, heading: str
) -> None:
    html = client.get("/" + query, headers=headers).text
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert f'<input type="hidden" name="lang" value="{lang}">' in html


def test_planner_page_lists_cases_with_reasons_and_network_links(client: httpx.Client) -> None:
    html = client.get("/", params={"q": "Mange elever slutter i videregående skole", "lang": "nb"}).text
    assert f'data-case-id="{CASE}"' in html
    assert "Derfor passer den" in html
    assert f"/network?focus={CASE}&amp;lang=nb" in html


def test_filters_alone_list_the_cases_they_let_through(client: httpx.Client) -> None:
    html = client.get("/", params={"country": "DK", "lang": "en"}).text
    countries = re.findall(r"<dt>Country:</dt><dd>([^<]+)</dd>", html)
    assert countries and set(countries) == {"Denmark"}


def test_hostile_text_is_escaped_everywhere(client: httpx.Client) -> None:
    pages = [
        client.get("/", params={"q": "Hostile skolefravær"}).text,
        *(client.get(f"/cases/{case_id}").text for case_id in XSS_CASES),
        client.get("/nodes/organisation:hostile").text,
        client.get("/network", params={"focus": XSS_CASES[0]}).text,
    ]
    for html in pages:
        for hostile in (XSS_IMG, XSS_SCRIPT, XSS_ORGANISATION, "<script>window.__xss"):
            assert hostile not in html
        assert 'href="javascript:' not in html
    assert "Hostile &lt;img src=x" in pages[1]


def test_case_id_of_another_type_redirects_to_its_node_page(client: httpx.Client) -> None:
    response = client.get("/cases/organisation:hostile?lang=en", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/nodes/organisation:hostile?lang=en"
    response = client.get(f"/nodes/{CASE}?lang=en", follow_redirects=False)
    assert response.headers["location"] == f"/cases/{CASE}?lang=en"


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/cases/no-such-case", 404, "Nothing in the graph has the id no-such-case."),
        (f"/network?focus={CASE}&types=Case,Bogus", 400, "Unknown node type Bogus."),
        ("/network?focus=no-such-node", 404, "Nothing in the graph has the id no-such-node."),
        (f"/network?focus={CASE}&depth=9", 400, "a whole number from 1 to 3, not 9."),
        (f"/network?focus={CASE}&depth=two", 400, "a whole number from 1 to 3, not two."),
        (f"/network?focus={CASE}&depth=²", 400, "a whole number from 1 to 3, not ²."),
    ],
)
def test_bad_requests_get_an_html_page_that_says_what_is_wrong(
    client: httpx.Client, path: str, status: int, text: str
) -> None:
    response = client.get(path, headers={"accept-language": "en"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert text in response.text


def test_overlong_problem_text_is_cut_not_refused(client: httpx.Client) -> None:
    response = client.get("/", params={"q": "skolefravær " * 1000})
    assert response.status_code == 200
    assert "skolefravær" in response.text


def test_node_types_restrict_the_network(client: httpx.Client) -> None:
    html = client.get("/network", params={"focus": CASE, "types": "Case,Method", "depth": "1"}).text
    kinds = set(re.findall(r'"kind": ?"(\w+)"', html.replace("\\u0022", '"')))
    assert kinds == {"Case", "Method"}


def test_large_neighbourhood_is_trimmed_and_says_so(client: httpx.Client, sample_store: Path) -> None:
    with EmbeddedStore(sample_store) as store:
        total = len(neighbourhood(store, CASE, depth=3, max_nodes=FETCH_LIMIT).nodes)
    assert total > DEFAULT_MAX_NODES
    html = client.get("/network", params={"focus": CASE, "depth": "3", "lang": "en"}).text
    assert f"Showing the {DEFAULT_MAX_NODES} most relevant of {total} nodes" in html
    assert html.count('"fullLabel"') == DEFAULT_MAX_NODES


def test_vis_network_is_served_by_the_app(client: httpx.Client) -> None:
    response = client.get("/static/vendor/vis-network/vis-network.min.js")
    assert response.status_code == 200
    assert "vis-network" in response.text[:200]


def test_pages_need_a_key_when_reads_need_one(sample_store: Path) -> None:
    settings = Settings(
        store=str(sample_store),
        require_key_for_reads=True,
        api_keys=[ApiKey(name="reader", key=SecretStr("a-long-enough-secret-key-for-tests"), scope=Scope.READ)],
    )
    with live(settings) as running, httpx.Client(base_url=running.url, timeout=30) as locked:
        assert locked.get("/").status_code == 401
        headers = {"authorization": "Bearer a-long-enough-secret-key-for-tests"}
        assert locked.get("/", headers=headers).status_code == 200


def test_search_network_groups_what_the_top_hits_share(client: httpx.Client) -> None:
    html = client.get("/network", params={"q": "elever slutter i videregående skole", "lang": "en"}).text
    assert "<h2 id=\"overview-heading\">What the top results share</h2>" in html
    hits = re.findall(r'<ol class="overview__hits">(.*?)</ol>', html, re.S)[0].count("<li>")
    assert 2 <= hits <= 8
    ranks = re.findall(r'<span class="overview__ranks">results ([\d, ]+)</span>', html)
    assert ranks and all(len(rank.split(", ")) >= 2 for rank in ranks)
    assert all(1 <= int(number) <= hits for rank in ranks for number in rank.split(", "))
    assert '<details class="network__table">' in html and "<details class=\"network__table\" open" not in html


def test_filters_show_how_many_cases_each_choice_leaves(client: httpx.Client, sample_store: Path) -> None:
    html = client.get("/", params={"country": "NO", "lang": "en"}).text
    with EmbeddedStore(sample_store) as store:
        cases = {case.id: case for case in store.find(NodeType.CASE)}
    norwegian = {case_id for case_id, case in cases.items() if case.props.get("country") == "NO"}
    countries = dict(re.findall(r'<option value="(\w\w)" data-count="(\d+)"', html))
    assert countries["NO"] == str(len(norwegian))
    assert int(countries["SE"]) == sum(1 for case in cases.values() if case.props.get("country") == "SE")
    assert f"With the choices made: {len(norwegian)} cases" in html
    assert re.search(r"from \d{4} to \d{4}", html)
    select = re.findall(r'<select id="filter-topic".*?</select>', html, re.S)[0]
    shown = {value: int(count) for value, count in re.findall(r'<option value="([^"]+)" data-count="(\d+)"', select)}
    assert shown
    for topic, count in shown.items():  # choosing a topic lists exactly as many Norwegian cases as it showed
        chosen = client.get("/", params={"country": "NO", "topic": topic, "lang": "en"}).text
        listed = set(re.findall(r'<li class="hit" data-case-id="([^"]+)"', chosen))
        assert len(listed) == count and listed <= norwegian, topic
        assert f"With the choices made: {count} case" in chosen


def test_status_filter_lists_only_cases_of_that_status_and_counts_each_status(
    client: httpx.Client, sample_store: Path
) -> None:
    html = client.get("/", params={"status": "ongoing", "lang": "sv"}).text
    with EmbeddedStore(sample_store) as store:
        statuses = {case.id: case.props.get("status") for case in store.find(NodeType.CASE)}
    ongoing = {case_id for case_id, status in statuses.items() if status == "ongoing"}
    assert ongoing and set(re.findall(r'<li class="hit" data-case-id="([^"]+)"', html)) == ongoing
    select = re.findall(r'<select id="filter-status".*?</select>', html, re.S)[0]
    shown = re.findall(r'<option value="(\w+)" data-count="(\d+)"( selected)?>([^<]+) \(', select)
    counts = {status: sum(1 for value in statuses.values() if value == status) for status in ("completed", "ongoing")}
    assert shown == [
        ("ongoing", str(counts["ongoing"]), " selected", "pågående"),
        ("completed", str(counts["completed"]), "", "avslutade"),
    ]
    assert "status=ongoing" in re.findall(r'href="(/export/cases\.csv[^"]*)"', html)[0]


def test_year_range_filters_the_cases_and_a_bad_year_is_a_400_page(client: httpx.Client, sample_store: Path) -> None:
    html = client.get("/", params={"year_from": "2018", "year_to": "2020", "lang": "en"}).text
    years = [int(year) for year in re.findall(r"<dt>Year:</dt><dd>(\d+)</dd>", html)]
    with EmbeddedStore(sample_store) as store:
        expected = [case for case in store.find(NodeType.CASE) if 2018 <= int(case.props.get("year", 0) or 0) <= 2020]
    assert years and all(2018 <= year <= 2020 for year in years) and len(years) == len(expected)
    assert 'name="year_from" type="number"' in html and 'value="2018"' in html
    assert f"With the choices made: {len(expected)} cases" in html
    bad = client.get("/", params={"year_from": "nineteen", "lang": "en"})
    assert bad.status_code == 400 and "A year is written with four digits, not nineteen." in bad.text


@pytest.mark.parametrize(
    ("node_id", "official", "wrong"),
    [
        ("organisation:goeteborg-kommun", "Göteborgs Stad", "Göteborg kommun"),
        ("organisation:malmoe-kommun", "Malmö stad", "Malmö kommun"),
        ("organisation:aengelholm-kommun", "Ängelholms kommun", "Ängelholm kommun"),
        ("organisation:falun-kommun", "Falu kommun", "Falun kommun"),
        ("organisation:koebenhavn-kommune", "Københavns Kommune", "København Kommune"),
        ("organisation:rosse-kommune", "Røros kommune", "Rosse kommune"),
    ],
)
def test_node_pages_show_the_official_name_of_a_municipality(client: httpx.Client, node_id: str, official: str, wrong: str) -> None:
    response = client.get(f"/nodes/{node_id}")
    assert response.status_code == 200
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    assert heading is not None and official in heading.group(1) and wrong not in heading.group(1)
    assert f"<title>{official}" in response.text
