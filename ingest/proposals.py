"""Needs proposed one at a time (an intake form, `proposeNeed`), stored unless already known.

Examples
--------
>>> proposed_need("Foreldre trenger svar på søknaden raskere", language="nb", proposed_by="key:intake").props
{'text': 'Foreldre trenger svar på søknaden raskere', 'language': 'nb', 'proposed_by': 'key:intake'}
"""

from __future__ import annotations

from graph.ids import distinct_node_id, node_id, normalise_name
from graph.model import Batch, Edge, Node, NodeType, Origin, Props, RelType
from graph.store import GraphStore

__all__ = ["PROPOSAL", "PROPOSED_BY", "proposed_need", "store_proposed_need"]

PROPOSAL = "proposal"
"""Edges of proposed needs are asserted by `proposal:<need id>`."""
PROPOSED_BY = "proposed_by"
"""The need property naming who proposed it (`key:<name>` or `person:<name>`)."""


def proposed_need(text: str, *, language: str, proposed_by: str | None) -> Node:
    """The node of a need with this (already validated) text."""
    props: Props = {"text": text, "language": language}
    if proposed_by is not None:
        props[PROPOSED_BY] = proposed_by
    return Node(node_id(NodeType.NEED, text), NodeType.NEED, props)


def store_proposed_need(store: GraphStore, need: Node, target_groups: tuple[str, ...]) -> tuple[str, bool]:
    """Write a proposed need and its target groups unless the need is known: (its id, whether it was created).

    A stored need of another text whose id is the same (the texts differ only in
    punctuation or script) keeps its id; the proposal gets a distinct one.
    """
    stored = store.get(need.id)
    if stored is not None and normalise_name(stored.label) != normalise_name(need.label):
        need = Node(distinct_node_id(NodeType.NEED, need.label), NodeType.NEED, need.props)
        stored = store.get(need.id)
    if stored is not None:
        return need.id, False
    asserter = f"{PROPOSAL}:{need.id}"
    store.upsert(
        Batch(
            nodes=(need,),
            edges=tuple(Edge(need.id, RelType.OF, group, asserter) for group in target_groups),
            retract=frozenset({asserter}),
            origin=Origin(str(need.props[PROPOSED_BY])) if PROPOSED_BY in need.props else Origin(),
        )
    )
    return need.id, True
