"""Interface texts: every text in every language, and the choice of language."""

from __future__ import annotations

import string

import pytest

from graph.model import NodeType, RelType, Role
from visualisation.i18n import UI_LANGUAGES, Texts, all_keys, choose_language


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", all_keys())
def test_every_text_exists_in_every_language_with_the_same_placeholders(key: str) -> None:
    texts = [Texts(lang)[key] for lang in UI_LANGUAGES]
    assert all(text.strip() for text in texts)
    assert len({frozenset(_placeholders(text)) for text in texts}) == 1


def test_every_node_type_relation_and_role_has_a_name() -> None:
    for lang in UI_LANGUAGES:
        texts = Texts(lang)
        assert all(texts.node_type(node_type) for node_type in NodeType)
        assert all(texts.relation(rel, {}) for rel in RelType)
        assert all(texts.relation(RelType.PARTICIPATED_IN, {"role": role.value}) for role in Role)


@pytest.mark.parametrize(
    ("requested", "header", "expected"),
    [
        ("sv", "nb-NO", "sv"),
        ("NB", None, "nb"),
        ("xx", "sv-SE,sv;q=0.9", "sv"),
        (None, "en-GB;q=0.5,en;q=0.8,nb;q=0.9", "nb"),
        (None, "nn-NO", "nn"),
        (None, "da-DK,da", "da"),
        (None, "no, en;q=0.5", "nb"),
        ("nn", "da", "nn"),
        ("DA", None, "da"),
        (None, "de-DE, fr;q=0.5", "en"),
        (None, "sv;q=0, en;q=0.2", "en"),
        (None, "sv;q=bogus, nb;q=0.4", "nb"),
        (None, None, "en"),
    ],
)
def test_language_comes_from_the_query_then_the_browser(
    requested: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(requested, header) == expected


def test_the_pages_are_written_in_all_five_languages() -> None:
    assert UI_LANGUAGES == ("sv", "nb", "nn", "da", "en")


@pytest.mark.parametrize(("lang", "neighbour"), [("nn", "nb"), ("da", "nb"), ("da", "sv")])
def test_each_language_is_its_own_not_a_copy_of_a_neighbour(lang: str, neighbour: str) -> None:
    keys = [key for key in all_keys() if not key.startswith(("language.", "site.name"))]
    same = [key for key in keys if Texts(lang)[key] == Texts(neighbour)[key]]
    assert len(same) < len(keys) / 2, same


def test_unknown_interface_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no texts"):
        Texts("de")
