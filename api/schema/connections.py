"""Relay connections with keyset cursors, total counts and capped page sizes.

A cursor is the sort key of the last item seen, so a page stays right when items
before it were added or deleted meanwhile.

Examples
--------
>>> from api.settings import Settings
>>> page = window(["b", "a", "c"], sort_key=lambda s: (s,), first=2, after=None, settings=Settings())
>>> [item for _, item in page.items], page.page_info.has_next_page
(['a', 'b'], True)
>>> [item for _, item in window(["b", "a", "c"], sort_key=lambda s: (s,), first=2,
...                              after=page.page_info.end_cursor, settings=Settings()).items]
['c']
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import strawberry
from strawberry import relay

from api.json_input import JsonInputError, parse_json
from api.schema.errors import BadUserInput, LimitExceeded
from api.settings import Settings

__all__ = ["After", "Connection", "Edge", "First", "Window", "cursor_key", "encode_cursor", "page_size", "window"]

T = TypeVar("T")
S = TypeVar("S")

First = Annotated[
    int | None,
    strawberry.argument(description="How many items to return (default 20, at most 100 unless configured)."),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Return the items after this cursor (a `pageInfo.endCursor`)."),
]


@strawberry.type(description="One item of a list, with the cursor to continue after it.")
class Edge(Generic[T]):
    """An item and its cursor."""

    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list.")
class Connection(Generic[T]):
    """A page of items, how many there are in all, and how to get the next page.

    A list whose edges say more than the item (a role, a kind) subclasses both:
    `class RoleEdge(Edge[T])` adds the field, and its connection narrows `edges`.
    """

    edges: Sequence[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int = strawberry.field(description="How many items the whole list has.")

    @classmethod
    def of(cls, page: Window[S], convert: Callable[[S], T]) -> Connection[T]:
        """The connection for a window, its items turned into GraphQL objects by `convert`."""
        return cls(
            edges=[Edge(cursor=cursor, node=convert(item)) for cursor, item in page.items],
            page_info=page.page_info,
            total_count=page.total_count,
        )


@dataclass(frozen=True, slots=True)
class Window(Generic[T]):
    """One page cut from a sorted list: (cursor, item) pairs, page info and the list's length."""

    items: list[tuple[str, T]]
    page_info: relay.PageInfo
    total_count: int


def page_size(first: int | None, settings: Settings, *, name: str = "first") -> int:
    """`first`, or the default page size; refuse negative sizes and sizes above the maximum."""
    if first is None:
        return settings.default_page_size
    if first < 0:
        raise BadUserInput(f"`{name}` cannot be negative.", field=name)
    if first > settings.max_page_size:
        raise LimitExceeded(f"`{name}` can be at most {settings.max_page_size}.", field=name)
    return first


def encode_cursor(key: tuple[str, ...]) -> str:
    """The cursor of a sort key."""
    return base64.urlsafe_b64encode(json.dumps(list(key), ensure_ascii=False).encode()).decode()


def cursor_key(cursor: str | None) -> tuple[str, ...] | None:
    """The sort key a cursor names (None for none); `BadUserInput` for a cursor this API did not give out."""
    return None if cursor is None else _decode(cursor)


def _decode(cursor: str) -> tuple[str, ...]:
    try:
        key = parse_json(base64.urlsafe_b64decode(cursor.encode()), max_depth=1)
    except (binascii.Error, UnicodeError, JsonInputError) as exc:
        raise BadUserInput("`after` is not a cursor this list gave out.", field="after") from exc
    if not isinstance(key, list) or not key or not all(isinstance(part, str) for part in key):
        raise BadUserInput("`after` is not a cursor this list gave out.", field="after")
    return tuple(key)


def window(
    items: Iterable[T],
    *,
    sort_key: Callable[[T], tuple[str, ...]],
    first: int | None,
    after: str | None,
    settings: Settings,
    descending: bool = False,
) -> Window[T]:
    """Sort `items` by `sort_key` (largest first when `descending`) and cut the page of `first` items after `after`."""
    size = page_size(first, settings)
    keyed = sorted(((sort_key(item), item) for item in items), key=lambda pair: pair[0], reverse=descending)
    ascending = [key for key, _ in reversed(keyed)] if descending else [key for key, _ in keyed]
    if after is None:
        start = 0
    elif descending:
        start = len(ascending) - bisect.bisect_left(ascending, _decode(after))
    else:
        start = bisect.bisect_right(ascending, _decode(after))
    chosen = keyed[start : start + size]
    cursors = [(encode_cursor(key), item) for key, item in chosen]
    return Window(
        items=cursors,
        page_info=relay.PageInfo(
            has_next_page=start + size < len(keyed),
            has_previous_page=start > 0,
            start_cursor=cursors[0][0] if cursors else None,
            end_cursor=cursors[-1][0] if cursors else None,
        ),
        total_count=len(keyed),
    )
