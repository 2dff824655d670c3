"""Per-key and per-address rate limits: a token bucket per caller, 429 with Retry-After past it.

A request from a valid API key, bearer token or page session counts against that
caller (`rate_limit_per_key` a minute); any other against its client address
(`rate_limit_per_address`), so staff behind one proxy are not limited together while
anonymous clients are. A bucket holds a minute's worth and refills evenly. Static
files and the health checks are not counted. Behind a reverse proxy, run uvicorn with
`--proxy-headers` so the address is the client's.

Examples
--------
>>> buckets = Buckets(per_minute=2)
>>> buckets.take("a", now=0.0), buckets.take("a", now=0.0), buckets.take("a", now=0.0)
(0.0, 0.0, 30.0)
>>> buckets.take("a", now=30.0)
0.0
"""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth.identity import caller_of, session_of
from api.schema.errors import ErrorCode
from api.settings import Settings

__all__ = ["Buckets", "RateLimitMiddleware"]

MAX_BUCKETS = 100_000
"""Callers tracked at once; the least recently seen are forgotten first (and start full again)."""
EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz")


class Buckets:
    """Token buckets by caller, `per_minute` tokens each, refilled continuously."""

    def __init__(self, *, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, caller: str, *, now: float) -> float:
        """Take a token for `caller`: 0.0 when one was there, else the seconds until one will be."""
        tokens, then = self._buckets.pop(caller, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[caller] = (tokens, now)
        if len(self._buckets) > MAX_BUCKETS:
            self._buckets.popitem(last=False)
        return wait


class RateLimitMiddleware:
    """Refuse requests over the caller's rate with 429, `Retry-After` and a GraphQL-shaped error body.

    Runs inside `IdentityMiddleware`, whose result says who the caller is.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.per_key = Buckets(per_minute=settings.rate_limit_per_key) if settings.rate_limit_per_key else None
        self.per_address = (
            Buckets(per_minute=settings.rate_limit_per_address) if settings.rate_limit_per_address else None
        )

    def _wait(self, scope: Scope, now: float) -> float:
        connection = HTTPConnection(scope)
        caller = caller_of(connection)
        session = session_of(connection)
        actor = caller.actor or (session.caller.actor if session is not None else None)
        if actor is not None:
            return self.per_key.take(actor, now=now) if self.per_key else 0.0
        address = scope["client"][0] if scope.get("client") else "unknown"
        return self.per_address.take(f"address:{address}", now=now) if self.per_address else 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        wait = self._wait(scope, time.monotonic())
        if wait <= 0.0:
            await self.app(scope, receive, send)
            return
        retry_after = max(1, math.ceil(wait))
        request_id = str(scope.get("state", {}).get("request_id", "unknown"))
        body = json.dumps(
            {
                "errors": [
                    {
                        "message": f"Too many requests; try again in {retry_after} s.",
                        "extensions": {
                            "code": ErrorCode.LIMIT_EXCEEDED.value,
                            "requestId": request_id,
                            "retryAfter": retry_after,
                        },
                    }
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry_after).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
