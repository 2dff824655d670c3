"""Turn the rows of a sheet (xlsx, ods, csv) into case records, each value located at its cell.

The header row says which column holds what, by names in Swedish, Norwegian, Danish or
English (`Titel`, `Tittel`, `Title`; `Organisationer`, `Aktører`; `Målgrupp`, ...), or a
mapping file next to the sheet (`projekt.xlsx.mapping.yaml`) names them:

```yaml
sheet: Projekt            # which sheet (default: the first)
columns: {title: Projektnamn, organisations: Deltagare, year: Startår}
defaults: {country: SE, language: sv}
```

A cell may hold several names (organisations, methods, target groups, topics, places)
separated by `;`, `,` or line breaks; needs and outcomes are separated by `;` or line
breaks. Every case records where each of its facts came from (`provenance`), with
the cell's text as the quote.

Examples
--------
>>> rows = [["Titel", "År", "Organisationer"], ["Trygg skolväg", 2019, "Umeå kommun; Region Västerbotten"]]
>>> document = cases_from_rows(rows, file="p.xlsx", sheet="Blad1", defaults={"country": "SE"})
>>> case = document.data["cases"][0]
>>> case["id"], case["year"], [o["name"] for o in case["organisations"]]
('se-trygg-skolvaeg-2019', 2019, ['Umeå kommun', 'Region Västerbotten'])
>>> str(document.location_of(("cases", 0, "year")))
"sheet 'Blad1' row 2 column B (År)"
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graph.ranking.language import detect_language
from graph.ids import normalise_name, slugify
from ingest.readers.base import Document, Location, read_problem
from ingest.readers.yaml_cases import read_yaml
from ingest.report import format_path

__all__ = ["FIELDS", "cases_from_rows", "mapping_path", "read_mapping"]

FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ärende-id", "sak-id", "case id"),
    "title": (
        "titel", "tittel", "title", "namn", "navn", "name", "projekt", "prosjekt", "project", "projektnamn",
        "prosjektnavn", "projektnavn", "project name", "rubrik", "overskrift",
    ),
    "summary": (
        "sammanfattning", "sammandrag", "sammendrag", "resumé", "resume", "summary", "beskrivning", "beskrivelse",
        "description", "om projektet", "om prosjektet",
    ),
    "language": ("språk", "sprog", "language", "målform"),
    "year": ("år", "year", "årstal", "årstall", "startår", "start year", "startår (år)"),
    "status": ("status", "läge", "state"),
    "country": ("land", "country"),
    "places": ("plats", "platser", "ort", "sted", "steder", "place", "places", "kommun", "kommune", "geografi"),
    "organisations": (
        "organisation", "organisationer", "organisasjon", "organisasjoner", "organization", "organizations",
        "organisations", "aktörer", "aktører", "deltagare", "deltakere", "deltagere", "participants",
    ),
    "owner": ("ägare", "projektägare", "eier", "prosjekteier", "ejer", "projektejer", "owner", "huvudman"),
    "partner": ("partner", "partners", "samarbetspartner", "samarbetspartners", "samarbeidspartnere", "samarbejdspartnere"),
    "funder": ("finansiär", "finansiärer", "finansiør", "finansiører", "finansieret af", "funder", "funders", "funding"),
    "target_groups": ("målgrupp", "målgrupper", "målgruppe", "målgrupper", "target group", "target groups"),
    "needs": ("behov", "need", "needs", "behovsbeskrivning"),
    "methods": ("metod", "metoder", "metode", "method", "methods", "arbetssätt", "arbeidsmåte", "arbejdsform"),
    "topics": ("ämne", "ämnen", "emne", "emner", "tema", "teman", "temaer", "topic", "topics", "område", "områder"),
    "outcomes": ("resultat", "resultater", "utfall", "outcome", "outcomes", "results", "effekter"),
    "source": ("länk", "lenke", "link", "url", "kilde", "källa", "source", "webbadress", "nettadresse"),
}
"""The case fields a column can hold, and the header names (sv, nb/nn, da, en) that mean them."""

_BY_HEADER = {normalise_name(name): key for key, names in FIELDS.items() for name in names}
_NAME_LISTS = {"places", "target_groups", "methods", "topics"}
_ROLES = {"organisations": "participant", "owner": "owner", "partner": "partner", "funder": "funder"}
_SENTENCE_LISTS = {"needs", "outcomes"}
_COUNTRY_LANGUAGE = {"SE": "sv", "NO": "nb", "DK": "da", "FI": "sv", "IS": "en"}
_NAMES_SPLIT = re.compile(r"\s*(?:[;,\n]|\r\n)\s*")
_SENTENCES_SPLIT = re.compile(r"\s*(?:[;\n]|\r\n)\s*")


def mapping_path(sheet: Path) -> Path:
    """The mapping file that goes with a sheet: `projekt.xlsx` -> `projekt.xlsx.mapping.yaml`."""
    return sheet.with_name(sheet.name + ".mapping.yaml")


def read_mapping(sheet: Path) -> dict[str, Any]:
    """The sheet's mapping file, checked; an empty mapping when there is none."""
    path = mapping_path(sheet)
    if not path.exists():
        return {}
    data = read_yaml(path).data
    if not isinstance(data, dict) or not set(data) <= {"sheet", "columns", "defaults", "header_row"}:
        raise read_problem(str(path), "a mapping file has `sheet`, `columns`, `defaults` and `header_row` only", code="invalid")
    unknown = set(data.get("columns") or {}) - set(FIELDS)
    if unknown:
        raise read_problem(
            str(path), f"unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(FIELDS)}", code="invalid"
        )
    return data


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() if value is not None else ""


def _columns(header: Sequence[Any], mapping: Mapping[str, Any], file: str) -> dict[int, str]:
    """Column index -> case field, from the mapping's `columns` or the recognised header names."""
    names = [normalise_name(_text(cell)) for cell in header]
    chosen = mapping.get("columns") or {}
    found: dict[int, str] = {}
    for field, wanted in chosen.items():
        wanted_text = normalise_name(str(wanted))
        if re.fullmatch(r"[a-z]{1,3}", wanted_text) and wanted_text not in names:
            index = sum((ord(ch) - 96) * 26**power for power, ch in enumerate(reversed(wanted_text))) - 1
        elif wanted_text in names:
            index = names.index(wanted_text)
        else:
            raise read_problem(file, f"the mapping names the column {wanted!r} for {field}, but the header has no such column", code="invalid")
        found[index] = field
    if not chosen:
        found = {index: _BY_HEADER[name] for index, name in enumerate(names) if name in _BY_HEADER}
    if "title" not in found.values():
        shown = ", ".join(repr(_text(cell)) for cell in header if _text(cell)) or "nothing"
        raise read_problem(
            file,
            f"no column for the title; the header row holds {shown}. Name a column Titel/Tittel/Title "
            "or write a mapping file",
            code="no-cases",
        )
    return found


def cases_from_rows(
    rows: Sequence[Sequence[Any]],
    *,
    file: str,
    sheet: str | None = None,
    mapping: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Document:
    """A `Document` of `{"cases": [...]}` from a header row and data rows; empty rows are skipped."""
    mapping = mapping or {}
    header_row = int(mapping.get("header_row", 1))
    if len(rows) < header_row:
        raise read_problem(file, "the sheet is empty", code="empty")
    columns = _columns(rows[header_row - 1], mapping, file)
    headers = [_text(cell) for cell in rows[header_row - 1]]
    defaults = {**(defaults or {}), **(mapping.get("defaults") or {})}
    document = Document(file=file, data=None)
    cases: list[dict[str, Any]] = []
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        cells = {field: (index, _text(row[index])) for index, field in columns.items() if index < len(row) and _text(row[index])}
        if not cells:
            continue
        position = len(cases)

        def locate(index: int, row_number: int = number) -> Location:
            label = f"{_letter(index)} ({headers[index]})" if index < len(headers) and headers[index] else _letter(index)
            return Location(sheet=sheet, row=row_number, column=label)

        case, located = _case(cells, defaults)
        for path, index in located.items():
            document.locations[("cases", position, *path)] = locate(index)
        case["provenance"] = [
            {"field": format_path(path), "document": file, "where": str(locate(index)), "quote": _quote(case, path)}
            for path, index in located.items()
        ]
        document.locations[("cases", position)] = Location(sheet=sheet, row=number)
        cases.append(case)
    if not cases:
        raise read_problem(file, "the sheet has a header but no rows", code="empty")
    document.data = {"cases": cases}
    return document


def _quote(case: Mapping[str, Any], path: tuple[str | int, ...]) -> str:
    """The text a located value was read from: the name, sentence or cell text."""
    value: Any = case
    for part in path:
        value = value[part]
    if isinstance(value, dict):
        value = value.get("name") or value.get("url")
    return str(value)[:1000]


def _case(cells: Mapping[str, tuple[int, str]], defaults: Mapping[str, Any]) -> tuple[dict[str, Any], dict[tuple[str | int, ...], int]]:
    """One case record from a row's non-empty cells, and the column each of its values came from."""
    case: dict[str, Any] = dict(defaults)
    located: dict[tuple[str | int, ...], int] = {}
    organisations: list[dict[str, str]] = []
    for field, (index, text) in cells.items():
        if field in _ROLES:
            for name in filter(None, _NAMES_SPLIT.split(text)):
                located[("organisations", len(organisations))] = index
                organisations.append({"name": name, "role": _ROLES[field]})
            continue
        if field in _NAME_LISTS or field in _SENTENCE_LISTS:
            split = _NAMES_SPLIT if field in _NAME_LISTS else _SENTENCES_SPLIT
            case[field] = [part for part in split.split(text) if part]
            located.update({(field, i): index for i in range(len(case[field]))})
        elif field == "source":
            located[("sources", 0)] = index
            case["sources"] = [{"url": text}]
        elif field == "year":
            located[(field,)] = index
            case["year"] = int(text) if text.isdigit() else text
        else:
            located[(field,)] = index
            case[field] = text
    if organisations:
        case["organisations"] = organisations
    if "language" not in case and "title" in case:
        default = _COUNTRY_LANGUAGE.get(str(case.get("country", "")).upper(), "sv")
        case["language"] = detect_language(f"{case['title']} {case.get('summary', '')}", default=default)
    if "id" not in case and "title" in case:
        parts = [str(case.get("country") or ""), case["title"], str(case.get("year") or "")]
        case["id"] = slugify(" ".join(part for part in parts if part))
    return case, located
