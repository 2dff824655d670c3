"""CSRF protection of the pages' forms: every POST carries its session's token, compared in constant time.

The session cookie is SameSite=Lax, so other sites' forms cannot send it with a POST in
current browsers; the token also covers older ones and a subdomain that is not ours.
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request

from api.auth.errors import AuthPageError
from api.auth.identity import session_of
from api.auth.sessions import Session

__all__ = ["CSRF_FIELD", "MAX_FIELDS", "CheckedForm", "checked_form", "read_form"]

CSRF_FIELD = "csrf"
MAX_FIELDS = 50
FORM_TYPE = "application/x-www-form-urlencoded"


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a urlencoded form body (at most MAX_FIELDS); 415 or 400 for anything else."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        raise AuthPageError(415, "form.refused.title", "form.refused.type")
    try:
        pairs = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise AuthPageError(400, "form.refused.title", "form.refused.type") from exc
    return dict(pairs)


async def checked_form(request: Request) -> tuple[Session, dict[str, str]]:
    """FastAPI dependency of POST pages: the signed-in session and the form's fields, once its token matches.

    Raises
    ------
    AuthPageError
        403 without a session or with a missing or wrong token; 415 for a body that is not a form.
    """
    fields = await read_form(request)
    session = session_of(request)
    if session is None:
        raise AuthPageError(403, "form.refused.title", "form.refused.session")
    if not hmac.compare_digest(fields.get(CSRF_FIELD, "").encode(), session.csrf.encode()):
        raise AuthPageError(403, "form.refused.title", "form.refused.token")
    return session, fields


CheckedForm = Annotated[tuple[Session, dict[str, str]], Depends(checked_form)]
