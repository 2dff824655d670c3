"""Concept mapping on the real vocabulary: free text in five languages names the same concepts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.algorithms.ranking import RankingIndex, index_for
from graph.algorithms.text import analyse, glued
from graph.backends.embedded import EmbeddedStore
from ingest.run import ingest_paths
from ingest.vocabulary import DATA_DIR


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RankingIndex]:
    path: Path = tmp_path_factory.mktemp("concepts") / "s.db"
    with EmbeddedStore(path) as store:
        assert ingest_paths(store, [DATA_DIR / "samples"]).ok
        yield index_for(store)


def concepts(index: RankingIndex, text: str, lang: str) -> set[str]:
    words = glued(text, lang)
    pairs = {(first[0], second[0]) for first, second in zip(words, words[1:])}
    return set(index.concepts_in(index.expand(analyse(text, lang)), pairs))


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mange elever faller fra i videregående skole", "nb"),
        ("Mange elevar fell frå i vidaregåande skule", "nn"),
        ("Många elever hoppar av gymnasiet", "sv"),
        ("Mange elever falder fra på ungdomsuddannelserne", "da"),
        ("Many pupils drop out of upper secondary school", "en"),
    ],
)
def test_dropout_is_recognised_in_every_language(index: RankingIndex, text: str, lang: str) -> None:
    assert "topic:dropout" in concepts(index, text, lang)


def test_methods_and_organisations_are_recognised(index: RankingIndex) -> None:
    found = concepts(index, "Vi vil bruke tjenestedesign og fokusgrupper sammen med Novari IKS", "nb")
    assert {"method:service-design", "method:focus-groups"} <= found
    assert any(concept.startswith("organisation:novari") for concept in found)


def test_glue_words_keep_phrases_apart(index: RankingIndex) -> None:
    assert "topic:dropout" not in concepts(index, "Det gjelder i alle fall elever fra Bergen", "nb")


def test_short_words_do_not_name_organisations(index: RankingIndex) -> None:
    found = concepts(index, "Barn som ikke kan bo hos foreldrene, ta imot dem", "nb")
    assert not any(concept.startswith("organisation:") for concept in found)


def test_rarer_concepts_weigh_more(index: RankingIndex) -> None:
    assert index.concept_weight("topic:dropout") > index.concept_weight("target-group:pupils")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Elevane vel feil utdanningsprogram", "nn"),
        ("Mange elever velger feil", "nb"),
        ("Eleverna väljer fel program", "sv"),
        ("Eleverne vælger forkert", "da"),
    ],
)
def test_wrong_choices_of_education_are_recognised(index: RankingIndex, text: str, lang: str) -> None:
    assert "topic:choice-of-education" in concepts(index, text, lang)
