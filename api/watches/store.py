"""Durable watches, their matches and the webhook outbox, in one SQLite file (WAL, full sync).

>>> import tempfile, pathlib
>>> store = WatchStore(pathlib.Path(tempfile.mkdtemp()) / "watches.db")
>>> watch = store.create(owner="intake", problem="Unga hoppar av gymnasiet", sensitivity=Sensitivity.POSSIBLE)
>>> [w.id for w in store.watches(owner="intake")] == [watch.id]
True
>>> store.set_paused(watch.id, owner="intake", paused=True).paused
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from graph.errors import StoreUnavailable

__all__ = ["Delivery", "Match", "Sensitivity", "Watch", "WatchNotFound", "WatchStore", "match_id"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    problem TEXT NOT NULL,
    need_id TEXT,
    sensitivity TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    webhook_url TEXT,
    webhook_secret TEXT,
    feed_token TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS matches (
    id TEXT PRIMARY KEY,
    watch_id TEXT NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    case_id TEXT NOT NULL,
    case_title TEXT NOT NULL,
    revision INTEGER NOT NULL,
    score REAL NOT NULL,
    confidence TEXT NOT NULL,
    reasons TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS matches_by_watch ON matches(watch_id, created_at);
CREATE TABLE IF NOT EXISTS deliveries (
    match_id TEXT PRIMARY KEY REFERENCES matches(id) ON DELETE CASCADE,
    attempts INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending',
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_attempt_at);
CREATE TABLE IF NOT EXISTS cursor (name TEXT PRIMARY KEY, revision INTEGER NOT NULL);
"""


class Sensitivity(str, Enum):
    """The weakest confidence of a match the watch reports (the ranking's confidence bands)."""

    STRONG = "strong"
    POSSIBLE = "possible"
    WEAK = "weak"

    def accepts(self, confidence: str) -> bool:
        """Whether a match of `confidence` is reported by a watch of this sensitivity."""
        order = [level.value for level in Sensitivity]
        return confidence in order and order.index(confidence) <= order.index(self.value)


class WatchNotFound(LookupError):
    """No watch with this id belongs to this owner."""


@dataclass(frozen=True, slots=True)
class Watch:
    """A saved problem and how its matches reach the owner (secrets included: never show them)."""

    id: str
    owner: str
    problem: str
    need_id: str | None
    sensitivity: Sensitivity
    paused: bool
    webhook_url: str | None
    webhook_secret: str | None = field(repr=False)
    feed_token: str = field(repr=False)
    created_at: str


@dataclass(frozen=True, slots=True)
class Match:
    """A case that matched a watch, as the case read at store revision `revision`."""

    id: str
    watch_id: str
    case_id: str
    case_title: str
    revision: int
    score: float
    confidence: str
    reasons: tuple[str, ...]
    created_at: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """A webhook delivery of one match: what is due and what happened so far."""

    match: Match
    watch: Watch
    attempts: int
    status: str
    last_error: str | None


def match_id(watch_id: str, case_id: str, version: str) -> str:
    """The idempotency key of a match: the same watch, case and case text always give the same key.

    `version` is the hash of the case's embedded texts, so a case is reported again
    when what it says changes, and never twice for the same words.
    """
    return hashlib.sha256(f"{watch_id}\x00{case_id}\x00{version}".encode()).hexdigest()[:32]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class WatchStore:
    """Watches, matches and deliveries in SQLite; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._opened: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        """The database, opened on first use (and tried again on the next use while it cannot be opened)."""
        if self._opened is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
                db.row_factory = sqlite3.Row
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.execute("PRAGMA foreign_keys=ON")
                db.executescript(_SCHEMA)
            except (OSError, sqlite3.Error) as exc:
                raise StoreUnavailable(f"the watch store {self.path.name} cannot be opened: {exc}") from exc
            self._opened = db
        return self._opened

    def close(self) -> None:
        """Close the database; safe to call twice."""
        with self._lock:
            if self._opened is not None:
                self._opened.close()
                self._opened = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self._lock:
            return self._db().execute(sql, args).fetchall()

    # watches

    def create(
        self,
        *,
        owner: str,
        problem: str,
        sensitivity: Sensitivity,
        need_id: str | None = None,
        webhook_url: str | None = None,
    ) -> Watch:
        """Store a new watch; a webhook gets a fresh signing secret, every watch a feed token."""
        watch = Watch(
            id=f"watch-{secrets.token_hex(8)}",
            owner=owner,
            problem=problem,
            need_id=need_id,
            sensitivity=sensitivity,
            paused=False,
            webhook_url=webhook_url,
            webhook_secret=secrets.token_urlsafe(32) if webhook_url else None,
            feed_token=secrets.token_urlsafe(24),
            created_at=_now(),
        )
        with self._transaction() as db:
            db.execute(
                "INSERT INTO watches VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                (
                    watch.id, watch.owner, watch.problem, watch.need_id, watch.sensitivity.value,
                    watch.webhook_url, watch.webhook_secret, watch.feed_token, watch.created_at,
                ),
            )
        return watch

    def watches(self, *, owner: str | None = None, active_only: bool = False) -> list[Watch]:
        """The watches of `owner` (everyone's when None), oldest first."""
        sql = "SELECT * FROM watches WHERE (? IS NULL OR owner = ?) AND (? = 0 OR paused = 0) ORDER BY created_at, id"
        return [_watch(row) for row in self._rows(sql, owner, owner, int(active_only))]

    def get(self, watch_id: str, *, owner: str | None = None) -> Watch:
        """One watch; raise `WatchNotFound` when it does not exist or is someone else's."""
        rows = self._rows("SELECT * FROM watches WHERE id = ? AND (? IS NULL OR owner = ?)", watch_id, owner, owner)
        if not rows:
            raise WatchNotFound(watch_id)
        return _watch(rows[0])

    def set_paused(self, watch_id: str, *, owner: str | None, paused: bool) -> Watch:
        """Pause or resume a watch of `owner`."""
        self.get(watch_id, owner=owner)
        with self._transaction() as db:
            db.execute("UPDATE watches SET paused = ? WHERE id = ?", (int(paused), watch_id))
        return self.get(watch_id, owner=owner)

    def delete(self, watch_id: str, *, owner: str | None) -> None:
        """Delete a watch of `owner` with its matches and pending deliveries."""
        self.get(watch_id, owner=owner)
        with self._transaction() as db:
            db.execute("DELETE FROM watches WHERE id = ?", (watch_id,))

    # matches and deliveries

    def record(self, matches: list[Match], *, revision: int) -> list[Match]:
        """Store new matches (a known id is skipped), queue webhook deliveries and move the cursor, at once.

        Returns the matches that were new.
        """
        fresh: list[Match] = []
        with self._transaction() as db:
            for match in matches:
                inserted = db.execute(
                    "INSERT OR IGNORE INTO matches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        match.id, match.watch_id, match.case_id, match.case_title, match.revision, match.score,
                        match.confidence, json.dumps(match.reasons, ensure_ascii=False), match.created_at,
                    ),
                ).rowcount
                if not inserted:
                    continue
                fresh.append(match)
                has_hook = db.execute(
                    "SELECT webhook_url IS NOT NULL FROM watches WHERE id = ?", (match.watch_id,)
                ).fetchone()[0]
                if has_hook:
                    db.execute("INSERT INTO deliveries (match_id, next_attempt_at) VALUES (?, 0)", (match.id,))
            db.execute(
                "INSERT INTO cursor VALUES ('matched', ?) ON CONFLICT(name) DO UPDATE SET revision = excluded.revision",
                (revision,),
            )
        return fresh

    def matched_revision(self) -> int | None:
        """The store revision the matches are complete up to, or None before the first run."""
        rows = self._rows("SELECT revision FROM cursor WHERE name = 'matched'")
        return int(rows[0][0]) if rows else None

    def matches(self, watch_id: str, *, limit: int = 50) -> list[Match]:
        """The newest matches of a watch, newest first."""
        rows = self._rows(
            "SELECT * FROM matches WHERE watch_id = ? ORDER BY created_at DESC, id LIMIT ?", watch_id, limit
        )
        return [_match(row) for row in rows]

    def due(self, now: float, *, limit: int = 50) -> list[Delivery]:
        """Deliveries whose next attempt is due, oldest first."""
        rows = self._rows(
            "SELECT d.attempts, d.status, d.last_error, m.*, m.id AS match_key FROM deliveries d "
            "JOIN matches m ON m.id = d.match_id WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
            "ORDER BY d.next_attempt_at LIMIT ?",
            now,
            limit,
        )
        watches = {w.id: w for w in self.watches()}
        return [
            Delivery(_match(row), watches[row["watch_id"]], row["attempts"], row["status"], row["last_error"])
            for row in rows
            if row["watch_id"] in watches
        ]

    def delivered(self, match: str) -> None:
        """A receiver accepted the delivery."""
        with self._transaction() as db:
            db.execute(
                "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, "
                "last_error = NULL WHERE match_id = ?",
                (_now(), match),
            )

    def failed(self, match: str, error: str, *, retry_at: float | None) -> None:
        """An attempt failed: try again at `retry_at`, or give up when None."""
        with self._transaction() as db:
            db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
                "status = ? WHERE match_id = ?",
                (error[:500], retry_at or 0, "pending" if retry_at is not None else "failed", match),
            )

    def delivery_log(self, watch_id: str) -> list[dict[str, Any]]:
        """Every delivery of a watch with its attempts and outcome, newest first."""
        rows = self._rows(
            "SELECT m.id, m.case_id, d.status, d.attempts, d.last_error, d.delivered_at FROM deliveries d "
            "JOIN matches m ON m.id = d.match_id WHERE m.watch_id = ? ORDER BY m.created_at DESC",
            watch_id,
        )
        return [dict(row) for row in rows]


def _watch(row: sqlite3.Row) -> Watch:
    return Watch(
        id=row["id"],
        owner=row["owner"],
        problem=row["problem"],
        need_id=row["need_id"],
        sensitivity=Sensitivity(row["sensitivity"]),
        paused=bool(row["paused"]),
        webhook_url=row["webhook_url"],
        webhook_secret=row["webhook_secret"],
        feed_token=row["feed_token"],
        created_at=row["created_at"],
    )


def _match(row: sqlite3.Row) -> Match:
    return Match(
        id=row["id"],
        watch_id=row["watch_id"],
        case_id=row["case_id"],
        case_title=row["case_title"],
        revision=row["revision"],
        score=row["score"],
        confidence=row["confidence"],
        reasons=tuple(json.loads(row["reasons"])),
        created_at=row["created_at"],
    )
