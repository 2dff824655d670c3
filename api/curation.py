"""The case page's curation forms: a signed-in curator (write scope) confirms or rejects an inferred link.

Each decision is a POST carrying the session's CSRF token (`api.auth.csrf`), like the
intake form, and is written by `graph.ranking.inferred` as one run under the person
(`person:<name>`), so the case's history says who decided. The answer is the case
page again (303), where the link is now stated or gone.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from api.auth.csrf import CheckedForm
from api.auth.errors import AuthPageError
from api.pages import CURATION_PATH, PageDep, PageError, StoreDep
from api.settings import Scope
from graph.errors import NodeNotFound
from graph.model import Origin
from graph.ranking.inferred import InferredLinkNotFound, confirm_inferred_link, reject_inferred_link

__all__ = ["router"]

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
_DECISIONS = {"confirm": confirm_inferred_link, "reject": reject_inferred_link}


@router.post(CURATION_PATH)
def decide_inferred_link(case_id: str, decision: str, page: PageDep, store: StoreDep, form: CheckedForm) -> Response:
    """Confirm or reject the inferred link from the case to the form's `concept`, then show the case page."""
    session, fields = form
    caller = session.caller
    if caller.scope is None or not caller.scope.includes(Scope.WRITE) or caller.actor is None:
        raise AuthPageError(403, "inferred.refused.title", "inferred.refused.text")
    write = _DECISIONS.get(decision)
    if write is None:
        raise PageError(404, "not_found.title", page.texts.format("not_found.text", node_id=decision))
    concept = fields.get("concept", "").strip()
    try:
        write(store, case_id, concept, origin=Origin(caller.actor))
    except (NodeNotFound, InferredLinkNotFound) as exc:
        raise PageError(404, "inferred.refused.title", page.texts["inferred.gone"]) from exc
    log.info("page: %s inferred link %s -> %s by %s", decision, case_id, concept, caller.actor)
    return RedirectResponse(f"/cases/{quote(case_id, safe=':')}?lang={page.texts.lang}", status_code=303)
