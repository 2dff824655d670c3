"""Store backends and the one place that picks a backend from a store location."""

from __future__ import annotations

from pathlib import Path

from graph.store import GraphStore

__all__ = ["NEO4J_SCHEMES", "is_neo4j_location", "open_store"]

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def is_neo4j_location(location: str) -> bool:
    """Whether `location` is a Neo4j URL rather than the path of an embedded store."""
    return location.lower().startswith(NEO4J_SCHEMES)


def open_store(
    location: str | Path, *, user: str | None = None, password: str | None = None, lazy: bool = False
) -> GraphStore:
    """Open the store at `location`: a Neo4j URL, or else the path of an embedded SQLite file.

    `lazy` suits a process that answers one command, or one that should answer before it has
    read everything (the server, which then calls `preload`): an embedded store then reads its
    graph as reads ask for it instead of all of it at open (Neo4j always reads from its server).
    Raises `StoreUnavailable` when the store cannot be opened.
    """
    text = str(location)
    if is_neo4j_location(text):
        from graph.backends.neo4j import Neo4jStore

        return Neo4jStore(text, user=user, password=password).open()
    from graph.backends.embedded import EmbeddedStore

    return EmbeddedStore(Path(text), lazy=lazy).open()
