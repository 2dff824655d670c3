"""Why a case was chosen: reason kinds and the reason a planner reads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Reason", "ReasonKind"]


class ReasonKind(str, Enum):
    """What kind of evidence a reason is."""

    SENTENCE = "sentence"
    """A sentence of the case says what a part of the problem says (the main reason)."""
    WORDS = "words"
    """Rare words of the problem occur in the case."""
    TITLE = "title"
    """The problem is the case's title."""
    TARGET_GROUP = "target_group"
    TOPIC = "topic"
    METHOD = "method"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason: its kind, what it names, and how much it added to the score.

    For `SENTENCE`, `label` quotes the case and `problem_part` the part of the problem it matched.
    `is_inferred` marks a concept the case or the problem was linked to by similarity, not by name.
    """

    kind: ReasonKind
    label: str
    weight: float
    problem_part: str | None = None
    is_inferred: bool = False
    node_id: str | None = None
