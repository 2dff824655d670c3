"""The `behovsgraf` command line: ingest, ask for prior work, inspect, curate duplicates, export and generate.

Exit codes: 0 ok, 1 rejected input, 2 usage or store error (one line on stderr saying why).
Read commands (prior, show, stats, export, sync's source) refuse a store that does not
exist; only the writing commands (ingest, import, sync's target, serve) create one.

Start-up is kept cheap: this module imports only typer at the top, and each command
imports what it needs, so `behovsgraf --help` loads neither numpy nor pydantic.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from graph.errors import BehovsgrafError, Conflict, IngestError, NodeNotFound
from api.watches.cli import watch_app
from ingest.report import ExitCode

if TYPE_CHECKING:
    from api.console import Step
    from api.settings import Settings
    from graph.ranking import PriorWork
    from graph.model import Origin
    from graph.ranking.evaluation import Query
    from graph.store import GraphStore
    from visualisation.tables import Table as SheetTable
    from visualisation.tables import TableFormat

__all__ = ["app", "main"]

app = typer.Typer(
    name="behovsgraf",
    help="Find prior public-sector development work on a problem, and curate the graph behind it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(watch_app, name="watch")
links_app = typer.Typer(
    help="Concept links inferred by similarity of meaning: list them, confirm or reject them.", no_args_is_help=True
)
app.add_typer(links_app, name="links")
REASONS_SHOWN = 6
"""The table shows this many reasons per case (`--json` has them all)."""

_STORE_DEFAULT = "BEHOVSGRAF_STORE or data/behovsgraf.db"
StoreOption = Annotated[
    str | None,
    typer.Option("--store", metavar="PATH|URL", help="Embedded store path or Neo4j URL.", show_default=_STORE_DEFAULT),
]

BackupOption = Annotated[
    Path | None,
    typer.Option(
        "--backup-to", metavar="PATH", show_default="BEHOVSGRAF_BACKUP_DIR or data/backups",
        help="Folder or file for the backup taken before the graph is replaced or reverted.",
    ),
]


class _Failure(Exception):
    """A command gives up: one line on stderr and an exit code."""

    def __init__(self, message: str, code: int = ExitCode.USAGE_OR_STORE) -> None:
        super().__init__(message)
        self.code = code


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"behovsgraf {version('behovsgraf')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Find prior public-sector development work on a problem, and curate the graph behind it."""


def _settings() -> Settings:
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from api.settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or exc.title
        raise _Failure(f"setting {where}: {first['msg']} (see BEHOVSGRAF_* and .env)") from exc
    except SettingsError as exc:
        cause = f": {exc.__cause__}" if exc.__cause__ else ""
        raise _Failure(f"{exc}{cause} (see BEHOVSGRAF_* and .env)") from exc
    from graph.ranking.cache import use_cache_dir

    use_cache_dir(Path(settings.cache_dir))
    return settings


def _location(location: str | None) -> str:
    return location or _settings().store


@contextmanager
def _store(location: str | None, *, create: bool) -> Iterator[GraphStore]:
    """The store at `location` (or the configured one); a missing embedded store is created only with `create`."""
    from graph.backends import is_neo4j_location, open_store

    where = _location(location)
    if not create and not is_neo4j_location(where) and not Path(where).is_file():
        raise _Failure(f"no store at {where} (ingest or import creates one; --store or BEHOVSGRAF_STORE chooses it)")
    settings = _settings()
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    store = open_store(where, user=settings.neo4j_user, password=password, lazy=True)
    try:
        yield store
    finally:
        store.close()


def _write_atomically(path: Path, text: str) -> None:
    """Write beside `path`, then rename: an interrupted write never spoils an older file."""
    import os

    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH", help="Case files (.yaml, .yml, .json), sheets (.xlsx, .ods, .csv) or folders.", show_default=False
        ),
    ],
    partial: Annotated[bool, typer.Option("--partial", help="Load the valid cases even if some are rejected.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse names that only resemble known bodies or terms.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every name merged into an existing node.")] = False,
    report_file: Annotated[
        Path | None, typer.Option("--report", metavar="FILE", help="Also write the whole report as JSON to FILE.")
    ] = None,
    embed: Annotated[
        bool, typer.Option("--embed/--no-embed", help="Embed the new texts after the write (else the server or `reindex` does).")
    ] = True,
    store: StoreOption = None,
) -> None:
    """Validate case files and load them into the graph (all or nothing unless --partial)."""
    from api.console import print_ingest_report, progress
    from ingest.run import collect_files, ingest_paths

    collect_files(paths)  # a missing path is a usage error before any store is created
    settings = _settings()
    with _store(store, create=True) as graph:
        with progress() as step:
            step("reading and checking case files", 0, None)
            report = ingest_paths(
                graph,
                paths,
                partial=partial,
                strict=strict,
                progress=lambda done, total: step("resolving cases", done, total),
                data_dir=settings.data_dir,
            )
        print_ingest_report(report, partial=partial, verbose=verbose)
        if report_file is not None:
            _write_atomically(report_file, json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")
        if report.written and embed:
            _embed(graph)
    raise typer.Exit(report.exit_code)


def _embed(graph: GraphStore) -> None:
    """Embed every case, need and concept whose vectors are missing or stale, with a progress bar."""
    from api.console import err, progress
    from graph.ranking.embedding import default_embedder
    from graph.ranking.worker import embed_all

    embedder = default_embedder()
    with progress() as step:
        done = embed_all(graph, embedder, progress=lambda done, total: step(f"embedding ({embedder.model})", done, total))
    err.print(f"embedded {done} node(s) with {embedder.model}", highlight=False, markup=False)


@app.command()
def reindex(store: StoreOption = None) -> None:
    """Embed whatever lacks fresh vectors for the current model (after a model change: everything)."""
    with _store(store, create=False) as graph:
        _embed(graph)


@app.command()
def draft(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Articles and reports (.html, .pdf, .docx) or folders of them.", show_default=False),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help="Folder for the draft case files.")] = Path(
        "drafts"
    ),
    store: StoreOption = None,
) -> None:
    """Write a draft case file per article or report, every value with its quote, for a curator to check."""
    from rich.text import Text

    from api.console import err, out
    from ingest.draft import draft_paths

    for path in paths:
        if not path.exists():
            raise _Failure(f"{path}: no such file or folder")
    with _store(store, create=True) as graph:
        report = draft_paths(graph, paths, output)
    for problem in report.problems:
        err.print(Text.assemble(("refused  ", "red"), str(problem)), highlight=False)
    for written in report.written:
        out.print(f"drafted  {written}", highlight=False, markup=False)
    out.print(f"{len(report.written)} draft(s) in {output}; check them, then `behovsgraf ingest {output}`", markup=False)
    raise typer.Exit(ExitCode.REJECTED if report.problems else ExitCode.OK)


def _prior_json(found: PriorWork) -> dict[str, object]:
    from graph.ranking.explain import explain, no_match_message

    return {
        "language": found.language,
        "total": found.total,
        "strong": found.strong,
        "no_match": found.is_no_match,
        "message": no_match_message(found.language) if found.is_no_match and found.total else None,
        "hits": [
            {
                "id": hit.case.id,
                "title": hit.case.label,
                "score": hit.score,
                "confidence": hit.confidence.value,
                "reasons": [
                    {"kind": r.kind.value, "label": r.label, "problem_part": r.problem_part, "inferred": r.is_inferred,
                     "weight": r.weight, "text": explain(r, found.language)}
                    for r in hit.reasons
                ],
            }
            for hit in found.hits
        ],
    }


def _countries(given: list[str]) -> tuple[str, ...]:
    from graph.model import COUNTRIES

    return _one_of(tuple(code.strip().upper() for code in given), COUNTRIES, "--country")


def _statuses(given: list[str]) -> tuple[str, ...]:
    from graph.model import STATUSES

    return _one_of(tuple(status.strip().lower() for status in given), STATUSES, "--status")


def _one_of(values: tuple[str, ...], allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    """`values`, unless one is not in `allowed`: then a one-line failure naming `option`."""
    for value in values:
        if value not in allowed:
            raise _Failure(f"{option} {value!r} is not one of {', '.join(allowed)}")
    return values


TableOutput = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write the list as a spreadsheet instead: FILE.csv or FILE.xlsx."),
]
Separator = Annotated[
    str,
    typer.Option(
        "--separator", metavar="SEP", show_default="comma",
        help="CSV separator: ',' or ';' (Excel where the decimal sign is a comma) or a tab.",
    ),
]
TableLanguage = Annotated[
    str, typer.Option("--lang", metavar="LANG", help="Language of the spreadsheet's headings and labels: sv, nb, nn, da or en.")
]


def _table_format(output: Path, separator: str, lang: str) -> TableFormat:
    """The spreadsheet format of `output`; a wrong suffix, separator or language is a usage error."""
    from visualisation.i18n import UI_LANGUAGES
    from visualisation.tables import SEPARATORS, TableFormat

    try:
        table_format = TableFormat(output.suffix.lower().lstrip("."))
    except ValueError:
        raise _Failure(f"--output {output}: name a .csv or .xlsx file") from None
    if separator not in SEPARATORS:
        raise _Failure("--separator: use ',', ';' or a tab")
    if lang not in UI_LANGUAGES:
        raise _Failure(f"--lang {lang!r}: use one of {', '.join(UI_LANGUAGES)}")
    return table_format


def _write_table(table: SheetTable, output: Path, table_format: TableFormat, separator: str) -> None:
    import os

    from api.console import out
    from visualisation.tables import to_bytes

    temporary = output.with_name(f".{output.name}.partial")
    temporary.write_bytes(to_bytes(table, table_format, separator=separator))
    os.replace(temporary, output)
    out.print(f"wrote {len(table.rows)} case(s) to {output}", markup=False, highlight=False)


@app.command()
def prior(
    problem: Annotated[str, typer.Argument(metavar="PROBLEM", help="The problem, in your own words (sv, nb, nn, da or en).", show_default=False)],
    top: Annotated[int, typer.Option("--top", metavar="N", min=1, max=100, help="How many cases to list.")] = 10,
    country: Annotated[
        list[str],
        typer.Option("--country", metavar="CODE", help="Only cases from this country (SE, NO, DK, FI, IS); repeatable."),
    ] = [],  # noqa: B006 - typer copies defaults
    language: Annotated[
        str | None,
        typer.Option(
            "--lang", metavar="LANG", show_default="the problem's (English for spreadsheets)",
            help="Language of the reasons and spreadsheet headings: sv, nb, nn, da or en.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {language, total, strong, no_match, message, hits} as JSON.")
    ] = False,
    output: TableOutput = None,
    separator: Separator = ",",
    store: StoreOption = None,
) -> None:
    """List earlier cases that worked on a problem like yours, with how well each matches and why."""
    if not problem.strip():
        raise _Failure("the problem is empty: describe it in a few words, e.g. behovsgraf prior \"elever hoppar av\"")
    countries = _countries(country)
    from rich.table import Table
    from rich.text import Text

    from api.console import out
    from graph.model import LANGUAGES
    from graph.ranking import CaseFilter, prior_work
    from graph.ranking.embedding import load_in_background
    from graph.ranking.explain import CONFIDENCE_LABELS, explain, no_match_message

    load_in_background()
    if language is not None and language not in LANGUAGES:
        raise _Failure(f"--lang {language!r} is not one of {', '.join(LANGUAGES)}")
    case_filter = CaseFilter(countries=countries) if countries else None
    if output is not None:
        from visualisation.i18n import Texts
        from visualisation.tables import page_links, prior_work_table

        table_format = _table_format(output, separator, language or "en")
        with _store(store, create=False) as graph:
            sheet = prior_work_table(
                graph, problem, case_filter=case_filter, top=top, texts=Texts(language or "en"),
                case_url=page_links(_settings().public_url),
            )
        _write_table(sheet, output, table_format, separator)
        return
    with _store(store, create=False) as graph:
        found = prior_work(graph, problem, top=top, case_filter=case_filter, lang=language)
    if as_json:
        out.print_json(json.dumps(_prior_json(found), ensure_ascii=False))
        return
    if not found.hits:
        out.print(no_match_message(found.language).rstrip(":") + ".")
        return
    if found.is_no_match:
        out.print(no_match_message(found.language), markup=False, highlight=False)
    table = Table(show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("match")
    table.add_column("case", min_width=36, overflow="fold")
    table.add_column("why")
    for rank, hit in enumerate(found.hits, start=1):
        where = " · ".join(str(v) for v in (hit.case.props.get("country"), hit.case.props.get("year")) if v)
        reasons = "\n".join(explain(r, found.language) for r in hit.reasons[:REASONS_SHOWN])
        case = Text.assemble((hit.case.label, "bold"), f"\n{hit.case.id}  {where}")
        match = CONFIDENCE_LABELS[hit.confidence.value][found.language]
        table.add_row(str(rank), f"{match}\n{hit.score:.2f}", case, Text(reasons))
    out.print(table)


@app.command()
def cases(
    country: Annotated[list[str], typer.Option("--country", help="Country code (SE, NO, DK); repeatable.")] = [],  # noqa: B006
    topic: Annotated[list[str], typer.Option("--topic", help="Topic id, e.g. topic:education; repeatable.")] = [],  # noqa: B006
    target_group: Annotated[list[str], typer.Option("--target-group", help="Target group id; repeatable.")] = [],  # noqa: B006
    method: Annotated[list[str], typer.Option("--method", help="Method id, e.g. method:service-design; repeatable.")] = [],  # noqa: B006
    organisation: Annotated[list[str], typer.Option("--organisation", help="Organisation id; repeatable.")] = [],  # noqa: B006
    status: Annotated[list[str], typer.Option("--status", help="Case status, e.g. ongoing; repeatable.")] = [],  # noqa: B006
    year_from: Annotated[int | None, typer.Option("--year-from", help="Earliest year, inclusive.")] = None,
    year_to: Annotated[int | None, typer.Option("--year-to", help="Latest year, inclusive.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=10_000, help="How many cases to list at most.")] = 1000,
    output: TableOutput = None,
    separator: Separator = ",",
    lang: TableLanguage = "en",
    store: StoreOption = None,
) -> None:
    """List the cases a filter lets through, newest first (a case's topics include narrower ones)."""
    from rich.table import Table

    from api.console import out
    from graph.ranking import CaseFilter
    from visualisation.i18n import Texts
    from visualisation.tables import case_table, page_links

    case_filter = CaseFilter(
        countries=tuple(code.upper() for code in country), topics=tuple(topic), target_groups=tuple(target_group),
        methods=tuple(method), organisations=tuple(organisation), statuses=_statuses(status),
        year_from=year_from, year_to=year_to,
    )
    table_format = _table_format(output, separator, lang) if output is not None else None
    with _store(store, create=False) as graph:
        table = case_table(graph, case_filter, limit=top, texts=Texts(lang), case_url=page_links(_settings().public_url))
    if output is not None and table_format is not None:
        _write_table(table, output, table_format, separator)
        return
    shown = Table(*table.headings[1:6])
    for row in table.rows:
        shown.add_row(*(str(cell) if cell is not None else "" for cell in row[1:6]))
    out.print(shown)


@app.command()
def show(
    node_id: Annotated[str, typer.Argument(metavar="ID", help="A case id or any node id.", show_default=False)],
    store: StoreOption = None,
) -> None:
    """Show one node with its properties and relationships."""
    from rich.text import Text

    from api.console import err, out
    from graph.algorithms.merge import merged_into

    with _store(store, create=False) as graph:
        node = graph.get(node_id) or merged_into(graph, node_id)
        if node is None:
            raise _Failure(f"no node with id {node_id!r}", ExitCode.REJECTED)
        if node.id != node_id:
            err.print(f"{node_id} was merged into {node.id}", markup=False, highlight=False)
        out.print(Text.assemble((node.label, "bold"), f"  ({node.type.value}, {node.id})"))
        for key, value in sorted(node.props.items()):
            out.print(f"  {key}: {', '.join(value) if isinstance(value, list) else value}", markup=False, highlight=False)
        names = {n.id: n.label for n in graph.neighbours(node.id)}
        for edge in graph.edges_of(node.id):
            outgoing = edge.source == node.id
            other = edge.target if outgoing else edge.source
            extra = " ".join(f"{k}={v}" for k, v in edge.props.items())
            arrow = f"-{edge.type.value}->" if outgoing else f"<-{edge.type.value}-"
            out.print(f"  {arrow} {names.get(other, other)} ({other}) {extra}".rstrip(), markup=False, highlight=False)


@app.command()
def history(
    node_id: Annotated[str, typer.Argument(metavar="ID", help="A case id or any node id.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the history as JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """List the runs that changed a node or its edges, newest first, with the differences."""
    from dataclasses import asdict

    from api.console import print_history

    with _store(store, create=False) as graph:
        entries = graph.history(node_id)
    if not entries:
        raise _Failure(f"no run changed a node with id {node_id!r}", ExitCode.REJECTED)
    if as_json:
        sys.stdout.write(json.dumps([asdict(entry) for entry in entries], ensure_ascii=False, indent=1) + "\n")
        return
    print_history(entries)


@app.command()
def revert(
    run_id: Annotated[int, typer.Argument(metavar="RUN", help="The run to undo (see `behovsgraf history`).", show_default=False)],
    backup_to: BackupOption = None,
    embed: Annotated[
        bool, typer.Option("--embed/--no-embed", help="Embed the restored texts after the write (else the server or `reindex` does).")
    ] = True,
    store: StoreOption = None,
) -> None:
    """Undo one run exactly, in one transaction, after a backup; refused when a later run changed the same node."""
    from api.console import err, out, run_summary
    from graph.history import RevertRefused
    from graph.model import Origin

    with _store(store, create=False) as graph:
        record = graph.run(run_id)
        if record is None:
            raise _Failure(f"no run {run_id} (behovsgraf history ID lists the runs of a node)", ExitCode.REJECTED)
        saved = _backup(graph, backup_to)
        err.print(f"backed up the current graph to {saved}", highlight=False, markup=False)
        try:
            result = graph.revert(run_id, origin=Origin("cli"))
        except RevertRefused as exc:
            raise _Failure(f"refused, nothing was changed: {exc}", ExitCode.REJECTED) from exc
        reverted = graph.run(result.run)
        if embed:
            _embed(graph)
    out.print(f"reverted run {run_id}", markup=False, highlight=False)
    if reverted is not None:
        out.print(run_summary(reverted.run), markup=False, highlight=False)


@app.command()
def stats(store: StoreOption = None) -> None:
    """Count nodes and relationships by type."""
    from rich.table import Table

    from api.console import out

    with _store(store, create=False) as graph:
        result = graph.stats()
    table = Table("type", "count")
    for name, count in result.nodes.items():
        table.add_row(name, str(count))
    table.add_row("[bold]nodes[/bold]", str(result.node_total))
    for name, count in result.edges.items():
        table.add_row(name, str(count))
    table.add_row("[bold]relationships[/bold]", str(result.edge_total))
    out.print(table)


EXPORT_FORMATS = ("json", "jsonld", "graphml")


@app.command()
def duplicates(
    threshold: Annotated[
        float, typer.Option("--threshold", metavar="SCORE", min=0.5, max=1.0, help="Lowest score to list.")
    ] = 0.75,  # ingest.matching.POSSIBLE, spelled here so that --help needs no import
    store: StoreOption = None,
) -> None:
    """List likely duplicate organisations and concepts with scores (merge them with `behovsgraf merge`)."""
    from api.console import out
    from ingest.duplicates import find_duplicates

    with _store(store, create=False) as graph:
        found = find_duplicates(graph, protected=_vocabulary_ids(), threshold=threshold)
    for d in found:
        out.print(
            f"{d.score:.2f}  keep {d.keep} ({d.keep_name})  other {d.other} ({d.other_name})  {d.reason}",
            markup=False, highlight=False,
        )
    out.print(f"{len(found)} likely duplicate(s)", highlight=False)


@app.command()
def merge(
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="The node to keep.", show_default=False)],
    other: Annotated[
        str, typer.Argument(metavar="OTHER", help="The node merged into KEEP; its id keeps resolving.", show_default=False)
    ],
    store: StoreOption = None,
) -> None:
    """Move every edge and name of OTHER onto KEEP and remove OTHER; links to OTHER then show KEEP."""
    from api.console import out
    from graph.algorithms.merge import merge_nodes
    from graph.model import Origin

    with _store(store, create=False) as graph:
        try:
            result = merge_nodes(graph, keep, other, protected=_vocabulary_ids(), origin=Origin("cli"))
        except NodeNotFound as exc:
            raise _Failure(str(exc), ExitCode.REJECTED) from exc
        except Conflict as exc:
            raise _Failure(f"not merged: {exc}", ExitCode.REJECTED) from exc
    names = ", ".join(repr(name) for name in result.names_added) or "none"
    out.print(
        f"merged {result.other} into {result.keep}: {result.edges_moved} edge(s) moved, names added: {names}",
        markup=False, highlight=False,
    )


CaseArgument = Annotated[str, typer.Argument(metavar="CASE", help="The case's id.", show_default=False)]
ConceptArgument = Annotated[
    str, typer.Argument(metavar="CONCEPT", help="The target group, topic or method id.", show_default=False)
]


@links_app.command("list")
def links_list(
    case: Annotated[str | None, typer.Option("--case", metavar="ID", help="Only this case's links.")] = None,
    concept: Annotated[str | None, typer.Option("--concept", metavar="ID", help="Only links to this concept.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """List the stored inferred links, by case and concept, with their similarity."""
    from api.console import out
    from graph.ranking.inferred import list_inferred_links

    with _store(store, create=False) as graph:
        links = list_inferred_links(graph, case_id=case, concept_id=concept)
        names = {node_id: node.label for node_id, node in graph.get_many(sorted({link.concept for link in links})).items()}
    if as_json:
        rows = [{"case": link.case, "concept": link.concept, "label": names.get(link.concept, link.concept),
                 "similarity": link.similarity, "via": link.via, "model": link.model} for link in links]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for link in links:
        out.print(
            f"{link.similarity:.2f}  {link.case} -> {link.concept} ({names.get(link.concept, link.concept)})"
            f"  via {link.via}  [{link.model}]",
            markup=False, highlight=False,
        )
    out.print(f"{len(links)} inferred link(s)", highlight=False)


def _curate(case: str, concept: str, store: str | None, *, confirm: bool) -> None:
    from api.console import out
    from graph.model import Origin
    from graph.ranking.inferred import InferredLinkNotFound, confirm_inferred_link, reject_inferred_link

    write = confirm_inferred_link if confirm else reject_inferred_link
    with _store(store, create=False) as graph:
        try:
            edge = write(graph, case, concept, origin=Origin("cli"))
        except (NodeNotFound, InferredLinkNotFound) as exc:
            raise _Failure(f"{exc}; nothing was changed (behovsgraf links list shows the links)", ExitCode.REJECTED) from exc
    done = f"confirmed: {case} -{edge.type.value}-> {concept}" if confirm else f"rejected: {case} -> {concept}"
    out.print(done, markup=False, highlight=False)


@links_app.command("confirm")
def links_confirm(case: CaseArgument, concept: ConceptArgument, store: StoreOption = None) -> None:
    """Make an inferred link a stated one (TARGETS, ABOUT or USED) that re-ingesting the case keeps."""
    _curate(case, concept, store, confirm=True)


@links_app.command("reject")
def links_reject(case: CaseArgument, concept: ConceptArgument, store: StoreOption = None) -> None:
    """Remove an inferred link; it is never inferred again for that case."""
    _curate(case, concept, store, confirm=False)


def _vocabulary_ids() -> set[str]:
    from ingest.vocabulary import load_vocabulary

    return {node.id for node in load_vocabulary(_settings().data_dir).nodes}


@app.command()
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format", metavar="FORMAT", help="json (lossless, re-importable), jsonld (open vocabularies, re-importable) or graphml."
        ),
    ] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="File to write.", show_default="standard output")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Export the whole graph."""
    if fmt not in EXPORT_FORMATS:
        raise _Failure(f"--format {fmt!r}: use {', '.join(EXPORT_FORMATS[:-1])} or {EXPORT_FORMATS[-1]}")
    from api.console import progress
    from graph.exchange import export_graph, write_graphml
    from graph.jsonld import to_jsonld

    with _store(store, create=False) as graph, progress() as step:
        step("reading the graph", 0, None)
        if fmt == "graphml":
            write_graphml(graph, output or Path("/dev/stdout"))
            return
        data = export_graph(graph)
        if fmt == "jsonld":
            data = to_jsonld(data, public_url=_settings().public_url)
        text = json.dumps(data, ensure_ascii=False, indent=1)
        step("writing", 0, None)
        if output:
            _write_atomically(output, text)
    if not output:
        sys.stdout.write(text + "\n")


def _backup(graph: GraphStore, destination: Path | None) -> Path:
    """Keep the graph about to be replaced, at `destination` or in the backup folder (see `graph.backup`)."""
    from graph.backup import backup_store

    return backup_store(graph, destination or Path(_settings().backup_dir))


def _replace_graph(
    graph: GraphStore, data: object, step: Step, backup_to: Path | None, origin: Origin
) -> tuple[int, int]:
    """Back up a non-empty graph, then replace it with an export (a run by `origin`); (nodes, relationships) written."""
    from api.console import err
    from graph.exchange import import_graph

    before = graph.stats().node_total
    if before:
        step("backing up the graph it replaces", 0, None)
        saved = _backup(graph, backup_to)
        err.print(f"backed up the current graph ({before} nodes) to {saved}", highlight=False, markup=False)
    step("writing", 0, None)
    try:
        result = import_graph(graph, data, origin=origin)
    except (IngestError, Conflict) as exc:
        raise _Failure(f"rejected: {exc}; the store was not changed", ExitCode.REJECTED) from exc
    return len(result.created) + len(result.updated) + len(result.unchanged), result.edges_added


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .json or .jsonld file written by `behovsgraf export`.", show_default=False)
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a store that already holds a graph (a backup is kept first).")
    ] = False,
    backup_to: BackupOption = None,
    store: StoreOption = None,
) -> None:
    """Load an export into an empty store, or replace a graph with --replace (one transaction)."""
    import hashlib

    from api.console import out, progress
    from graph.model import Origin, SourceFile
    from api.json_input import JsonInputError, parse_json

    from graph.exchange import check_export
    from graph.jsonld import from_jsonld

    try:
        content = file.read_bytes()
        data = parse_json(content)
    except (OSError, JsonInputError) as exc:
        raise _Failure(f"{file}: cannot read the export: {exc}", ExitCode.REJECTED) from exc
    try:
        if isinstance(data, dict) and "@context" in data:
            data = from_jsonld(data)
        check_export(data)
    except IngestError as exc:
        raise _Failure(f"{file}: refused, nothing was written: {exc}", ExitCode.REJECTED) from exc
    location = _location(store)
    with _store(location, create=True) as graph, progress() as step:
        held = graph.stats().node_total
        if held and not replace:
            raise _Failure(f"{location} already holds {held} nodes; add --replace to replace them (a backup is kept)")
        origin = Origin("cli", (SourceFile(str(file), hashlib.sha256(content).hexdigest()),))
        nodes, relationships = _replace_graph(graph, data, step, backup_to, origin)
    out.print(f"imported {nodes} nodes and {relationships} relationships")


@app.command()
def backup(
    destination: Annotated[
        Path, typer.Argument(metavar="DEST", help="A file, or a folder for a time-stamped file.", show_default=False)
    ],
    store: StoreOption = None,
) -> None:
    """Write a consistent backup: a SQLite copy of the embedded store, a JSON export of Neo4j (one transaction)."""
    from api.console import out
    from graph.backup import backup_store

    with _store(store, create=False) as graph:
        saved = backup_store(graph, destination)
    out.print(f"backed up to {saved}", markup=False, highlight=False)


@app.command()
def sync(
    source: Annotated[str, typer.Option("--from", metavar="PATH|URL", help="The store to copy (embedded path or Neo4j URL).")],
    target: Annotated[str, typer.Option("--to", metavar="PATH|URL", help="The store to replace (embedded path or Neo4j URL).")],
) -> None:
    """Copy a whole graph from one store to another (embedded to Neo4j and back); the target is replaced after a backup."""
    from api.console import out, progress
    from graph.model import Origin
    from graph.exchange import copy_vectors, export_graph
    from graph.ranking.embedding import default_embedder
    from graph.ranking.source import query_model

    with _store(source, create=False) as origin, _store(target, create=True) as destination, progress() as step:
        step("reading the source", 0, None)
        data = export_graph(origin)
        nodes, relationships = _replace_graph(destination, data, step, None, Origin("cli"))
        step("copying the vectors", 0, None)
        model = default_embedder().model
        vectors = copy_vectors(origin, destination, [model, query_model(model)])
    out.print(f"copied {nodes} nodes and {relationships} relationships, and {vectors} nodes' vectors")


def _check_port(host: str, port: int) -> None:
    """Fail with one line when `host:port` cannot be listened on (another server has it, say)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise _Failure(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                "(another server may be using it; choose another with --port or BEHOVSGRAF_PORT)"
            ) from exc


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[
        str | None, typer.Option("--host", metavar="ADDRESS", help="Address to listen on.", show_default="BEHOVSGRAF_HOST or 127.0.0.1")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", metavar="PORT", min=1, max=65535, help="Port to listen on.", show_default="BEHOVSGRAF_PORT or 8000"),
    ] = None,
) -> None:
    """Serve the GraphQL API (/graphql), the planner pages (/) and the health checks (/healthz, /readyz)."""
    from urllib.parse import urlsplit

    from api.console import err

    changes = {key: value for key, value in (("store", store), ("host", host), ("port", port)) if value is not None}
    settings = _settings().model_copy(update=changes)
    _check_port(settings.host, settings.port)
    from api.app import serve as run_server

    netloc = urlsplit(settings.store).netloc
    shown = urlsplit(settings.store)._replace(netloc=netloc.rpartition("@")[2]).geturl() if netloc else settings.store
    err.print(f"Behovsgraf on http://{settings.host}:{settings.port}/  (GraphQL: /graphql, store: {shown})", markup=False)
    run_server(settings)


@app.command()
def generate(
    cases: Annotated[int, typer.Option("--cases", metavar="N", min=1, max=1_000_000, help="How many cases to generate.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Random seed; the same seed gives the same files.")] = 1,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FOLDER", help="Folder for the case files.")] = Path("data/generated"),
) -> None:
    """Write a realistic synthetic case-file set (for tests and benchmarks)."""
    from api.console import out, progress
    from ingest.generate import write_generated

    with progress() as step:
        files = write_generated(
            output,
            cases=cases,
            seed=seed,
            data_dir=_settings().data_dir,
            progress=lambda done, total: step("generating cases", done, total),
        )
    out.print(f"wrote {cases} cases in {len(files)} file(s) to {output}")


def _queries(paths: list[Path]) -> list[Query]:
    """The `queries:` of evaluation files, checked; a malformed query is rejected input naming it."""
    from graph.ranking.evaluation import Query
    from ingest.readers.documents import ReadError, read_document
    from ingest.run import collect_files

    queries = []
    for path in collect_files(paths):
        try:
            document = read_document(path)
        except ReadError as exc:
            raise _Failure(str(exc.problem), ExitCode.REJECTED) from exc
        items = document.data.get("queries", []) if isinstance(document.data, dict) else []
        for position, item in enumerate(items):
            where = f"{path}:{document.line_of(('queries', position)) or ''} queries[{position}]"
            if not (isinstance(item, dict) and {"id", "language", "problem", "relevant"} <= set(item)):
                raise _Failure(f"{where}: a query needs id, language, problem and relevant", ExitCode.REJECTED)
            relevant = item["relevant"]
            if not isinstance(relevant, dict) or not all(grade in (0, 1, 2) for grade in relevant.values()):
                raise _Failure(f"{where}.relevant: map case ids to grades 0, 1 or 2", ExitCode.REJECTED)
            domain = item.get("domain")
            queries.append(Query(str(item["id"]), str(item["language"]), str(item["problem"]), relevant, None if domain is None else str(domain)))
    if not queries:
        raise _Failure("no `queries:` found in the files given", ExitCode.REJECTED)
    return queries


@app.command("eval")
def eval_(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE", help="Files with `cases:` and `queries:` (e.g. data/eval/).", show_default=False)],
    markdown: Annotated[
        Path | None, typer.Option("--markdown", metavar="FILE", help="Also write the tables to this Markdown file.")
    ] = None,
) -> None:
    """Leave-one-domain-out NDCG@10, recall@10, MRR and cross-language hit@5, beside BM25 and dense-only peers."""
    import datetime as dt
    import tempfile

    from rich.table import Table

    from api.console import out, print_ingest_report, progress
    from graph.backends.embedded import EmbeddedStore
    from graph.model import NodeType
    from graph.ranking.embedding import default_embedder
    from graph.ranking.evaluation import evaluate
    from graph.ranking.peers import bm25_index
    from graph.ranking.report import NOTES, evaluation_tables
    from graph.ranking.source import source_for
    from graph.ranking.worker import embed_all
    from ingest.run import ingest_paths

    queries = _queries(paths)
    with tempfile.TemporaryDirectory() as folder, EmbeddedStore(Path(folder) / "eval.db") as graph, progress() as step:
        report = ingest_paths(graph, paths, data_dir=_settings().data_dir)
        if not report.ok:
            print_ingest_report(report, partial=False, verbose=False)
            raise typer.Exit(ExitCode.REJECTED)
        embedder = default_embedder()
        embed_all(graph, embedder, progress=lambda done, total: step(f"embedding ({embedder.model})", done, total))
        source = source_for(graph, embedder)
        languages = {n.id: str(n.props.get("language", "")) for n in graph.find(NodeType.CASE)}
        result = evaluate(source, queries, bm25=bm25_index(source), languages=languages)
    tables = evaluation_tables(result)
    for title, header, rows in tables:
        table = Table(*header, title=title)
        for row in rows:
            table.add_row(*row)
        out.print(table)
    if markdown:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"# Ranking evaluation\n\n`behovsgraf eval {' '.join(map(str, paths))}` on {dt.date.today().isoformat()}\n", NOTES]
        for title, header, rows in tables:
            lines.append(f"\n## {title}\n")
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(row) + " |" for row in rows]
        markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Entry point: run the CLI, turning our own errors into one line and their exit code."""
    try:
        app()
    except _Failure as exc:
        _fail(str(exc), exc.code)
    except BehovsgrafError as exc:
        _fail(str(exc), ExitCode.USAGE_OR_STORE)
    except OSError as exc:
        _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), ExitCode.USAGE_OR_STORE)


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"behovsgraf: {message}\n")
    sys.exit(code)
