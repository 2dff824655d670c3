"""Who is calling: API keys for machines, bearer JWTs and signed-in page sessions for people.

`install(app, settings)` adds the identifying middleware and the sign-in routes; see
`identity` (who a request comes from), `routes` (OpenID Connect sign-in), `sessions`
(server-side sessions), `csrf` (form tokens) and `claims` (groups or roles to scope).
"""

from __future__ import annotations

from fastapi import FastAPI

from api.auth.identity import Authenticator, IdentityMiddleware
from api.auth.routes import router
from api.settings import Settings

__all__ = ["install"]


def install(app: FastAPI, settings: Settings) -> None:
    """Identify every request of `app` and serve /auth/login, /auth/callback and /auth/logout."""
    authenticator = Authenticator(settings)
    app.state.authenticator = authenticator
    app.include_router(router)
    app.add_middleware(IdentityMiddleware, authenticator=authenticator)
