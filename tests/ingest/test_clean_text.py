"""Clean text: NFC everywhere, invisible characters refused in ids and names, removed from free text with
a notice, and names mixing scripts refused as possible lookalikes. Each refusal writes nothing."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from graph.model import NodeType
from graph.store import GraphStore
from ingest.run import ingest_records

RLO = "\u202e"
ZERO_WIDTH_SPACE = "\u200b"
CYRILLIC_O = "\u043e"


def _case(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "id": "no-oslo-skolefravaer",
        "title": "Skolefravær i Oslo",
        "language": "nb",
        "country": "NO",
        "summary": "Oslo kommune kartla skolefravær sammen med elevene.",
        "organisations": [{"name": "Oslo kommune", "role": "owner"}],
        "needs": ["Elever med høyt fravær trenger tidlig oppfølging"],
    }
    return {**case, **changes}


def _snapshot(store: GraphStore) -> tuple[int, int]:
    return sum(1 for node_type in NodeType for _ in store.find(node_type)), sum(1 for _ in store.edges())


@pytest.fixture
def seeded(store: GraphStore) -> GraphStore:
    """A store holding one case, so that refusals can be seen to leave it as it was."""
    report = ingest_records(store, [_case()], origin="tests")
    assert report.written and report.ok, report.problems
    return store


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("title", f"Skolefravær i Oslo {RLO}gnidrofgæl", "cases[0].title"),
        ("title", f"Skole{ZERO_WIDTH_SPACE}fravær", "cases[0].title"),
        ("organisations", [{"name": f"Oslo{RLO} kommune", "role": "owner"}], "cases[0].organisations[0].name"),
        ("id", f"no-oslo-{ZERO_WIDTH_SPACE}ny", "cases[0].id"),
    ],
)
def test_invisible_characters_in_ids_and_names_are_refused(
    seeded: GraphStore, field: str, value: Any, path: str
) -> None:
    before = _snapshot(seeded)
    report = ingest_records(seeded, [_case(**{"id": "no-oslo-ny", field: value})], origin="tests")
    assert [(problem.path, problem.code) for problem in report.problems] == [(path, "hidden-characters")]
    assert "U+" in report.problems[0].message
    assert not report.written
    assert _snapshot(seeded) == before
    assert seeded.get("no-oslo-ny") is None


def test_invisible_characters_are_removed_from_free_text_with_a_notice(store: GraphStore) -> None:
    summary = f"Oslo kommune{ZERO_WIDTH_SPACE} kartla skolefravær {RLO}sammen med elevene."
    report = ingest_records(store, [_case(summary=summary)], origin="tests")
    assert report.written and report.ok, report.problems
    assert [(notice.path, notice.code) for notice in report.notices] == [
        ("cases[0].summary", "hidden-characters-stripped")
    ]
    case = store.get("no-oslo-skolefravaer")
    assert case is not None and case.props["summary"] == "Oslo kommune kartla skolefravær sammen med elevene."


def test_every_stored_string_is_nfc(store: GraphStore) -> None:
    decomposed = unicodedata.normalize("NFD", "Skolefravær på Grünerløkka")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    report = ingest_records(
        store,
        [_case(title=decomposed, organisations=[{"name": unicodedata.normalize("NFD", "Bærum kommune")}])],
        origin="tests",
    )
    assert report.written and report.ok, report.problems
    case = store.get("no-oslo-skolefravaer")
    assert case is not None and case.props["title"] == "Skolefravær på Grünerløkka"
    names = [node.props["name"] for node in store.find(NodeType.ORGANISATION, name="Bærum kommune")]
    assert names == ["Bærum kommune"]


def test_a_name_mixing_scripts_is_refused_as_a_lookalike_of_an_existing_body(seeded: GraphStore) -> None:
    before = _snapshot(seeded)
    lookalike = f"Oslo k{CYRILLIC_O}mmune"
    report = ingest_records(
        seeded, [_case(id="no-oslo-ny", organisations=[{"name": lookalike, "role": "owner"}])], origin="tests"
    )
    assert [(problem.path, problem.code) for problem in report.problems] == [
        ("cases[0].organisations[0].name", "mixed-script")
    ]
    assert "looks like the existing 'Oslo kommune'" in report.problems[0].message
    assert not report.written
    assert _snapshot(seeded) == before
