"""What the top hits of a search share: the view model behind `/network?q=...`.

A search's network used to be every hit with every neighbour, over a hundred nodes
and a table of two hundred rows. The overview keeps the best hits and only the
needs, target groups, methods, topics and organisations that at least two of them
share, grouped by type with the hits that share each, so it reads on a phone.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Edge, Node, NodeType, RelType
>>> from visualisation.i18n import Texts
>>> cases = [Node(f"se-c{i}", NodeType.CASE, {"title": f"Fall {i}"}) for i in (1, 2, 3)]
>>> method = Node("method:interviews", NodeType.METHOD, {"name": "Intervjuer"})
>>> alone = Node("method:survey", NodeType.METHOD, {"name": "Enkät"})
>>> edges = [Edge(case.id, RelType.USED, method.id, case.id) for case in cases[:2]]
>>> edges.append(Edge(cases[2].id, RelType.USED, alone.id, cases[2].id))
>>> with EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "g.db") as store:
...     _ = store.upsert(Batch(nodes=(*cases, method, alone), edges=tuple(edges)))
...     overview = shared_overview(store, cases, texts=Texts("sv"), node_url=lambda node: None)
>>> [(group.name, [(item.node.label, item.ranks) for item in group.items]) for group in overview.groups]
[('Metoder', [('Intervjuer', (1, 2))])]
>>> sorted(node.id for node in overview.subgraph.nodes)
['method:interviews', 'se-c1', 'se-c2', 'se-c3']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from graph.algorithms.neighbourhood import Subgraph, subgraph_of
from graph.model import Node, NodeType
from graph.store import GraphStore
from visualisation.i18n import Texts
from visualisation.network import ViewNode, view_node

__all__ = ["SHARED_TYPES", "TOP_HITS", "Overview", "SharedGroup", "SharedItem", "shared_overview"]

TOP_HITS = 8
"""How many of the best hits the overview draws."""

SHARED_TYPES: dict[NodeType, str] = {
    NodeType.NEED: "case.needs",
    NodeType.TARGET_GROUP: "case.target_groups",
    NodeType.METHOD: "case.methods",
    NodeType.TOPIC: "case.topics",
    NodeType.ORGANISATION: "hit.organisations",
}
"""The kinds of node two hits can share, in the order the groups are listed, with the key of their plural name."""


@dataclass(frozen=True, slots=True)
class SharedItem:
    """One node shared by several hits, and the ranks (1 = best) of the hits that share it."""

    node: ViewNode
    ranks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SharedGroup:
    """The shared nodes of one type, those shared by most hits first."""

    node_type: NodeType
    name: str
    items: tuple[SharedItem, ...]


@dataclass(frozen=True, slots=True)
class Overview:
    """The hits drawn (best first), what they share by type, and the subgraph to draw."""

    hits: tuple[ViewNode, ...]
    groups: tuple[SharedGroup, ...]
    subgraph: Subgraph


def shared_overview(
    store: GraphStore,
    cases: Sequence[Node],
    *,
    texts: Texts,
    node_url: Callable[[Node], str | None],
    types: Collection[NodeType] = (),
) -> Overview:
    """The overview of the best `TOP_HITS` of `cases` (ranked best first).

    Parameters
    ----------
    store
        The graph the cases come from.
    cases
        The hits of a search, best first.
    texts
        Interface texts of the page language.
    node_url
        The page of a node, or None.
    types
        Only shared nodes of these types (of `SHARED_TYPES`); all of them when empty.
    """
    top = list(cases[:TOP_HITS])
    wanted = [node_type for node_type in SHARED_TYPES if not types or node_type in types]
    ranks: dict[str, set[int]] = defaultdict(set)
    for rank, case in enumerate(top, start=1):
        for edge in store.edges_of(case.id):
            other = edge.target if edge.source == case.id else edge.source
            ranks[other].add(rank)
    shared_ids = sorted(node_id for node_id, by in ranks.items() if len(by) > 1)
    shared = [node for node in store.get_many(shared_ids).values() if node.type in wanted]
    groups = []
    for node_type in wanted:
        items = sorted(
            (
                SharedItem(view_node(node, texts, node_url), tuple(sorted(ranks[node.id])))
                for node in shared
                if node.type is node_type
            ),
            key=lambda item: (-len(item.ranks), item.node.label.casefold()),
        )
        if items:
            groups.append(SharedGroup(node_type, texts[SHARED_TYPES[node_type]], tuple(items)))
    return Overview(
        hits=tuple(view_node(case, texts, node_url) for case in top),
        groups=tuple(groups),
        subgraph=subgraph_of(store, [*top, *shared]),
    )
