"""Stored vectors and the candidate queries (`nearest`, `text_matches`): every backend runs these tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from graph.errors import Conflict
from graph.model import Batch, Node, NodeType
from graph.store import GraphStore
from graph.vectors import StoredVectors
from tests.contract.test_store_contract import CASE, INTERVIEWS, OTHER_CASE, seed

MODEL = "test/unit-axes"
NEED = "need:barnen-vill-bli-lyssnade-pa"


def _axis(position: int, *, rows: int = 1, dimension: int = 8) -> StoredVectors:
    matrix = np.zeros((rows, dimension), dtype=np.float32)
    matrix[:, position] = 1.0
    matrix[1:, (position + 1) % dimension] = 0.5
    return StoredVectors(f"hash-{position}", matrix)


def test_vectors_round_trip_with_their_text_hash(store: GraphStore) -> None:
    seed(store)
    stored = {CASE: _axis(0, rows=3), OTHER_CASE: _axis(1)}
    store.put_vectors(MODEL, stored)
    assert store.vectors(MODEL, [CASE, OTHER_CASE, INTERVIEWS]) == stored
    assert store.vectors("another/model", [CASE]) == {}
    store.put_vectors(MODEL, {CASE: _axis(2)})
    assert store.vectors(MODEL, [CASE]) == {CASE: _axis(2)}


def test_vectors_for_a_missing_node_are_refused_and_nothing_is_written(store: GraphStore) -> None:
    seed(store)
    revision = store.revision()
    with pytest.raises(Conflict):
        store.put_vectors(MODEL, {CASE: _axis(0), "no-such-case": _axis(1)})
    with pytest.raises(Conflict):
        store.put_vectors(MODEL, {CASE: StoredVectors("h", np.full((1, 8), np.nan, dtype=np.float32))})
    with pytest.raises(Conflict):
        store.put_vectors(MODEL, {CASE: _axis(0), OTHER_CASE: _axis(1, dimension=4)})
    assert store.vectors(MODEL, [CASE]) == {}
    assert store.revision() == revision


def test_stored_vectors_are_in_the_change_feed_and_go_with_their_node(store: GraphStore) -> None:
    seed(store)
    since = store.revision()
    store.put_vectors(MODEL, {CASE: _axis(0), OTHER_CASE: _axis(1)})
    change = store.changes(since)
    assert change.vectors_changed == {CASE, OTHER_CASE}
    assert not change.nodes_changed
    store.delete(CASE)
    assert store.vectors(MODEL, [CASE, OTHER_CASE]) == {OTHER_CASE: _axis(1)}
    assert [node_id for node_id, _ in store.nearest(MODEL, _axis(0).own, node_type=NodeType.CASE, k=5)] == [OTHER_CASE]


def test_nearest_ranks_own_vectors_by_cosine_within_one_node_type(store: GraphStore) -> None:
    seed(store)
    store.put_vectors(MODEL, {CASE: _axis(0, rows=2), OTHER_CASE: _axis(1), NEED: _axis(0)})
    query = np.array([0.9, 0.3, 0, 0, 0, 0, 0, 0], dtype=np.float32)
    hits = store.nearest(MODEL, query, node_type=NodeType.CASE, k=5)
    assert [node_id for node_id, _ in hits] == [CASE, OTHER_CASE]
    assert hits[0][1] == pytest.approx(0.9 / np.hypot(0.9, 0.3), abs=1e-3)  # Neo4j rounds its (1 + cos) / 2
    assert [node_id for node_id, _ in store.nearest(MODEL, query, node_type=NodeType.NEED, k=5)] == [NEED]
    assert store.nearest(MODEL, query, node_type=NodeType.CASE, k=1)[0][0] == CASE
    assert store.nearest("another/model", query, node_type=NodeType.CASE, k=5) == []


def test_vectors_written_by_another_connection_are_found(store: GraphStore, open_at: Callable[[], GraphStore]) -> None:
    seed(store)
    other = open_at()
    store.put_vectors(MODEL, {CASE: _axis(0)})
    assert [hit[0] for hit in other.nearest(MODEL, _axis(0).own, node_type=NodeType.CASE, k=3)] == [CASE]
    store.put_vectors(MODEL, {OTHER_CASE: _axis(3)})
    assert [hit[0] for hit in other.nearest(MODEL, _axis(3).own, node_type=NodeType.CASE, k=1)] == [OTHER_CASE]


def test_text_matches_find_words_in_titles_and_summaries_with_diacritics_folded(store: GraphStore) -> None:
    seed(store)
    store.upsert(
        Batch(nodes=(Node(OTHER_CASE, NodeType.CASE, {"title": "Utdanningsvalg", "summary": "Elever i Trøndelag"}),))
    )
    assert [hit[0] for hit in store.text_matches("familjehem", node_type=NodeType.CASE, k=5)] == [CASE]
    assert [hit[0] for hit in store.text_matches("trondelag", node_type=NodeType.CASE, k=5)] == [OTHER_CASE]
    both = store.text_matches("Utdanningsvalg eller familjehem?", node_type=NodeType.CASE, k=5)
    assert sorted(hit[0] for hit in both) == sorted([CASE, OTHER_CASE])
    assert [hit[0] for hit in store.text_matches("lyssnade", node_type=NodeType.NEED, k=5)] == [NEED]
    assert store.text_matches("lyssnade", node_type=NodeType.CASE, k=5) == []
    assert store.text_matches("interviews", node_type=NodeType.METHOD, k=5) == []
    assert store.text_matches("  ?!  ", node_type=NodeType.CASE, k=5) == []


def test_text_matches_follow_updates_and_deletes(store: GraphStore) -> None:
    seed(store)
    store.upsert(
        Batch(nodes=(Node(CASE, NodeType.CASE, {"title": "Skolnärvaro"}),), replace_props=frozenset({CASE}))
    )
    assert store.text_matches("familjehem", node_type=NodeType.CASE, k=5) == []
    assert [hit[0] for hit in store.text_matches("skolnarvaro", node_type=NodeType.CASE, k=5)] == [CASE]
    store.delete(CASE)
    assert store.text_matches("skolnärvaro", node_type=NodeType.CASE, k=5) == []


def test_text_matches_put_texts_with_the_rare_words_before_texts_with_only_common_ones(store: GraphStore) -> None:
    common = [Node(f"se-common-{i:02d}", NodeType.CASE, {"title": f"Kommunen och skolan nummer {i}"}) for i in range(30)]
    rare = [
        Node("se-rare-both", NodeType.CASE, {"title": "Kommunen och snöskottning med drönare"}),
        Node("se-rare-one", NodeType.CASE, {"title": "Kommunen och snöskottning"}),
    ]
    store.upsert(Batch(nodes=(*common, *rare)))
    query = "kommunen skolan snöskottning drönare"
    assert [hit[0] for hit in store.text_matches(query, node_type=NodeType.CASE, k=2)] == ["se-rare-both", "se-rare-one"]
    found = store.text_matches(query, node_type=NodeType.CASE, k=10)
    assert [hit[0] for hit in found[:2]] == ["se-rare-both", "se-rare-one"] and len(found) == 10
    assert all(found[i][1] >= found[i + 1][1] for i in range(len(found) - 1))
    assert {hit[0] for hit in found[2:]} <= {node.id for node in common}
