"""The sign-in routes: /auth/login sends the browser to the provider, /auth/callback signs it in.

The authorization code flow with PKCE (S256), state and nonce: the state and the PKCE
verifier are kept server-side under a random id in a short-lived cookie scoped to
/auth/, and checked when the provider sends the browser back. The ID token is
verified against the provider's keys (issuer, audience = client id, expiry, nonce)
before a session is opened. /auth/logout (a POST with the CSRF token) ends it.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated
from urllib.parse import urlencode

from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.integrations.base_client.errors import OAuthError
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from httpx2 import HTTPError

from api.auth.claims import person_of, scope_of
from api.auth.csrf import CSRF_FIELD, read_form
from api.auth.errors import AuthPageError
from api.auth.identity import Authenticator, session_of
from api.auth.provider import Provider, ProviderUnavailable, TokenInvalid
from api.auth.sessions import LOGIN_COOKIE, LOGIN_SECONDS, SESSION_COOKIE, set_cookie
from api.deps import Caller

__all__ = ["LOGIN_PATH", "local_path", "login_url", "router"]

log = logging.getLogger(__name__)

LOGIN_PATH = "/auth/login"
CALLBACK_PATH = "/auth/callback"
LOGIN_COOKIE_PATH = "/auth/"
SIGNED_OUT_PATH = "/signed-out"
"""The page sign-out ends on; it needs no sign-in, so the browser's form-action check never meets another site."""

router = APIRouter(include_in_schema=False)


def local_path(value: str) -> str:
    """`value` when it is a path on this site, else "/": the page after sign-in is never another site.

    >>> local_path("/network?focus=x"), local_path("//evil.example/"), local_path("https://evil.example/")
    ('/network?focus=x', '/', '/')
    """
    if value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def login_url(next_path: str) -> str:
    """The sign-in link that comes back to `next_path`."""
    return f"{LOGIN_PATH}?{urlencode({'next': local_path(next_path)})}"


def _authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def _provider(authenticator: Annotated[Authenticator, Depends(_authenticator)]) -> Provider:
    if authenticator.provider is None:
        raise AuthPageError(404, "signin.failed.title", "signin.off")
    return authenticator.provider


AuthenticatorDep = Annotated[Authenticator, Depends(_authenticator)]
ProviderDep = Annotated[Provider, Depends(_provider)]


def _client(provider: Provider, redirect_uri: str) -> AsyncOAuth2Client:
    oidc = provider.oidc
    secret = oidc.client_secret.get_secret_value() if oidc.client_secret else None
    return AsyncOAuth2Client(
        client_id=oidc.client_id,
        client_secret=secret,
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        scope=oidc.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=10.0,
    )


def _redirect_uri(request: Request, provider: Provider) -> str:
    return provider.oidc.redirect_url or str(request.url_for("auth_callback"))


async def _metadata(provider: Provider) -> dict[str, object]:
    try:
        return await provider.metadata()
    except ProviderUnavailable as exc:
        log.warning("sign-in: the provider cannot be reached: %s", exc)
        raise AuthPageError(503, "signin.failed.title", "signin.unavailable") from exc


@router.get(LOGIN_PATH)
async def auth_login(
    request: Request,
    authenticator: AuthenticatorDep,
    provider: ProviderDep,
    next: Annotated[str, Query()] = "/",  # noqa: A002 - the parameter's public name
) -> Response:
    """Send the browser to the provider's sign-in page."""
    metadata = await _metadata(provider)
    login = authenticator.sessions.start_login(local_path(next))
    async with _client(provider, _redirect_uri(request, provider)) as client:
        url, _ = client.create_authorization_url(
            str(metadata["authorization_endpoint"]),
            state=login.state,
            nonce=login.nonce,
            code_verifier=login.code_verifier,
        )
    response = RedirectResponse(url, status_code=303)
    secure = authenticator.settings.session_cookie_secure
    set_cookie(response, LOGIN_COOKIE, login.id, max_age=LOGIN_SECONDS, secure=secure, path=LOGIN_COOKIE_PATH)
    return response


@router.get(CALLBACK_PATH, name="auth_callback")
async def auth_callback(
    request: Request,
    authenticator: AuthenticatorDep,
    provider: ProviderDep,
    code: str = "",
    state: str = "",
    error: str = "",
) -> Response:
    """Check what the provider sent back, exchange the code (with the PKCE verifier) and open a session."""
    login = authenticator.sessions.finish_login(request.cookies.get(LOGIN_COOKIE, ""))
    if login is None:
        raise AuthPageError(400, "signin.failed.title", "signin.expired")
    if not hmac.compare_digest(state.encode(), login.state.encode()):
        raise AuthPageError(400, "signin.failed.title", "signin.expired")
    if error or not code:
        log.info("sign-in refused by the provider: %s", error[:100] or "no code")
        raise AuthPageError(403, "signin.failed.title", "signin.refused")
    metadata = await _metadata(provider)
    try:
        async with _client(provider, _redirect_uri(request, provider)) as client:
            token = await client.fetch_token(
                str(metadata["token_endpoint"]), code=code, code_verifier=login.code_verifier
            )
        claims = await provider.verify(
            str(token.get("id_token", "")), audience=provider.oidc.client_id, nonce=login.nonce
        )
    except (OAuthError, HTTPError, ProviderUnavailable) as exc:
        log.warning("sign-in: the code exchange failed: %s", exc)
        raise AuthPageError(502, "signin.failed.title", "signin.unavailable") from exc
    except TokenInvalid as exc:
        log.warning("sign-in: the ID token is not valid: %s", exc)
        raise AuthPageError(403, "signin.failed.title", "signin.refused") from exc
    person = person_of(claims, provider.oidc)
    if person is None:
        raise AuthPageError(403, "signin.failed.title", "signin.refused")
    caller = Caller(person=person, scope=scope_of(claims, provider.oidc))
    session = authenticator.sessions.open(caller)
    log.info("signed in: %s with scope %s", person, caller.scope.value if caller.scope else "none")
    response = RedirectResponse(login.next_path, status_code=303)
    secure = authenticator.settings.session_cookie_secure
    set_cookie(response, SESSION_COOKIE, session.id, max_age=authenticator.sessions.ttl_seconds, secure=secure)
    set_cookie(response, LOGIN_COOKIE, "", max_age=0, secure=secure, path=LOGIN_COOKIE_PATH)
    return response


@router.post("/auth/logout")
async def auth_logout(request: Request, authenticator: AuthenticatorDep) -> Response:
    """End the session (the form must carry its CSRF token) and show the signed-out page."""
    fields = await read_form(request)
    session = session_of(request)
    if session is not None:
        if not hmac.compare_digest(fields.get(CSRF_FIELD, "").encode(), session.csrf.encode()):
            raise AuthPageError(403, "form.refused.title", "form.refused.token")
        authenticator.sessions.close(session.id)
        log.info("signed out: %s", session.caller.person)
    response = RedirectResponse(SIGNED_OUT_PATH, status_code=303)
    set_cookie(response, SESSION_COOKIE, "", max_age=0, secure=authenticator.settings.session_cookie_secure)
    return response
