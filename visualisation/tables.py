"""Result lists as spreadsheets for planners: CSV (Nordic Excel friendly) and XLSX.

A table has one row per case with what a planner pastes into a report: rank (and
score for a prior-work list), title, id, country, year, organisations with their
roles, methods, sources and the reasons the case was chosen, plus a link to its
page. Headings follow the page language. The same tables are written by the CLI,
the `/export/...` downloads and the GraphQL `tableExport` query.

Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is
kept as text: a quote is put before it in CSV, and XLSX cells are typed as strings.

Examples
--------
>>> table = Table(("#", "title"), [(1, "=HYPERLINK(...)"), (2, "Skolnärvaro")])
>>> to_csv(table, separator=";").decode("utf-8-sig").splitlines()
['#;title', "1;'=HYPERLINK(...)", '2;Skolnärvaro']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from graph.ranking import CaseFilter, Hit, filter_cases, prior_work
from graph.model import Node, NodeType
from graph.store import GraphStore
from visualisation.hits import HitView, describe_hits
from visualisation.i18n import Texts

__all__ = ["SEPARATORS", "Table", "TableFormat", "case_table", "page_links", "prior_work_table", "to_bytes", "to_csv", "to_xlsx"]

Cell = str | int | float | None
SEPARATORS = (",", ";", "\t")
"""Separators a CSV may use; `;` is what Excel expects where the decimal sign is a comma."""
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_JOIN = "; "


class TableFormat(str, Enum):
    """File formats of a table."""

    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        """The HTTP content type."""
        if self is TableFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_HEADINGS: dict[str, dict[str, str]] = {
    "rank": {"sv": "#", "nb": "#", "nn": "#", "da": "#", "en": "#"},
    "score": {"sv": "Poäng", "nb": "Poeng", "nn": "Poeng", "da": "Point", "en": "Score"},
    "title": {"sv": "Ärende", "nb": "Sak", "nn": "Sak", "da": "Sag", "en": "Case"},
    "id": {"sv": "Id", "nb": "Id", "nn": "Id", "da": "Id", "en": "Id"},
    "country": {"sv": "Land", "nb": "Land", "nn": "Land", "da": "Land", "en": "Country"},
    "year": {"sv": "År", "nb": "År", "nn": "År", "da": "År", "en": "Year"},
    "organisations": {"sv": "Organisationer (roll)", "nb": "Organisasjoner (rolle)", "nn": "Organisasjonar (rolle)",
                      "da": "Organisationer (rolle)", "en": "Organisations (role)"},
    "methods": {"sv": "Metoder", "nb": "Metoder", "nn": "Metodar", "da": "Metoder", "en": "Methods"},
    "sources": {"sv": "Källor", "nb": "Kilder", "nn": "Kjelder", "da": "Kilder", "en": "Sources"},
    "reasons": {"sv": "Varför den valdes", "nb": "Hvorfor den ble valgt", "nn": "Kvifor han vart vald",
                "da": "Hvorfor den blev valgt", "en": "Why it was chosen"},
    "link": {"sv": "Länk", "nb": "Lenke", "nn": "Lenkje", "da": "Link", "en": "Link"},
}
_WIDTHS = {"rank": 5, "score": 8, "title": 40, "id": 28, "country": 10, "year": 6, "organisations": 40,
           "methods": 30, "sources": 50, "reasons": 40, "link": 30}
"""Column widths in characters, by column."""
_SHEETS = {
    "prior": {"sv": "Tidigare arbete", "nb": "Tidligere arbeid", "nn": "Tidlegare arbeid", "da": "Tidligere arbejde",
              "en": "Prior work"},
    "cases": {"sv": "Ärenden", "nb": "Saker", "nn": "Saker", "da": "Sager", "en": "Cases"},
}


@dataclass(frozen=True, slots=True)
class Table:
    """Headings and rows of cells, plus the sheet's name."""

    headings: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    title: str = "Behovsgraf"
    widths: tuple[int, ...] = ()


def page_links(public_url: str) -> Callable[[Node], str]:
    """Absolute links to node pages under `public_url`: cases on /cases/, every other node on /nodes/."""
    base = public_url.rstrip("/")

    def link(node: Node) -> str:
        prefix = "/cases/" if node.type is NodeType.CASE else "/nodes/"
        return f"{base}{prefix}{quote(node.id, safe=':')}"

    return link


def _heading(key: str, lang: str) -> str:
    return _HEADINGS[key].get(lang, _HEADINGS[key]["en"])


def _row(view: HitView, score: float | None, link: str) -> tuple[Cell, ...]:
    organisations = _JOIN.join(f"{org.label} ({org.note})" if org.note else org.label for org in view.organisations)
    sources = _JOIN.join(f"{source.label} <{source.url}>" if source.url else source.label for source in view.sources)
    reasons = _JOIN.join(f"{reason.kind}: {reason.label}" for reason in view.reasons)
    year = int(view.year) if view.year and view.year.isdigit() else view.year
    cells: list[Cell] = [view.rank]
    if score is not None:
        cells.append(round(score, 3))
    cells += [view.title, view.case_id, view.country, year, organisations,
              _JOIN.join(method.label for method in view.methods), sources, reasons, link]
    return tuple(cells)


def _table(
    store: GraphStore, hits: Sequence[Hit], *, problem: str, texts: Texts, case_url: Callable[[Node], str], kind: str
) -> Table:
    views = describe_hits(store, hits, problem=problem, texts=texts, node_url=case_url)
    scored = kind == "prior"
    keys = ["rank", *(["score"] if scored else []), "title", "id", "country", "year", "organisations", "methods",
            "sources", "reasons", "link"]
    rows = [_row(view, hit.score if scored else None, view.url) for view, hit in zip(views, hits, strict=True)]
    return Table(
        tuple(_heading(key, texts.lang) for key in keys), rows, _SHEETS[kind].get(texts.lang, "Behovsgraf"),
        tuple(_WIDTHS[key] for key in keys),
    )


def prior_work_table(
    store: GraphStore,
    problem: str,
    *,
    case_filter: CaseFilter | None,
    top: int,
    texts: Texts,
    case_url: Callable[[Node], str],
) -> Table:
    """The prior-work list for `problem` (best first, with scores and reasons) as a table."""
    hits = list(prior_work(store, problem, case_filter=case_filter, top=top, lang=texts.lang).hits)
    return _table(store, hits, problem=problem, texts=texts, case_url=case_url, kind="prior")


def case_table(
    store: GraphStore,
    case_filter: CaseFilter | None,
    *,
    limit: int,
    texts: Texts,
    case_url: Callable[[Node], str],
) -> Table:
    """The cases a filter lets through (newest first) as a table of at most `limit` rows."""
    hits = [Hit(case, 0.0, (), ()) for case in filter_cases(store, case_filter)[:limit]]
    return _table(store, hits, problem="", texts=texts, case_url=case_url, kind="cases")


def _as_text(cell: Cell) -> Cell:
    """A text that a spreadsheet would run as a formula, quoted so it stays text."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return f"'{cell}"
    return cell


def to_csv(table: Table, *, separator: str = ",") -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark (so Excel reads å, ø and æ), CRLF line ends.

    Raises
    ------
    ValueError
        `separator` is not one of `SEPARATORS`.
    """
    if separator not in SEPARATORS:
        raise ValueError(f"separator must be one of {', '.join(map(repr, SEPARATORS))}, not {separator!r}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.headings)
    writer.writerows([_as_text(cell) for cell in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook: bold, frozen headings, wrapped text, every text cell typed as text."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append(table.headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for column, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.page_setup.orientation = "landscape"  # printed one page wide, as a report appendix
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_bytes(table: Table, table_format: TableFormat, *, separator: str = ",") -> bytes:
    """The table in `table_format`."""
    return to_csv(table, separator=separator) if table_format is TableFormat.CSV else to_xlsx(table)
