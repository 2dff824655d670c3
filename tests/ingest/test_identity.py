"""Distinct names stay distinct nodes, and no ingest renames a registry or vocabulary node."""

from __future__ import annotations

from typing import Any

import pytest

from graph.backends.embedded import EmbeddedStore
from graph.ids import node_id, transliterate
from graph.model import LANGUAGES, Node, NodeType, RelType
from ingest.aliases import names_of
from ingest.run import ingest_records
from ingest.vocabulary import load_vocabulary

REGISTRY_KEYS = ("name", "code", "org_nr", "org_type", *(f"label_{lang}" for lang in LANGUAGES))


def _case(case_id: str, organisations: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": case_id, "title": f"Fall {case_id}", "language": "sv", "organisations": organisations, **extra}


@pytest.mark.parametrize(
    ("node_type", "first", "second"),
    [
        (NodeType.ORGANISATION, "Министерство", "Агентство"),
        (NodeType.METHOD, "方法", "手法"),
        (NodeType.TOPIC, "Ελλάδα", "Κύπρος"),
        (NodeType.ORGANISATION, "Министерство", "Министерство 2"),
    ],
)
def test_names_without_latin_letters_get_distinct_ids(node_type: NodeType, first: str, second: str) -> None:
    assert node_id(node_type, first) != node_id(node_type, second)
    assert node_id(node_type, first) == node_id(node_type, f"  {first} ")


def test_distinct_non_latin_names_become_distinct_nodes(store: EmbeddedStore) -> None:
    report = ingest_records(
        store,
        [
            _case("se-a", ["Министерство"], methods=["方法"]),
            _case("se-b", ["Агентство"], methods=["手法"]),
        ],
        origin="test",
    )
    assert report.ok, report.problems
    organisations = {store.get(e.source).props["name"] for e in store.edges(RelType.PARTICIPATED_IN)}  # type: ignore[union-attr]
    methods = {store.get(e.target).props["name"] for e in store.edges(RelType.USED)}  # type: ignore[union-attr]
    assert organisations == {"Министерство", "Агентство"}
    assert methods == {"方法", "手法"}


def test_an_old_spelling_meets_the_registry_node_without_renaming_it(store: EmbeddedStore) -> None:
    report = ingest_records(store, [_case("se-habo", ["Haabo kommun"])], origin="test")
    assert report.ok, report.problems
    (edge,) = store.edges(RelType.PARTICIPATED_IN)
    node = store.get(edge.source)
    assert node is not None
    assert (node.props["name"], node.props["code"]) == ("Håbo kommun", "0305")
    assert [(m.name, m.node_id) for m in report.merged] == [("Haabo kommun", node.id)]
    assert report.created == ["se-habo"]


def _registry() -> list[Node]:
    return [node for node in load_vocabulary().nodes if node.type is NodeType.ORGANISATION]


def _variant_forms(node: Node) -> set[str]:
    """Every name of the node as written, upper-cased, diacritics folded and Nordic letters spelled out."""
    forms: set[str] = set()
    for name in names_of(node):
        forms |= {name, name.upper(), transliterate(name).title()}
    return forms


def _snapshot(store: EmbeddedStore, ids: list[str]) -> dict[str, dict[str, Any]]:
    nodes = store.get_many(ids)
    return {key: {k: v for k, v in node.props.items() if k in REGISTRY_KEYS} for key, node in nodes.items()}


def test_no_variant_form_of_the_registry_renames_or_duplicates_a_registry_node(store: EmbeddedStore) -> None:
    registry = _registry()
    forms = sorted({form for node in registry for form in _variant_forms(node)})
    cases = [_case(f"se-variant-{i // 150}", forms[i : i + 150]) for i in range(0, len(forms), 150)]
    report = ingest_records(store, cases, origin="variants", partial=True)
    ids = [node.id for node in registry]
    assert _snapshot(store, ids) == {node.id: {k: v for k, v in node.props.items() if k in REGISTRY_KEYS} for node in registry}
    created_organisations = [key for key in report.created if key.startswith("organisation:")]
    assert created_organisations == []
    assert {p.code for p in report.problems} <= {"ambiguous"}


OFFICIAL = {
    "organisation:goeteborg-kommun": "Göteborgs Stad",
    "organisation:malmoe-kommun": "Malmö stad",
    "organisation:aengelholm-kommun": "Ängelholms kommun",
    "organisation:falun-kommun": "Falu kommun",
    "organisation:kalmar-kommun": "Kalmar kommun",
    "organisation:uppsala-kommun": "Uppsala kommun",
    "organisation:grums-kommun": "Grums kommun",
    "organisation:koebenhavn-kommune": "Københavns Kommune",
    "organisation:bornholm-kommune": "Bornholms Regionskommune",
    "organisation:aarhus-kommune": "Aarhus Kommune",
    "organisation:rosse-kommune": "Røros kommune",
    "organisation:guovdageaidnu-kommune": "Kautokeino kommune",
    "organisation:trondheim-kommune": "Trondheim kommune",
    "organisation:region-gotland": "Region Gotland",
}


def test_registry_bodies_are_named_as_they_name_themselves_and_keep_their_ids() -> None:
    nodes = {node.id: node for node in load_vocabulary().nodes}
    assert {key: nodes[key].props["name"] for key in OFFICIAL} == OFFICIAL
    wrong = ["Göteborg kommun", "Malmö kommun", "Ängelholm kommun", "Falun kommun", "København Kommune"]
    names = {node.props.get("name") for node in nodes.values()}
    assert names.isdisjoint(wrong)
    assert "Göteborg kommun" in nodes["organisation:goeteborg-kommun"].props["aliases"]  # type: ignore[operator]
    assert "organisation:gotland-kommun" not in nodes  # Region Gotland is the municipality: one body
    assert nodes["organisation:region-gotland"].props["municipality_code"] == "0980"


def test_every_municipality_has_one_body_with_its_code() -> None:
    municipalities = [n for n in load_vocabulary().nodes if n.type is NodeType.ORGANISATION and n.props.get("org_type") == "municipality" and "code" in n.props]
    codes = {(n.props["country"], n.props["code"]) for n in municipalities}
    assert len(codes) == len(municipalities) == 289 + 357 + 98
