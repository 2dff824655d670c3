"""JSON from clients, parsed with bounds: UTF-8 only, limited nesting, numbers Python can hold.

>>> parse_json(b'{"query": "{ stats { nodeTotal } }"}')
{'query': '{ stats { nodeTotal } }'}
>>> parse_json(b"[" * 100 + b"]" * 100)
Traceback (most recent call last):
...
api.json_input.JsonInputError: the JSON is nested deeper than 64 levels
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "JsonInputError", "parse_json"]

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects accepted; GraphQL variables and cursors need far less."""


class JsonInputError(ValueError):
    """The text is not JSON this service accepts; the message says why, for the client."""


def parse_json(data: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The value of a JSON text; raise `JsonInputError` when it is malformed or too deeply nested."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonInputError(f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(data)
    except RecursionError:
        raise JsonInputError(f"the JSON is nested deeper than {max_depth} levels") from None
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except ValueError as exc:  # an integer with more digits than Python converts
        raise JsonInputError(f"not acceptable JSON: {exc}") from None
    if _depth_over(value, max_depth):
        raise JsonInputError(f"the JSON is nested deeper than {max_depth} levels")
    return value


def _depth_over(value: Any, max_depth: int) -> bool:
    """Whether arrays and objects nest deeper than `max_depth`, checked without recursion."""
    level = [value]
    for _ in range(max_depth):
        level = [
            item
            for container in level
            if isinstance(container, dict | list)
            for item in (container.values() if isinstance(container, dict) else container)
        ]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)
