"""Names resolved the way a registrar would: real name forms, context, possible matches, --strict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from graph.backends.embedded import EmbeddedStore
from graph.errors import IngestError
from graph.model import Node, NodeType, RelType
from ingest.matching import Context, Matcher
from ingest.reference import load_reference
from ingest.resolve import FORMER_NAME
from ingest.run import ingest_records
from ingest.vocabulary import DATA_DIR, load_vocabulary

FORMS = yaml.safe_load((Path(__file__).parents[1] / "data" / "name_forms.yaml").read_text(encoding="utf-8"))["forms"]
INNLANDET = ["Kongsvinger", "Hamar", "Lillehammer", "Gjøvik", "Ringsaker", "Løten", "Stange", "Nord-Odal",
             "Sør-Odal", "Eidskog", "Grue", "Åsnes", "Elverum"]


def _case(case_id: str, organisations: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": case_id, "title": f"Fall {case_id}", "language": "nb", "organisations": organisations, **extra}


def test_the_name_form_set_is_large_and_covers_three_countries_and_every_kind() -> None:
    assert len(FORMS) >= 60
    assert {form["country"] for form in FORMS} == {"SE", "NO", "DK"}
    assert {form["kind"] for form in FORMS} >= {"official", "everyday", "genitive", "abbreviation", "old", "misspelling", "other"}


def test_real_name_forms_resolve_with_high_precision_and_recall() -> None:
    vocabulary = load_vocabulary()
    matcher = Matcher(vocabulary.nodes, vocabulary.edges)
    true_positive = false_positive = false_negative = 0
    misses = []
    for form in FORMS:
        found = matcher.resolve(NodeType.ORGANISATION, form["name"], Context(country=form["country"]))
        chosen = found.chosen.node_id if found.chosen else None
        if chosen == form["expected"]:
            true_positive += chosen is not None
            continue
        false_positive += chosen is not None
        false_negative += form["expected"] is not None
        misses.append((form["name"], form["expected"], chosen))
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    print(f"name forms: {len(FORMS)}, precision {precision:.3f}, recall {recall:.3f}, misses {misses}")
    assert precision == 1.0, misses
    assert recall >= 0.9, misses


def test_an_ambiguous_name_is_decided_by_the_counties_of_the_other_partners(store: EmbeddedStore) -> None:
    case = _case(
        "no-innlandet-felles",
        [f"{name} kommune" for name in INNLANDET] + ["Våler kommune"],
        summary="Et samarbeid mellom kommuner i Innlandet om felles innbyggertjenester.",
        country="NO",
    )
    report = ingest_records(store, [case], origin="innlandet.yaml")
    assert report.ok, report.problems
    partners = {edge.source for edge in store.edges(RelType.PARTICIPATED_IN)}
    assert "organisation:vaaler-kommune-innlandet" in partners
    assert "organisation:vaaler-kommune-oestfold" not in partners
    (merge,) = [m for m in report.merged if m.name == "Våler kommune"]
    assert merge.node_id == "organisation:vaaler-kommune-innlandet"
    assert "context" in merge.reason and "Innlandet" in merge.reason


def test_the_text_alone_can_decide_an_ambiguous_name(store: EmbeddedStore) -> None:
    case = _case("no-vaaler", ["Våler kommune"], summary="Våler kommune i Østfold prøvde ut nye tjenester.")
    report = ingest_records(store, [case], origin="vaaler.yaml")
    assert report.ok, report.problems
    assert {e.source for e in store.edges(RelType.PARTICIPATED_IN)} == {"organisation:vaaler-kommune-oestfold"}


def test_an_ambiguous_name_without_context_is_refused_with_its_candidates(store: EmbeddedStore) -> None:
    report = ingest_records(store, [_case("no-vaaler", ["Våler kommune"])], origin="vaaler.yaml")
    (problem,) = report.problems
    assert problem.code == "ambiguous"
    assert "Våler kommune (Innlandet)" in problem.message and "Våler kommune (Østfold)" in problem.message
    assert not report.written


def test_a_possible_match_becomes_an_unconfirmed_node_and_is_reported(store: EmbeddedStore) -> None:
    report = ingest_records(store, [_case("se-mission", ["Stockholms stadsmission"], country="SE")], origin="a.yaml")
    assert report.ok, report.problems
    (possible,) = report.possible
    assert possible.name == "Stockholms stadsmission" and "organisation:stockholm-kommun" in possible.candidates[0]
    node = store.get(possible.node_id)
    assert node is not None and node.props["unconfirmed"] is True
    assert node.props["possible_matches"] == ["organisation:stockholm-kommun"]
    assert store.get("organisation:stockholm-kommun").props["name"] == "Stockholms stad"  # type: ignore[union-attr]


def test_strict_refuses_a_possible_match_and_writes_nothing(store: EmbeddedStore) -> None:
    report = ingest_records(
        store, [_case("se-mission", ["Stockholms stadsmission"], country="SE")], origin="a.yaml", strict=True
    )
    (problem,) = report.problems
    assert problem.code == "possible-match" and "Stockholms stad (organisation:stockholm-kommun" in problem.message
    assert not report.written and store.get("se-mission") is None


@pytest.mark.parametrize(
    ("name", "expected", "reason"),
    [
        ("Falu kommun", "organisation:falun-kommun", None),
        ("Falun kommun", "organisation:falun-kommun", "alias 'Falun kommun'"),
        ("Faluns kommun", "organisation:falun-kommun", "same name without its type words or genitive s"),
        ("Stokholms stad", "organisation:stockholm-kommun", "similar spelling"),
    ],
)
def test_a_registry_body_is_met_and_the_report_says_why(store: EmbeddedStore, name: str, expected: str, reason: str | None) -> None:
    report = ingest_records(store, [_case("se-a", [name], country="SE")], origin="a.yaml")
    assert report.ok, report.problems
    assert [e.source for e in store.edges(RelType.PARTICIPATED_IN)] == [expected]
    assert [key for key in report.created if key.startswith("organisation:")] == []
    if reason is None:
        assert report.merged == []
    else:
        (merge,) = report.merged
        assert merge.reason.startswith(reason)


def test_misspelt_methods_and_target_groups_meet_the_vocabulary(store: EmbeddedStore) -> None:
    case = {**_case("se-fokus", []), "language": "sv", "methods": ["Fokusgruper", "tjänstedesing"], "target_groups": ["Gymnasielever"]}
    report = ingest_records(store, [case], origin="a.yaml")
    assert report.ok, report.problems
    assert {e.target for e in store.edges(RelType.USED)} == {"method:focus-groups", "method:service-design"}
    assert {e.target for e in store.edges(RelType.TARGETS)} == {"target-group:upper-secondary-pupils"}
    assert {m.name for m in report.merged if m.reason.startswith("similar spelling")} == {"Fokusgruper", "tjänstedesing", "Gymnasielever"}
    assert report.created == ["se-fokus"]


def test_names_with_other_numbers_never_meet_by_spelling(store: EmbeddedStore) -> None:
    cases = [_case(f"se-bydel-{n}", [f"Stadsdel {n} förvaltning"], country="SE") for n in (4, 14, 41)]
    report = ingest_records(store, cases, origin="a.yaml")
    assert report.ok, report.problems
    assert len({e.source for e in store.edges(RelType.PARTICIPATED_IN)}) == 3
    assert report.merged == [] and report.possible == []


@pytest.fixture(scope="module")
def registry() -> Matcher:
    """The matcher over the whole vocabulary, as an ingest builds it."""
    vocabulary = load_vocabulary()
    return Matcher(vocabulary.nodes, vocabulary.edges)


def _municipalities() -> list[tuple[Node, str]]:
    """Every municipality place with the registry municipality located in it."""
    vocabulary = load_vocabulary()
    nodes = {node.id: node for node in vocabulary.nodes}
    return [
        (nodes[edge.target], edge.source)
        for edge in vocabulary.edges
        if edge.type is RelType.LOCATED_IN
        and nodes[edge.source].props.get("org_type") == "municipality"
        and "code" in nodes[edge.source].props
        and nodes[edge.target].props.get("kind") == "municipality"
    ]


@pytest.mark.parametrize("form", ["City of {}", "{} Municipality", "Municipality of {}"])
def test_english_forms_of_every_municipality_meet_it_and_no_other_body(registry: Matcher, form: str) -> None:
    wrong, missed = [], []
    municipalities = _municipalities()
    assert len(municipalities) == 290 - 1 + 357 + 98  # Gotland is Region Gotland
    for place, body in municipalities:
        country = str(place.props["country"])
        for name in [str(place.props["name"]), *place.props.get("aliases", [])]:  # type: ignore[misc]
            found = registry.resolve(NodeType.ORGANISATION, form.format(name), Context(country=country))
            chosen = found.chosen.node_id if found.chosen else None
            if chosen not in (None, body):
                wrong.append((form.format(name), chosen, body))
            elif chosen is None and "(" not in name and not found.is_ambiguous:  # Våler, Herøy: two bodies
                missed.append(form.format(name))
    assert wrong == []
    assert missed == []


def test_english_names_of_county_authorities_and_reversed_regions_meet_their_body(registry: Matcher) -> None:
    bodies = [n for n in registry.nodes.values() if n.props.get("org_type") in {"county", "region"} and "code" in n.props]
    forms = {
        f"{n.label.removesuffix(' fylkeskommune')} County Council": n.id
        for n in bodies
        if n.props["country"] == "NO"
    } | {
        f"{n.label.removeprefix('Region ')} Region": n.id
        for n in bodies
        if n.props["country"] in {"SE", "DK"} and n.label.startswith("Region ") and not n.label.endswith(" län")
    }
    assert len(forms) > 25
    met = {name: registry.resolve(NodeType.ORGANISATION, name).chosen for name in forms}
    assert {name: chosen.node_id if chosen else None for name, chosen in met.items()} == forms


def test_a_former_name_links_the_successor_with_a_notice(store: EmbeddedStore) -> None:
    case = _case("no-skedsmo", ["Skedsmo kommune", "Nærøy kommune"], country="NO")
    report = ingest_records(store, [case], origin="gamle.yaml")
    assert report.ok, report.problems
    partners = {edge.source for edge in store.edges(RelType.PARTICIPATED_IN)}
    assert partners == {"organisation:lillestroem-kommune", "organisation:naeroeysund-kommune"}
    assert [key for key in report.created if key.startswith("organisation:")] == []
    notices = [(n.path, n.code) for n in report.notices]
    assert notices == [("cases[0].organisations[0].name", FORMER_NAME), ("cases[0].organisations[1].name", FORMER_NAME)]
    assert "Lillestrøm kommune (organisation:lillestroem-kommune)" in report.notices[0].message
    assert report.to_json()["notices"][1]["message"].startswith("'Nærøy kommune' is the former name")
    assert {m.reason for m in report.merged} == {"former name 'Skedsmo kommune'", "former name 'Nærøy kommune'"}


def test_a_bare_former_name_never_meets_the_successor(store: EmbeddedStore) -> None:
    report = ingest_records(store, [_case("no-aker", ["Aker"], country="NO")], origin="aker.yaml")
    assert report.ok, report.problems
    assert {e.source for e in store.edges(RelType.PARTICIPATED_IN)} == {"organisation:aker"}
    assert report.notices == [] and report.merged == []


def test_a_former_name_in_use_by_another_body_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    folder.mkdir()
    for path in (DATA_DIR / "reference").glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    with (folder / "former_names.csv").open("a", encoding="utf-8") as handle:
        handle.write("NO,4624,Os,2019,no-reform-2020\n")  # Hordaland's Os; Innlandet has an Os today
    with pytest.raises(IngestError, match=r"former_names.csv: 'Os kommune' of organisation:bjoernafjorden-kommune"):
        load_reference(folder)
