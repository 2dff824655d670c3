"""JSON-LD against a real server: rdflib fetches the served context, SPARQL agrees with GraphQL, SKOS holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, URIRef

from graph.backends import open_store
from graph.exchange import export_graph
from graph.jsonld import CONTEXT_PATH, context_document, to_jsonld
from tests.api.conftest import Api, global_id

PREFIXES = """
PREFIX bg: <https://w3id.org/behovsgraf/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

SERVICE_DESIGN = "method:service-design"


@pytest.fixture(scope="module")
def parsed(dataset: Path, api: Api) -> tuple[Dataset, str]:
    """The dataset exported as JSON-LD under the server's address, parsed by rdflib (which fetches the context)."""
    with open_store(dataset) as store:
        document = to_jsonld(export_graph(store), public_url=api.url)
    graph = Dataset(default_union=True)
    graph.parse(data=json.dumps(document), format="json-ld")
    return graph, api.url


def test_the_context_is_served_as_json_ld_to_any_origin(api: Api) -> None:
    response = api.client.get(f"{api.url}{CONTEXT_PATH}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json() == context_document()


def test_rdflib_parses_the_export_with_its_named_graphs(parsed: tuple[Dataset, str]) -> None:
    graph, base = parsed
    assert len(graph) > 1000
    names = {str(context.identifier) for context in graph.graphs()}
    assert f"{base}/asserted-by/vocabulary" in names
    assert f"{base}/asserted-by/no-trondelag-karriereveiledning" in names


def test_sparql_norwegian_cases_with_service_design_and_owners_match_graphql(
    parsed: tuple[Dataset, str], api: Api
) -> None:
    graph, base = parsed
    rows = graph.query(PREFIXES + """
        SELECT ?case ?owner WHERE {
          ?case a schema:Project ; bg:country "NO" ; bg:usedMethod/skos:broader* ?method .
          OPTIONAL { ?role a org:Membership ; org:organization ?case ; org:member ?owner ; org:role bg:role-owner . }
        }""", initBindings={"method": URIRef(f"{base}/id/{SERVICE_DESIGN}")})
    sparql: dict[str, set[str]] = {}
    for row in rows:
        owners = sparql.setdefault(str(row.case).removeprefix(f"{base}/id/"), set())
        if row.owner is not None:
            owners.add(str(row.owner).removeprefix(f"{base}/id/"))

    query = """query($filter: CaseFilter!) { cases(filter: $filter, first: 100) { edges { node {
        key participants(first: 100) { edges { role node { key } } } } } } }"""
    data = api.data(query, {"filter": {"countries": ["NO"], "methods": [global_id("Method", SERVICE_DESIGN)]}})
    graphql = {
        edge["node"]["key"]: {p["node"]["key"] for p in edge["node"]["participants"]["edges"] if p["role"] == "OWNER"}
        for edge in data["cases"]["edges"]
    }
    assert "no-trondelag-karriereveiledning" in graphql
    assert graphql["no-trondelag-karriereveiledning"] == {"organisation:troendelag-fylkeskommune"}
    assert sparql == graphql


def test_the_skos_part_validates(parsed: tuple[Dataset, str]) -> None:
    graph, _ = parsed
    concepts = {row.concept for row in graph.query(PREFIXES + "SELECT ?concept WHERE { ?concept a skos:Concept }")}
    assert len(concepts) > 100
    outside = graph.query(PREFIXES + """SELECT ?concept WHERE { ?concept a skos:Concept .
        FILTER NOT EXISTS { ?concept skos:inScheme ?scheme . ?scheme a skos:ConceptScheme } }""")
    assert list(outside) == []
    doubled = graph.query(PREFIXES + """SELECT ?concept ?one ?two WHERE { ?concept a skos:Concept ;
        skos:prefLabel ?one, ?two . FILTER(?one != ?two && lang(?one) = lang(?two)) }""")
    assert list(doubled) == []
    unlabelled = graph.query(PREFIXES + """SELECT ?concept WHERE { ?concept a skos:Concept .
        FILTER NOT EXISTS { ?concept skos:prefLabel ?label } }""")
    assert list(unlabelled) == []
    schemes = {str(row.label) for row in graph.query(PREFIXES + """SELECT ?label WHERE {
        ?scheme a skos:ConceptScheme ; skos:prefLabel ?label . FILTER(lang(?label) = "en") }""")}
    assert schemes == {"Methods", "Topics", "Target groups", "Roles in a case"}


def test_close_matches_between_countries_carry_their_sources(parsed: tuple[Dataset, str]) -> None:
    graph, base = parsed
    rows = list(graph.query(PREFIXES + """SELECT ?a ?b ?source WHERE { ?a skos:closeMatch ?b .
        ?statement rdf:subject ?a ; rdf:predicate skos:closeMatch ; rdf:object ?b ;
                   <http://purl.org/dc/terms/source> ?source }"""))
    pairs = {(str(row.a).removeprefix(f"{base}/id/"), str(row.b).removeprefix(f"{base}/id/")) for row in rows}
    assert pairs == {("method:innovationsguiden", "method:veikart-for-tjenesteinnovasjon")}
    assert {str(row.source) for row in rows} >= {
        "https://www.ks.no/fagomrader/innovasjon/innovasjonsledelse/veikart-for-tjenesteinnovasjon/om-veikartet/"
    }


def test_official_codes_are_typed_by_their_register(parsed: tuple[Dataset, str]) -> None:
    graph, base = parsed
    codes: dict[str, Any] = {}
    for row in graph.query(PREFIXES + "SELECT ?body ?code WHERE { ?body org:identifier ?code }"):
        codes.setdefault(str(row.body).removeprefix(f"{base}/id/"), set()).add((str(row.code), str(row.code.datatype)))
    namespace = "https://w3id.org/behovsgraf/ns#"
    assert codes["organisation:troendelag-fylkeskommune"] == {("50", f"{namespace}NoFylkesnummer")}
    assert codes["organisation:aalborg-kommune"] == {("0851", f"{namespace}DkKommunekode")}
    assert ("0180", f"{namespace}SeKommunkod") in codes["organisation:stockholm-kommun"]
    assert ("202100-2114", f"{namespace}SeOrganisationsnummer") in codes["organisation:arbetsfoermedlingen"]
