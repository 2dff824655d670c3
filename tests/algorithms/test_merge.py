"""Duplicates found and merged on every backend: edges and names move, the merged id keeps resolving."""

from __future__ import annotations

import pytest

from graph.algorithms.merge import MERGED_IDS, merge_nodes, merged_into
from graph.errors import Conflict, NodeNotFound
from graph.model import RelType
from graph.store import GraphStore
from ingest.duplicates import find_duplicates
from ingest.run import ingest_records
from ingest.vocabulary import load_vocabulary

CASES = [
    {"id": "se-energi-a", "title": "Energirådgivning för hushåll", "language": "sv", "country": "SE",
     "organisations": [{"name": "Borlänge Energi", "role": "owner"}, {"name": "Falu kommun", "role": "partner"}],
     "methods": ["Intervjuer"]},
    {"id": "se-energi-b", "title": "Energirådgivning för företag", "language": "sv", "country": "SE",
     "organisations": [{"name": "Borlänge Energi AB", "role": "partner"}], "methods": ["Djupintervjuer med kunder"]},
]
KEEP, OTHER = "organisation:borlaenge-energi", "organisation:borlaenge-energi-ab"


@pytest.fixture
def protected() -> frozenset[str]:
    """The registry and vocabulary ids."""
    return frozenset(node.id for node in load_vocabulary().nodes)


@pytest.fixture
def loaded(store: GraphStore) -> GraphStore:
    """The store with two names of one company in two cases."""
    assert ingest_records(store, CASES, origin="energi.yaml").ok
    return store


def test_duplicates_list_the_two_names_of_one_body_and_no_registry_pairs(loaded: GraphStore, protected: frozenset[str]) -> None:
    found = find_duplicates(loaded, protected=protected)
    pairs = {(d.keep, d.other) for d in found}
    assert (KEEP, OTHER) in pairs
    assert all(d.keep not in protected or d.other not in protected for d in found)
    (pair,) = [d for d in found if (d.keep, d.other) == (KEEP, OTHER)]
    assert 0.75 <= pair.score < 0.9 and "similar spelling" in pair.reason


def test_merge_moves_every_edge_and_name_and_keeps_the_old_id_resolvable(loaded: GraphStore, protected: frozenset[str]) -> None:
    before = {e.key for e in loaded.edges() if OTHER not in (e.source, e.target)}
    result = merge_nodes(loaded, KEEP, OTHER, protected=protected)
    assert (result.edges_moved, result.names_added) == (1, ("Borlänge Energi AB",))
    assert loaded.get(OTHER) is None
    assert {e.target for e in loaded.edges_of(KEEP, rel=RelType.PARTICIPATED_IN)} == {"se-energi-a", "se-energi-b"}
    assert before <= {e.key for e in loaded.edges()}  # nothing else was lost
    found = merged_into(loaded, OTHER)
    assert found is not None and found.id == KEEP and found.props[MERGED_IDS] == [OTHER]
    assert merge_nodes(loaded, KEEP, OTHER, protected=protected).edges_moved == 0  # running it again finishes, harmlessly
    again = ingest_records(loaded, CASES, origin="energi.yaml")
    assert again.ok and OTHER not in again.created and loaded.get(OTHER) is None
    assert (KEEP in {m.node_id for m in again.merged if m.name == "Borlänge Energi AB"})


def test_names_merged_into_a_registry_body_survive_the_next_ingest(loaded: GraphStore, protected: frozenset[str]) -> None:
    assert ingest_records(loaded, [{**CASES[0], "id": "se-falun", "organisations": ["Faluns energikontor"]}], origin="x").ok
    merge_nodes(loaded, "organisation:falun-kommun", "organisation:faluns-energikontor", protected=protected)
    assert ingest_records(loaded, CASES, origin="energi.yaml").ok
    falun = loaded.get("organisation:falun-kommun")
    assert falun is not None and falun.props["name"] == "Falu kommun" and "Faluns energikontor" in falun.props["merged_aliases"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("keep", "other", "error"),
    [
        (KEEP, KEEP, Conflict),
        (KEEP, "organisation:falun-kommun", Conflict),
        (KEEP, "method:interviews", Conflict),
        (KEEP, "se-energi-a", Conflict),
        ("organisation:nothing", OTHER, NodeNotFound),
        (KEEP, "organisation:nothing", NodeNotFound),
    ],
)
def test_merge_refuses_what_would_lose_or_mix_things(
    loaded: GraphStore, protected: frozenset[str], keep: str, other: str, error: type[Exception]
) -> None:
    before = sorted(e.key for e in loaded.edges())
    with pytest.raises(error):
        merge_nodes(loaded, keep, other, protected=protected)
    assert sorted(e.key for e in loaded.edges()) == before
