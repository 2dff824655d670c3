"""The intake page: a signed-in person reports a need, stored under their name (propose scope or more).

The form is a POST carrying the session's CSRF token (`api.auth.csrf`); the need is
validated like a case file's need and written like `proposeNeed` with `confirm`.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.auth.csrf import CheckedForm
from api.auth.errors import AuthPageError
from api.auth.identity import session_of
from api.auth.sessions import Session
from api.pages import Page, PageDep, SignInRequired, StoreDep
from api.settings import Scope
from graph.ranking.language import detect_language
from graph.store import GraphStore
from ingest.proposals import proposed_need, store_proposed_need
from ingest.schema import NeedIn

__all__ = ["MAX_NEED_LENGTH", "router"]

MAX_NEED_LENGTH = 1000
INTAKE_PATH = "/needs/new"

router = APIRouter(include_in_schema=False)


def _signed_in(request: Request, page: PageDep) -> Session:
    session = session_of(request)
    if session is None:
        raise SignInRequired(f"{INTAKE_PATH}?lang={page.texts.lang}")
    return session


SessionDep = Annotated[Session, Depends(_signed_in)]


def _form(page: Page, session: Session, *, text: str = "", problem: str = "", status: int = 200) -> Response:
    return page.html(
        "intake.html",
        current="intake",
        status=status,
        action=f"/needs?lang={page.texts.lang}",
        csrf=session.csrf,
        text=text,
        problem=problem,
        max_length=MAX_NEED_LENGTH,
    )


@router.get(INTAKE_PATH)
def intake_page(page: PageDep, session: SessionDep) -> Response:
    """The form to report a need."""
    return _form(page, session)


def _store(store: GraphStore, text: str, proposed_by: str | None) -> tuple[str, bool]:
    need = proposed_need(text, language=detect_language(text), proposed_by=proposed_by)
    return store_proposed_need(store, need, ())


@router.post("/needs")
def intake_submit(page: PageDep, store: StoreDep, form: CheckedForm) -> Response:
    """Store the reported need (propose scope needed) and show its page."""
    session, fields = form
    caller = session.caller
    if caller.scope is None or not caller.scope.includes(Scope.PROPOSE):
        raise AuthPageError(403, "intake.refused.title", "intake.refused.text")
    text = fields.get("text", "").strip()[:MAX_NEED_LENGTH]
    if not text:
        return _form(page, session, problem=page.texts["intake.empty"], status=400)
    try:
        need = NeedIn(text=text)
    except ValidationError as exc:
        return _form(page, session, text=text, problem=str(exc.errors()[0]["msg"]), status=400)
    need_id, created = _store(store, need.text, caller.actor)
    outcome = "stored" if created else "known"
    return RedirectResponse(
        f"/nodes/{quote(need_id, safe=':')}?lang={page.texts.lang}&intake={outcome}", status_code=303
    )
