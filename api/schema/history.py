"""The change history in GraphQL: the runs that changed a node, with the differences, as a paged list.

`Entity.history` pages the store's `history(node_id)` newest run first; a value of a
property is shown as JSON text, since properties may be texts, numbers, booleans or
lists of texts.
"""

from __future__ import annotations

import json
from enum import Enum

import strawberry

from api.schema.connections import Connection, window
from api.settings import Settings
from graph import history
from api.schema.enums import RelType
from graph.model import Props, PropValue

__all__ = ["ChangeKind", "EdgeChange", "HistoryEntry", "PropertyChange", "Run", "SourceFile", "history_page"]


@strawberry.enum(description="What a run did to a node or an edge.")
class ChangeKind(Enum):
    """Created, changed or removed."""

    CREATED = "created"
    CHANGED = "changed"
    REMOVED = "removed"


def _kind(before: object | None, after: object | None) -> ChangeKind:
    return ChangeKind.CREATED if before is None else ChangeKind.REMOVED if after is None else ChangeKind.CHANGED


def _json(value: PropValue | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


@strawberry.type(description="A file a run was read from.")
class SourceFile:
    """A source file and its hash."""

    path: str = strawberry.field(description="The file's path (or `api:<caller>` for cases sent to the API).")
    sha256: str = strawberry.field(description="The SHA-256 of its bytes, in hex.")


@strawberry.type(description="One committed write: when, by whom, from which files, and how much it changed.")
class Run:
    """A run of the change history."""

    number: int = strawberry.field(description="The run's number; `behovsgraf revert NUMBER` undoes it.")
    at: str = strawberry.field(description="When it was committed (UTC, ISO 8601).")
    actor: str = strawberry.field(description="Who wrote it: `key:<name>`, `person:<name>` or `cli`.")
    sources: list[SourceFile] = strawberry.field(description="The files it was read from.")
    created: int = strawberry.field(description="Nodes it created.")
    updated: int = strawberry.field(description="Nodes whose properties it changed.")
    removed: int = strawberry.field(description="Nodes it removed.")
    edges_added: int = strawberry.field(description="Edges it asserted.")
    edges_removed: int = strawberry.field(description="Edges it retracted.")
    reverts: int | None = strawberry.field(description="The run it undid, for a revert.")
    replaced_graph: bool = strawberry.field(description="Whether it replaced the whole graph (an import or sync).")

    @classmethod
    def of(cls, run: history.Run) -> Run:
        """The GraphQL form of a stored run."""
        counts = run.counts
        return cls(
            number=run.id, at=run.at, actor=run.actor,
            sources=[SourceFile(path=source.path, sha256=source.sha256) for source in run.sources],
            created=counts.get("created", 0), updated=counts.get("updated", 0), removed=counts.get("removed", 0),
            edges_added=counts.get("edges_added", 0), edges_removed=counts.get("edges_removed", 0),
            reverts=run.reverts, replaced_graph=run.is_replace,
        )


@strawberry.type(description="One property a run set, changed or dropped.")
class PropertyChange:
    """A property's value before and after a run."""

    key: str = strawberry.field(description="The property.")
    before: str | None = strawberry.field(description="Its value before, as JSON text; null when it had none.")
    after: str | None = strawberry.field(description="Its value after, as JSON text; null when it was dropped.")


def _properties(before: Props | None, after: Props | None) -> list[PropertyChange]:
    return [
        PropertyChange(key=d.key, before=_json(d.before), after=_json(d.after)) for d in history.differences(before, after)
    ]


@strawberry.type(description="An edge touching the node that a run asserted, changed or retracted.")
class EdgeChange:
    """One edge change."""

    relationship: RelType = strawberry.field(description="The edge's type.")
    source: str = strawberry.field(description="The key of the node it starts at.")
    target: str = strawberry.field(description="The key of the node it ends at.")
    asserted_by: str = strawberry.field(description="Who asserts it: a case id, `vocabulary` ...")
    change: ChangeKind = strawberry.field(description="Whether the run asserted, changed or retracted it.")
    properties: list[PropertyChange] = strawberry.field(description="Its properties that differ.")


@strawberry.type(description="What one run did to a node: its own properties and the edges touching it.")
class HistoryEntry:
    """One run of a node's history."""

    run: Run = strawberry.field(description="The run.")
    change: ChangeKind | None = strawberry.field(description="What it did to the node itself; null when only edges changed.")
    properties: list[PropertyChange] = strawberry.field(description="The node's properties that differ.")
    edges: list[EdgeChange] = strawberry.field(description="The edges touching the node that it changed.")

    @classmethod
    def of(cls, entry: history.NodeHistory) -> HistoryEntry:
        """The GraphQL form of one entry of a node's history."""
        node = entry.node
        return cls(
            run=Run.of(entry.run),
            change=_kind(node.before, node.after) if node is not None else None,
            properties=_properties(node.before, node.after) if node is not None else [],
            edges=[
                EdgeChange(
                    relationship=RelType(edge.key[1]), source=edge.key[0], target=edge.key[2], asserted_by=edge.key[3],
                    change=_kind(edge.before, edge.after), properties=_properties(edge.before, edge.after),
                )
                for edge in entry.edges
            ],
        )


def history_page(
    entries: list[history.NodeHistory], *, first: int | None, after: str | None, settings: Settings
) -> Connection[HistoryEntry]:
    """One page of a node's history, newest run first (the cursor is the run number)."""
    page = window(
        entries, sort_key=lambda entry: (f"{entry.run.id:020d}",), first=first, after=after, settings=settings,
        descending=True,
    )
    return Connection.of(page, HistoryEntry.of)
