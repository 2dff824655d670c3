"""The Reconciliation Service API 0.2 at /reconcile, every response validated against the specification's schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from api.settings import Settings
from ingest.vocabulary import DATA_DIR
from tests.api.conftest import READ_KEY, Api, make_settings

SPEC = Path(__file__).resolve().parents[1] / "data" / "reconciliation-api-0.2"


def _registry() -> Registry:
    resources = []
    for path in sorted((SPEC / "schemas").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"].rstrip("#"), Resource.from_contents(schema, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


def _validator(name: str) -> Draft7Validator:
    registry = _registry()
    schema = json.loads((SPEC / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, registry=registry)


@pytest.fixture(scope="module")
def schemas() -> dict[str, Draft7Validator]:
    """A validator per schema the service answers with."""
    names = ["manifest", "reconciliation-query-batch", "reconciliation-result-batch", "suggest-entities-response",
             "suggest-types-response", "suggest-properties-response"]
    return {name: _validator(name) for name in names}


def _examples(kind: str, validity: str) -> list[Path]:
    return sorted((SPEC / "examples" / kind / validity).glob("*.json"))


def _valid(validator: Draft7Validator, document: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == [], errors


@pytest.mark.parametrize(("kind", "schema"), [("manifest", "manifest"), ("reconciliation-query-batch", "reconciliation-query-batch"),
                                              ("reconciliation-result-batch", "reconciliation-result-batch")])
def test_the_specification_examples_pass_and_fail_their_schemas(schemas: dict[str, Draft7Validator], kind: str, schema: str) -> None:
    valid, invalid = _examples(kind, "valid"), _examples(kind, "invalid")
    assert valid and invalid
    for path in valid:
        _valid(schemas[schema], json.loads(path.read_text(encoding="utf-8")))
    for path in invalid:
        assert list(schemas[schema].iter_errors(json.loads(path.read_text(encoding="utf-8")))), path.name


def _reconcile(api: Api, queries: dict[str, Any], **headers: str) -> httpx.Response:
    return api.client.post(f"{api.url}/reconcile", data={"queries": json.dumps(queries)}, headers=headers)


def test_the_manifest_passes_the_schema_and_names_our_endpoints(api: Api, schemas: dict[str, Draft7Validator]) -> None:
    response = api.client.get(f"{api.url}/reconcile")
    assert response.status_code == 200
    manifest = response.json()
    _valid(schemas["manifest"], manifest)
    assert manifest["versions"] == ["0.2"]
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Organisation", "Method", "TargetGroup", "Topic", "Place"}
    assert manifest["view"]["url"] == f"{api.url}/nodes/{{{{id}}}}"
    for kind in ("entity", "type", "property"):
        assert manifest["suggest"][kind]["service_path"] == f"/reconcile/suggest/{kind}"


def test_a_batch_reconciles_organisations_methods_and_target_groups(api: Api, schemas: dict[str, Draft7Validator]) -> None:
    queries = {
        "q0": {"query": "Falun kommun", "type": "Organisation"},
        "q1": {"query": "Haabo kommun", "type": "Organisation", "properties": [{"pid": "country", "v": "SE"}]},
        "q2": {"query": "Fokusgruper", "type": "Method"},
        "q3": {"query": "Gymnasieelever", "type": ["TargetGroup"], "limit": 3},
        "q4": {"query": "Våler kommune", "type": "Organisation"},
        "q5": {"query": "Våler kommune", "type": "Organisation", "properties": [{"pid": "place", "v": "Innlandet"}]},
        "q6": {"query": "Våler kommune", "properties": [{"pid": "code", "v": "3114"}]},
        "q7": {"type": "Organisation", "properties": [{"pid": "code", "v": "0305"}]},
        "q9": {"properties": [{"pid": "code", "v": "0305"}]},
        "q8": {"query": "zzqx nothing like it"},
    }
    _valid(schemas["reconciliation-query-batch"], queries)
    response = _reconcile(api, queries)
    assert response.status_code == 200, response.text
    results = response.json()
    _valid(schemas["reconciliation-result-batch"], results)
    assert set(results) == set(queries)

    def best(key: str) -> dict[str, Any]:
        first: dict[str, Any] = results[key]["result"][0]
        return first

    assert (best("q0")["id"], best("q0")["name"], best("q0")["match"]) == ("organisation:falun-kommun", "Falu kommun", True)
    assert (best("q1")["id"], best("q1")["name"], best("q1")["match"]) == ("organisation:haabo-kommun", "Håbo kommun", True)
    assert best("q2")["id"] == "method:focus-groups" and best("q2")["match"] is True
    assert len(results["q3"]["result"]) <= 3
    assert {c["id"] for c in results["q4"]["result"][:2]} == {"organisation:vaaler-kommune-innlandet", "organisation:vaaler-kommune-oestfold"}
    assert not any(c["match"] for c in results["q4"]["result"])
    assert (best("q5")["id"], best("q5")["match"]) == ("organisation:vaaler-kommune-innlandet", True)
    assert (best("q6")["id"], best("q6")["match"]) == ("organisation:vaaler-kommune-oestfold", True)
    assert [(c["id"], c["match"]) for c in results["q7"]["result"]] == [("organisation:haabo-kommun", True)]
    assert {c["id"] for c in results["q9"]["result"]} == {"organisation:haabo-kommun", "place:se-municipality-0305"}
    assert not any(c["match"] for c in results["q9"]["result"])
    assert results["q8"]["result"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Gothenburg Municipality", "organisation:goeteborg-kommun"),  # an exonym with an English type word
        ("Uppsala Region", "organisation:region-uppsala"),
        ("Nærøy kommune", "organisation:naeroeysund-kommune"),  # merged into Nærøysund in 2020
        ("Farum Kommune", "organisation:furesoe-kommune"),
        ("Region Syd", "organisation:region-syddanmark"),
    ],
)
def test_english_former_and_short_names_reconcile_to_todays_body(
    api: Api, schemas: dict[str, Draft7Validator], query: str, expected: str
) -> None:
    response = _reconcile(api, {"q0": {"query": query, "type": "Organisation"}})
    assert response.status_code == 200, response.text
    _valid(schemas["reconciliation-result-batch"], response.json())
    (best, *_) = response.json()["q0"]["result"]
    assert (best["id"], best["match"]) == (expected, True)


def test_the_specification_query_examples_are_answered(api: Api, schemas: dict[str, Draft7Validator]) -> None:
    for path in _examples("reconciliation-query-batch", "valid"):
        queries = json.loads(path.read_text(encoding="utf-8"))
        response = _reconcile(api, queries)
        assert response.status_code == 200, (path.name, response.text)
        _valid(schemas["reconciliation-result-batch"], response.json())
        assert set(response.json()) == set(queries)
    for path in _examples("reconciliation-query-batch", "invalid"):
        response = _reconcile(api, json.loads(path.read_text(encoding="utf-8")))
        assert response.status_code == 400, path.name
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["field"].startswith("queries.")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "queries"),
        ("[1, 2]", "queries"),
        ('{"q0": "Falun"}', "queries.q0"),
        ('{"q0": {"query": "Falun", "limit": -1}}', "queries.q0.limit"),
        (json.dumps({f"q{i}": {"query": "x"} for i in range(501)}), "queries"),
        ("[" * 5000, "queries"),
    ],
)
def test_malformed_batches_are_refused_with_the_field_named(api: Api, body: str, field: str) -> None:
    response = api.client.post(f"{api.url}/reconcile", data={"queries": body})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["field"] == field


def test_a_batch_travels_as_get_form_post_or_json_body_and_a_single_query_too(api: Api, schemas: dict[str, Draft7Validator]) -> None:
    queries = {"q0": {"query": "Københavns Kommune", "type": "Organisation"}}
    by_get = api.client.get(f"{api.url}/reconcile", params={"queries": json.dumps(queries)}).json()
    by_json = api.client.post(f"{api.url}/reconcile", content=json.dumps(queries), headers={"Content-Type": "application/json"}).json()
    assert by_get == by_json == _reconcile(api, queries).json()
    _valid(schemas["reconciliation-result-batch"], by_get)
    single = api.client.get(f"{api.url}/reconcile", params={"query": "Københavns Kommune"}).json()
    _valid(schemas["reconciliation-result-batch"], {"q": single})
    assert single["result"][0]["id"] == "organisation:koebenhavn-kommune"


def test_a_batch_of_100_organisation_names_is_answered_and_valid(api: Api, schemas: dict[str, Draft7Validator]) -> None:
    names = [line.split(",")[1] for line in (DATA_DIR / "reference" / "se_municipalities.csv").read_text(encoding="utf-8").splitlines()[1:101]]
    queries = {f"q{i}": {"query": f"{name} kommun", "type": "Organisation"} for i, name in enumerate(names)}
    response = _reconcile(api, queries)
    assert response.status_code == 200
    results = response.json()
    _valid(schemas["reconciliation-result-batch"], results)
    matched = sum(1 for result in results.values() if result["result"] and result["result"][0]["match"])
    assert matched == 100


def test_suggest_answers_entities_types_and_properties_by_prefix(api: Api, schemas: dict[str, Draft7Validator]) -> None:
    entities = api.client.get(f"{api.url}/reconcile/suggest/entity", params={"prefix": "Göteborg", "type": "Organisation"}).json()
    _valid(schemas["suggest-entities-response"], entities)
    assert entities["result"][0]["id"] == "organisation:goeteborg-kommun"
    assert all(e["notable"][0]["id"] == "Organisation" for e in entities["result"])
    following = api.client.get(f"{api.url}/reconcile/suggest/entity", params={"prefix": "region", "cursor": 10}).json()
    _valid(schemas["suggest-entities-response"], following)
    assert following["result"] and not {e["id"] for e in following["result"]} & {e["id"] for e in api.client.get(
        f"{api.url}/reconcile/suggest/entity", params={"prefix": "region"}).json()["result"]}
    types = api.client.get(f"{api.url}/reconcile/suggest/type", params={"prefix": "met"}).json()
    _valid(schemas["suggest-types-response"], types)
    assert [t["id"] for t in types["result"]] == ["Method"]
    properties = api.client.get(f"{api.url}/reconcile/suggest/property", params={"prefix": "co"}).json()
    _valid(schemas["suggest-properties-response"], properties)
    assert {p["id"] for p in properties["result"]} == {"country", "code"}


def test_preview_is_an_escaped_html_card_that_a_client_may_frame(api: Api) -> None:
    response = api.client.get(f"{api.url}/reconcile/preview", params={"id": "organisation:falun-kommun", "lang": "sv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "script-src" not in response.headers["content-security-policy"]
    assert "<h1>Falu kommun</h1>" in response.text and "2080" in response.text and "Även kallad" in response.text
    missing = api.client.get(f"{api.url}/reconcile/preview", params={"id": "organisation:nothing-here"})
    assert missing.status_code == 404


def test_reads_need_a_key_when_configured(serve: Callable[[Settings], Api], dataset: Path) -> None:
    closed = serve(make_settings(dataset, require_key_for_reads=True))
    assert closed.client.get(f"{closed.url}/reconcile").status_code == 401
    assert closed.client.get(f"{closed.url}/reconcile/suggest/entity", params={"prefix": "a"}).status_code == 401
    opened = closed.client.get(f"{closed.url}/reconcile", headers={"Authorization": f"Bearer {READ_KEY}"})
    assert opened.status_code == 200
    assert closed.client.get(f"{closed.url}/reconcile", headers={"Authorization": "Bearer wrong-key-0123456789"}).status_code == 401
