"""Stored embeddings: the vectors of one node under one model, and their byte form.

Row 0 is the node's own vector (title and summary for a case, the text for a
need); rows 1.. are one per passage, in `case_passages` order. `text_hash` names
the text that was embedded, so a worker can tell a stale vector from a fresh one.

Examples
--------
>>> import numpy as np
>>> stored = StoredVectors("abc", np.eye(2, 3, dtype=np.float32))
>>> again = StoredVectors.from_bytes("abc", stored.rows, stored.dimension, stored.to_bytes())
>>> again == stored, again.rows, again.dimension
(True, 2, 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.errors import Conflict

__all__ = ["StoredVectors", "Vector", "check_vectors"]

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True, eq=False)
class StoredVectors:
    """The vectors of one node: `matrix` has one float32 row per text, row 0 the node's own."""

    text_hash: str
    matrix: Vector

    @property
    def rows(self) -> int:
        """How many vectors."""
        return int(self.matrix.shape[0])

    @property
    def dimension(self) -> int:
        """The length of each vector."""
        return int(self.matrix.shape[1])

    @property
    def own(self) -> Vector:
        """Row 0: the vector of the node's own text."""
        return self.matrix[0]

    def to_bytes(self) -> bytes:
        """The rows as little-endian float32 bytes, row by row."""
        return np.ascontiguousarray(self.matrix, dtype="<f4").tobytes()

    @classmethod
    def from_bytes(cls, text_hash: str, rows: int, dimension: int, data: bytes) -> StoredVectors:
        """The inverse of `to_bytes`."""
        matrix = np.frombuffer(data, dtype="<f4").astype(np.float32).reshape(rows, dimension)
        return cls(text_hash, matrix)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StoredVectors):
            return NotImplemented
        return self.text_hash == other.text_hash and np.array_equal(self.matrix, other.matrix)

    __hash__ = None  # type: ignore[assignment]


def check_vectors(model: str, vectors: Mapping[str, StoredVectors]) -> None:
    """Raise `Conflict` unless every entry is a non-empty 2-d finite matrix of one dimension."""
    if not model:
        raise Conflict("vectors need the name of the model that made them")
    dimensions = set()
    for node_id, stored in vectors.items():
        matrix = stored.matrix
        if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[1] == 0:
            raise Conflict(f"vectors of {node_id!r} must be a non-empty matrix, not shape {matrix.shape}")
        if not np.isfinite(matrix).all():
            raise Conflict(f"vectors of {node_id!r} contain NaN or infinity")
        dimensions.add(matrix.shape[1])
    if len(dimensions) > 1:
        raise Conflict(f"vectors of one model must have one dimension, not {sorted(dimensions)}")
