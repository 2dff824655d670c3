"""What every reader produces: a `Document` of plain values with a `Location` per value.

A YAML file locates by line; a sheet by sheet, row and column; an article by page,
paragraph and character offsets. `ReadError` says why a file cannot be read at all.

Examples
--------
>>> str(Location(sheet="Projekt", row=5, column="C"))
"sheet 'Projekt' row 5 column C"
>>> str(Location(page=2, paragraph=3, start=10, end=52))
'page 2, paragraph 3, characters 10-52'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ingest.report import Problem

__all__ = ["MAX_FILE_BYTES", "Document", "Location", "Path_", "ReadError", "read_problem", "read_bytes"]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger files are refused; split them (a case file of 16 MiB holds tens of thousands of cases)."""

Path_ = tuple[str | int, ...]
T = TypeVar("T")


class ReadError(Exception):
    """A file cannot be read at all; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_problem(file: str, message: str, *, line: int | None = None, code: str = "unreadable") -> ReadError:
    """A `ReadError` for the whole file (or one line of it)."""
    return ReadError(Problem(file=file, path="", line=line, code=code, message=message))


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value stands in its file; only the parts that apply to the format are set."""

    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    page: int | None = None
    paragraph: int | None = None
    start: int | None = None
    end: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        text = " ".join(parts)
        places = []
        if self.page is not None:
            places.append(f"page {self.page}")
        if self.paragraph is not None:
            places.append(f"paragraph {self.paragraph}")
        if self.start is not None and self.end is not None:
            places.append(f"characters {self.start}-{self.end}")
        return ", ".join(filter(None, [text, *places]))


@dataclass(slots=True)
class Document:
    """A parsed file: its data, the line (1-based) of each value, its location where lines say too little, and notices."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    locations: dict[Path_, Location] = field(default_factory=dict)
    notices: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        return _nearest(self.lines, path)

    def location_of(self, path: Path_) -> Location | None:
        """The location of the value at `path` (or its nearest located ancestor), for formats without lines."""
        return _nearest(self.locations, path)


def _nearest(found: dict[Path_, T], path: Path_) -> T | None:
    while path:
        if path in found:
            return found[path]
        path = path[:-1]
    return found.get(())


def read_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; `ReadError` when it is larger than `max_bytes` (checked before reading) or unreadable."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise read_problem(
                file,
                f"the file is {size / 1024 / 1024:.1f} MiB; the limit is {max_bytes / 1024 / 1024:.0f} MiB. "
                "Split it into several files",
                code="too-large",
            )
        return path.read_bytes()
    except OSError as exc:
        raise read_problem(file, f"cannot read the file: {exc.strerror}") from exc
