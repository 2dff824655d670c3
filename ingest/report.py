"""What an ingest did: created, updated, unchanged, merged and rejected, and why.

Examples
--------
>>> problem = Problem("cases.yaml", "cases[2].country", 14, "invalid", "unknown country 'SV'")
>>> str(problem)
"cases.yaml:14: cases[2].country: unknown country 'SV'"
>>> str(Problem("p.xlsx", "cases[0].year", None, "invalid", "must be a year", where="sheet 'Blad1' row 2 column B"))
"p.xlsx: sheet 'Blad1' row 2 column B: cases[0].year: must be a year"
>>> parse_path("cases[2].organisations[0].role")
('cases', 2, 'organisations', 0, 'role')
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ExitCode", "IngestReport", "Merge", "PossibleMatch", "Problem", "format_path", "parse_path"]


class ExitCode:
    """Exit codes of the CLI: 0 ok, 1 rejected input, 2 usage or store error."""

    OK = 0
    REJECTED = 1
    USAGE_OR_STORE = 2


def format_path(path: tuple[str | int, ...]) -> str:
    """`("cases", 2, "country")` -> `cases[2].country`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_path(text: str) -> tuple[str | int, ...]:
    """`cases[2].country` -> `("cases", 2, "country")`, the inverse of `format_path`."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", text))


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason input was rejected, located by file, field path and line (or, in a sheet, cell) where known."""

    file: str
    path: str
    line: int | None
    code: str
    message: str
    where: str | None = None

    def __str__(self) -> str:
        at = self.file + (f":{self.line}" if self.line else "") + (f": {self.where}" if self.where else "")
        return f"{at}: {self.path + ': ' if self.path else ''}{self.message}"


@dataclass(frozen=True, slots=True)
class Merge:
    """A name in the input that met an existing node through an alias, a variant or by context, and why."""

    name: str
    matched: str
    node_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PossibleMatch:
    """A name that became a new node flagged unconfirmed because it resembles existing ones."""

    file: str
    path: str
    name: str
    node_id: str
    candidates: tuple[str, ...]
    """Each as "Name (id, score)", best first."""

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.name!r} may be {' or '.join(self.candidates)}"


@dataclass(slots=True)
class IngestReport:
    """The outcome of one ingest run; `written` says whether the store was changed."""

    cases_seen: int = 0
    written: bool = False
    run: int | None = None
    """The run the write became (`graph.history`), when something was written."""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    merged: list[Merge] = field(default_factory=list)
    possible: list[PossibleMatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    """Things worth knowing that rejected nothing: invisible characters removed from free text, a file read as
    cp1252, a former name linked to its successor."""
    rejected_cases: list[str] = field(default_factory=list)
    vocabulary_created: int = 0
    node_types: dict[str, str] = field(default_factory=dict)
    """The node type (`Case`, `Organisation` ...) of each written node id, for counts by unit."""

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.problems

    def counts(self) -> dict[str, dict[str, int]]:
        """Created, updated and unchanged nodes per node type, e.g. `{"Case": {"created": 2, ...}}`."""
        table: dict[str, Counter[str]] = {}
        for outcome, ids in (("created", self.created), ("updated", self.updated), ("unchanged", self.unchanged)):
            for node_id in ids:
                table.setdefault(self.node_types.get(node_id, "other"), Counter())[outcome] += 1
        return {kind: {outcome: row[outcome] for outcome in ("created", "updated", "unchanged")} for kind, row in table.items()}

    def to_json(self) -> dict[str, Any]:
        """The whole report as JSON-ready data (what `behovsgraf ingest --report FILE` writes)."""
        return {
            "cases_read": self.cases_seen,
            "written": self.written,
            "run": self.run,
            "counts": self.counts(),
            "vocabulary_created": self.vocabulary_created,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": [asdict(merge) for merge in self.merged],
            "rejected_cases": sorted(set(self.rejected_cases)),
            "problems": [asdict(problem) for problem in self.problems],
            "notices": [asdict(notice) for notice in self.notices],
        }

    @property
    def exit_code(self) -> int:
        """0 when everything was accepted, 1 when anything was rejected."""
        return ExitCode.OK if self.ok else ExitCode.REJECTED
