"""Files the API serves besides pages and GraphQL: the JSON-LD context and spreadsheet downloads.

* ``GET /ns/behovsgraf.jsonld`` — the context every JSON-LD export names (open to any origin).
* ``GET /export/prior-work.{csv|xlsx}?q=TEXT&...`` — the prior-work list for a problem.
* ``GET /export/cases.{csv|xlsx}?...`` — the cases a filter lets through, newest first.

Both downloads take the filters as repeatable parameters (`country`, `topic`,
`target_group`, `method`, `organisation`, `place`, `language` with node ids or codes,
`year_from`, `year_to`, `text`), `lang` for the headings, `sep` (`,` `;` or a tab) for
CSV and `top`. The planner page links here with its current query and filters, and
the GraphQL `tableExport` query returns the same URL.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response

from api.deps import get_store, identify
from api.settings import Settings
from graph.ranking import CaseFilter
from graph.errors import StoreError
from graph.jsonld import CONTEXT_FILE, CONTEXT_PATH, MEDIA_TYPE
from visualisation.i18n import UI_LANGUAGES, Texts, choose_language
from visualisation.tables import (
    SEPARATORS,
    Table,
    TableFormat,
    case_table,
    page_links,
    prior_work_table,
    to_bytes,
)

__all__ = ["MAX_ROWS", "MAX_TEXT", "download_url", "router"]

MAX_ROWS = 1000
"""Most cases one download lists."""
MAX_TEXT = 2000
"""Longest problem text a download ranks on."""
MAX_VALUES = 50

router = APIRouter(include_in_schema=False)

_LIST_FIELDS = (
    ("country", "countries"), ("topic", "topics"), ("target_group", "target_groups"), ("method", "methods"),
    ("organisation", "organisations"), ("place", "places"), ("language", "languages"), ("status", "statuses"),
)


def download_url(
    kind: str, table_format: TableFormat, *, problem: str = "", case_filter: CaseFilter | None = None,
    lang: str, separator: str = ",", top: int | None = None,
) -> str:
    """The path and query of a download (`kind` is ``prior-work`` or ``cases``)."""
    params: list[tuple[str, str]] = [("q", problem)] if problem else []
    if case_filter is not None:
        for name, field in _LIST_FIELDS:
            params += [(name, value) for value in getattr(case_filter, field)]
        params += [(name, str(value)) for name, value in (("year_from", case_filter.year_from),
                                                           ("year_to", case_filter.year_to)) if value is not None]
        if case_filter.text:
            params.append(("text", case_filter.text))
    if table_format is TableFormat.CSV and separator != ",":
        params.append(("sep", separator))
    if top is not None:
        params.append(("top", str(top)))
    params.append(("lang", lang))
    return f"/export/{kind}.{table_format.value}?{urlencode(params)}"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _readable(request: Request, settings: Annotated[Settings, Depends(_settings)]) -> None:
    """Downloads are reads: refused without a key when reads need one, as GraphQL and the pages are."""
    if settings.require_key_for_reads and identify(settings, request.headers.get("authorization")).scope is None:
        raise HTTPException(401, "an API key is needed to read", headers={"WWW-Authenticate": "Bearer"})


def _filter(
    country: Annotated[list[str], Query()] = [],  # noqa: B006
    topic: Annotated[list[str], Query()] = [],  # noqa: B006
    target_group: Annotated[list[str], Query()] = [],  # noqa: B006
    method: Annotated[list[str], Query()] = [],  # noqa: B006
    organisation: Annotated[list[str], Query()] = [],  # noqa: B006
    place: Annotated[list[str], Query()] = [],  # noqa: B006
    language: Annotated[list[str], Query()] = [],  # noqa: B006
    status: Annotated[list[str], Query()] = [],  # noqa: B006
    year_from: int | None = None,
    year_to: int | None = None,
    text: Annotated[str, Query(max_length=MAX_TEXT)] = "",
) -> CaseFilter | None:
    lists = {"country": country, "topic": topic, "target_group": target_group, "method": method,
             "organisation": organisation, "place": place, "language": language, "status": status}
    for name, values in lists.items():
        if len(values) > MAX_VALUES:
            raise HTTPException(400, f"`{name}` can be given at most {MAX_VALUES} times")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise HTTPException(400, "`year_from` is after `year_to`")
    chosen = [value.strip() for values in lists.values() for value in values if value.strip()]
    if not chosen and year_from is None and year_to is None and not text.strip():
        return None
    return CaseFilter(
        text=text.strip() or None,
        countries=tuple(code.strip().upper() for code in country if code.strip()),
        topics=tuple(topic), target_groups=tuple(target_group), methods=tuple(method),
        organisations=tuple(organisation), places=tuple(place), languages=tuple(language),
        statuses=tuple(value.strip().lower() for value in status if value.strip()),
        year_from=year_from, year_to=year_to,
    )


def _options(
    request: Request,
    lang: str = "",
    sep: str = ",",
) -> tuple[Texts, str]:
    if sep not in SEPARATORS:
        raise HTTPException(400, "`sep` must be ',', ';' or a tab")
    if lang and lang not in UI_LANGUAGES:
        raise HTTPException(400, f"`lang` must be one of {', '.join(UI_LANGUAGES)}")
    return Texts(choose_language(lang or None, request.headers.get("accept-language"))), sep


def _format(name: str) -> TableFormat:
    try:
        return TableFormat(name)
    except ValueError:
        raise HTTPException(404, "downloads are .csv or .xlsx") from None


def _file(table: Table, name: str, table_format: TableFormat, separator: str) -> Response:
    content = to_bytes(table, table_format, separator=separator)
    headers = {
        "Content-Disposition": f"attachment; filename=\"{name}.{table_format.value}\"",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return Response(content, media_type=table_format.media_type, headers=headers)


Options = Annotated[tuple[Texts, str], Depends(_options)]
Filter = Annotated[CaseFilter | None, Depends(_filter)]


@router.get("/export/prior-work.{suffix}", dependencies=[Depends(_readable)])
def prior_work_download(
    request: Request,
    suffix: str,
    options: Options,
    case_filter: Filter,
    q: Annotated[str, Query(max_length=MAX_TEXT)],
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Response:
    """The prior-work list for the problem `q`, as CSV or XLSX."""
    table_format = _format(suffix)
    if not q.strip():
        raise HTTPException(400, "`q` (the problem) cannot be empty")
    texts, separator = options
    settings = _settings(request)
    try:
        table = prior_work_table(get_store(request), q.strip(), case_filter=case_filter, top=top, texts=texts,
                                 case_url=page_links(settings.public_url))
    except StoreError as exc:
        raise HTTPException(503, "the store is unavailable right now") from exc
    return _file(table, "behovsgraf-prior-work", table_format, separator)


@router.get("/export/cases.{suffix}", dependencies=[Depends(_readable)])
def cases_download(
    request: Request,
    suffix: str,
    options: Options,
    case_filter: Filter,
    top: Annotated[int, Query(ge=1, le=MAX_ROWS)] = MAX_ROWS,
) -> Response:
    """The cases the filter lets through (newest first), as CSV or XLSX."""
    table_format = _format(suffix)
    texts, separator = options
    settings = _settings(request)
    try:
        table = case_table(get_store(request), case_filter, limit=top, texts=texts,
                           case_url=page_links(settings.public_url))
    except StoreError as exc:
        raise HTTPException(503, "the store is unavailable right now") from exc
    return _file(table, "behovsgraf-cases", table_format, separator)


@router.get(CONTEXT_PATH)
def jsonld_context() -> FileResponse:
    """The JSON-LD context of Behovsgraf's exports; any origin may read it."""
    return FileResponse(
        CONTEXT_FILE, media_type=MEDIA_TYPE,
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"},
    )
