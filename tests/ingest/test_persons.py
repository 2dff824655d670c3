"""Person names in drafted text: found by their place in the sentence, replaced in the draft's language."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.backends.embedded import EmbeddedStore
from graph.model import LANGUAGES
from ingest.draft import _known_names
from ingest.persons import PLACEHOLDERS, REDACTION_NOTES, find_person_names, redaction_note
from ingest.resolve import Resolver
from ingest.vocabulary import load_vocabulary


@pytest.fixture(scope="module")
def is_known() -> Callable[[str], bool]:
    vocabulary = load_vocabulary()
    with EmbeddedStore(":memory:") as store:
        resolver = Resolver(store, vocabulary.nodes, set())
    return _known_names(vocabulary.nodes, resolver.index)


def test_every_language_has_a_placeholder_and_a_note() -> None:
    assert set(PLACEHOLDERS) == set(REDACTION_NOTES) == set(LANGUAGES)
    for lang in LANGUAGES:
        note = redaction_note(3, lang)
        assert PLACEHOLDERS[lang] in note and "3" in note


@pytest.mark.parametrize(
    ("lang", "paragraphs", "names"),
    [
        ("da", ["Vi bruger servicedesign, forklarer Anne Schødts Nielsen, udviklingschef i Kolding Kommune."],
         {"Anne Schødts Nielsen"}),
        ("nb", ["Prosjektgruppen (f.v.): Kari Nordmann Haugen, rådgiver i Buskerud fylkeskommune, og Ola Brekke.",
                "Foto: Sverre Chr. Jarild"], {"Kari Nordmann Haugen", "Ola Brekke", "Sverre Chr. Jarild"}),
        ("sv", ["Från Ängelholms kommun kom Elna Nilsson och Ann-Louise Bajlum Rubin.", "Sidansvarig", "Matilda Hjalmar"],
         {"Elna Nilsson", "Ann-Louise Bajlum Rubin", "Matilda Hjalmar"}),
        ("nn", ["– Vi må lytte til elevane, seier Ingrid Solheim (17)."], {"Ingrid Solheim"}),
        ("en", ["Nobody knew, says Jane Whitfield, a caseworker at Bergen kommune."], {"Jane Whitfield"}),
    ],
)
def test_names_beside_a_verb_of_saying_a_role_a_body_or_a_caption_are_found(
    is_known: Callable[[str], bool], lang: str, paragraphs: list[str], names: set[str]
) -> None:
    assert find_person_names(paragraphs, is_known=is_known, lang=lang).names == names


def test_a_given_name_alone_is_redacted_once_the_full_name_is_known(is_known: Callable[[str], bool]) -> None:
    found = find_person_names(
        ["Utbildningen genomförs av Nicolina Fransson, strateg på Kommunförbundet Skåne.", "– Det gick bra, säger Nicolina."],
        is_known=is_known,
        lang="sv",
    )
    assert found.redact("– Det gick bra, säger Nicolina. Nicolinas kurs var lång.", "sv") == (
        "– Det gick bra, säger [namn]. [namn] kurs var lång.",
        2,
    )


@pytest.mark.parametrize(
    ("lang", "paragraph"),
    [
        ("nb", "Røde Kors i Oslo og Norsk Vann samarbeider med Trøndelag fylkeskommune og Novari IKS om Veikart for tjenesteinnovasjon."),
        ("sv", "Konceptet vann The Service Design Award, och Sveriges Kommuner och Regioner lyfte Förändra radikalt."),
        ("sv", "Presentation Bromölla"),
        ("da", "Syddansk Universitet og Danske Beredskaber arbejder i Region Syddanmark med servicedesign."),
        ("sv", "Den 4:e maj hölls utbildningen i Medborgarhuset i Eslöv, säger Region Skåne."),
    ],
)
def test_bodies_places_and_method_names_are_not_taken_for_persons(
    is_known: Callable[[str], bool], lang: str, paragraph: str
) -> None:
    found = find_person_names([paragraph], is_known=is_known, lang=lang)
    assert found.names == frozenset() and found.redact(paragraph, lang) == (paragraph, 0)
