"""inferredLinks, confirmInferredLink and rejectInferredLink over HTTP: listing, paging, write scope, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from api.settings import Settings
from graph.backends import open_store
from graph.model import Batch, Direction, Edge, NodeType, RelType
from graph.ranking.inferred import inferred_asserter
from graph.ranking.source import is_vocabulary
from ingest.run import ingest_records
from tests.api.conftest import CASES, PROPOSE_KEY, READ_KEY, WRITE_KEY, Api, global_id, make_settings

CASE = "dk-aalborg-aeldre-velfaerd"
OTHER = "se-malmo-naringsliv-unga"
LIST = """query($node: ID, $concept: ID, $first: Int, $after: String) {
  inferredLinks(node: $node, concept: $concept, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { case { key } concept { key kind } via { key } similarity model } } } }"""
CONFIRM = """mutation($node: ID!, $concept: ID!) { confirmInferredLink(node: $node, concept: $concept) {
  relationship case { key targetGroups { edges { node { key } } } } concept { key } } }"""
REJECT = """mutation($node: ID!, $concept: ID!) { rejectInferredLink(node: $node, concept: $concept) {
  relationship case { key } concept { key } } }"""


def curated_store(path: Path) -> list[str]:
    """Write the hand-written cases to `path` with two inferred links for each of two cases (as the embedding
    worker writes them); the concepts linked."""
    with open_store(path) as store:
        assert ingest_records(store, CASES, origin="tests").written
        groups = sorted(node.id for node in store.find(NodeType.TARGET_GROUP) if is_vocabulary(node))[:2]
        edges = []
        for case_id in (CASE, OTHER):
            via = store.edges_of(case_id, rel=RelType.TARGETS, direction=Direction.OUT)[0].target
            edges += [Edge(case_id, RelType.INFERRED_LINK, group, inferred_asserter(case_id),
                           {"similarity": 0.9 - 0.01 * i, "model": "test/model", "via": via})
                      for i, group in enumerate(groups)]
        store.upsert(Batch(edges=tuple(edges)))
    return groups


@pytest.fixture
def curated(tmp_path: Path) -> tuple[Path, list[str]]:
    """A store made by `curated_store`, and the concepts linked."""
    path = tmp_path / "cases.db"
    return path, curated_store(path)


@pytest.fixture
def api(serve: Callable[[Settings], Api], curated: tuple[Path, list[str]]) -> Api:
    return serve(make_settings(curated[0]))


def test_inferred_links_are_listed_with_similarity_filtered_and_paged(api: Api, curated: tuple[Path, list[str]]) -> None:
    groups = curated[1]
    every = api.data(LIST)["inferredLinks"]
    assert every["totalCount"] == 4
    first = every["edges"][0]["node"]
    assert first["case"]["key"] == CASE and first["concept"] == {"key": groups[0], "kind": "TARGET_GROUP"}
    assert (first["similarity"], first["model"]) == (0.9, "test/model") and first["via"]["key"]
    page = api.data(LIST, {"first": 3})["inferredLinks"]
    rest = api.data(LIST, {"first": 3, "after": page["pageInfo"]["endCursor"]})["inferredLinks"]
    assert page["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    assert [e["node"] for e in page["edges"] + rest["edges"]] == [e["node"] for e in every["edges"]]
    of_case = api.data(LIST, {"node": global_id("Case", OTHER)})["inferredLinks"]
    assert {e["node"]["case"]["key"] for e in of_case["edges"]} == {OTHER} and of_case["totalCount"] == 2
    to_concept = api.data(LIST, {"concept": groups[1]})["inferredLinks"]
    assert [e["node"]["case"]["key"] for e in to_concept["edges"]] == [CASE, OTHER]
    missing = api.error(LIST, {"node": "se-no-such-case"})
    assert missing["extensions"]["code"] == "NOT_FOUND" and missing["extensions"]["field"] == "node"
    assert api.error(LIST, {"concept": CASE})["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("mutation", [CONFIRM, REJECT])
def test_curating_needs_write_scope(api: Api, curated: tuple[Path, list[str]], mutation: str) -> None:
    variables = {"node": CASE, "concept": curated[1][0]}
    assert api.error(mutation, variables)["extensions"]["code"] == "UNAUTHENTICATED"
    for key in (READ_KEY, PROPOSE_KEY):
        assert api.error(mutation, variables, key=key)["extensions"]["code"] == "FORBIDDEN"
    assert api.error(mutation, variables, key="not-a-key-of-this-server-0000")["extensions"]["code"] == "UNAUTHENTICATED"
    assert api.data(LIST, {"node": CASE})["inferredLinks"]["totalCount"] == 2, "nothing was written"


def test_a_confirmed_link_is_stated_and_recorded_under_the_curator(api: Api, curated: tuple[Path, list[str]]) -> None:
    concept = curated[1][0]
    done = api.data(CONFIRM, {"node": global_id("Case", CASE), "concept": concept}, key=WRITE_KEY)["confirmInferredLink"]
    assert done["relationship"] == "TARGETS" and done["concept"]["key"] == concept
    assert concept in {e["node"]["key"] for e in done["case"]["targetGroups"]["edges"]}
    assert api.data(LIST, {"node": CASE})["inferredLinks"]["totalCount"] == 1
    history = api.data(
        'query { case(key: "%s") { history(first: 1) { edges { node { run { actor } edges { relationship change } } } } } }'
        % CASE
    )["case"]["history"]["edges"][0]["node"]
    assert history["run"]["actor"] == "key:curator"
    assert {(e["relationship"], e["change"]) for e in history["edges"]} == {
        ("TARGETS", "CREATED"), ("INFERRED_LINK", "REMOVED"),
    }
    again = api.error(CONFIRM, {"node": CASE, "concept": concept}, key=WRITE_KEY)
    assert again["extensions"]["code"] == "NOT_FOUND" and again["extensions"]["field"] == "concept"


def test_a_rejected_link_is_removed_and_remembered(api: Api, curated: tuple[Path, list[str]]) -> None:
    concept = curated[1][1]
    done = api.data(REJECT, {"node": OTHER, "concept": concept}, key=WRITE_KEY)["rejectInferredLink"]
    assert (done["relationship"], done["case"]["key"]) == ("REJECTED_LINK", OTHER)
    assert [e["node"]["case"]["key"] for e in api.data(LIST, {"concept": concept})["inferredLinks"]["edges"]] == [CASE]
    with open_store(curated[0]) as store:
        rejected = store.edges_of(OTHER, rel=RelType.REJECTED_LINK, direction=Direction.OUT)
    assert [(edge.target, edge.props["similarity"]) for edge in rejected] == [(concept, 0.89)]
    assert api.error(REJECT, {"node": OTHER, "concept": "topic:no-such-topic"}, key=WRITE_KEY)["extensions"]["code"] == (
        "NOT_FOUND"
    )
