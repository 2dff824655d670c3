"""Honest confidence on the sample data: problems nobody worked on say so; problems with a known case do not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.backends.embedded import EmbeddedStore
from graph.ranking import Confidence, prior_work
from ingest.run import ingest_paths
from ingest.vocabulary import DATA_DIR
from tests.conftest import embed

NOBODY_WORKED_ON = [
    "Asfalten på parkeringsplatsen vid simhallen har spruckit och vi behöver välja en ny beläggning.",
    "Bøndene i kommunen ønsker et nytt system for å melde fra om rovdyr som tar sau på beite.",
    "Kommunens tandlægebusser skal udskiftes, og vi skal vælge mellem el og biogas.",
    "Skulle vi selje det gamle rådhuset eller byggje det om til hotell?",
    "We need a new booking system for the municipal tennis courts and the sauna by the lake.",
]
KNOWN = {
    "Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande": "no-trondelag-novari-utdanningsvalg",
    "Barn i familjehem behöver bli lyssnade på när de placeras hos en ny familj": "se-borlange-familjehem-barnperspektiv",
    "Mange elever har høyt fravær og blir borte fra skolen i lange perioder, og vi vil sette inn tiltak tidlig.":
        "no-sunnfjord-langtidsfravaer",
    "Ledige borgere oplever mødet med jobcentret som svært, og vi vil høre, hvordan de oplever det.":
        "dk-viborg-jobcenter-borgerpanel-2017",
    "Unga som varken arbetar eller studerar behöver samordnat stöd från kommunen och arbetsförmedlingen.":
        "se-fryshuset-4uvas-2021",
}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(tmp_path_factory.mktemp("confidence") / "s.db") as store:
        assert ingest_paths(store, [DATA_DIR / "samples"]).ok
        embed(store)
        yield store


@pytest.mark.parametrize("problem", NOBODY_WORKED_ON)
def test_a_problem_nobody_worked_on_comes_back_as_no_match(samples: EmbeddedStore, problem: str) -> None:
    found = prior_work(samples, problem, top=5)
    assert found.is_no_match and found.strong == 0
    assert found.hits and all(hit.confidence is not Confidence.STRONG for hit in found.hits)


@pytest.mark.parametrize(("problem", "case_id"), KNOWN.items())
def test_a_problem_with_a_known_case_finds_it_strongly(samples: EmbeddedStore, problem: str, case_id: str) -> None:
    found = prior_work(samples, problem, top=5)
    assert not found.is_no_match and found.strong >= 1
    strong = [hit.case.id for hit in found.hits if hit.confidence is Confidence.STRONG]
    assert case_id in [hit.case.id for hit in found.hits[:3]] and strong
