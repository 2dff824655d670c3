"""The case facets a source keeps up to date through the change feed equal the facets read anew after the writes."""

from __future__ import annotations

from collections.abc import Callable

from graph.model import Batch, Edge, Node, NodeType, RelType
from graph.ranking.filters import CaseFilter
from graph.ranking.stored import StoredCaseSource
from graph.store import GraphStore
from tests.index.conftest import WordHashEmbedder, load_samples


def test_facets_followed_through_writes_equal_facets_read_anew(
    store: GraphStore, open_at: Callable[[], GraphStore], embedder: WordHashEmbedder
) -> None:
    load_samples(store)
    source = StoredCaseSource(store, embedder)
    source.facets()
    topic = next(iter(store.find(NodeType.TOPIC)))
    writer = open_at()
    first, second = source.all_case_ids()[:2]
    writer.upsert(Batch(nodes=(Node("se-new-case", NodeType.CASE, {"title": "Nytt fall", "language": "sv", "year": 2031,
                                                                     "country": "SE"}),),
                        edges=(Edge("se-new-case", RelType.ABOUT, topic.id, "se-new-case"),)))
    writer.upsert(Batch(nodes=(Node(first, NodeType.CASE, {"year": 1999, "status": "completed"}),)))
    writer.delete(second)
    followed = source.facets()
    fresh = StoredCaseSource(store, embedder).facets()
    assert followed.ids == fresh.ids and followed.counts() == fresh.counts()
    assert list(followed.by_language().items()) == list(fresh.by_language().items())
    for case_filter in (None, CaseFilter(topics=(topic.id,)), CaseFilter(countries=("SE",), year_from=2000)):
        assert followed.ordered(case_filter) == fresh.ordered(case_filter)
    assert "se-new-case" in followed.ordered(CaseFilter(topics=(topic.id,))) and second not in followed.ids
    assert followed.ids[0] == "se-new-case" and followed.key_of(first) == fresh.key_of(first)
