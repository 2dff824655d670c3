"""The shared ranking on a small hand-made graph: concepts across languages, reasons, filters, determinism."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.algorithms.ranking import CaseFilter, filter_cases, prior_work, related_cases, search, similar_needs
from graph.backends.embedded import EmbeddedStore
from graph.model import Batch, Edge, Node, NodeType, RelType

T, C, M, N = NodeType.TARGET_GROUP, NodeType.CASE, NodeType.METHOD, NodeType.NEED


def _graph() -> Batch:
    nodes = [
        Node("target-group:foster-children", T, {"name": "Children in foster care", "label_sv": "Familjehemsplacerade barn",
                                                  "label_nb": "Fosterbarn", "aliases": ["barn i fosterhjem"]}),
        Node("target-group:job-seekers", T, {"name": "Job seekers", "label_sv": "Arbetssökande", "label_nb": "Arbeidssøkere"}),
        Node("method:interviews", M, {"name": "Interviews", "label_sv": "Intervjuer", "label_nb": "Intervjuer"}),
        Node("se-foster", C, {"title": "Familjehemsvård ur barnens perspektiv", "language": "sv", "country": "SE", "year": 2016,
                              "summary": "Kommunen intervjuade barn som bor i familjehem."}),
        Node("no-foster-follow", C, {"title": "Oppfølging av fosterforeldre", "language": "nb", "country": "NO", "year": 2023}),
        Node("se-jobs", C, {"title": "Arbetssökandes förtroende", "language": "sv", "country": "SE", "year": 2013,
                            "summary": "Intervjuer med arbetssökande om mötet med myndigheten."}),
        Node("dk-other", C, {"title": "Parkering i bykernen", "language": "da", "country": "DK", "year": 2020}),
        Node("need:children-heard", N, {"text": "Barnen vill bli lyssnade på när de flyttar till ett familjehem", "language": "sv"}),
    ]
    edges = [
        Edge("se-foster", RelType.TARGETS, "target-group:foster-children", "se-foster"),
        Edge("se-foster", RelType.USED, "method:interviews", "se-foster"),
        Edge("se-foster", RelType.ADDRESSES, "need:children-heard", "se-foster"),
        Edge("need:children-heard", RelType.OF, "target-group:foster-children", "se-foster"),
        Edge("no-foster-follow", RelType.ADDRESSES, "need:children-heard", "no-foster-follow"),
        Edge("se-jobs", RelType.TARGETS, "target-group:job-seekers", "se-jobs"),
        Edge("se-jobs", RelType.USED, "method:interviews", "se-jobs"),
    ]
    return Batch(nodes=tuple(nodes), edges=tuple(edges))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(tmp_path / "r.db") as opened:
        opened.upsert(_graph())
        yield opened


def test_norwegian_problem_finds_swedish_case_through_a_concept(store: EmbeddedStore) -> None:
    ranked = prior_work(store, "Vi vil lytte til fosterbarn og forstå hva de trenger")
    assert [hit.case.id for hit in ranked][2:] == ["se-jobs"]  # only through the graph: it shares a method
    assert {reason.kind for reason in ranked[2].reasons} == {"graph"}
    hits = {hit.case.id: hit for hit in ranked}
    kinds = {(r.kind, r.label) for r in hits["se-foster"].reasons}
    assert ("target_group", "Fosterbarn") in kinds
    assert hits["se-foster"].matched_terms == ("barn",)  # the compound "fosterbarn" split into foster + barn


def test_graph_signal_brings_in_a_case_sharing_a_need(store: EmbeddedStore) -> None:
    hits = prior_work(store, "Familjehemsplacerade barn ska bli lyssnade på")
    ids = [hit.case.id for hit in hits]
    assert ids.index("se-foster") < ids.index("no-foster-follow")
    follow = next(hit for hit in hits if hit.case.id == "no-foster-follow")
    assert any(reason.kind == "graph" for reason in follow.reasons)
    assert "dk-other" not in ids


def test_ranking_is_deterministic_and_sorted(store: EmbeddedStore) -> None:
    first = prior_work(store, "intervjuer med arbetssökande och barn")
    assert first == prior_work(store, "intervjuer med arbetssökande och barn")
    assert [h.score for h in first] == sorted((h.score for h in first), reverse=True)


def test_filters_restrict_the_hits(store: EmbeddedStore) -> None:
    hits = prior_work(store, "intervjuer", case_filter=CaseFilter(countries=("SE",), year_from=2015))
    assert [hit.case.id for hit in hits] == ["se-foster"]
    assert [n.id for n in filter_cases(store, CaseFilter(methods=("method:interviews",)))] == ["se-foster", "se-jobs"]
    assert [n.id for n in filter_cases(store, CaseFilter(text="arbetssökande"))] == ["se-jobs"]


def test_index_follows_writes(store: EmbeddedStore) -> None:
    assert prior_work(store, "parkering") and prior_work(store, "parkering")[0].case.id == "dk-other"
    store.delete("dk-other")
    assert prior_work(store, "parkering") == []


def test_related_similar_needs_and_search(store: EmbeddedStore) -> None:
    assert [h.case.id for h in related_cases(store, "se-foster")][:1] == ["no-foster-follow"]
    assert related_cases(store, "missing") == []
    (need,) = similar_needs(store, "barnen vill bli lyssnade på")
    assert need.need.id == "need:children-heard" and "lyssn" in need.matched_terms
    assert search(store, "Arbeidssokere", types=[T])[0].node.id == "target-group:job-seekers"
