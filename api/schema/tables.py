"""The `tableExport` query: a prior-work or case list as a CSV or XLSX file for planners.

It answers with the download URL (``/export/...``, the same file the planner page
links to; GET it with the same `Authorization` header) and, when asked for, the
file itself as base64, so a program gets the file in one request and a page can
offer a plain link.
"""

from __future__ import annotations

import base64
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.downloads import MAX_ROWS, download_url
from api.schema.context import Context
from api.schema.errors import LimitExceeded
from api.schema.types import Language
from graph import ranking
from graph.store import GraphStore
from visualisation.i18n import Texts, choose_language
from visualisation.tables import (
    Table,
    TableFormat,
    case_table,
    page_links,
    prior_work_table,
    to_bytes,
)

__all__ = ["CsvSeparator", "TableFile", "TableFileFormat", "TableList", "table_export"]

if TYPE_CHECKING:
    from api.schema.queries import CaseFilter

Info = strawberry.Info[Context, None]
LazyCaseFilter = Annotated["CaseFilter", strawberry.lazy("api.schema.queries")]


@strawberry.enum(description="Which list to export.")
class TableList(Enum):
    """PRIOR_WORK ranks cases for `problem`; CASES lists the cases `filter` lets through, newest first."""

    PRIOR_WORK = "prior-work"
    CASES = "cases"


TableFileFormat = strawberry.enum(TableFormat, name="TableFileFormat", description="CSV (UTF-8 with BOM) or XLSX.")


@strawberry.enum(description="Separator of a CSV file: SEMICOLON for Excel where the decimal sign is a comma.")
class CsvSeparator(Enum):
    """Separators of CSV files."""

    COMMA = ","
    SEMICOLON = ";"
    TAB = "\t"


@strawberry.type(description="A spreadsheet of cases: where to download it, or its content.")
class TableFile:
    """What `tableExport` returns; the content is made only when `contentBase64` is asked for."""

    filename: str = strawberry.field(description="A file name for the download.")
    media_type: str = strawberry.field(description="The file's content type.")
    url: str = strawberry.field(
        description="Path and query of the same file on this server (GET it with the same Authorization header)."
    )
    list_kind: strawberry.Private[TableList]
    problem: strawberry.Private[str]
    case_filter: strawberry.Private[ranking.CaseFilter | None]
    top: strawberry.Private[int]
    lang: strawberry.Private[str]
    separator: strawberry.Private[str]
    table_format: strawberry.Private[TableFormat]

    @strawberry.field(description="The file itself, base64-encoded.")
    async def content_base64(self, info: Info) -> str:
        content = await info.context.call(self._content, info.context.settings.public_url)
        return base64.b64encode(content).decode("ascii")

    def _content(self, store: GraphStore, public_url: str) -> bytes:
        case_url = page_links(public_url)
        texts = Texts(self.lang)
        table: Table
        if self.list_kind is TableList.PRIOR_WORK:
            table = prior_work_table(store, self.problem, case_filter=self.case_filter, top=self.top, texts=texts,
                                     case_url=case_url)
        else:
            table = case_table(store, self.case_filter, limit=self.top, texts=texts, case_url=case_url)
        return to_bytes(table, self.table_format, separator=self.separator)


def table_export(
    info: Info,
    list: Annotated[TableList, strawberry.argument(description="PRIOR_WORK (needs `problem`) or CASES.")],  # noqa: A002
    format: Annotated[TableFormat, strawberry.argument(description="CSV or XLSX.", graphql_type=TableFileFormat)],  # noqa: A002
    problem: Annotated[str | None, strawberry.argument(description="The problem to rank cases for (PRIOR_WORK).")] = None,
    filter: Annotated[LazyCaseFilter | None, strawberry.argument(description="What the cases must match.")] = None,  # noqa: A002
    first: Annotated[int | None, strawberry.argument(description=f"Most rows: 10 by default for PRIOR_WORK (at most 100), all for CASES (at most {MAX_ROWS}).")] = None,
    language: Annotated[Language | None, strawberry.argument(description="Language of headings and labels (sv, nb or en).")] = None,
    separator: Annotated[CsvSeparator, strawberry.argument(description="CSV separator.")] = CsvSeparator.COMMA,
) -> TableFile:
    """Check the arguments and describe the file; its content is made when asked for."""
    from api.schema.queries import (  # the module that imports this one
        case_filter_of,
        required_text,
    )

    text = required_text(problem or "", "problem") if list is TableList.PRIOR_WORK else ""
    limit = 100 if list is TableList.PRIOR_WORK else MAX_ROWS
    top = first if first is not None else (10 if list is TableList.PRIOR_WORK else limit)
    if not 1 <= top <= limit:
        raise LimitExceeded(f"`first` must be between 1 and {limit}.", field="first")
    case_filter = case_filter_of(filter)
    lang = choose_language(language.value if language else None, None)
    table_format = TableFormat(format)
    return TableFile(
        filename=f"behovsgraf-{list.value}.{table_format.value}",
        media_type=table_format.media_type,
        url=download_url(list.value, table_format, problem=text, case_filter=case_filter, lang=lang,
                         separator=separator.value, top=top),
        list_kind=list, problem=text, case_filter=case_filter, top=top, lang=lang, separator=separator.value,
        table_format=table_format,
    )
