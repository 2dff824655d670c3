"""Network views without a browser: trimming, styling, labels, escaping and offline pages."""

from __future__ import annotations

import re

import pytest

from graph.algorithms.neighbourhood import Subgraph
from graph.model import Edge, Node, NodeType, RelType
from tests.visualisation.conftest import XSS_IMG, XSS_SCRIPT
from visualisation.i18n import Texts
from visualisation.network import (
    NODE_STYLES,
    NetworkView,
    build_view,
    render_network_page,
    trim,
)
from visualisation.templating import Assets

CASE = Node("c1", NodeType.CASE, {"title": XSS_SCRIPT, "year": 2019, "country": "NO", "summary": XSS_IMG})
OWNER = Node("organisation:a", NodeType.ORGANISATION, {"name": "Alfa kommune"})
METHOD = Node("method:interviews", NodeType.METHOD, {"name": "Intervjuer"})
OTHER = Node("c2", NodeType.CASE, {"title": "Beta"})


def _subgraph() -> Subgraph:
    return Subgraph(
        (CASE, OWNER, METHOD, OTHER),
        (
            Edge(OWNER.id, RelType.PARTICIPATED_IN, CASE.id, CASE.id, {"role": "owner"}),
            Edge(CASE.id, RelType.USED, METHOD.id, CASE.id),
            Edge(OTHER.id, RelType.USED, METHOD.id, OTHER.id),
            Edge(CASE.id, RelType.RELATED_TO, OTHER.id, CASE.id, {"kind": "builds_on"}),
        ),
    )


def _view(lang: str = "nb", max_nodes: int = 150) -> NetworkView:
    return build_view(
        _subgraph(), texts=Texts(lang), node_url=lambda node: f"/x/{node.id}", focus=(CASE.id,), max_nodes=max_nodes
    )


def test_trim_keeps_focus_then_nearest_then_best_connected() -> None:
    hub = Node("hub", NodeType.CASE)
    near = [Node(f"method:m{i}", NodeType.METHOD) for i in range(3)]
    far = Node("c-far", NodeType.CASE)
    edges = [Edge(hub.id, RelType.USED, node.id, hub.id) for node in near]
    edges += [Edge(far.id, RelType.USED, near[2].id, far.id), Edge(far.id, RelType.USED, near[1].id, far.id)]
    sub = Subgraph((hub, *near, far), tuple(edges))
    kept = trim(sub, focus=["hub"], max_nodes=3)
    assert [node.id for node in kept.nodes] == ["hub", "method:m1", "method:m2"]
    assert all(edge.source == "hub" for edge in kept.edges)
    assert kept.truncated


def test_trim_leaves_small_subgraphs_alone() -> None:
    sub = _subgraph()
    assert trim(sub, focus=[CASE.id], max_nodes=10) is sub
    with pytest.raises(ValueError, match="at least 1"):
        trim(sub, max_nodes=0)


@pytest.mark.parametrize(
    ("lang", "role", "related"),
    [("sv", "ägare", "bygger på"), ("nb", "eier", "bygger på"), ("en", "owner", "builds on")],
)
def test_view_labels_edges_with_roles_and_relations(lang: str, role: str, related: str) -> None:
    labels = {edge["id"]: edge["label"] for edge in _view(lang).data["edges"]}
    assert labels[f"{OWNER.id}|PARTICIPATED_IN|{CASE.id}"] == role
    assert labels[f"{CASE.id}|RELATED_TO|{OTHER.id}"] == related


def test_view_gives_each_type_one_shape_and_colour_and_a_legend() -> None:
    view = _view()
    by_id = {node["id"]: node for node in view.data["nodes"]}
    assert by_id[OWNER.id]["shape"] == NODE_STYLES[NodeType.ORGANISATION].shape
    assert by_id[METHOD.id]["color"]["background"] == NODE_STYLES[NodeType.METHOD].colour
    assert by_id[CASE.id]["focus"] and not by_id[OTHER.id]["focus"]
    assert [entry[0] for entry in view.legend] == [NodeType.CASE, NodeType.ORGANISATION, NodeType.METHOD]
    assert len({style.shape for style in NODE_STYLES.values()}) == len(NodeType)
    assert len({style.colour for style in NODE_STYLES.values()}) == len(NodeType)


def test_view_keeps_text_plain_and_never_sends_a_title_string() -> None:
    node = next(item for item in _view().data["nodes"] if item["id"] == CASE.id)
    assert node["fullLabel"] == XSS_SCRIPT
    assert "title" not in node
    assert ["År", "2019"] in node["facts"] and ["Land", "Norge"] in node["facts"]


def test_view_reports_trimming() -> None:
    view = _view(max_nodes=2)
    assert view.is_trimmed and view.total_nodes == 4 and len(view.nodes) == 2
    assert not _view().is_trimmed


def test_inline_page_needs_no_network_and_escapes_hostile_text() -> None:
    html = render_network_page(_view(), texts=Texts("nb"), heading=XSS_IMG, assets=Assets.inline())
    assert XSS_SCRIPT not in html and XSS_IMG not in html
    assert "&lt;img src=x" in html
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=", html), "the page loads a file"
    assert "vis-network" in html and "window.behovsgraf" in html
    data = re.search(r'<script type="application/json" data-network-data>(.*?)</script>', html, re.S)
    assert data is not None and "<" not in data.group(1)


def test_served_assets_come_from_our_own_static_mounts() -> None:
    assets = Assets.served()
    urls = [asset.url for asset in (*assets.styles, *assets.scripts)]
    assert urls and all(url and url.startswith("/static/") for url in urls)
