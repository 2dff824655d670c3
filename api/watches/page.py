"""The planner page's "Bevaka / Følg med på dette": a signed-in person watches the problem just searched for.

The button is a POST carrying the session's CSRF token (`api.auth.csrf`), like the intake
form; the watch belongs to the person (`person:<name>`) and reports matches of at least
`possible` confidence. The answer page shows the watch's Atom feed address once: it holds
the feed token, so it is never put in a link the browser history would keep elsewhere.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.auth.csrf import CheckedForm
from api.auth.errors import AuthPageError
from api.pages import PageDep, PageError
from api.schema.watches import MAX_WATCHES_PER_OWNER, feed_path
from api.settings import Scope
from api.watches.service import WatchService
from api.watches.store import Sensitivity

__all__ = ["WATCH_PAGE_PATH", "router"]

WATCH_PAGE_PATH = "/watches/new"
MAX_PROBLEM_LENGTH = 2000

router = APIRouter(include_in_schema=False)


@router.post(WATCH_PAGE_PATH)
def watch_from_page(request: Request, page: PageDep, form: CheckedForm) -> Response:
    """Create a watch of the searched problem for the signed-in person (propose scope) and show its feed."""
    session, fields = form
    caller = session.caller
    if caller.scope is None or not caller.scope.includes(Scope.PROPOSE) or caller.actor is None:
        raise AuthPageError(403, "watch.refused.title", "watch.refused.text")
    service: WatchService | None = request.app.state.watch_service
    if service is None:
        raise PageError(404, "watch.title", page.texts["watch.off"])
    problem = fields.get("problem", "").strip()[:MAX_PROBLEM_LENGTH]
    if not problem:
        raise PageError(400, "watch.title", page.texts["watch.empty"])
    if len(service.watches.watches(owner=caller.actor)) >= MAX_WATCHES_PER_OWNER:
        raise PageError(400, "watch.title", page.texts.format("watch.too_many", count=MAX_WATCHES_PER_OWNER))
    watch = service.watches.create(owner=caller.actor, problem=problem, sensitivity=Sensitivity.POSSIBLE)
    base = request.app.state.settings.public_url.rstrip("/")
    return page.html(
        "watch.html",
        current="search",
        problem=problem,
        feed_url=base + feed_path(watch),
        search_url=page.url("/", [("q", problem)]),
    )
