"""The one protocol every signal follows, and what a signal returns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from graph.ranking.documents import CaseDoc
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason
from graph.ranking.source import CaseSource

__all__ = ["Signal", "SignalScores"]

Scores = npt.NDArray[np.float64]


Explain = Callable[[int], tuple[Reason, ...]]


def _no_reasons(position: int) -> tuple[Reason, ...]:
    return ()


@dataclass(frozen=True, slots=True)
class SignalScores:
    """A signal's score per candidate (0..1, in candidate order) and how to explain one candidate's score.

    Reasons are worked out only for the candidates shown (`reasons(position)`): a query scores a few
    hundred candidates and names the reasons of ten.
    """

    values: Scores
    explain: Explain = _no_reasons

    def reasons(self, position: int) -> tuple[Reason, ...]:
        """The unweighted reasons of the candidate at `position`."""
        return self.explain(position)

    @classmethod
    def empty(cls, n: int) -> SignalScores:
        """No evidence for any of n candidates."""
        return cls(np.zeros(n))


class Signal(Protocol):
    """Scores candidate cases for a problem on one kind of evidence."""

    name: str

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """Scores in 0..1 and reasons (labels in `lang`) for each of `docs`."""
        ...
