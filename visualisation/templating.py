"""The Jinja2 environment every page is rendered with, and how pages reach their scripts and styles.

Autoescaping is on for every template, so text from the graph (titles, names,
summaries) always lands in a page as text. Data for scripts goes through the
`tojson` filter, which escapes `<`, `>`, `&` and `'`, so a title such as
`</script><script>...` cannot close the data block it sits in.

Examples
--------
>>> render_string("<p>{{ title }}</p>", title="<img src=x onerror=alert(1)>")
'<p>&lt;img src=x onerror=alert(1)&gt;</p>'
>>> safe_url("javascript:alert(1)") is None, safe_url("https://doga.no/x")
(True, 'https://doga.no/x')
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

__all__ = [
    "STATIC_DIR",
    "TEMPLATE_DIR",
    "VIS_NETWORK_DIR",
    "Assets",
    "render",
    "render_string",
    "safe_url",
]

_HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static"
VIS_NETWORK_DIR = Path(str(files("pyvis"))) / "lib" / "vis-9.1.2"
"""The vis-network build that pyvis ships; we serve it ourselves so no page needs a CDN."""

_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_STYLES = (("site", STATIC_DIR / "behovsgraf.css"), ("vendor", VIS_NETWORK_DIR / "vis-network.css"))
_SCRIPTS = (("vendor", VIS_NETWORK_DIR / "vis-network.min.js"), ("site", STATIC_DIR / "network.js"))
_CLOSING = {"script": ("</script", "<!--"), "style": ("</style", "<!--")}


@dataclass(frozen=True, slots=True)
class Asset:
    """One stylesheet or script: either a URL to fetch or its text to inline."""

    url: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Assets:
    """Where a page gets its styles and scripts: from our own server, or inlined into the page."""

    styles: tuple[Asset, ...]
    scripts: tuple[Asset, ...]
    icon: str | None = None

    @classmethod
    def served(cls, *, static_url: str = "/static", vendor_url: str = "/static/vendor/vis-network") -> Assets:
        """Assets fetched from the app's own static mounts."""
        roots = {"site": static_url, "vendor": vendor_url}
        return cls(
            styles=tuple(Asset(url=f"{roots[root]}/{path.name}") for root, path in _STYLES),
            scripts=tuple(Asset(url=f"{roots[root]}/{path.name}") for root, path in _SCRIPTS),
            icon=f"{static_url}/favicon.svg",
        )

    @classmethod
    def inline(cls) -> Assets:
        """Assets copied into the page, for a single file that opens without any server.

        Raises
        ------
        ValueError
            A file contains text that would end its `<script>` or `<style>` element early.
        """
        return cls(
            styles=tuple(Asset(text=_read_inlinable(path, "style")) for _, path in _STYLES),
            scripts=tuple(Asset(text=_read_inlinable(path, "script")) for _, path in _SCRIPTS),
        )


def _read_inlinable(path: Path, element: str) -> str:
    text = path.read_text(encoding="utf-8")
    lowered = text.lower()
    for marker in _CLOSING[element]:
        if marker in lowered:
            raise ValueError(f"{path} contains {marker!r} and cannot be inlined into a <{element}> element")
    return text


def render(template: str, **context: object) -> str:
    """Render a template from `visualisation/templates` with autoescaping."""
    return _ENVIRONMENT.get_template(template).render(**context)


def render_string(source: str, **context: object) -> str:
    """Render template text with the same environment (autoescaping on)."""
    return _ENVIRONMENT.from_string(source).render(**context)


def safe_url(value: object) -> str | None:
    """`value` when it is an absolute http(s) URL, else None; only such URLs become links."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return value.strip()
    return None
