"""Provenance of a case's facts, kept on the case node: which document, where in it, and the quote.

Each fact is stored as one JSON text in the case's `provenance` list property, so both
store backends keep it as a plain list of strings and exports carry it unchanged.

Examples
--------
>>> from ingest.schema import ProvenanceIn
>>> stored = encode([ProvenanceIn(field="year", document="p.xlsx", quote="2019", where="row 2 column B")])
>>> decode({"provenance": stored})[0].where
'row 2 column B'
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from graph.model import Props
from ingest.schema import ProvenanceIn

__all__ = ["PROPERTY", "decode", "encode"]

PROPERTY = "provenance"


def encode(facts: Iterable[ProvenanceIn]) -> list[str]:
    """The stored form: one compact JSON object per fact, in the order given."""
    return [json.dumps(fact.model_dump(exclude_none=True), ensure_ascii=False, sort_keys=True) for fact in facts]


def decode(props: Props) -> list[ProvenanceIn]:
    """The facts stored on a case node (none when it has no provenance); unreadable entries are left out."""
    stored = props.get(PROPERTY)
    if not isinstance(stored, list):
        return []
    facts = []
    for text in stored:
        try:
            facts.append(ProvenanceIn.model_validate_json(text))
        except ValueError:
            continue
    return facts
