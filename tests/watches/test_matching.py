"""Matching after writes: a watch in Swedish hears of a Norwegian case on the same need, and of nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.watches.service import WatchService
from api.watches.store import Sensitivity, WatchStore
from graph.backends import open_store
from graph.ranking.embedding import default_embedder
from tests.watches.conftest import SAME_NEED_NB, UNRELATED_DA, WATCHED_PROBLEM_SV, add_case


def _service(store_path: Path, watches: WatchStore) -> WatchService:
    store = open_store(store_path)
    return WatchService(watches, lambda: store, default_embedder(), allow_private_targets=False)


def test_a_case_on_the_watched_need_matches_and_an_unrelated_one_does_not(samples: Path, tmp_path: Path) -> None:
    watches = WatchStore(tmp_path / "watches.db")
    service = _service(samples, watches)
    assert service.match_once() == []  # the first run only notes where matching starts
    watch = watches.create(owner="intake", problem=WATCHED_PROBLEM_SV, sensitivity=Sensitivity.POSSIBLE)

    with open_store(samples) as store:
        add_case(store, SAME_NEED_NB)
        add_case(store, UNRELATED_DA)
    found = service.match_once()

    assert [(match.watch_id, match.case_id) for match in found] == [(watch.id, SAME_NEED_NB["id"])]
    assert found[0].confidence in ("strong", "possible")
    assert any("“" in reason for reason in found[0].reasons), found[0].reasons  # a quoted sentence pair
    assert service.match_once() == []  # nothing new since


def test_paused_and_strict_watches_stay_quiet(samples: Path, tmp_path: Path) -> None:
    watches = WatchStore(tmp_path / "watches.db")
    service = _service(samples, watches)
    service.match_once()
    paused = watches.create(owner="a", problem=WATCHED_PROBLEM_SV, sensitivity=Sensitivity.WEAK)
    watches.set_paused(paused.id, owner="a", paused=True)
    unrelated = watches.create(
        owner="b", problem="Snöröjning av cykelvägar tidigt på morgonen", sensitivity=Sensitivity.STRONG
    )

    with open_store(samples) as store:
        add_case(store, SAME_NEED_NB)
    found = service.match_once()

    assert paused.id not in {match.watch_id for match in found}
    assert unrelated.id not in {match.watch_id for match in found}


@pytest.mark.parametrize("sensitivity", list(Sensitivity))
def test_sensitivity_orders_the_confidence_bands(sensitivity: Sensitivity) -> None:
    accepted = [level for level in ("strong", "possible", "weak") if sensitivity.accepts(level)]
    assert accepted == ["strong", "possible", "weak"][: list(Sensitivity).index(sensitivity) + 1]


def test_a_case_is_reported_again_only_when_what_it_says_changes(samples: Path, tmp_path: Path) -> None:
    watches = WatchStore(tmp_path / "watches.db")
    service = _service(samples, watches)
    service.match_once()
    watch = watches.create(owner="intake", problem=WATCHED_PROBLEM_SV, sensitivity=Sensitivity.WEAK)
    with open_store(samples) as store:
        add_case(store, SAME_NEED_NB)
        first = service.match_once()
        add_case(store, {**SAME_NEED_NB, "year": 2027})  # new properties, the same words
        assert service.match_once() == []
        add_case(store, {**SAME_NEED_NB, "summary": SAME_NEED_NB["summary"] + " Foreldrene intervjues også."})
        again = service.match_once()
    assert [m.case_id for m in first] == [m.case_id for m in again] == [SAME_NEED_NB["id"]]
    assert first[0].id != again[0].id
    assert len(watches.matches(watch.id)) == 2
