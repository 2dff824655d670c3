"""Words as the ranking reads them: languages told apart, common words weightless, stop words dropped."""

from __future__ import annotations

import pytest

from graph.ranking.language import LONG_TEXT, detect_language, is_stop_word, lemmas, rarity, terms


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ensomhed blandt ældre borgere, der bor alene i eget hjem", "da"),
        ("Ensomhet blant eldre innbyggere som bor alene hjemme", "nb"),
        ("Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande", "nn"),
        ("Ensamhet bland äldre invånare som bor ensamma hemma", "sv"),
        ("Loneliness among older residents who live alone at home", "en"),
    ],
)
def test_the_five_languages_are_told_apart(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(("word", "lang"), [("tid", "sv"), ("gjøre", "nb"), ("lang", "nb"), ("kommune", "da"), ("people", "en")])
def test_common_words_weigh_nothing(word: str, lang: str) -> None:
    assert rarity(word, lang) == 0.0


def test_rare_words_weigh_and_stop_words_are_dropped() -> None:
    assert rarity("snöröjning", "sv") > 1.5
    assert is_stop_word("och", "sv") and is_stop_word("ikke", "nb") and is_stop_word("ikke", "da")
    assert lemmas("Och de äldre i kommunen", "sv") == ["gammal", "kommun"]


def test_spellings_meet_across_the_scandinavian_languages() -> None:
    assert lemmas("rådgivning", "sv") == lemmas("rådgivning", "nb") == ["radgivning"]
    assert [term.word for term in terms("Skolmåltider för alla elever", "sv")] == ["Skolmåltider", "elever"]


@pytest.mark.parametrize(("name", "lang"), [("Ensomme eldre", "nb"), ("Ensamma äldre", "sv")])
def test_short_texts_get_the_full_detector_and_long_ones_the_fast_one(name: str, lang: str) -> None:
    long = " ".join([name] * (LONG_TEXT // len(name) + 1))
    assert len(name) < LONG_TEXT <= len(long)
    assert detect_language(name) == detect_language(long) == lang
