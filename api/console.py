"""What the CLI prints: progress bars on standard error, the ingest summary, one-line failures.

Tables and results go to standard output; progress, problems and details to standard
error, so `behovsgraf export > graph.json` and `prior --json | jq` stay clean. Progress
bars show only on a terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from graph.history import EdgeChange, NodeHistory, Run, differences
from ingest.report import IngestReport
from ingest.schema import HIDDEN_STRIPPED

__all__ = ["UNITS", "Step", "err", "out", "print_history", "print_ingest_report", "progress", "run_summary"]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

UNITS = {
    "Case": "cases",
    "Organisation": "organisations",
    "Need": "needs",
    "TargetGroup": "target groups",
    "Topic": "topics",
    "Method": "methods",
    "Place": "places",
    "Source": "sources",
}
"""How the summary names the nodes of each type it counts."""

Step = Callable[[str, int, int | None], None]
"""Reports progress: (what is being done, how much is done, how much in all or None)."""


@contextmanager
def progress() -> Iterator[Step]:
    """A progress bar on standard error (only on a terminal); yields a function to move it."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("starting", total=None)

        def step(description: str, done: int, total: int | None) -> None:
            bar.update(task, description=description, completed=done, total=total)

        yield step


def print_ingest_report(report: IngestReport, *, partial: bool, verbose: bool) -> None:
    """Problems on standard error, then a summary table with units; merges one by one with `verbose`."""
    for problem in report.problems:
        err.print(Text.assemble(("rejected ", "red"), str(problem)), highlight=False)
    for notice in report.notices:
        label = "cleaned  " if notice.code == HIDDEN_STRIPPED else "notice   "
        err.print(Text.assemble((label, "yellow"), str(notice)), highlight=False)
    merges = Counter((merge.name, merge.node_id, merge.matched, merge.reason) for merge in report.merged)
    if verbose:
        for (name, node_id, matched, reason), count in sorted(merges.items()):
            times = f" ({count} times)" if count > 1 else ""
            why = f": {reason}" if reason else ""
            err.print(f"merged {name!r} -> {node_id} (matched {matched!r}{why}){times}", highlight=False, markup=False)
    for possible in report.possible:
        err.print(f"possible {possible}; created {possible.node_id} as unconfirmed", highlight=False, markup=False)
    counts = report.counts()
    table = Table(title=f"Ingest of {report.cases_seen} cases read", title_justify="left", box=None)
    table.add_column("")
    for outcome in ("created", "updated", "unchanged"):
        table.add_column(outcome, justify="right")
    for kind, unit in UNITS.items():
        row = counts.get(kind, {})
        if kind == "Case" or any(row.values()):
            table.add_row(unit, *(str(row.get(outcome, 0)) for outcome in ("created", "updated", "unchanged")))
    out.print(table)
    rejected = len(set(report.rejected_cases))
    names = f"{len(merges)} names" if len(merges) != 1 else "1 name"
    out.print(f"merged by name or alias: {names} met existing nodes" + ("" if verbose else " (--verbose lists them)"))
    if report.possible:
        out.print(f"possible matches: {len(report.possible)} new names resemble known ones (created as unconfirmed)")
    out.print(f"vocabulary: {report.vocabulary_created} nodes created")
    out.print(f"rejected: {rejected} cases, {len(report.problems)} problems")
    out.print(f"written: {'yes' if report.written else 'no'}")
    if report.problems and not report.written:
        hint = "" if partial else " (use --partial to load the valid cases)"
        err.print(f"{len(report.problems)} problem(s): nothing was written{hint}", highlight=False)


def run_summary(run: Run) -> str:
    """One line about a run: id, when, who, what it reverts, counts that are not zero, and its files."""
    counts = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in run.counts.items() if count)
    parts = [f"run {run.id}", run.at, run.actor]
    if run.reverts is not None:
        parts.append(f"reverts run {run.reverts}")
    if run.is_replace:
        parts.append("replaced the whole graph")
    parts.append(counts or "no changes")
    parts += [f"{source.path} (sha256 {source.sha256[:12]})" for source in run.sources]
    return "  ".join(parts)


def _shown(value: object) -> str:
    return "(none)" if value is None else ", ".join(value) if isinstance(value, list) else repr(value)


def _edge_line(change: EdgeChange) -> str:
    source, rel, target, asserter = change.key
    mark = "+" if change.before is None else "-" if change.after is None else "~"
    line = f"  {mark} {source} -{rel}-> {target} (asserted by {asserter})"
    details = [f"{d.key}: {_shown(d.before)} -> {_shown(d.after)}" for d in differences(change.before, change.after)]
    return line + (f"  {'; '.join(details)}" if details and mark == "~" else "")


def print_history(entries: list[NodeHistory]) -> None:
    """A node's history, newest run first: each run, then the property differences and the edge changes."""
    for entry in entries:
        out.print(Text(run_summary(entry.run), style="bold"), highlight=False)
        node = entry.node
        if node is not None and node.before is None:
            out.print("  created", highlight=False)
        elif node is not None and node.after is None:
            out.print("  removed", highlight=False)
        for difference in differences(node.before, node.after) if node is not None else ():
            out.print(f"  {difference.key}: {_shown(difference.before)} -> {_shown(difference.after)}", markup=False, highlight=False)
        for change in entry.edges:
            out.print(_edge_line(change), markup=False, highlight=False)
