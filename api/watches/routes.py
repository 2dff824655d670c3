"""The Atom feed of a watch at `/watches/{key}/feed.atom?token=…`: the token is the feed's only key."""

from __future__ import annotations

import hmac

import anyio.to_thread
from fastapi import APIRouter, HTTPException, Request, Response

from api.watches.feed import atom_feed
from api.watches.service import WatchService
from api.watches.store import WatchNotFound
from visualisation.i18n import choose_language

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FEED_ENTRIES = 50


@router.get("/watches/{watch_key}/feed.atom")
async def watch_feed(request: Request, watch_key: str, token: str = "") -> Response:
    """The newest matches of a watch as Atom; 404 for an unknown watch or a wrong token alike."""
    service: WatchService | None = request.app.state.watch_service
    if service is None:
        raise HTTPException(404, "This server runs no watches.")
    try:
        watch = await anyio.to_thread.run_sync(lambda: service.watches.get(watch_key))
    except WatchNotFound as exc:
        raise HTTPException(404, "No such feed.") from exc
    if not hmac.compare_digest(watch.feed_token.encode(), token.encode()):
        raise HTTPException(404, "No such feed.")
    matches = await anyio.to_thread.run_sync(lambda: service.watches.matches(watch.id, limit=FEED_ENTRIES))
    settings = request.app.state.settings
    base = settings.public_url.rstrip("/")
    lang = choose_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    body = atom_feed(watch, matches, base_url=base, feed_url=f"{base}{request.url.path}?token={token}", lang=lang)
    return Response(body, media_type="application/atom+xml; charset=utf-8")
