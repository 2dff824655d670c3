"""What requests depend on: the store (reopened after failures) and who is calling.

`app.state.stores` holds one `StoreProvider` per app; pages and resolvers take the
store from it, so a store that went away is reopened by the first request after
it came back. The store opens lazily: the search's warm-up reads what the first
queries need, then the rest of an embedded graph is read beside the requests (`preload`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass

from fastapi import HTTPException, Request

from api.settings import Scope, Settings
from graph.backends import open_store
from graph.errors import StoreUnavailable
from graph.store import GraphStore

__all__ = ["Caller", "StoreProvider", "get_store", "identify"]

log = logging.getLogger(__name__)


class StoreProvider:
    """Opens the configured store on first use and again after it became unavailable."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._store: GraphStore | None = None
        self._lock = threading.Lock()

    def get(self) -> GraphStore:
        """The open store; raise `StoreUnavailable` when it cannot be opened now."""
        with self._lock:
            if self._store is None:
                password = self._settings.neo4j_password
                self._store = open_store(
                    self._settings.store,
                    user=self._settings.neo4j_user,
                    password=password.get_secret_value() if password else None,
                    lazy=True,
                )
                log.info("opened the store")
            return self._store

    def discard(self, store: GraphStore) -> None:
        """Close `store` after it failed, so that the next `get` opens a fresh one."""
        with self._lock:
            if self._store is store:
                self._store = None
        try:
            store.close()
        except Exception:
            log.debug("closing a failed store raised", exc_info=True)

    def close(self) -> None:
        """Close the store if it is open."""
        with self._lock:
            store, self._store = self._store, None
        if store is not None:
            store.close()


def get_store(request: Request) -> GraphStore:
    """FastAPI dependency: the app's open store, or a 503 when it cannot be reached."""
    provider: StoreProvider = request.app.state.stores
    try:
        return provider.get()
    except StoreUnavailable as exc:
        log.warning("store unavailable: %s", exc)
        raise HTTPException(status_code=503, detail="The graph store is unavailable; try again shortly.") from exc


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent a request: a valid API key or a signed-in person with their scope, or nobody.

    `bad_key` is set when a key or token was sent that is not valid; `problem` then
    says why. A person whose groups map to no scope has `scope` None.
    """

    key_name: str | None = None
    scope: Scope | None = None
    bad_key: bool = False
    person: str | None = None
    problem: str | None = None

    @property
    def actor(self) -> str | None:
        """Who a write is recorded as: `key:<name>` or `person:<name>`, None for nobody."""
        if self.key_name is not None:
            return f"key:{self.key_name}"
        if self.person is not None:
            return f"person:{self.person}"
        return None

    @property
    def is_identified(self) -> bool:
        """Whether a valid key or a signed-in person sent the request."""
        return self.actor is not None


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def identify(settings: Settings, authorization: str | None) -> Caller:
    """The caller named by an `Authorization: Bearer <key>` header.

    Every configured key is compared, in constant time, so timing reveals neither
    which key matched nor how much of one did.
    """
    if not authorization:
        return Caller()
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Caller(bad_key=True)
    given = _digest(token.strip())
    match = None
    for api_key in settings.api_keys:
        if hmac.compare_digest(given, _digest(api_key.key.get_secret_value())) and match is None:
            match = api_key
    if match is None:
        return Caller(bad_key=True)
    return Caller(key_name=match.name, scope=match.scope)
