"""The change feed: what each committed write changed, keyed by revision, the same for every backend.

A backend logs one `ChangeSet` per revision in the write's own transaction, and
`GraphStore.changes(since)` folds the logged sets after `since` into one. A write
too large to be worth logging item by item (or one that replaced the whole graph)
is logged as a reset: asking for changes from before it raises `ChangesExpired`,
and the caller rebuilds from the store, which is what it would do anyway.

Examples
--------
>>> first = ChangeSet(1, nodes_changed=frozenset({"a", "b"}))
>>> second = ChangeSet(2, nodes_removed=frozenset({"b"}), vectors_changed=frozenset({"a"}))
>>> both = first.then(second)
>>> sorted(both.nodes_changed), sorted(both.nodes_removed), both.revision
(['a'], ['b'], 2)
>>> ChangeSet.decode(both.encode()) == both
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from graph.errors import StoreError
from graph.model import EdgeKey

__all__ = ["CHANGE_LOG_LIMIT", "CHANGE_LOG_REVISIONS", "ChangeSet", "ChangesExpired"]

CHANGE_LOG_LIMIT = 50_000
"""A write changing more nodes, edges and vectors than this is logged as a reset (readers rebuild)."""
CHANGE_LOG_REVISIONS = 10_000
"""How many recent revisions the log keeps; older ones are pruned by the write that passes them."""


class ChangesExpired(StoreError):
    """The change log no longer reaches back to the revision asked for; rebuild from the store."""

    code = "CHANGES_EXPIRED"

    def __init__(self, since: int, oldest: int) -> None:
        super().__init__(f"changes since revision {since} are no longer logged (the log starts at {oldest})")
        self.since = since
        self.oldest = oldest


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What the writes up to `revision` changed.

    `nodes_changed` were created or got new properties; `edges_added` were written
    (new, re-asserted or with new properties); `edges_removed` and `nodes_removed`
    are gone; `vectors_changed` got new stored vectors (`GraphStore.put_vectors`).
    """

    revision: int
    nodes_changed: frozenset[str] = frozenset()
    nodes_removed: frozenset[str] = frozenset()
    edges_added: frozenset[EdgeKey] = frozenset()
    edges_removed: frozenset[EdgeKey] = frozenset()
    vectors_changed: frozenset[str] = field(default=frozenset())

    def __len__(self) -> int:
        return (
            len(self.nodes_changed)
            + len(self.nodes_removed)
            + len(self.edges_added)
            + len(self.edges_removed)
            + len(self.vectors_changed)
        )

    @property
    def is_empty(self) -> bool:
        """Whether nothing changed."""
        return len(self) == 0

    def then(self, later: ChangeSet) -> ChangeSet:
        """This change followed by `later`: a later removal cancels an earlier change and vice versa."""
        return ChangeSet(
            revision=max(self.revision, later.revision),
            nodes_changed=(self.nodes_changed - later.nodes_removed) | later.nodes_changed,
            nodes_removed=(self.nodes_removed - later.nodes_changed) | later.nodes_removed,
            edges_added=(self.edges_added - later.edges_removed) | later.edges_added,
            edges_removed=(self.edges_removed - later.edges_added) | later.edges_removed,
            vectors_changed=(self.vectors_changed - later.nodes_removed) | later.vectors_changed,
        )

    def encode(self) -> str:
        """The change as compact JSON (how both backends log it)."""
        return json.dumps(
            [
                self.revision,
                sorted(self.nodes_changed),
                sorted(self.nodes_removed),
                sorted(self.edges_added),
                sorted(self.edges_removed),
                sorted(self.vectors_changed),
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str) -> ChangeSet:
        """The inverse of `encode`."""
        revision, changed, removed, added, dropped, vectors = json.loads(text)
        return cls(
            revision,
            frozenset(changed),
            frozenset(removed),
            frozenset(tuple(key) for key in added),
            frozenset(tuple(key) for key in dropped),
            frozenset(vectors),
        )

    @classmethod
    def fold(cls, since: int, logged: list[ChangeSet]) -> ChangeSet:
        """The logged changes (in revision order) as one; the empty change at `since` when none."""
        folded = cls(since)
        for change in logged:
            folded = folded.then(change)
        return folded
