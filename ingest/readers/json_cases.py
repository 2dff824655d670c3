"""Read JSON case files: duplicate keys, deep nesting and absurdly long numbers are refused by name.

JSON has no aliases, so a document never expands past its own text; the file-size
limit bounds it. A number longer than `MAX_DIGITS` digits is reported at its field
instead of failing the whole file with Python's integer-conversion error.

Examples
--------
>>> parse_json('{"cases": [{"id": "a", "year": 2013}]}', "x.json").data
{'cases': [{'id': 'a', 'year': 2013}]}
>>> parse_json('{"cases": [{"year": ' + "1" * 80 + '}]}', "x.json")
Traceback (most recent call last):
ingest.readers.base.ReadError: x.json: cases[0].year: a number of 80 digits; numbers in case files have at most 30
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.readers.base import Document, Path_, ReadError, read_bytes, read_problem
from ingest.readers.encoding import decode
from ingest.readers.yaml_cases import MAX_DEPTH
from ingest.report import Problem, format_path

__all__ = ["MAX_DIGITS", "parse_json", "read_json"]

MAX_DIGITS = 30
"""Longer numbers are refused (years, counts and codes are far shorter)."""


@dataclass(frozen=True, slots=True)
class _LongNumber:
    digits: int


def read_json(path: Path) -> Document:
    """Read and parse one JSON case file; `ReadError` naming the file (and field) when that is impossible."""
    text, _ = decode(read_bytes(path), str(path))
    return parse_json(text, str(path))


def _integer(text: str) -> int | _LongNumber:
    digits = len(text.lstrip("-"))
    return _LongNumber(digits) if digits > MAX_DIGITS else int(text)


def parse_json(text: str, file: str) -> Document:
    """Parse JSON text into a `Document`; raise `ReadError` on malformed input."""
    if not text.strip():
        raise read_problem(file, "the file is empty", code="empty")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ValueError(f"the key {key!r} appears twice in the same object")
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise read_problem(file, f"malformed JSON: {exc.msg}", line=exc.lineno, code="syntax") from None
    except ValueError as exc:
        raise read_problem(file, str(exc), code="duplicate-key") from None
    except RecursionError:
        raise read_problem(file, "the JSON is nested too deeply", code="too-deep") from None
    _check(data, file)
    return Document(file=file, data=data)


def _check(value: Any, file: str) -> None:
    """Refuse nesting past `MAX_DEPTH` and numbers past `MAX_DIGITS`, naming the field."""
    stack: list[tuple[Any, Path_]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise read_problem(file, f"the JSON is nested too deeply (limit {MAX_DEPTH} levels)", code="too-deep")
        if isinstance(item, _LongNumber):
            message = f"a number of {item.digits} digits; numbers in case files have at most {MAX_DIGITS}"
            raise ReadError(Problem(file, format_path(path), None, "invalid", message))
        if isinstance(item, dict):
            stack.extend((child, (*path, key)) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(item))
