"""Every query over HTTP against the shared dataset."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from api.graphiql import EXAMPLE_QUERY
from graph.backends import open_store
from graph.model import RelType
from graph.ranking import ReasonKind
from graph.ranking.explain import kind_label
from tests.api.conftest import CASES, GENERATED, Api, global_id

TRONDELAG = "no-trondelag-karriereveiledning"
AALBORG = "dk-aalborg-aeldre-velfaerd"
MALMO = "se-malmo-naringsliv-unga"
ALL_CASES = GENERATED + len(CASES)
BEHOVSGRAF = Path(sys.executable).parent / "behovsgraf"


def test_node_and_nodes_resolve_global_ids(api: Api) -> None:
    case_id = global_id("Case", TRONDELAG)
    data = api.data(
        """query($id: ID!, $ids: [ID!]!) {
             node(id: $id) { id ... on Case { key title year country } }
             nodes(ids: $ids) { id ... on Entity { key kind label } }
           }""",
        {"id": case_id, "ids": [case_id, global_id("Case", "no-such-case"), global_id("Method", TRONDELAG)]},
    )
    assert data["node"] == {
        "id": case_id,
        "key": TRONDELAG,
        "title": CASES[0]["title"],
        "year": 2021,
        "country": "NO",
    }
    assert data["nodes"] == [{"id": case_id, "key": TRONDELAG, "kind": "CASE", "label": CASES[0]["title"]}, None, None]


def test_cases_pages_through_every_case_once_newest_first(api: Api) -> None:
    seen: list[tuple[int, str]] = []
    after = None
    pages = 0
    while True:
        page = api.data(
            "query($after: String) { cases(first: 40, after: $after) {"
            " totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { key year } } } }",
            {"after": after},
        )["cases"]
        assert page["totalCount"] == ALL_CASES
        assert page["pageInfo"]["hasPreviousPage"] is (pages > 0)
        seen += [(edge["node"]["year"] or 0, edge["node"]["key"]) for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert pages == 4
    assert len(seen) == len({key for _, key in seen}) == ALL_CASES
    assert seen == sorted(seen, key=lambda item: (-item[0], item[1]))


def test_cases_default_page_size_is_twenty(api: Api) -> None:
    page = api.data("{ cases { totalCount edges { node { key } } } }")["cases"]
    assert len(page["edges"]) == 20 and page["totalCount"] == ALL_CASES


def _facet_ids(api: Api, key: str) -> dict[str, str]:
    case = api.data(
        """query($id: ID!) { node(id: $id) { ... on Case {
             topics { edges { node { id } } } methods { edges { node { id } } }
             targetGroups { edges { node { id } } } places { edges { node { id } } }
             participants { edges { node { id } } } } } }""",
        {"id": global_id("Case", key)},
    )["node"]
    return {
        "topics": case["topics"]["edges"][0]["node"]["id"],
        "methods": case["methods"]["edges"][0]["node"]["id"],
        "targetGroups": case["targetGroups"]["edges"][0]["node"]["id"],
        "places": case["places"]["edges"][0]["node"]["id"],
        "organisations": case["participants"]["edges"][0]["node"]["id"],
    }


@pytest.mark.parametrize("field", ["topics", "methods", "targetGroups", "places", "organisations"])
def test_cases_filter_by_linked_node(api: Api, field: str) -> None:
    wanted = _facet_ids(api, TRONDELAG)[field]
    found = api.data(
        "query($filter: CaseFilter) { cases(filter: $filter, first: 100) { totalCount edges { node { key } } } }",
        {"filter": {field: [wanted]}},
    )["cases"]
    assert TRONDELAG in {edge["node"]["key"] for edge in found["edges"]}
    assert 0 < found["totalCount"] < ALL_CASES


def test_cases_filter_by_country_language_years_and_text(api: Api) -> None:
    query = (
        "query($filter: CaseFilter) { cases(filter: $filter, first: 100) {"
        " edges { node { key country language year } } } }"
    )
    danish = api.data(query, {"filter": {"countries": ["dk"], "languages": ["DA"]}})["cases"]["edges"]
    assert AALBORG in {edge["node"]["key"] for edge in danish}
    assert {(edge["node"]["country"], edge["node"]["language"]) for edge in danish} == {("DK", "da")}
    recent = api.data(query, {"filter": {"yearFrom": 2022, "yearTo": 2023}})["cases"]["edges"]
    assert recent and all(2022 <= edge["node"]["year"] <= 2023 for edge in recent)
    worded = api.data(query, {"filter": {"text": "velfærdsteknologi"}})["cases"]["edges"]
    assert AALBORG in {edge["node"]["key"] for edge in worded}


def test_case_relationships(api: Api) -> None:
    case = api.data(
        """query($id: ID!) { node(id: $id) { ... on Case {
             participants { totalCount edges { role node { name cases { edges { role node { key } } } } } }
             needs { edges { node { text targetGroup { name } cases { totalCount } } } }
             methods { edges { node { key name cases(first: 100) { edges { node { key } } } } } }
             targetGroups { edges { node { name } } }
             topics { edges { node { label(lang: EN) } } }
             places { edges { node { name placeType partOf { name } } } }
             sources { edges { node { url title published cases { totalCount } } } }
           } } }""",
        {"id": global_id("Case", TRONDELAG)},
    )["node"]
    roles = {edge["node"]["name"]: edge["role"] for edge in case["participants"]["edges"]}
    assert roles == {"Trøndelag fylkeskommune": "OWNER", "Novari IKS": "FACILITATOR"}
    owner = next(edge["node"] for edge in case["participants"]["edges"] if edge["role"] == "OWNER")
    assert {"role": "OWNER", "node": {"key": TRONDELAG}} in owner["cases"]["edges"]
    need = case["needs"]["edges"][0]["node"]
    assert need == {
        "text": "Elevene trenger hjelp til å velge riktig utdanningsprogram",
        "targetGroup": {"name": "Elever i videregående"},
        "cases": {"totalCount": 1},
    }
    assert len(case["methods"]["edges"]) == 2
    for edge in case["methods"]["edges"]:
        assert TRONDELAG in {c["node"]["key"] for c in edge["node"]["cases"]["edges"]}
    assert case["topics"]["edges"][0]["node"]["label"]
    place = case["places"]["edges"][0]["node"]
    assert place["placeType"] == "municipality" and place["partOf"]["name"].startswith("Trøndelag")
    assert case["sources"]["edges"][0]["node"] == {
        "url": "https://example.org/trondelag/karriere",
        "title": "Sluttrapport",
        "published": "2022-03",
        "cases": {"totalCount": 1},
    }


def test_related_cases_edge_carries_its_kind(api: Api) -> None:
    related = api.data(
        "query($id: ID!) { node(id: $id) { ... on Case { related { edges { kind node { key } } } } } }",
        {"id": global_id("Case", MALMO)},
    )["node"]["related"]["edges"]
    assert related == [{"kind": "BUILDS_ON", "node": {"key": TRONDELAG}}]


def test_method_incorporates_and_is_incorporated_by(api: Api, dataset: Path) -> None:
    with open_store(dataset) as store:
        edge = next(iter(store.edges(RelType.INCORPORATES)))
    method = api.data(
        """query($id: ID!) { node(id: $id) { ... on Method { name
             incorporates(first: 100) { edges { node { key
               incorporatedBy(first: 100) { edges { node { key } } } } } } } } }""",
        {"id": global_id("Method", edge.source)},
    )["node"]
    inner = next(e["node"] for e in method["incorporates"]["edges"] if e["node"]["key"] == edge.target)
    assert edge.source in {e["node"]["key"] for e in inner["incorporatedBy"]["edges"]}


def test_relationship_lists_page_with_cursors(api: Api, dataset: Path) -> None:
    with open_store(dataset) as store:
        uses = Counter(edge.target for edge in store.edges(RelType.USED))
    method, count = uses.most_common(1)[0]
    assert count > 3
    query = """query($id: ID!, $after: String) { node(id: $id) { ... on Method {
      cases(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { key } } } } } }"""
    keys: list[str] = []
    after = None
    while True:
        page = api.data(query, {"id": global_id("Method", method), "after": after})["node"]["cases"]
        assert page["totalCount"] == count and len(page["edges"]) <= 3
        keys += [edge["node"]["key"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert keys == sorted(set(keys)) and len(keys) == count


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tröndelag fylkeskommune", "Trøndelag fylkeskommune"),
        ("Ålborg", "Aalborg Kommune"),
        ("Äldre borgere velfärdsteknologi", "Ældre borgere og velfærdsteknologi i Aalborg"),
    ],
)
def test_search_meets_scandinavian_spelling_variants(api: Api, typed: str, expected: str) -> None:
    hits = api.data(
        "query($text: String!) { search(text: $text, first: 5) { score node { kind label } } }", {"text": typed}
    )["search"]
    assert expected in [hit["node"]["label"] for hit in hits]


def test_search_restricted_to_types(api: Api) -> None:
    hits = api.data('{ search(text: "Aalborg", types: [ORGANISATION], first: 10) { node { kind label } } }')["search"]
    assert hits and {hit["node"]["kind"] for hit in hits} == {"ORGANISATION"}


def test_prior_work_over_http_ranks_like_the_cli(api: Api, dataset: Path) -> None:
    problem = "Elevene velger feil utdanningsprogram og trenger bedre veiledning"
    found = api.data(
        """query($problem: String!) { priorWork(problem: $problem, first: 5) {
             totalCount strongCount isNoMatch message language
             edges { node { score confidence reasons { kind label problemPart isInferred text weight } case { key title } } } } }""",
        {"problem": problem},
    )["priorWork"]
    hits = [edge["node"] for edge in found["edges"]]
    cli = subprocess.run(
        [str(BEHOVSGRAF), "prior", "--store", str(dataset), "--top", "5", "--json", problem],
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    expected = json.loads(cli.stdout)
    assert TRONDELAG in [hit["case"]["key"] for hit in hits]
    assert (found["totalCount"], found["strongCount"], found["isNoMatch"], found["message"], found["language"].lower()) == (
        expected["total"], expected["strong"], expected["no_match"], expected["message"], expected["language"]
    )
    assert [(hit["case"]["key"], hit["score"], hit["confidence"].lower()) for hit in hits] == [
        (hit["id"], hit["score"], hit["confidence"]) for hit in expected["hits"]
    ]
    assert [
        [(r["kind"].lower(), r["label"], r["problemPart"], r["isInferred"], r["text"], r["weight"]) for r in hit["reasons"]]
        for hit in hits
    ] == [
        [(r["kind"], r["label"], r["problem_part"], r["inferred"], r["text"], r["weight"]) for r in hit["reasons"]]
        for hit in expected["hits"]
    ]


def test_the_planner_page_shows_the_same_hits_and_reasons_as_graphql(api: Api) -> None:
    problem = "Elevene velger feil utdanningsprogram og trenger bedre veiledning"
    found = api.data(
        """query($problem: String!) { priorWork(problem: $problem, first: 10, language: NB) {
             edges { node { case { key } reasons { kind text } } } } }""",
        {"problem": problem},
    )["priorWork"]["edges"]
    page = api.client.get(f"{api.url}/", params={"q": problem, "lang": "nb"}, headers={"Accept-Language": "en"}).text
    assert re.findall(r'data-case-id="([^"]+)"', page) == [edge["node"]["case"]["key"] for edge in found]
    shown = [
        [html.unescape(re.sub(r"<[^>]+>", "", line)).strip() for line in re.findall(r"<li[^>]*>(<span class=\"reason-kind\">.*?)</li>", block)]
        for block in re.findall(r'<ul class="reasons">(.*?)</ul>', page, flags=re.S)
    ]
    expected = [
        [
            f"{kind_label(ReasonKind.SENTENCE, 'nb')}: {r['text']}" if r["kind"] == "SENTENCE" else r["text"]
            for r in edge["node"]["reasons"]
        ]
        for edge in found
    ]
    assert shown == expected


def test_reasons_follow_accept_language(api: Api) -> None:
    query = '{ priorWork(problem: "elever velger utdanningsprogram", first: 3) { language edges { node { reasons { text } } } } }'
    answer = api.post(query, headers={"Accept-Language": "da, en;q=0.5"}).json()["data"]["priorWork"]
    assert answer["language"] == "DA"
    texts = [r["text"] for edge in answer["edges"] for r in edge["node"]["reasons"]]
    assert any("svarer til" in text for text in texts)


def test_prior_work_honours_the_filter(api: Api) -> None:
    hits = api.data(
        '{ priorWork(problem: "ældre borgere i eget hjem", filter: {countries: ["DK"]}, first: 10)'
        " { edges { node { case { key country } } } } }"
    )["priorWork"]["edges"]
    hits = [edge["node"] for edge in hits]
    assert hits[0]["case"]["key"] == AALBORG
    assert {hit["case"]["country"] for hit in hits} == {"DK"}


def test_related_cases_rank_other_cases(api: Api) -> None:
    hits = api.data(
        "query($id: ID!) { relatedCases(id: $id, first: 5) { score case { key } reasons { kind } } }",
        {"id": global_id("Case", TRONDELAG)},
    )["relatedCases"]
    assert 0 < len(hits) <= 5 and TRONDELAG not in {hit["case"]["key"] for hit in hits}


@pytest.mark.parametrize("target", [global_id("Case", "no-such-case"), global_id("Method", "method:interviews")])
def test_related_cases_of_a_non_case_is_not_found(api: Api, target: str) -> None:
    error = api.error("query($id: ID!) { relatedCases(id: $id) { score } }", {"id": target})
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_neighbourhood_lists_nodes_and_the_edges_between_them(api: Api) -> None:
    case_id = global_id("Case", TRONDELAG)
    sub = api.data(
        "query($id: ID!) { neighbourhood(id: $id, depth: 1) { truncated nodes { id key type label distance }"
        " edges { source target type } } }",
        {"id": case_id},
    )["neighbourhood"]
    assert sub["nodes"][0] == {
        "id": case_id,
        "key": TRONDELAG,
        "type": "CASE",
        "label": CASES[0]["title"],
        "distance": 0,
    }
    ids = {node["id"] for node in sub["nodes"]}
    assert {"ORGANISATION", "METHOD", "NEED", "TOPIC", "PLACE", "SOURCE"} <= {node["type"] for node in sub["nodes"]}
    assert sub["edges"] and all(edge["source"] in ids and edge["target"] in ids for edge in sub["edges"])
    assert {"source": global_id("Case", MALMO), "target": case_id, "type": "RELATED_TO"} in sub["edges"]
    methods_only = api.data(
        "query($id: ID!) { neighbourhood(id: $id, depth: 2, types: [METHOD]) { nodes { type distance } } }",
        {"id": case_id},
    )["neighbourhood"]["nodes"]
    assert {node["type"] for node in methods_only[1:]} == {"METHOD"}


def test_neighbourhood_of_an_unknown_node_is_not_found(api: Api) -> None:
    error = api.error(
        "query($id: ID!) { neighbourhood(id: $id) { truncated } }", {"id": global_id("Topic", "topic:nothing")}
    )
    assert error["extensions"]["code"] == "NOT_FOUND" and error["path"] == ["neighbourhood"]


def test_vocabulary_terms_find_as_many_cases_as_they_promise(api: Api) -> None:
    terms = api.data(
        "{ vocabulary(kind: TOPIC, lang: EN, first: 100) {"
        " totalCount edges { node { value label caseCount node { kind } } } } }"
    )["vocabulary"]
    assert terms["totalCount"] == len(terms["edges"]) > 1
    labels = [edge["node"]["label"] for edge in terms["edges"]]
    assert labels == sorted(labels, key=str.casefold)
    for edge in terms["edges"][:5]:
        term = edge["node"]
        assert term["node"]["kind"] == "TOPIC" and term["caseCount"] > 0
        found = api.data(
            "query($filter: CaseFilter) { cases(filter: $filter) { totalCount } }",
            {"filter": {"topics": [term["value"]]}},
        )
        assert found["cases"]["totalCount"] == term["caseCount"]


def test_vocabulary_of_countries_languages_and_by_text(api: Api) -> None:
    countries = api.data(
        "{ vocabulary(kind: COUNTRY, lang: EN) { edges { node { value label caseCount node { id } } } } }"
    )
    assert {edge["node"]["value"] for edge in countries["vocabulary"]["edges"]} == {"SE", "NO", "DK"}
    assert all(edge["node"]["node"] is None for edge in countries["vocabulary"]["edges"])
    languages = api.data("{ vocabulary(kind: LANGUAGE, usedOnly: false) { totalCount edges { node { value } } } }")
    assert languages["vocabulary"]["totalCount"] == 5
    typed = api.data('{ vocabulary(kind: ORGANISATION, text: "trondelag") { edges { node { label } } } }')
    assert "Trøndelag fylkeskommune" in [edge["node"]["label"] for edge in typed["vocabulary"]["edges"]]


def test_vocabulary_pages_with_cursors(api: Api) -> None:
    query = (
        "query($after: String) { vocabulary(kind: METHOD, usedOnly: false, first: 7, after: $after) {"
        " pageInfo { endCursor hasNextPage } edges { node { value } } } }"
    )
    first = api.data(query)["vocabulary"]
    second = api.data(query, {"after": first["pageInfo"]["endCursor"]})["vocabulary"]
    values = [e["node"]["value"] for e in first["edges"] + second["edges"]]
    assert len(values) == len(set(values)) == 14 and first["pageInfo"]["hasNextPage"]


def test_stats_counts_every_node_and_edge(api: Api) -> None:
    stats = api.data("{ stats { nodeTotal edgeTotal nodes { type count } edges { type count } } }")["stats"]
    nodes = {item["type"]: item["count"] for item in stats["nodes"]}
    assert nodes["Case"] == ALL_CASES
    assert stats["nodeTotal"] == sum(nodes.values()) and stats["edgeTotal"] == sum(e["count"] for e in stats["edges"])


def test_similar_needs_while_someone_types(api: Api) -> None:
    hits = api.data(
        '{ similarNeeds(text: "elevene trenger hjelp til å velge utdanningsprogram", first: 3)'
        " { score matchedTerms need { text cases { edges { node { key } } } } } }"
    )["similarNeeds"]
    assert hits[0]["need"]["text"] == "Elevene trenger hjelp til å velge riktig utdanningsprogram"
    assert hits[0]["need"]["cases"]["edges"] == [{"node": {"key": TRONDELAG}}]
    assert "utdanningsprogram" in hits[0]["matchedTerms"]


def test_node_nodes_and_case_accept_keys_as_the_cli_and_exports_give_them(api: Api) -> None:
    data = api.data(
        """query($key: ID!, $keys: [ID!]!, $case: String!) {
             node(id: $key) { id ... on Case { key title } }
             nodes(ids: $keys) { ... on Entity { key kind } }
             case(key: $case) { id key year }
             missing: case(key: "no-such-case") { key }
             notACase: case(key: "topic:education") { key }
           }""",
        {"key": TRONDELAG, "keys": [TRONDELAG, "no-such-case", global_id("Case", AALBORG)], "case": TRONDELAG},
    )
    assert data["node"] == {"id": global_id("Case", TRONDELAG), "key": TRONDELAG, "title": CASES[0]["title"]}
    assert data["nodes"] == [{"key": TRONDELAG, "kind": "CASE"}, None, {"key": AALBORG, "kind": "CASE"}]
    assert data["case"] == {"id": global_id("Case", TRONDELAG), "key": TRONDELAG, "year": 2021}
    assert data["missing"] is None and data["notACase"] is None


def test_filters_take_keys_and_global_ids_alike(api: Api) -> None:
    keys = api.data(
        """query($id: ID!) { node(id: $id) { ... on Case { topics { edges { node { key } } } } } }""",
        {"id": TRONDELAG},
    )["node"]["topics"]["edges"]
    topic_key = keys[0]["node"]["key"]
    query = "query($topics: [ID!]) { cases(filter: {topics: $topics}, first: 100) { totalCount edges { node { key } } } }"
    by_key = api.data(query, {"topics": [topic_key]})["cases"]
    by_id = api.data(query, {"topics": [global_id("Topic", topic_key)]})["cases"]
    assert by_key == by_id and TRONDELAG in [edge["node"]["key"] for edge in by_key["edges"]]
    wrong = api.result(query, {"topics": [TRONDELAG]})
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert wrong["errors"][0]["message"] == "`filter.topics[0]` is not the key or id of a Topic."


@pytest.mark.parametrize(
    ("order", "sort_key"),
    [
        ("{field: YEAR, direction: ASC}", lambda node: (f"{node['year']:04d}" if node["year"] else "", node["key"])),
        ("{field: TITLE}", lambda node: (node["title"].casefold(), node["key"])),
        ("{field: TITLE, direction: DESC}", lambda node: (node["title"].casefold(), node["key"])),
        ("{field: KEY, direction: DESC}", lambda node: (node["key"],)),
        ("{field: UPDATED, direction: DESC}", lambda node: (node["updatedAt"] or "", node["key"])),
    ],
)
def test_cases_order_by_pages_through_every_case_once_in_that_order(api: Api, order: str, sort_key: object) -> None:
    seen: list[dict[str, object]] = []
    after = None
    while True:
        page = api.data(
            "query($after: String) { cases(orderBy: %s, first: 45, after: $after) {"
            " pageInfo { hasNextPage endCursor } edges { node { key title year updatedAt } } } }" % order,
            {"after": after},
        )["cases"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len({node["key"] for node in seen}) == ALL_CASES
    assert seen == sorted(seen, key=sort_key, reverse="DESC" in order)  # type: ignore[arg-type]


def test_cases_filter_by_status_finds_what_the_status_vocabulary_counts(api: Api) -> None:
    terms = api.data("{ vocabulary(kind: STATUS, lang: SV, usedOnly: false) { edges { node { value label caseCount } } } }")
    assert [edge["node"] for edge in terms["vocabulary"]["edges"]] == [
        {"value": "discontinued", "label": "avbrutna", "caseCount": 0},
        {"value": "completed", "label": "avslutade", "caseCount": 1},
        {"value": "ongoing", "label": "pågående", "caseCount": 1},
        {"value": "planned", "label": "planerade", "caseCount": 0},
    ]
    query = "query($s: [String!]) { cases(filter: {statuses: $s}, first: 100) { totalCount edges { node { key status } } } }"
    assert api.data(query, {"s": ["ongoing"]})["cases"] == {
        "totalCount": 1,
        "edges": [{"node": {"key": MALMO, "status": "ongoing"}}],
    }
    both = api.data(query, {"s": ["ongoing", "Completed"]})["cases"]["edges"]
    assert {edge["node"]["key"] for edge in both} == {MALMO, TRONDELAG}
    ranked = api.data(
        '{ priorWork(problem: "Elevene trenger hjelp til å velge utdanningsprogram", filter: {statuses: ["completed"]})'
        " { totalCount edges { node { case { key } } } } }"
    )["priorWork"]
    assert ranked["totalCount"] == 1 and ranked["edges"][0]["node"]["case"]["key"] == TRONDELAG
    wrong = api.error(query, {"s": ["done"]})
    assert wrong["extensions"]["code"] == "BAD_USER_INPUT"
    assert wrong["message"] == "`filter.statuses[0]` is not one of planned, ongoing, completed, discontinued."


def test_the_graphiql_example_query_runs(api: Api) -> None:
    found = api.data(EXAMPLE_QUERY)["priorWork"]
    assert found["edges"] and found["edges"][0]["node"]["reasons"]
