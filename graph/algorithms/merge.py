"""Merge two nodes that are one thing: every edge and name of OTHER moves onto KEEP.

The move is one batch: every asserter with an edge touching OTHER is retracted and
its edges are asserted again with OTHER replaced by KEEP, KEEP takes OTHER's
names as `merged_aliases` and its id in `merged_ids`, and OTHER is removed, all in
the same transaction: one run, which `revert` undoes. `merged_into` finds KEEP by
OTHER's id, so old links keep working.

Examples
--------
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Edge, Node, NodeType, RelType
>>> store = EmbeddedStore(":memory:").open()
>>> _ = store.upsert(Batch(nodes=(
...     Node("case-a", NodeType.CASE, {"title": "A"}),
...     Node("organisation:falu-kommun", NodeType.ORGANISATION, {"name": "Falu kommun"}),
...     Node("organisation:falun-kommun", NodeType.ORGANISATION, {"name": "Falun kommun"}),
... ), edges=(Edge("organisation:falu-kommun", RelType.PARTICIPATED_IN, "case-a", "case-a", {"role": "owner"}),)))
>>> merged = merge_nodes(store, "organisation:falun-kommun", "organisation:falu-kommun")
>>> merged.edges_moved, store.get("organisation:falu-kommun")
(1, None)
>>> merged_into(store, "organisation:falu-kommun").props["merged_aliases"]
['Falu kommun']
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass

from graph.errors import Conflict, NodeNotFound
from graph.model import LANGUAGES, Batch, Edge, Node, NodeType, Origin, Props
from graph.store import GraphStore

__all__ = ["MERGED_ALIASES", "MERGED_IDS", "MergeResult", "merge_nodes", "merged_into", "plan_merge"]

MERGED_IDS = "merged_ids"
"""The ids of the nodes merged into a node: they still resolve to it."""
MERGED_ALIASES = "merged_aliases"
"""The names the merged nodes were known by; a name in input meets the node through them."""

_NAME_KEYS = ("name", "title", "text", *(f"label_{lang}" for lang in LANGUAGES))


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What a merge did."""

    keep: str
    other: str
    edges_moved: int
    names_added: tuple[str, ...]


def _names(node: Node) -> list[str]:
    names = [value for key in _NAME_KEYS if isinstance(value := node.props.get(key), str) and value]
    for key in ("aliases", MERGED_ALIASES):
        value = node.props.get(key)
        if isinstance(value, list):
            names += value
    return names


def _listed(props: Props, key: str) -> list[str]:
    value = props.get(key)
    return list(value) if isinstance(value, list) else []


def _moved(edge: Edge, other: str, keep: str) -> Edge | None:
    source = keep if edge.source == other else edge.source
    target = keep if edge.target == other else edge.target
    if source == target:  # an edge between the two would become a loop: it says nothing after the merge
        return None
    return Edge(source, edge.type, target, edge.asserted_by, edge.props)


def plan_merge(store: GraphStore, keep: Node, other: Node, *, origin: Origin) -> tuple[Batch, int, tuple[str, ...]]:
    """The batch that moves OTHER's edges and names onto KEEP and removes OTHER, with the number of edges moved
    and the names added."""
    touching = store.edges_of(other.id)
    asserters = {edge.asserted_by for edge in touching}
    reasserted = [edge for edge in store.edges() if edge.asserted_by in asserters]
    edges = {moved.key: moved for edge in reasserted if (moved := _moved(edge, other.id, keep.id)) is not None}
    known = {name.casefold() for name in _names(keep)}
    added = tuple(dict.fromkeys(name for name in _names(other) if name.casefold() not in known))
    props: Props = {
        MERGED_IDS: list(dict.fromkeys([*_listed(keep.props, MERGED_IDS), other.id, *_listed(other.props, MERGED_IDS)])),
        MERGED_ALIASES: [*_listed(keep.props, MERGED_ALIASES), *added],
    }
    batch = Batch(
        nodes=(Node(keep.id, keep.type, props),),
        edges=tuple(edges.values()),
        retract=frozenset(asserters),
        remove_nodes=frozenset({other.id}),
        origin=origin,
    )
    return batch, len(touching), added


def merge_nodes(
    store: GraphStore, keep_id: str, other_id: str, *, protected: Set[str] = frozenset(), origin: Origin | None = None
) -> MergeResult:
    """Move every edge and name of `other_id` onto `keep_id` and delete `other_id`, one run by `origin`
    (see the module docstring).

    Raises
    ------
    NodeNotFound
        Either id names nothing (OTHER may already be merged: its id then resolves to KEEP).
    Conflict
        The two are the same node, of different types, a case, or OTHER is in `protected`
        (registry and vocabulary nodes, which the next ingest would write again).
    """
    if keep_id == other_id:
        raise Conflict(f"{keep_id!r} cannot be merged into itself")
    keep, other = store.get(keep_id), store.get(other_id)
    if keep is None:
        raise NodeNotFound(keep_id)
    if other is None:
        if keep.props.get(MERGED_IDS) and other_id in _listed(keep.props, MERGED_IDS):
            return MergeResult(keep_id, other_id, 0, ())
        raise NodeNotFound(other_id)
    if keep.type is not other.type:
        raise Conflict(f"{keep_id!r} is a {keep.type.value} and {other_id!r} a {other.type.value}")
    if keep.type is NodeType.CASE:
        raise Conflict("cases are not merged; relate them or delete one")
    if other_id in protected:
        raise Conflict(f"{other_id!r} comes from the registry or vocabulary; merge it the other way round")
    batch, moved, added = plan_merge(store, keep, other, origin=origin or Origin())
    store.upsert(batch)
    return MergeResult(keep_id, other_id, moved, added)


def merged_into(store: GraphStore, node_id: str, *, types: Iterable[NodeType] = tuple(NodeType)) -> Node | None:
    """The node that `node_id` was merged into, or None: old links to a merged node find the one it became."""
    prefix = node_id.partition(":")[0]
    for node_type in types:
        if node_type is NodeType.CASE or node_type.prefix != prefix:
            continue
        for node in store.find(node_type):
            if node_id in _listed(node.props, MERGED_IDS):
                return node
    return None
