"""Provenance from case files: the `provenance:` entries of a case as the facts stored on its node.

The stored form is `graph.provenance`'s; this module turns validated case-file entries into it.

>>> from ingest.schema import ProvenanceIn
>>> stored = encode([ProvenanceIn(field="year", document="p.xlsx", quote="2019", where="row 2 column B")])
>>> decode({"provenance": stored})[0].where
'row 2 column B'
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.provenance import PROPERTY, Fact, decode
from graph.provenance import encode as encode_facts
from ingest.schema import ProvenanceIn

__all__ = ["PROPERTY", "decode", "encode"]


def encode(facts: Iterable[ProvenanceIn]) -> list[str]:
    """The stored form of validated case-file provenance entries."""
    return encode_facts(Fact(**fact.model_dump()) for fact in facts)
