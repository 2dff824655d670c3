"""The server's watch loops: match after every committed write, deliver what matched.

`WatchService.run()` is started by the app's lifespan. The matching loop follows the
store's change feed from the revision recorded in the watch store, so a restart (or a
CLI ingest while the server was down) picks up where it stopped; the delivery loop
sends due webhooks. Both run their blocking work in worker threads: a write never
waits for a watch, and a slow receiver never holds up matching.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

import anyio.to_thread
import httpx

from api.watches.delivery import TIMEOUT, deliver_due
from api.watches.matching import Matcher, changed_cases
from api.watches.store import Match, WatchStore
from graph.changes import ChangesExpired
from graph.errors import StoreError
from graph.ranking.embedding import Embedder
from graph.store import GraphStore

__all__ = ["WatchService"]

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""How often the change feed and the outbox are looked at when nothing wakes the loops."""
SUBSCRIBER_QUEUE = 100
"""Matches kept for a subscriber that reads slowly; older ones are dropped for it."""


class WatchService:
    """Matching and delivery for one server process."""

    def __init__(
        self,
        watches: WatchStore,
        store: Callable[[], GraphStore],
        embedder: Embedder,
        *,
        allow_private_targets: bool,
    ) -> None:
        self.watches = watches
        self._store = store
        self.matcher = Matcher(embedder)
        self.allow_private_targets = allow_private_targets
        self._subscribers: dict[str, set[asyncio.Queue[Match]]] = defaultdict(set)
        self._deliver_now = asyncio.Event()

    async def run(self) -> None:
        """Run both loops until cancelled."""
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
            await asyncio.gather(self._match_loop(), self._deliver_loop(client))

    def match_once(self) -> list[Match]:
        """Match what was written since the last run, record it, and return the new matches (blocking)."""
        store = self._store()
        revision = store.revision()
        since = self.watches.matched_revision()
        if since is None or since > revision:
            self.watches.record([], revision=revision)  # start from now: watches tell of what comes next
            return []
        if since == revision:
            return []
        try:
            change = store.changes(since)
        except ChangesExpired as exc:
            log.warning("watches: %s; matching resumes from revision %d", exc, revision)
            self.watches.record([], revision=revision)
            return []
        self.matcher.forget_problems_if(change)
        cases = changed_cases(store, change)
        found = self.matcher.matches(store, self.watches.watches(active_only=True), cases, revision=change.revision)
        return self.watches.record(found, revision=change.revision)

    async def _match_loop(self) -> None:
        while True:
            try:
                fresh = await anyio.to_thread.run_sync(self.match_once)
            except StoreError as exc:
                log.warning("watches: the store is unavailable, matching waits: %s", exc)
                fresh = []
            except Exception:
                log.exception("watches: matching failed; it is tried again")
                fresh = []
            for match in fresh:
                for queue in list(self._subscribers.get(match.watch_id, ())):
                    if queue.full():
                        queue.get_nowait()
                    queue.put_nowait(match)
            if fresh:
                self._deliver_now.set()
            await asyncio.sleep(POLL_SECONDS)

    async def _deliver_loop(self, client: httpx.AsyncClient) -> None:
        while True:
            await deliver_due(self.watches, client, allow_private=self.allow_private_targets)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._deliver_now.wait(), POLL_SECONDS * 2)
            self._deliver_now.clear()

    async def subscribe(self, watch_id: str) -> AsyncIterator[Match]:
        """Every new match of a watch from now on, as it is recorded."""
        queue: asyncio.Queue[Match] = asyncio.Queue(SUBSCRIBER_QUEUE)
        self._subscribers[watch_id].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers[watch_id].discard(queue)
