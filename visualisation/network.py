"""Network views: a subgraph becomes a pyvis/vis-network drawing with a legend and a text alternative.

`build_view` trims the subgraph to the nodes most relevant to the focus, styles each
node by type (one colour and one shape per type), labels edges with roles and
relations, and keeps the same nodes and edges as rows for the table that stands in
for the drawing. `render_network_page` turns a view into a whole HTML page; with
`Assets.inline()` that page needs no server and no network at all.

Nothing here writes HTML by hand: templates autoescape, and the drawing's data
reaches the browser as JSON that `network.js` reads and hands to vis-network as
plain text (tooltips are built as DOM elements).

Examples
--------
>>> from graph.algorithms.neighbourhood import Subgraph
>>> from graph.model import Edge, Node, NodeType, RelType
>>> from visualisation.i18n import Texts
>>> case = Node("c1", NodeType.CASE, {"title": "<b>Skolnärvaro</b>", "year": 2018})
>>> org = Node("organisation:boras", NodeType.ORGANISATION, {"name": "Borås stad"})
>>> sub = Subgraph((case, org), (Edge(org.id, RelType.PARTICIPATED_IN, case.id, "c1", {"role": "owner"}),))
>>> view = build_view(sub, texts=Texts("sv"), node_url=lambda node: f"/n/{node.id}", focus=("c1",))
>>> [(row.source.label, row.relation, row.target.label) for row in view.rows]
[('Borås stad', 'ägare', '<b>Skolnärvaro</b>')]
>>> view.data["nodes"][0]["label"], view.data["nodes"][0]["shape"]
('<b>Skolnärvaro</b>', 'box')
>>> "&lt;b&gt;Skolnärvaro" in render_network_page(view, texts=Texts("sv"), heading="Test", assets=Assets.inline())
True
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyvis.network import Network

from graph.algorithms.neighbourhood import Subgraph
from graph.model import Edge, Node, NodeType
from visualisation.i18n import Texts
from visualisation.templating import Assets, render, safe_url

__all__ = [
    "DEFAULT_MAX_NODES",
    "NODE_STYLES",
    "NetworkView",
    "NodeStyle",
    "Row",
    "ViewNode",
    "build_view",
    "render_network_page",
    "trim",
    "view_node",
]

DEFAULT_MAX_NODES = 150
"""Above this many nodes a drawing stops being readable; the least relevant are left out."""

_LABEL_LENGTH = 34
_BOX_LABEL_LENGTH = 64
_SUMMARY_LENGTH = 220
_LARGE = 80
_DENSE = 30
_FOCUS_BORDER = "#f2a900"


@dataclass(frozen=True, slots=True)
class NodeStyle:
    """How one node type is drawn: a vis-network shape, a colour and a size."""

    shape: str
    colour: str
    border: str
    font_colour: str = "#1b2631"
    size: int = 16


NODE_STYLES: Mapping[NodeType, NodeStyle] = {
    NodeType.CASE: NodeStyle("box", "#0b5394", "#073763", font_colour="#ffffff", size=22),
    NodeType.ORGANISATION: NodeStyle("square", "#e69f00", "#a36f00"),
    NodeType.NEED: NodeStyle("triangle", "#d55e00", "#963f00"),
    NodeType.TARGET_GROUP: NodeStyle("triangleDown", "#cc79a7", "#8e4d72"),
    NodeType.METHOD: NodeStyle("diamond", "#009e73", "#006b4e"),
    NodeType.TOPIC: NodeStyle("hexagon", "#56b4e9", "#2a7fb0"),
    NodeType.PLACE: NodeStyle("star", "#f0e442", "#8c8420"),
    NodeType.SOURCE: NodeStyle("dot", "#8c959f", "#57606a", size=10),
}
"""One shape and one colour per node type; colours from the Okabe-Ito palette, safe for colour-blind readers."""


@dataclass(frozen=True, slots=True)
class ViewNode:
    """A node as pages show it: label in the page language, type name, link."""

    id: str
    type: NodeType
    type_name: str
    label: str
    url: str | None
    language: str | None


@dataclass(frozen=True, slots=True)
class Row:
    """One edge of the view as a row of the text alternative."""

    source: ViewNode
    relation: str
    target: ViewNode


@dataclass(frozen=True, slots=True)
class NetworkView:
    """What a network page draws, and the same content as rows.

    `data` holds `nodes`, `edges` and `options` for vis-network, built with pyvis.
    """

    nodes: tuple[ViewNode, ...]
    rows: tuple[Row, ...]
    unconnected: tuple[ViewNode, ...]
    legend: tuple[tuple[NodeType, str, NodeStyle], ...]
    data: dict[str, Any]
    total_nodes: int
    is_cut: bool

    @property
    def counts(self) -> dict[NodeType, int]:
        """Number of drawn nodes per type."""
        return dict(Counter(node.type for node in self.nodes))

    @property
    def is_trimmed(self) -> bool:
        """Whether nodes of the subgraph were left out of the view."""
        return self.total_nodes > len(self.nodes)


def trim(subgraph: Subgraph, *, focus: Sequence[str] = (), max_nodes: int = DEFAULT_MAX_NODES) -> Subgraph:
    """Keep the `max_nodes` nodes most relevant to the focus, and the edges between them.

    Relevance: focus nodes first (in the order given), then by steps from the nearest
    focus node, then by how many edges a node has in the subgraph. Nodes nearer the
    focus always come before farther ones, so every kept node stays connected to the
    focus through kept nodes.

    Examples
    --------
    >>> from graph.model import Edge, Node, NodeType, RelType
    >>> hub = Node("c", NodeType.CASE)
    >>> leaves = tuple(Node(f"method:m{i}", NodeType.METHOD) for i in range(3))
    >>> sub = Subgraph((hub, *leaves), tuple(Edge("c", RelType.USED, leaf.id, "c") for leaf in leaves))
    >>> [node.id for node in trim(sub, focus=["c"], max_nodes=2).nodes]
    ['c', 'method:m0']
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    if len(subgraph.nodes) <= max_nodes:
        return subgraph
    adjacent: dict[str, set[str]] = defaultdict(set)
    for edge in subgraph.edges:
        adjacent[edge.source].add(edge.target)
        adjacent[edge.target].add(edge.source)
    present = subgraph.node_ids()
    rank = {node_id: position for position, node_id in enumerate(dict.fromkeys(focus)) if node_id in present}
    steps = _steps_from(rank, adjacent)
    unreachable = len(present) + 1

    def relevance(node: Node) -> tuple[int, int, int, str]:
        return (
            rank.get(node.id, len(rank)),
            steps.get(node.id, unreachable),
            -len(adjacent[node.id]),
            node.id,
        )

    kept = sorted(subgraph.nodes, key=relevance)[:max_nodes]
    kept_ids = {node.id for node in kept}
    edges = tuple(edge for edge in subgraph.edges if edge.source in kept_ids and edge.target in kept_ids)
    nodes = tuple(node for node in subgraph.nodes if node.id in kept_ids)
    return Subgraph(nodes, edges, truncated=True, distance=subgraph.distance)


def _steps_from(starts: Collection[str], adjacent: Mapping[str, set[str]]) -> dict[str, int]:
    steps = dict.fromkeys(starts, 0)
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        for other in sorted(adjacent.get(current, ())):
            if other not in steps:
                steps[other] = steps[current] + 1
                queue.append(other)
    return steps


def build_view(
    subgraph: Subgraph,
    *,
    texts: Texts,
    node_url: Callable[[Node], str | None],
    focus: Sequence[str] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
) -> NetworkView:
    """Trim a subgraph and turn it into a drawing plus a text alternative.

    Parameters
    ----------
    subgraph
        The nodes and edges to show (a neighbourhood, or the cases of a search and their neighbours).
    texts
        Interface texts of the page language: type names, roles, relations.
    node_url
        The page a click on a node opens, or None for no link.
    focus
        Node ids the view is about (the start of a neighbourhood, the hits of a search), most relevant first.
    max_nodes
        Largest number of nodes drawn; beyond it `trim` leaves out the least relevant.

    Returns
    -------
    NetworkView
        With `is_trimmed` set when nodes were left out, and `is_cut` when the subgraph itself was cut.
    """
    kept = trim(subgraph, focus=focus, max_nodes=max_nodes)
    focus_ids = set(focus)
    view_nodes = {node.id: view_node(node, texts, node_url) for node in kept.nodes}
    net = Network(directed=True, cdn_resources="local")
    for node in kept.nodes:
        net.add_node(node.id, **_vis_node(node, view_nodes[node.id], texts, is_focus=node.id in focus_ids))
    rows = []
    for edge in kept.edges:
        relation = texts.relation(edge.type, edge.props)
        net.add_edge(edge.source, edge.target, **_vis_edge(edge, relation))
        rows.append(Row(view_nodes[edge.source], relation, view_nodes[edge.target]))
    net.options = _options(len(kept.nodes))
    nodes, edges, _heading, _height, _width, _options_json = net.get_network_data()
    connected = {end for edge in kept.edges for end in (edge.source, edge.target)}
    present_types = {node.type for node in kept.nodes}
    return NetworkView(
        nodes=tuple(view_nodes.values()),
        rows=tuple(rows),
        unconnected=tuple(node for node_id, node in view_nodes.items() if node_id not in connected),
        legend=tuple(
            (node_type, texts.node_type(node_type), style)
            for node_type, style in NODE_STYLES.items()
            if node_type in present_types
        ),
        data={"nodes": nodes, "edges": edges, "options": net.options},
        total_nodes=len(subgraph.nodes),
        is_cut=subgraph.truncated,
    )


def view_node(node: Node, texts: Texts, node_url: Callable[[Node], str | None]) -> ViewNode:
    """A node as pages show it, in the page language."""
    language = node.props.get("language")
    return ViewNode(
        id=node.id,
        type=node.type,
        type_name=texts.node_type(node.type),
        label=node.label_in(texts.lang),
        url=node_url(node),
        language=language if isinstance(language, str) else None,
    )


def _vis_node(node: Node, view: ViewNode, texts: Texts, *, is_focus: bool) -> dict[str, Any]:
    style = NODE_STYLES[node.type]
    options: dict[str, Any] = {
        "label": _shorten(view.label, _BOX_LABEL_LENGTH if style.shape == "box" else _LABEL_LENGTH),
        "shape": style.shape,
        "size": style.size + (8 if is_focus else 0),
        "color": {
            "background": style.colour,
            "border": _FOCUS_BORDER if is_focus else style.border,
            "highlight": {"background": style.colour, "border": _FOCUS_BORDER if is_focus else "#1b2631"},
            "hover": {"background": style.colour, "border": "#1b2631"},
        },
        "borderWidth": 4 if is_focus else 1,
        "font": {"color": style.font_colour, "strokeWidth": 0 if style.shape == "box" else 4},
        "kind": node.type.value,
        "typeName": view.type_name,
        "fullLabel": view.label,
        "url": view.url,
        "focus": is_focus,
        "facts": _facts(node, texts),
    }
    if style.shape == "box":
        options["widthConstraint"] = {"maximum": 190}
        options["margin"] = 10
    return options


def _vis_edge(edge: Edge, relation: str) -> dict[str, Any]:
    return {
        "id": "|".join(edge.key[:3]),
        "label": relation,
        "relation": edge.type.value,
    }


def _facts(node: Node, texts: Texts) -> list[list[str]]:
    """The essentials a tooltip shows, as (label, value) pairs of plain text."""
    facts: list[list[str]] = []
    year = node.props.get("year")
    if isinstance(year, int | str) and not isinstance(year, bool) and str(year):
        facts.append([texts["hit.year"], str(year)])
    country = node.props.get("country")
    if isinstance(country, str) and country:
        facts.append([texts["hit.country"], texts.optional(f"country.{country.upper()}", country)])
    for key in ("summary", "description"):
        value = node.props.get(key)
        if isinstance(value, str) and value.strip():
            facts.append([texts["case.summary"], _shorten(" ".join(value.split()), _SUMMARY_LENGTH)])
            break
    url = safe_url(node.props.get("url"))
    if url:
        facts.append(["URL", _shorten(url, 80)])
    return facts


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:-\u2013")
    return f"{cut or text[: limit - 1]}…"


def _options(node_count: int) -> dict[str, Any]:
    """vis-network options: physics that stabilises out of sight and is then switched off."""
    is_large = node_count > _LARGE
    is_dense = node_count > _DENSE
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": not is_large},
        "nodes": {
            "font": {
                "face": "system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
                "size": 16,
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
            },
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#a3acb6", "highlight": "#0b5394", "hover": "#0b5394"},
            "font": {"size": 12, "color": "#4b5561", "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
            "scaling": {"label": {"drawThreshold": 9}},
            "smooth": {"enabled": not is_large, "type": "continuous"},
            "width": 1.2,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60 if is_dense else -140,
                "springLength": 100 if is_dense else 170,
                "springConstant": 0.05,
                "avoidOverlap": 0.6,
            },
            "stabilization": {
                "enabled": True,
                "iterations": 300 if is_large else 500,
                "updateInterval": 50,
                "fit": True,
            },
            "minVelocity": 1.5,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False},
    }


def render_network_page(
    view: NetworkView,
    *,
    texts: Texts,
    heading: str,
    assets: Assets,
    intro: str | None = None,
) -> str:
    """A whole HTML page with the drawing, its controls, the legend and the table of the same network.

    With `Assets.inline()` the page is one self-contained file (scripts and styles
    inlined, no CDN); with `Assets.served()` it fetches them from our app.
    """
    return render(
        "network_page.html",
        texts=texts,
        heading=heading,
        intro=intro,
        view=view,
        assets=assets,
        chrome=None,
        controls=None,
        overview=None,
        search_url=None,
    )
