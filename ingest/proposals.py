"""Needs proposed one at a time (an intake form, `proposeNeed`), stored unless already known.

Examples
--------
>>> proposed_need("Foreldre trenger svar på søknaden raskere", language="nb", proposed_by="key:intake").props
{'text': 'Foreldre trenger svar på søknaden raskere', 'language': 'nb', 'proposed_by': 'key:intake'}
"""

from __future__ import annotations

from graph.ids import node_id
from graph.model import Batch, Edge, Node, NodeType, Props, RelType
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


def store_proposed_need(store: GraphStore, need: Node, target_groups: tuple[str, ...]) -> bool:
    """Write a proposed need and its target groups unless the need is known; True when it was created."""
    if store.get(need.id) is not None:
        return False
    asserter = f"{PROPOSAL}:{need.id}"
    store.upsert(
        Batch(
            nodes=(need,),
            edges=tuple(Edge(need.id, RelType.OF, group, asserter) for group in target_groups),
            retract=frozenset({asserter}),
        )
    )
    return True
