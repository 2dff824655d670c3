"""The `behovsgraf` command line: ingest, ask for prior work, inspect, export and generate.

Exit codes: 0 ok, 1 rejected input, 2 usage or store error (one line on stderr saying why).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn
from urllib.parse import urlsplit

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from api.json_input import JsonInputError, parse_json
from api.settings import get_settings
from api.watches.cli import watch_app
from graph.ranking.evaluation import Query, evaluate
from graph.ranking.embedding import default_embedder
from graph.ranking.peers import bm25_index
from graph.ranking.report import evaluation_tables
from graph.ranking.source import source_for
from graph.ranking import CaseFilter, PriorWork, prior_work
from graph.ranking.explain import CONFIDENCE_LABELS, explain, no_match_message
from graph.backends import open_store
from graph.backends.embedded import EmbeddedStore
from graph.errors import BehovsgrafError, IngestError
from graph.exchange import copy_graph, export_graph, import_graph, write_graphml
from graph.model import LANGUAGES, NodeType
from graph.ranking.embedding import default_embedder
from graph.ranking.worker import embed_stale, embeddable_ids, stale_work
from graph.store import GraphStore
from ingest.generate import write_generated
from ingest.readers.documents import ReadError, read_document
from ingest.report import ExitCode, IngestReport
from ingest.run import collect_files, ingest_paths

__all__ = ["app", "main"]

app = typer.Typer(
    name="behovsgraf",
    help="Find prior public-sector development work on a problem, and curate the graph behind it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(watch_app, name="watch")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
REASONS_SHOWN = 6
"""The table shows this many reasons per case (`--json` has them all)."""

StoreOption = Annotated[
    str | None,
    typer.Option("--store", help="Embedded store path or Neo4j URL [default: BEHOVSGRAF_STORE or data/behovsgraf.db]."),
]


@contextmanager
def _store(location: str | None) -> Iterator[GraphStore]:
    settings = get_settings()
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    store = open_store(location or settings.store, user=settings.neo4j_user, password=password)
    try:
        yield store
    finally:
        store.close()


def _print_report(report: IngestReport, partial: bool) -> None:
    for problem in report.problems:
        err.print(Text.assemble(("rejected ", "red"), str(problem)), highlight=False)
    for (name, node_id, matched), count in Counter((m.name, m.node_id, m.matched) for m in report.merged).items():
        times = f" ({count} times)" if count > 1 else ""
        err.print(f"merged   {name!r} -> {node_id} (matched {matched!r}){times}", highlight=False, markup=False)
    summary = Table(title="Ingest", show_header=False, box=None)
    summary.add_row("cases read", str(report.cases_seen))
    summary.add_row("created", str(len(report.created)))
    summary.add_row("updated", str(len(report.updated)))
    summary.add_row("unchanged", str(len(report.unchanged)))
    summary.add_row("merged by alias", str(len(report.merged)))
    summary.add_row("rejected cases", str(len(set(report.rejected_cases))))
    summary.add_row("vocabulary nodes created", str(report.vocabulary_created))
    summary.add_row("written", "yes" if report.written else "no")
    out.print(summary)
    if report.problems and not report.written:
        err.print(f"{len(report.problems)} problem(s): nothing was written" + ("" if partial else " (use --partial to load the valid cases)"))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Case files (.yaml, .yml, .json) or folders.")],
    partial: Annotated[bool, typer.Option("--partial", help="Load the valid cases even if some are rejected.")] = False,
    embed: Annotated[
        bool, typer.Option("--embed/--no-embed", help="Embed the new texts after the write (else the server or `reindex` does).")
    ] = True,
    store: StoreOption = None,
) -> None:
    """Validate case files and load them into the graph (all or nothing unless --partial)."""
    with _store(store) as graph:
        with _progress("resolving cases") as bar:
            task = bar.add_task("ingest", total=None)
            report = ingest_paths(graph, paths, partial=partial, progress=lambda done, total: bar.update(task, completed=done, total=total))
        _print_report(report, partial)
        if report.written and embed:
            _embed(graph)
    raise typer.Exit(report.exit_code)


def _progress(label: str) -> Progress:
    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    )


def _embed(graph: GraphStore) -> None:
    """Embed every case, need and concept whose vectors are missing or stale, with a progress bar."""
    embedder = default_embedder()
    work = stale_work(graph, embedder.model, embeddable_ids(graph))
    with _progress(f"embedding ({embedder.model})") as bar:
        task = bar.add_task("embed", total=len(work))
        done = embed_stale(graph, embedder, work, progress=lambda done, total: bar.update(task, completed=done, total=total))
    err.print(f"embedded {done} node(s) with {embedder.model}", highlight=False)


@app.command()
def reindex(store: StoreOption = None) -> None:
    """Embed whatever lacks fresh vectors for the current model (after a model change: everything)."""
    with _store(store) as graph:
        _embed(graph)


def _prior_json(found: PriorWork) -> dict[str, object]:
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


@app.command()
def prior(
    problem: Annotated[str, typer.Argument(help="The problem, in your own words (sv, nb, nn, da or en).")],
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="How many cases to list.")] = 10,
    country: Annotated[list[str], typer.Option("--country", help="Only cases from this country (SE, NO, DK); repeatable.")] = [],  # noqa: B006
    language: Annotated[str | None, typer.Option("--lang", help="Language of the reasons: sv, nb, nn, da or en (default: the problem's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {language, total, strong, no_match, message, hits} as JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """List earlier cases that worked on a problem like yours, with how well each matches and why."""
    if language is not None and language not in LANGUAGES:
        raise typer.BadParameter(f"{language!r} is not one of {', '.join(LANGUAGES)}", param_hint="--lang")
    case_filter = CaseFilter(countries=tuple(c.upper() for c in country)) if country else None
    with _store(store) as graph:
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
def show(
    node_id: Annotated[str, typer.Argument(metavar="ID", help="A case id or any node id.")],
    store: StoreOption = None,
) -> None:
    """Show one node with its properties and relationships."""
    with _store(store) as graph:
        node = graph.get(node_id)
        if node is None:
            err.print(f"no node with id {node_id!r}", markup=False, highlight=False)
            raise typer.Exit(ExitCode.REJECTED)
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
def stats(store: StoreOption = None) -> None:
    """Count nodes and relationships by type."""
    with _store(store) as graph:
        result = graph.stats()
    table = Table("type", "count")
    for name, count in result.nodes.items():
        table.add_row(name, str(count))
    table.add_row("[bold]nodes[/bold]", str(result.node_total))
    for name, count in result.edges.items():
        table.add_row(name, str(count))
    table.add_row("[bold]relationships[/bold]", str(result.edge_total))
    out.print(table)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="json (lossless, re-importable) or graphml.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: standard output].")] = None,
    store: StoreOption = None,
) -> None:
    """Export the whole graph."""
    if fmt not in ("json", "graphml"):
        raise typer.BadParameter("use json or graphml", param_hint="--format")
    with _store(store) as graph:
        if fmt == "graphml":
            write_graphml(graph, output or Path("/dev/stdout"))
            return
        text = json.dumps(export_graph(graph), ensure_ascii=False, indent=1)
    if output:
        _write_atomically(output, text)
    else:
        sys.stdout.write(text + "\n")


def _write_atomically(path: Path, text: str) -> None:
    """Write beside `path`, then rename: an interrupted export never spoils an older one."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A JSON file written by `behovsgraf export`.")],
    store: StoreOption = None,
) -> None:
    """Replace the whole graph with an export (one transaction)."""
    try:
        data = parse_json(file.read_bytes())
    except (OSError, JsonInputError) as exc:
        err.print(f"{file}: cannot read the export: {exc}")
        raise typer.Exit(ExitCode.REJECTED) from exc
    with _store(store) as graph:
        try:
            result = import_graph(graph, data)
        except IngestError as exc:
            err.print(f"{file}: refused, nothing was written: {exc}")
            raise typer.Exit(ExitCode.REJECTED) from exc
    out.print(f"imported {len(result.created)} nodes and {result.edges_added} relationships")


@app.command()
def sync(
    source: Annotated[str, typer.Option("--from", help="The store to copy (embedded path or Neo4j URL).")],
    target: Annotated[str, typer.Option("--to", help="The store to replace (embedded path or Neo4j URL).")],
) -> None:
    """Copy a whole graph from one store to another (embedded to Neo4j and back); the target is replaced."""
    with _store(source) as origin, _store(target) as destination:
        result = copy_graph(origin, destination)
        totals = destination.stats()
    out.print(f"copied {totals.node_total} nodes and {totals.edge_total} relationships "
              f"({len(result.created)} nodes new in the target)")


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on [default: BEHOVSGRAF_HOST or 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port [default: BEHOVSGRAF_PORT or 8000].")] = None,
) -> None:
    """Serve the GraphQL API (/graphql), the planner pages (/) and the health checks (/healthz, /readyz)."""
    from api.app import serve as run_server

    settings = get_settings()
    changes = {key: value for key, value in (("store", store), ("host", host), ("port", port)) if value is not None}
    settings = settings.model_copy(update=changes)
    store_shown = urlsplit(settings.store)._replace(netloc=urlsplit(settings.store).netloc.rpartition("@")[2]).geturl()
    err.print(f"Behovsgraf on http://{settings.host}:{settings.port}/  (GraphQL: /graphql, store: {store_shown})", markup=False)
    run_server(settings)


@app.command()
def generate(
    cases: Annotated[int, typer.Option("--cases", min=1, max=1_000_000, help="How many cases to generate.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same files.")] = 1,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the case files.")] = Path("data/generated"),
) -> None:
    """Write a realistic synthetic case-file set (for tests and benchmarks)."""
    files = write_generated(output, cases=cases, seed=seed)
    out.print(f"wrote {cases} cases in {len(files)} file(s) to {output}")


def _queries(paths: list[Path]) -> list[Query]:
    """The `queries:` of evaluation files, checked; a malformed query is a usage error naming it."""
    queries = []
    for path in collect_files(paths):
        try:
            document = read_document(path)
        except ReadError as exc:
            raise IngestError(str(exc.problem)) from exc
        items = document.data.get("queries", []) if isinstance(document.data, dict) else []
        for position, item in enumerate(items):
            where = f"{path}:{document.line_of(('queries', position)) or ''} queries[{position}]"
            if not (isinstance(item, dict) and {"id", "language", "problem", "relevant"} <= set(item)):
                raise IngestError(f"{where}: a query needs id, language, problem and relevant")
            relevant = item["relevant"]
            if not isinstance(relevant, dict) or not all(grade in (0, 1, 2) for grade in relevant.values()):
                raise IngestError(f"{where}.relevant: map case ids to grades 0, 1 or 2")
            domain = item.get("domain")
            queries.append(Query(str(item["id"]), str(item["language"]), str(item["problem"]), relevant, None if domain is None else str(domain)))
    if not queries:
        raise IngestError("no `queries:` found in the files given")
    return queries


@app.command("eval")
def eval_(
    paths: Annotated[list[Path], typer.Argument(help="Files with `cases:` and `queries:` (e.g. data/eval/).")],
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Also write the tables to this Markdown file.")] = None,
) -> None:
    """Leave-one-domain-out NDCG@10, recall@10, MRR and cross-language hit@5, beside BM25 and dense-only peers."""
    queries = _queries(paths)
    with tempfile.TemporaryDirectory() as folder, EmbeddedStore(Path(folder) / "eval.db") as graph:
        report = ingest_paths(graph, paths)
        if not report.ok:
            _print_report(report, partial=False)
            raise typer.Exit(ExitCode.REJECTED)
        source = source_for(graph, default_embedder())
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
        lines = [f"# Ranking evaluation\n\n`behovsgraf eval {' '.join(map(str, paths))}` on {dt.date.today().isoformat()}"]
        for title, header, rows in tables:
            lines.append(f"\n## {title}\n")
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(row) + " |" for row in rows]
        markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Entry point: run the CLI, turning our own errors into one line and exit code 2."""
    try:
        app()
    except BehovsgrafError as exc:
        _fail(str(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        _fail(f"setting {'.'.join(map(str, first['loc'])) or exc.title}: {first['msg']} (see BEHOVSGRAF_* and .env)")
    except SettingsError as exc:
        cause = f": {exc.__cause__}" if exc.__cause__ else ""
        _fail(f"{exc}{cause} (see BEHOVSGRAF_* and .env)")
    except OSError as exc:
        _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


def _fail(message: str) -> NoReturn:
    err.print(f"behovsgraf: {message}", highlight=False, markup=False)
    sys.exit(ExitCode.USAGE_OR_STORE)

