"""Errors raised by Behovsgraf; each carries a stable `code` for the CLI and the API."""

from __future__ import annotations

__all__ = [
    "BehovsgrafError",
    "Conflict",
    "IngestError",
    "NodeNotFound",
    "StoreError",
    "StoreUnavailable",
]


class BehovsgrafError(Exception):
    """Root of every error we raise on purpose."""

    code = "ERROR"


class StoreError(BehovsgrafError):
    """A store could not do what was asked."""

    code = "STORE_ERROR"


class NodeNotFound(StoreError):
    """No node has the given id."""

    code = "NOT_FOUND"

    def __init__(self, node_id: str) -> None:
        super().__init__(f"no node with id {node_id!r}")
        self.node_id = node_id


class Conflict(StoreError):
    """A batch contradicts the model or the stored graph (wrong types, missing ends)."""

    code = "CONFLICT"


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened."""

    code = "STORE_UNAVAILABLE"


class IngestError(BehovsgrafError):
    """Input files cannot be read at all (as opposed to single rejected cases)."""

    code = "INGEST_ERROR"
