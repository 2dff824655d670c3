"""Server-side sessions of signed-in people, and the sign-ins under way.

The browser holds only a random id in an HttpOnly, SameSite=Lax cookie (Secure unless
turned off); who the person is, their scope and the session's CSRF token stay in
this process. A session gets a fresh id at sign-in, so an id planted before it is
worthless. Both tables are bounded: past their size the oldest entries go first.
Sessions live in memory: a restart signs everyone out, and several worker
processes need sticky routing.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.responses import Response

from api.deps import Caller

__all__ = [
    "LOGIN_COOKIE",
    "LOGIN_SECONDS",
    "SESSION_COOKIE",
    "PendingLogin",
    "Session",
    "Sessions",
    "set_cookie",
]

SESSION_COOKIE = "behovsgraf_session"
LOGIN_COOKIE = "behovsgraf_login"
LOGIN_SECONDS = 600
"""A sign-in must come back from the provider within this many seconds."""
MAX_SESSIONS = 20_000
MAX_LOGINS = 5_000

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in person: who, with which scope, until when, and the token their forms carry."""

    id: str
    caller: Caller
    csrf: str
    expires: float


@dataclass(frozen=True, slots=True)
class PendingLogin:
    """A sign-in sent to the provider: what must come back with it, and where to go afterwards."""

    id: str
    state: str
    nonce: str
    code_verifier: str
    next_path: str
    expires: float


class _Table(Generic[T]):
    """Entries by id with an expiry, oldest evicted first when full; thread-safe."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._entries: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: str, value: T, expires: float) -> None:
        with self._lock:
            self._entries[key] = (expires, value)
            while len(self._entries) > self._limit:
                self._entries.popitem(last=False)

    def get(self, key: str) -> T | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.time():
                del self._entries[key]
                return None
            return entry[1]

    def pop(self, key: str) -> T | None:
        value = self.get(key)
        with self._lock:
            self._entries.pop(key, None)
        return value


class Sessions:
    """The sessions and pending sign-ins of one app."""

    def __init__(self, *, ttl_seconds: int) -> None:
        self.ttl_seconds = ttl_seconds
        self._sessions: _Table[Session] = _Table(MAX_SESSIONS)
        self._logins: _Table[PendingLogin] = _Table(MAX_LOGINS)

    def start_login(self, next_path: str) -> PendingLogin:
        """A new pending sign-in with fresh state, nonce and PKCE verifier."""
        login = PendingLogin(
            id=secrets.token_urlsafe(32),
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),
            next_path=next_path,
            expires=time.time() + LOGIN_SECONDS,
        )
        self._logins.put(login.id, login, login.expires)
        return login

    def finish_login(self, login_id: str) -> PendingLogin | None:
        """The pending sign-in of this id, removed so it cannot be used twice; None when unknown or expired."""
        return self._logins.pop(login_id)

    def open(self, caller: Caller) -> Session:
        """A new session for a person who just signed in."""
        session = Session(
            id=secrets.token_urlsafe(32),
            caller=caller,
            csrf=secrets.token_urlsafe(32),
            expires=time.time() + self.ttl_seconds,
        )
        self._sessions.put(session.id, session, session.expires)
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session of this id, or None."""
        return self._sessions.get(session_id) if session_id else None

    def close(self, session_id: str) -> None:
        """End a session (sign-out)."""
        self._sessions.pop(session_id)


def set_cookie(response: Response, name: str, value: str, *, max_age: int, secure: bool, path: str = "/") -> None:
    """Set an HttpOnly, SameSite=Lax cookie; `max_age` 0 deletes it."""
    response.set_cookie(name, value, max_age=max_age, path=path, secure=secure, httponly=True, samesite="lax")
