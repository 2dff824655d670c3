"""The frame every page shares (site header, language links, network controls) and its rendering.

The routes in `api/pages.py` build these view models from a request; this module only
turns them into HTML, so `visualisation/` never sees HTTP, settings or the environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import NodeType
from visualisation.i18n import Texts
from visualisation.network import NodeStyle
from visualisation.templating import Assets, render

__all__ = ["Account", "Chrome", "Controls", "render_page"]

_ASSETS = Assets.served()


@dataclass(frozen=True, slots=True)
class Account:
    """The header's account corner: who is signed in and their sign-out form's token, or the sign-in link."""

    person: str | None
    csrf: str | None
    sign_in_url: str | None
    intake_url: str | None


@dataclass(frozen=True, slots=True)
class Chrome:
    """The site header of a page: which menu item is current, the links of the language switch, the account."""

    current: str
    home_url: str
    network_url: str
    languages: tuple[tuple[str, str], ...]
    account: Account


@dataclass(frozen=True, slots=True)
class Controls:
    """The form above a network: hidden parameters to keep, the depth chooser and the node types."""

    action: str
    hidden: tuple[tuple[str, str], ...]
    depth: int | None
    max_depth: int
    selected: frozenset[NodeType]
    types: tuple[tuple[NodeType, str, NodeStyle], ...]


def render_page(template: str, *, texts: Texts, chrome: Chrome, **context: object) -> str:
    """A page template rendered with the site frame and the assets served by the app itself."""
    return render(template, texts=texts, chrome=chrome, assets=_ASSETS, **context)
