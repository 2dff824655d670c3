"""Who sent each request: an API key or a bearer JWT in `Authorization`, or a page session cookie.

`IdentityMiddleware` works this out once per request and keeps it in the request
state; `caller_of` (GraphQL: headers only, so a cookie can never be used against
the API from another site) and `page_caller_of` (pages: the headers, else the
session) read it back.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth.claims import person_of, scope_of
from api.auth.provider import Provider, ProviderUnavailable, TokenInvalid
from api.auth.sessions import SESSION_COOKIE, Session, Sessions
from api.deps import Caller, identify
from api.settings import Settings

__all__ = ["Authenticator", "IdentityMiddleware", "caller_of", "page_caller_of", "session_of"]

log = logging.getLogger(__name__)


def _looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("eyJ")


class Authenticator:
    """Identifies callers for one app: its API keys, its provider (when configured) and its sessions."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.provider = Provider(settings.oidc) if settings.oidc else None
        self.sessions = Sessions(ttl_seconds=settings.session_ttl_seconds)

    async def identify(self, authorization: str | None) -> Caller:
        """The caller an `Authorization` header names: an API key, a valid JWT, a bad one, or nobody."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if self.provider is None or scheme.lower() != "bearer" or not _looks_like_jwt(token):
            return identify(self.settings, authorization)
        oidc = self.provider.oidc
        try:
            claims = await self.provider.verify(token, audience=oidc.expected_audience)
        except TokenInvalid as exc:
            return Caller(bad_key=True, problem=str(exc))
        except ProviderUnavailable as exc:
            log.warning("cannot check a bearer token: %s", exc)
            return Caller(bad_key=True, problem="the identity provider cannot be reached to check the token")
        person = person_of(claims, oidc)
        if person is None:
            return Caller(bad_key=True, problem=f"the token names nobody (none of {', '.join(oidc.person_claims)})")
        return Caller(person=person, scope=scope_of(claims, oidc))


class IdentityMiddleware:
    """Put the header caller of each HTTP request and WebSocket (subscriptions), and the page session of each
    HTTP request, in its state. GraphQL goes by the header alone, so a socket never carries a page session."""

    def __init__(self, app: ASGIApp, *, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            state = scope.setdefault("state", {})
            state["caller"] = await self.authenticator.identify(Headers(scope=scope).get("authorization"))
            if scope["type"] == "http":
                state["session"] = self.authenticator.sessions.get(HTTPConnection(scope).cookies.get(SESSION_COOKIE))
        await self.app(scope, receive, send)


def caller_of(connection: HTTPConnection) -> Caller:
    """Who the `Authorization` header names (what the GraphQL API goes by)."""
    caller = connection.scope.get("state", {}).get("caller")
    return caller if isinstance(caller, Caller) else Caller()


def session_of(connection: HTTPConnection) -> Session | None:
    """The page session the request's cookie names, if it is live."""
    session = connection.scope.get("state", {}).get("session")
    return session if isinstance(session, Session) else None


def page_caller_of(connection: HTTPConnection) -> Caller:
    """Who a page request comes from: a key or token in the headers, else the signed-in person."""
    caller = caller_of(connection)
    if caller.is_identified or caller.bad_key:
        return caller
    session = session_of(connection)
    return session.caller if session is not None else caller
