"""What the well-known node and edge properties may hold, checked on every write of every backend.

Ingest validates case files field by field; these rules are the last line for every
other way in (`import`, `sync`, the API), so a store never holds a year that is not
a number or a country that is not one of ours, whichever path wrote it.

>>> property_problem("year", "<b>2020</b>")
'must be a whole number between 1900 and 2100'
>>> property_problem("country", "NO") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from graph.model import COUNTRIES, LANGUAGES, STATUSES, PropValue, Role

__all__ = ["MAX_TEXT_LENGTH", "UPDATED_AT", "property_problem", "timestamp"]

MAX_TEXT_LENGTH = 20_000
"""Longest text property; a case summary is the longest text ingest accepts."""

UPDATED_AT = "updated_at"
"""When a node's properties last changed, set by the store on every write (see `graph.store.plan_upsert`)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Rule = Callable[[PropValue], str | None]


def _one_of(values: tuple[str, ...]) -> Rule:
    def rule(value: PropValue) -> str | None:
        return None if isinstance(value, str) and value in values else f"must be one of {', '.join(values)}"

    return rule


def _year(value: PropValue) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return None
    return "must be a whole number between 1900 and 2100"


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def timestamp(moment: datetime) -> str:
    """The stored form of a moment: UTC, ISO 8601 to the millisecond, so texts sort as times do.

    >>> timestamp(datetime(2026, 3, 1, 12, 30, 5, 250000, tzinfo=UTC))
    '2026-03-01T12:30:05.250Z'
    """
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _timestamp(value: PropValue) -> str | None:
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        return None
    return "must be a UTC time like 2026-03-01T12:30:05.250Z"


def _text(value: PropValue) -> str | None:
    if not isinstance(value, str):
        return "must be a text"
    if len(value) > MAX_TEXT_LENGTH:
        return f"is longer than {MAX_TEXT_LENGTH:,} characters"
    if _CONTROL.search(value):
        return "may not contain control characters"
    return None


def _label(value: PropValue) -> str | None:
    if isinstance(value, str) and not value.strip():
        return "must be a non-empty text"
    return _text(value)


def _texts(value: PropValue) -> str | None:
    if not isinstance(value, list):
        return "must be a list of texts"
    return next((f"has an item that {problem}" for item in value if (problem := _text(item))), None)


_RULES: dict[str, Rule] = {
    "year": _year,
    "country": _one_of(COUNTRIES),
    "language": _one_of(LANGUAGES),
    "status": _one_of(STATUSES),
    "role": _one_of(tuple(role.value for role in Role)),
    "kind": _text,
    "title": _label,
    "name": _label,
    "text": _label,
    "summary": _text,
    "aliases": _texts,
    "outcomes": _texts,
    UPDATED_AT: _timestamp,
}


def property_problem(key: str, value: PropValue) -> str | None:
    """What is wrong with `value` for the property `key`, or None when it is acceptable.

    Properties without a rule only need to be flat (see `graph.store.check_props`);
    `label_xx` and `description_xx` are texts.
    """
    rule = _RULES.get(key)
    if rule is None and key.startswith(("label_", "description_")):
        rule = _text
    return rule(value) if rule is not None else None
