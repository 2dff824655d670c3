"""GraphiQL at /graphql, served from the app's own copy of its files (installed by npm from a lock file).

`api/graphiql/package-lock.json` pins GraphiQL and React; `api/graphiql/ensure-graphiql`
installs them into `node_modules/` (`make run` and `make test` call it). The page loads
nothing from another origin. Without the files, browsers get a page that says how to
install them, and the API itself works as before.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

__all__ = ["ASSETS", "ASSETS_URL", "install", "is_installed", "page"]

_HERE = Path(__file__).resolve().parent
_MODULES = _HERE / "node_modules"
ASSETS_URL = "/static/vendor/graphiql"
ASSETS: dict[str, Path] = {
    "react.production.min.js": _MODULES / "react" / "umd" / "react.production.min.js",
    "react-dom.production.min.js": _MODULES / "react-dom" / "umd" / "react-dom.production.min.js",
    "graphiql.min.js": _MODULES / "graphiql" / "graphiql.min.js",
    "graphiql.min.css": _MODULES / "graphiql" / "graphiql.min.css",
    "start.js": _HERE / "start.js",
}
"""The files the page needs, by the name they are served under."""

EXAMPLE_QUERY = """# Prior work for a problem, best first, with the reasons each case was chosen.
# Ctrl-Enter runs it; Docs lists every field.
query PriorWork {
  priorWork(problem: "Elever som slutar gymnasiet i förtid", first: 5) {
    strongCount
    isNoMatch
    message
    edges {
      node {
        score
        confidence
        case { key title country year }
        reasons { kind text problemPart isInferred }
      }
    }
  }
}
"""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL – Behovsgraf</title>
<link rel="stylesheet" href="{assets}/graphiql.min.css">
<style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql" data-query="{query}">Loading GraphiQL …</div>
<script src="{assets}/react.production.min.js"></script>
<script src="{assets}/react-dom.production.min.js"></script>
<script src="{assets}/graphiql.min.js"></script>
<script src="{assets}/start.js"></script>
</body>
</html>
"""

_MISSING = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphiQL is not installed – Behovsgraf</title></head>
<body>
<h1>GraphiQL is not installed</h1>
<p>The GraphQL API answers POST requests at this address. The explorer's files are installed
with <code>api/graphiql/ensure-graphiql</code> (needs npm), which <code>make run</code> runs.</p>
</body>
</html>
"""


def is_installed() -> bool:
    """Whether every file the GraphiQL page needs is there."""
    return all(path.is_file() for path in ASSETS.values())


def page() -> HTMLResponse:
    """The GraphiQL page, or the page saying how to install it."""
    if not is_installed():
        return HTMLResponse(_MISSING, status_code=503)
    return HTMLResponse(_PAGE.format(assets=ASSETS_URL, query=escape(EXAMPLE_QUERY, quote=True)))


async def _asset(name: str) -> FileResponse:
    path = ASSETS.get(name)
    if path is None or not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


def install(app: FastAPI) -> None:
    """Serve the GraphiQL files at `ASSETS_URL`."""
    app.add_api_route(ASSETS_URL + "/{name}", _asset, methods=["GET"], include_in_schema=False)
