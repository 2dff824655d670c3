"""The analysers: language guess, stop words, stemming and Scandinavian folding, per language."""

from __future__ import annotations

import pytest

from graph.algorithms.text import analyse, fold_term, guess_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Vi vill förstå hur eleverna upplever övergången till gymnasiet", "sv"),
        ("Vi vil forstå hvordan elevene opplever overgangen til videregående", "nb"),
        ("Vi vil forstå korleis elevane opplever overgangen til vidaregåande", "nn"),
        ("Vi vil gerne forstå, hvordan eleverne oplever overgangen til ungdomsuddannelsen", "da"),
        ("We want to understand how pupils experience the move to upper secondary school", "en"),
    ],
)
def test_guess_language(text: str, lang: str) -> None:
    assert guess_language(text) == lang


@pytest.mark.parametrize(
    ("text", "lang", "terms"),
    [
        ("Eleverna behöver stöd", "sv", ["elev", "behov", "stod"]),
        ("Elevene trenger støtte", "nb", ["elev", "treng", "stott"]),
        ("Elevane treng støtte", "nn", ["elev", "treng", "stott"]),
        ("Eleverne har brug for støtte", "da", ["elev", "brug", "stot"]),
        ("The pupils need support", "en", ["pupil", "need", "support"]),
    ],
)
def test_analyse_stems_folds_and_drops_stop_words(text: str, lang: str, terms: list[str]) -> None:
    assert analyse(text, lang) == terms


def test_spelling_variants_meet() -> None:
    assert fold_term("rådgivning") == fold_term("raadgivning") == "radgivning"
    assert analyse("Trøndelag", "nb") == analyse("Tröndelag", "sv")


def test_analyse_is_deterministic_and_ignores_numbers_and_punctuation() -> None:
    text = "Skolnärvaro 2018: (nyanlända) elever, elever!"
    assert analyse(text, "sv") == analyse(text, "sv") == ["skolnarvaro", "nyanland", "elev", "elev"]


def test_stemming_is_safe_from_many_threads() -> None:
    import threading

    from graph.algorithms.text import _stem

    words = ["elevene", "skolefravær", "rådgivningstjenesten", "utdanningsprogrammene", "arbeidssøkere"] * 300
    expected = {word: _stem.__wrapped__(word, "nb") for word in words}
    wrong: list[str] = []

    def stem_all() -> None:
        wrong.extend(word for word in words if _stem.__wrapped__(word, "nb") != expected[word])

    threads = [threading.Thread(target=stem_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
