"""Provenance of a case's facts, kept on the case node: which document, where in it, and the quote.

Each fact is stored as one JSON text in the case's `provenance` list property, so both
store backends keep it as a plain list of strings and exports carry it unchanged.

Examples
--------
>>> stored = encode([Fact(field="year", document="p.xlsx", quote="2019", where="row 2 column B")])
>>> decode({"provenance": stored})[0].where
'row 2 column B'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from graph.model import Props

__all__ = ["PROPERTY", "Fact", "decode", "encode"]

PROPERTY = "provenance"


@dataclass(frozen=True, slots=True)
class Fact:
    """Where one fact of a case came from: the field, the document, the quoted text and the place in it."""

    field: str
    document: str
    quote: str
    where: str | None = None
    confirmed: bool = True


def encode(facts: Iterable[Fact]) -> list[str]:
    """The stored form: one compact JSON object per fact, in the order given."""
    return [
        json.dumps({k: v for k, v in asdict(fact).items() if v is not None}, ensure_ascii=False, sort_keys=True)
        for fact in facts
    ]


def decode(props: Props) -> list[Fact]:
    """The facts stored on a case node (none when it has no provenance); unreadable entries are left out."""
    stored = props.get(PROPERTY)
    if not isinstance(stored, list):
        return []
    facts = []
    for text in stored:
        try:
            fact = Fact(**json.loads(text))
        except (ValueError, TypeError):
            continue
        if all(isinstance(value, str) for value in (fact.field, fact.document, fact.quote)):
            facts.append(fact)
    return facts
