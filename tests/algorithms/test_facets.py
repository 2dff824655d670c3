"""Facets changed case by case answer exactly as facets built anew from the same cases."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest

from graph.model import Node, NodeType
from graph.ranking.documents import CaseDoc, Link
from graph.ranking.facets import CaseFacets, by_language
from graph.ranking.filters import CaseFilter

TOPICS = [Node(f"topic:{name}", NodeType.TOPIC, {"name": name}) for name in ("school", "care", "work", "housing")]
FILTERS = [
    None,
    CaseFilter(countries=("SE", "NO")),
    CaseFilter(languages=("da",), year_from=2015),
    CaseFilter(statuses=("completed",)),
    CaseFilter(topics=("topic:school", "topic:care")),
    CaseFilter(topics=("topic:work",), countries=("DK",), year_to=2020),
    CaseFilter(year_from=2012, year_to=2018),
]


def _doc(case_id: str, rng: random.Random) -> CaseDoc:
    props: dict[str, object] = {"title": case_id, "country": rng.choice(["SE", "NO", "DK"]),
                                "language": rng.choice(["sv", "nb", "da", "en"])}
    if rng.random() < 0.8:
        props["year"] = rng.randint(2005, 2025)
    if rng.random() < 0.5:
        props["status"] = rng.choice(["completed", "ongoing"])
    links = tuple(Link(topic, case_id) for topic in TOPICS if rng.random() < 0.4)
    return CaseDoc(Node(case_id, NodeType.CASE, props), (), links)


def _same(changed: CaseFacets, built: CaseFacets) -> None:
    assert changed.ids == built.ids and changed.keys == built.keys and len(changed) == len(built)
    for case_filter in FILTERS:
        assert np.array_equal(changed.mask(case_filter), built.mask(case_filter))
        assert changed.ordered(case_filter) == built.ordered(case_filter)
    assert list(changed.by_language().items()) == list(built.by_language().items())
    assert changed.counts() == built.counts()
    assert [changed.key_of(case_id) for case_id in built.ids] == built.keys
    assert changed.start_after(built.keys[len(built.keys) // 2]) == built.start_after(built.keys[len(built.keys) // 2])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_facets_changed_one_write_at_a_time_equal_facets_built_anew(seed: int) -> None:
    rng = random.Random(seed)
    docs = {f"case-{i:03d}": _doc(f"case-{i:03d}", rng) for i in range(200)}
    facets = CaseFacets.of(docs.values())
    for step in range(60):
        written = [_doc(rng.choice([*docs, f"new-{step}"]), rng) for _ in range(rng.randint(1, 3))]
        removed = {rng.choice(list(docs))} if step % 4 == 0 else set()
        for case_id in removed:
            docs.pop(case_id)
        docs.update((doc.id, doc) for doc in written)
        facets = facets.updated(written, removed)
        _same(facets, CaseFacets.of(docs.values()))
    assert by_language(doc.case for doc in docs.values()) == facets.by_language()


def test_readers_keep_the_facets_they_hold_while_a_write_makes_new_ones() -> None:
    rng = random.Random(7)
    docs = [_doc(f"case-{i}", rng) for i in range(50)]
    before = CaseFacets.of(docs)
    held = (list(before.ids), before.ordered(FILTERS[4]), before.counts())
    before.updated([_doc("case-1", rng), _doc("case-new", rng)], {"case-2"})
    assert (before.ids, before.ordered(FILTERS[4]), before.counts()) == held


@pytest.mark.parametrize("seed", [4, 5])
def test_facets_read_back_from_their_bytes_answer_as_the_facets_written(seed: int) -> None:
    rng = random.Random(seed)
    docs = [_doc(f"case-{i:03d}", rng) for i in range(150)]
    facets = CaseFacets.of(docs).updated([_doc("case-007", rng), _doc("new-case", rng)], {"case-010"})
    _same(CaseFacets.decode(facets.encode()), facets)


@pytest.mark.parametrize(
    "data",
    [b"", b"not compressed", zlib.compress(b"[1, 2]"), zlib.compress(b'{"format": 99, "links": [], "rows": []}'),
     zlib.compress(b'{"format": 1, "links": [], "rows": [["a", "SE", "sv", "", 2020, "7979", [3]]]}'),
     zlib.compress(b'{"format": 1, "links": [], "rows": [["a", "SE", 5, "", "2020", "7979", []]]}')],
)
def test_bytes_that_are_not_encoded_facets_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        CaseFacets.decode(data)
