"""The shared ranking on a small hand-made graph with the real embedder: meaning across languages,
sentence evidence, inferred concepts, filters, determinism, writes, related cases, needs and search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.backends.embedded import EmbeddedStore
from graph.model import Batch, Edge, Node, NodeType, RelType
from graph.ranking import CaseFilter, ReasonKind, filter_cases, prior_work, related_cases, search, similar_needs
from graph.ranking.explain import explain

T, C, M, N = NodeType.TARGET_GROUP, NodeType.CASE, NodeType.METHOD, NodeType.NEED


def _graph() -> Batch:
    nodes = [
        Node("target-group:foster-children", T, {"name": "Children in foster care", "label_sv": "Familjehemsplacerade barn",
                                                  "label_nb": "Fosterbarn", "label_en": "Children in foster care",
                                                  "aliases": ["barn i fosterhjem"]}),
        Node("target-group:job-seekers", T, {"name": "Job seekers", "label_sv": "Arbetssökande", "label_nb": "Arbeidssøkere",
                                             "label_en": "Job seekers"}),
        Node("target-group:placed-kids", T, {"name": "barn som bor i familjehem"}),
        Node("method:interviews", M, {"name": "Interviews", "label_sv": "Intervjuer", "label_nb": "Intervjuer", "label_en": "Interviews"}),
        Node("se-foster", C, {"title": "Familjehemsvård ur barnens perspektiv", "language": "sv", "country": "SE", "year": 2016,
                              "summary": "Kommunen intervjuade barn som bor i familjehem. Barnen ville bli tillfrågade innan de flyttade."}),
        Node("no-foster-follow", C, {"title": "Oppfølging av fosterforeldre", "language": "nb", "country": "NO", "year": 2023,
                                     "summary": "Fosterforeldre får veiledning det første året."}),
        Node("se-jobs", C, {"title": "Arbetssökandes förtroende", "language": "sv", "country": "SE", "year": 2013,
                            "summary": "Intervjuer med arbetssökande om mötet med myndigheten."}),
        Node("dk-other", C, {"title": "Parkering i bykernen", "language": "da", "country": "DK", "year": 2020,
                             "summary": "Bilister leder længe efter en ledig parkeringsplads i centrum."}),
        Node("need:children-heard", N, {"text": "Barnen vill bli lyssnade på när de flyttar till ett familjehem", "language": "sv"}),
    ]
    edges = [
        Edge("se-foster", RelType.TARGETS, "target-group:placed-kids", "se-foster"),
        Edge("se-foster", RelType.USED, "method:interviews", "se-foster"),
        Edge("se-foster", RelType.ADDRESSES, "need:children-heard", "se-foster"),
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


def test_a_norwegian_problem_finds_the_swedish_case_by_meaning(store: EmbeddedStore) -> None:
    found = prior_work(store, "Vi vil lytte til fosterbarn før de flytter, og forstå hva de trenger.", lang="en")
    assert found.hits[0].case.id == "se-foster"
    main = found.hits[0].reasons[0]
    assert main.kind is ReasonKind.SENTENCE
    passages = {"Familjehemsvård ur barnens perspektiv", "Kommunen intervjuade barn som bor i familjehem.",
                "Barnen ville bli tillfrågade innan de flyttade.", "Barnen vill bli lyssnade på när de flyttar till ett familjehem"}
    assert main.label in passages and main.problem_part
    assert explain(main, "en").startswith(f"“{main.label}” — matches “")


def test_a_free_text_target_group_is_linked_to_the_vocabulary_as_inferred(store: EmbeddedStore) -> None:
    found = prior_work(store, "Fosterbarn skal bli hørt", lang="nb")
    hit = next(hit for hit in found.hits if hit.case.id == "se-foster")
    concept = next(r for r in hit.reasons if r.kind is ReasonKind.TARGET_GROUP)
    assert (concept.label, concept.is_inferred) == ("Fosterbarn", True)
    assert explain(concept, "nb") == "Målgruppe: Fosterbarn (utledet)"


def test_ranking_is_deterministic_and_sorted(store: EmbeddedStore) -> None:
    first = prior_work(store, "intervjuer med arbetssökande och barn")
    assert first == prior_work(store, "intervjuer med arbetssökande och barn")
    assert [h.score for h in first.hits] == sorted((h.score for h in first.hits), reverse=True)


def test_pages_follow_on_from_each_other(store: EmbeddedStore) -> None:
    whole = prior_work(store, "barn i familjehem", top=4)
    pages = [prior_work(store, "barn i familjehem", top=2, offset=offset).hits for offset in (0, 2)]
    assert [h.case.id for page in pages for h in page] == [h.case.id for h in whole.hits]
    assert whole.total == len(whole.hits) == 4


def test_filters_restrict_the_hits(store: EmbeddedStore) -> None:
    found = prior_work(store, "intervjuer", case_filter=CaseFilter(countries=("SE",), year_from=2015))
    assert [hit.case.id for hit in found.hits] == ["se-foster"]
    assert [n.id for n in filter_cases(store, CaseFilter(methods=("method:interviews",)))] == ["se-foster", "se-jobs"]
    assert [n.id for n in filter_cases(store, CaseFilter(text="arbetssökande"))] == ["se-jobs"]


def test_the_ranking_follows_writes(store: EmbeddedStore) -> None:
    assert prior_work(store, "parkering i bykernen").hits[0].case.id == "dk-other"
    store.delete("dk-other")
    assert "dk-other" not in {hit.case.id for hit in prior_work(store, "parkering i bykernen").hits}


def test_related_cases_similar_needs_and_search(store: EmbeddedStore) -> None:
    related = related_cases(store, "se-foster").hits
    assert related[0].case.id == "no-foster-follow" and "se-foster" not in {h.case.id for h in related}
    assert related_cases(store, "missing").hits == ()
    needs = similar_needs(store, "Barn som flyttar till fosterfamiljer vill att någon lyssnar på dem")
    assert needs[0].need.id == "need:children-heard"
    assert search(store, "Arbeidssokere", types=[T])[0].node.id == "target-group:job-seekers"
