"""The case-file format, as pydantic models, and its validation into located problems.

Unknown keys are errors with a "did you mean" hint; every problem names the field
path (`cases[3].organisations[0].role`) and the line where the reader knows it.

Examples
--------
>>> cases, problems = validate_cases([{"id": "se-x", "title": "X", "language": "sv", "contry": "SE"}], "f.yaml")
>>> cases
[]
>>> print(problems[0].path, "|", problems[0].message)
cases[0].contry | unknown field 'contry'; did you mean 'country'?
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from graph.ids import CASE_ID_PATTERN
from graph.model import CASE_STATUSES, COUNTRIES, LANGUAGES, RelatedKind, Role
from ingest.report import Problem, format_path

__all__ = [
    "COUNTRIES",
    "ORGANISATION_TYPES",
    "CaseIn",
    "NeedIn",
    "OrganisationIn",
    "ProvenanceIn",
    "RelatedIn",
    "SourceIn",
    "validate_cases",
]

ORGANISATION_TYPES = (
    "municipality",
    "county",
    "region",
    "agency",
    "association",
    "company",
    "foundation",
    "network",
    "research",
    "ngo",
    "other",
)
MAX_CASES_PER_FILE = 200_000


def _strip_text(value: Any) -> Any:
    """Trim white space and refuse control characters (NUL and friends) in text."""
    if isinstance(value, str):
        value = value.strip()
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
            raise ValueError("text may not contain control characters")
    return value


def _text(max_length: int) -> Any:
    return Annotated[
        str,
        BeforeValidator(_strip_text),
        StringConstraints(min_length=1, max_length=max_length),
    ]


Name = _text(300)
Sentence = _text(1000)
Text = _text(20_000)


def _upper(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(
            "country was read as true/false: YAML 1.1 tools read an unquoted NO as false; write country: \"NO\""
        )
    return value.strip().upper() if isinstance(value, str) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OrganisationIn(_Strict):
    """An organisation taking part in a case, with its role."""

    name: Name
    type: Literal[ORGANISATION_TYPES] | None = None  # type: ignore[valid-type]
    role: Role = Role.PARTICIPANT


class NeedIn(_Strict):
    """A need in the words of those who have it, optionally tied to target groups."""

    text: Sentence
    target_groups: list[Name] = Field(default_factory=list, max_length=50)


class SourceIn(_Strict):
    """Where the case is described."""

    url: Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s/$.?#][^\s]*$")]
    title: Name | None = None
    publisher: Name | None = None
    published: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _iso_date_or_year(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            value = value.strip()
            if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
                return value
            raise ValueError("published must be a date (2017-10-05), a month (2017-10) or a year (2017)")
        return value


class RelatedIn(_Strict):
    """A link to another case."""

    id: Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN.pattern)]
    kind: RelatedKind = RelatedKind.SIMILAR_TO


class ProvenanceIn(_Strict):
    """Where one fact of a case came from: the document, the place in it and the quoted text."""

    field: Annotated[str, StringConstraints(max_length=200, pattern=r"^[a-z_]+(\[\d+\])?(\.[a-z_]+)?$")]
    document: Name
    quote: Sentence
    where: Name | None = None
    confirmed: bool = True


def _list_of(item: Any, max_length: int = 200) -> Any:
    return Field(default_factory=list, max_length=max_length, json_schema_extra={"item": str(item)})


def _named(key: str) -> Callable[[Any], Any]:
    """Accept a bare string where a mapping is expected: `"KS"` -> `{"name": "KS"}`."""

    def wrap(items: Any) -> Any:
        if isinstance(items, list):
            return [{key: item} if isinstance(item, str) else item for item in items]
        return items

    return wrap


class CaseIn(_Strict):
    """One case of a case file."""

    id: Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN.pattern)]
    title: Name
    language: Literal[LANGUAGES]  # type: ignore[valid-type]
    summary: Text | None = None
    year: int | None = Field(None, ge=1900, le=2100)
    status: Literal[CASE_STATUSES] | None = None  # type: ignore[valid-type]
    country: Annotated[Literal[COUNTRIES] | None, BeforeValidator(_upper)] = None  # type: ignore[valid-type]
    places: list[Name] = _list_of(Name, 100)
    organisations: Annotated[list[OrganisationIn], BeforeValidator(_named("name"))] = _list_of(OrganisationIn, 500)
    target_groups: list[Name] = _list_of(Name)
    needs: Annotated[list[NeedIn], BeforeValidator(_named("text"))] = _list_of(NeedIn)
    methods: list[Name] = _list_of(Name)
    topics: list[Name] = _list_of(Name)
    outcomes: list[Sentence] = _list_of(Sentence)
    sources: list[SourceIn] = _list_of(SourceIn, 100)
    related: list[RelatedIn] = _list_of(RelatedIn, 200)
    provenance: list[ProvenanceIn] = _list_of(ProvenanceIn, 2000)

    @field_validator("id", mode="before")
    @classmethod
    def _id_hint(cls, value: Any) -> Any:
        if isinstance(value, str) and not CASE_ID_PATTERN.match(value):
            raise ValueError(
                f"{value!r} is not a valid case id: use lowercase a-z, 0-9 and hyphens (e.g. se-borlange-familjehem)"
            )
        return value


def _field_names(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


_ITEM_MODELS: dict[str, type[BaseModel]] = {
    "organisations": OrganisationIn,
    "needs": NeedIn,
    "sources": SourceIn,
    "related": RelatedIn,
    "provenance": ProvenanceIn,
}


def _message(error: dict[str, Any], loc: tuple[str | int, ...]) -> str:
    """A plain-language message for one pydantic error, with a "did you mean" for unknown keys."""
    kind = error["type"]
    if kind == "extra_forbidden":
        model = _ITEM_MODELS.get(str(loc[2])) if len(loc) > 4 else CaseIn
        known = _field_names(model or CaseIn)
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else f"; known fields: {', '.join(known)}"
        return f"unknown field {loc[-1]!r}{suggestion}"
    if kind == "missing":
        return "this field is required"
    if kind == "literal_error":
        return f"{error['msg'].replace('Input should be', 'must be')} (got {error.get('input')!r})"
    if kind == "string_pattern_mismatch":
        if loc[-1] == "url":
            return "must be a web address starting with http:// or https://"
        return f"{error.get('input')!r} is not a valid case id: use lowercase a-z, 0-9 and hyphens"
    if kind in ("too_long", "string_too_long"):
        limit = error.get("ctx", {}).get("max_length")
        value = error.get("input")
        if isinstance(value, str):
            return f"is too long: {len(value)} characters where at most {limit} are allowed"
        return f"has too many items: at most {limit} are allowed"
    return str(error["msg"]).removeprefix("Value error, ")


def validate_cases(
    items: Any,
    file: str,
    *,
    line_of: Callable[[tuple[str | int, ...]], int | None] = lambda path: None,
) -> tuple[list[tuple[int, CaseIn]], list[Problem]]:
    """Validate the items of a `cases:` list.

    Returns the valid cases with their index in the list, and one problem per
    invalid field (several problems per case are reported together).
    """
    if not isinstance(items, list):
        return [], [Problem(file, "cases", line_of(("cases",)), "invalid", "`cases` must be a list")]
    if len(items) > MAX_CASES_PER_FILE:
        return [], [
            Problem(file, "cases", line_of(("cases",)), "too-large", f"more than {MAX_CASES_PER_FILE} cases in one file")
        ]
    valid: list[tuple[int, CaseIn]] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            path = ("cases", index)
            problems.append(Problem(file, format_path(path), line_of(path), "invalid", "a case must be a mapping"))
            continue
        try:
            valid.append((index, CaseIn.model_validate(item)))
        except ValidationError as exc:
            seen: set[tuple[str, str]] = set()
            for error in exc.errors():
                loc = ("cases", index, *error["loc"])
                entry = (format_path(loc), _message(error, loc))
                if entry in seen:
                    continue
                seen.add(entry)
                problems.append(Problem(file, entry[0], line_of(loc), "invalid", entry[1]))
    return valid, problems
