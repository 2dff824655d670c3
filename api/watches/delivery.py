"""Signed webhook deliveries: at least once, with back-off, an idempotency key and a log.

Each POST carries the match as JSON and these headers:

* `Behovsgraf-Idempotency-Key`: the match id; a receiver that has seen it drops the copy;
* `Behovsgraf-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the watch's secret>`.

A receiver answering 2xx has the delivery; anything else, a time-out or a refused
address is retried after 2, 4, 8 ... seconds (at most `MAX_BACKOFF`) until
`MAX_ATTEMPTS`. Redirects are not followed.

>>> header = signature(b'{"a": 1}', "secret", timestamp=1700000000)
>>> header
't=1700000000,v1=...'
>>> verify(b'{"a": 1}', "secret", header)
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

import httpx

from api.watches.store import Delivery, WatchStore
from api.watches.targets import target_problem

__all__ = [
    "IDEMPOTENCY_HEADER",
    "MAX_ATTEMPTS",
    "MAX_BACKOFF",
    "SIGNATURE_HEADER",
    "deliver_due",
    "payload",
    "signature",
    "verify",
]

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Behovsgraf-Idempotency-Key"
SIGNATURE_HEADER = "Behovsgraf-Signature"
MAX_ATTEMPTS = 12
"""Attempts before a delivery is given up (about an hour of back-off)."""
FIRST_BACKOFF = 2.0
MAX_BACKOFF = 900.0
TIMEOUT = httpx.Timeout(5.0, connect=3.0)
"""A slow receiver is cut off; it never holds up matching or ingest."""


def signature(body: bytes, secret: str, *, timestamp: int) -> str:
    """The signature header value for `body`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(body: bytes, secret: str, header: str) -> bool:
    """Whether `header` signs `body` with `secret` (what a receiver checks)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in fields or "v1" not in fields or not fields["t"].isdigit():
        return False
    expected = signature(body, secret, timestamp=int(fields["t"]))
    return hmac.compare_digest(expected, header)


def payload(delivery: Delivery) -> dict[str, Any]:
    """The JSON a receiver gets: the watch, the matched case and the reasons."""
    match = delivery.match
    return {
        "id": match.id,
        "watch": {"id": delivery.watch.id, "problem": delivery.watch.problem},
        "case": {"key": match.case_id, "title": match.case_title},
        "revision": match.revision,
        "score": match.score,
        "confidence": match.confidence,
        "reasons": list(match.reasons),
        "matchedAt": match.created_at,
    }


def _backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, attempts - 1))


async def _attempt(client: httpx.AsyncClient, delivery: Delivery, *, allow_private: bool) -> str | None:
    """Send one delivery; the reason it failed, or None when the receiver took it."""
    watch = delivery.watch
    if not watch.webhook_url or not watch.webhook_secret:
        return "the watch has no webhook"
    refused = target_problem(watch.webhook_url, allow_private=allow_private)
    if refused:
        return refused
    body = json.dumps(payload(delivery), ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        IDEMPOTENCY_HEADER: delivery.match.id,
        SIGNATURE_HEADER: signature(body, watch.webhook_secret, timestamp=int(time.time())),
    }
    try:
        response = await client.post(watch.webhook_url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    if 200 <= response.status_code < 300:
        return None
    return f"the receiver answered {response.status_code}"


async def deliver_due(watches: WatchStore, client: httpx.AsyncClient, *, allow_private: bool) -> int:
    """Attempt every due delivery once; returns how many were accepted."""
    accepted = 0
    for delivery in watches.due(time.time()):
        problem = await _attempt(client, delivery, allow_private=allow_private)
        if problem is None:
            watches.delivered(delivery.match.id)
            accepted += 1
            continue
        attempts = delivery.attempts + 1
        retry_at = time.time() + _backoff(attempts) if attempts < MAX_ATTEMPTS else None
        watches.failed(delivery.match.id, problem, retry_at=retry_at)
        log.info("webhook of %s for %s: %s (attempt %d)", delivery.watch.id, delivery.match.case_id, problem, attempts)
    return accepted
