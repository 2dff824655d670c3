"""A planner's problem as the ranking reads it: language, sentences, content words, vectors and concepts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from graph.ranking.language import Term

__all__ = ["Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """The problem text, read once per query.

    `vectors` row 0 is the whole text, rows 1.. one per sentence in `sentences` order.
    `concepts` maps vocabulary concepts the text names or means to their similarity (1.0 when named).
    """

    text: str
    language: str
    sentences: tuple[str, ...]
    terms: tuple[Term, ...]
    vectors: npt.NDArray[np.float32]
    concepts: Mapping[str, float] = field(default_factory=dict)

    @property
    def vector(self) -> npt.NDArray[np.float32]:
        """The vector of the whole text."""
        return self.vectors[0]

    @property
    def keys(self) -> frozenset[str]:
        """The folded lemmas of its content words."""
        return frozenset(term.key for term in self.terms)
