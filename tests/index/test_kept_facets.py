"""The case facets are kept in the store, so the next process reads them and only the cases changed since."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import numpy as np

from graph.model import Batch, Node, NodeType
from graph.ranking.facets import CaseFacets
from graph.ranking.filters import CaseFilter
from graph.ranking.stored import FACETS, StoredCaseSource
from graph.ranking.worker import embed_all
from graph.store import GraphStore
from tests.index.conftest import WordHashEmbedder, load_samples


def _same(found: CaseFacets, fresh: CaseFacets) -> None:
    assert found.ids == fresh.ids and found.counts() == fresh.counts()
    for case_filter in (None, CaseFilter(countries=("NO",)), CaseFilter(languages=("sv",), year_from=2018)):
        assert found.ordered(case_filter) == fresh.ordered(case_filter)


def test_built_facets_are_kept_at_their_revision(store: GraphStore, embedder: WordHashEmbedder) -> None:
    load_samples(store)
    source = StoredCaseSource(store, embedder)
    facets = source.facets()
    kept = store.derived(FACETS)
    assert kept is not None and kept[0] == store.revision()
    _same(CaseFacets.decode(kept[1]), facets)


def test_a_new_source_starts_from_the_kept_facets_and_reads_the_cases_changed_since(
    store: GraphStore, open_at: Callable[[], GraphStore], embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    first, changed = sorted(node.id for node in store.find(NodeType.CASE))[:2]
    source = StoredCaseSource(store, embedder)
    docs = source.documents(source.all_case_ids())
    # keep facets in which one case has a country no store holds: a source that shows it read the kept facets
    marked = dataclasses.replace(docs[first], case=Node(first, NodeType.CASE, {**docs[first].case.props, "country": "XX"}))
    store.put_derived(FACETS, store.revision(), CaseFacets.of([marked, *(doc for doc in docs.values() if doc.id != first)]).encode())
    writer = open_at()
    writer.upsert(Batch(nodes=(Node(changed, NodeType.CASE, {"year": 1990, "country": "DK"}),)))
    writer.upsert(Batch(nodes=(Node("se-helt-nytt", NodeType.CASE, {"title": "Ett nytt fall", "country": "SE"}),)))
    facets = StoredCaseSource(open_at(), embedder).facets()
    assert facets.ordered(CaseFilter(countries=("XX",))) == [first]
    assert changed in facets.ordered(CaseFilter(countries=("DK",), year_to=1990))
    assert "se-helt-nytt" in facets.ids and len(facets) == len(docs) + 1


def test_unreadable_kept_facets_are_built_anew_and_kept_again(
    store: GraphStore, open_at: Callable[[], GraphStore], embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    store.put_derived(FACETS, store.revision(), b"\x00 not facets")
    facets = StoredCaseSource(open_at(), embedder).facets()
    _same(facets, CaseFacets.of(StoredCaseSource(store, embedder).documents(sorted(n.id for n in store.find(NodeType.CASE))).values()))
    kept = store.derived(FACETS)
    assert kept is not None and CaseFacets.decode(kept[1]).ids == facets.ids


def test_keep_facets_keeps_what_the_source_followed_since(
    store: GraphStore, embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    source = StoredCaseSource(store, embedder)
    source.facets()
    store.upsert(Batch(nodes=(Node("se-helt-nytt", NodeType.CASE, {"title": "Ett nytt fall", "year": 2030}),)))
    source.facets()
    source.keep_facets()
    kept = store.derived(FACETS)
    assert kept is not None and kept[0] == store.revision()
    assert CaseFacets.decode(kept[1]).ids[0] == "se-helt-nytt"


def test_a_new_source_reads_the_kept_language_centres(
    store: GraphStore, open_at: Callable[[], GraphStore], embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    embed_all(store, embedder)
    centres = StoredCaseSource(store, embedder).centres()
    name = f"search.language-centres.{embedder.model}"
    kept = store.derived(name)
    assert kept is not None and kept[0] == store.revision()
    found = StoredCaseSource(open_at(), embedder).centres()
    assert found.keys() == centres.keys() and all(np.array_equal(found[k], centres[k]) for k in centres)
    # kept centres a source can tell apart from computed ones are the ones it uses
    marked = {language: np.roll(vector, 1) for language, vector in centres.items()}
    store.put_derived(name, store.revision(), json.dumps({
        "cases": json.loads(kept[1])["cases"], "vectors": 1, "centres": {k: v.tolist() for k, v in marked.items()}}).encode())
    assert all(np.array_equal(StoredCaseSource(open_at(), embedder).centres()[k], marked[k]) for k in marked)
    store.put_derived(name, store.revision(), b"[not centres")
    found = StoredCaseSource(open_at(), embedder).centres()
    assert all(np.array_equal(found[k], centres[k]) for k in centres)
