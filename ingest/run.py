"""Ingest case files, sheets or records: read, validate everything, resolve, then write one batch.

Nothing is written when anything is rejected, unless `partial` is set; then the
valid cases are written and the rejected ones listed. The vocabulary is written in
the same batch, so a fresh store gets it with its first cases.
"""

from __future__ import annotations

import dataclasses
import difflib
import errno
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.algorithms.merge import MERGED_ALIASES, MERGED_IDS
from graph.errors import IngestError
from graph.model import Batch, Edge, Node, NodeType, Origin, RelType, SourceFile
from graph.store import GraphStore
from ingest import provenance
from ingest.readers.documents import SUFFIXES, Document, ReadError, read_document
from ingest.report import IngestReport, Problem, format_path, parse_path
from ingest.resolve import CasePlan, Resolver
from ingest.schema import CaseIn, validate_cases
from ingest.vocabulary import DATA_DIR, load_vocabulary

__all__ = ["WRITTEN_BY", "collect_files", "ingest_documents", "ingest_paths", "ingest_records"]

Progress = Callable[[int, int], None]
"""Called with (cases done, cases in all) while cases are resolved."""

TOP_LEVEL_KEYS = ("cases", "queries")
WRITTEN_BY = "written_by"
"""The case property naming who wrote it through the API (`key:<name>` or `person:<name>`)."""


MAPPING_SUFFIX = ".mapping.yaml"
"""Files ending so describe a sheet's columns (see `ingest.readers.columns`); they are not case files."""


def _link_problem(path: Path) -> Problem | None:
    """A problem for a symbolic link that loops or points at nothing; None for anything else."""
    if not path.is_symlink():
        return None
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Problem(str(path), "", None, "symlink-loop", "the symbolic link loops back on itself; remove it or point it at a file")
        return Problem(str(path), "", None, "broken-link", "the symbolic link points at nothing")
    return None


def collect_files(paths: Iterable[Path], problems: list[Problem] | None = None) -> list[Path]:
    """The files named, folders searched recursively for readable formats, in a stable order.

    A symbolic link in a folder that loops or points at nothing is appended to `problems`
    (raised as `IngestError` when no list is given). Raises `IngestError` for a path that
    does not exist.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                problem = _link_problem(found)
                if problem and problems is None:
                    raise IngestError(str(problem))
                if problem and problems is not None:
                    problems.append(problem)
                elif found.is_file() and found.suffix.lower() in SUFFIXES and not found.name.endswith(MAPPING_SUFFIX):
                    files.append(found)
        elif path.exists():
            files.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


@dataclass(slots=True)
class _Located:
    case: CaseIn
    file: str
    position: int
    document: Document


def _cases_of(document: Document, report: IngestReport) -> list[_Located]:
    data = document.data
    if not isinstance(data, dict) or "cases" not in data:
        report.problems.append(
            Problem(document.file, "", document.line_of(()), "no-cases", "expected a top-level `cases:` list")
        )
        return []
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            hint = difflib.get_close_matches(key, TOP_LEVEL_KEYS, n=1)
            report.problems.append(
                Problem(
                    document.file,
                    key,
                    document.line_of((key,)),
                    "invalid",
                    f"unknown top-level key {key!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""),
                )
            )
    valid, problems = validate_cases(
        data["cases"], document.file, line_of=document.line_of, notices=report.notices
    )
    report.cases_seen += len(data["cases"]) if isinstance(data["cases"], list) else 0
    report.problems += problems
    rejected = {_position(p) for p in problems}
    report.rejected_cases += [_case_label(data["cases"], i, document.file) for i in sorted(rejected - {None})]
    return [_Located(case, document.file, i, document) for i, case in valid]


def _position(problem: Problem) -> int | None:
    if problem.path.startswith("cases["):
        return int(problem.path[6 : problem.path.index("]")])
    return None


def _case_label(items: list[Any], position: int, file: str) -> str:
    item = items[position] if position < len(items) else None
    case_id = item.get("id") if isinstance(item, dict) else None
    return str(case_id) if isinstance(case_id, str) else f"{file} cases[{position}]"


def _without_duplicates(located: list[_Located], report: IngestReport) -> list[_Located]:
    first: dict[str, _Located] = {}
    kept = []
    for item in located:
        earlier = first.get(item.case.id)
        if earlier is None:
            first[item.case.id] = item
            kept.append(item)
            continue
        path = ("cases", item.position, "id")
        line = earlier.document.line_of(("cases", earlier.position, "id"))
        report.problems.append(
            Problem(
                item.file,
                format_path(path),
                item.document.line_of(path),
                "duplicate-id",
                f"the case id {item.case.id!r} is used again; first in {earlier.file}" + (f":{line}" if line else ""),
            )
        )
        report.rejected_cases.append(item.case.id)
    return kept


def ingest_documents(
    store: GraphStore,
    documents: Sequence[Document],
    *,
    partial: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    data_dir: Path = DATA_DIR,
    report: IngestReport | None = None,
    written_by: str | None = None,
    origin: Origin | None = None,
) -> IngestReport:
    """Validate, resolve and write the cases of parsed documents (see module docstring).

    `written_by` (a person or API key, for writes through the API) is recorded on each case written.
    With `strict`, a name that only resembles existing nodes is a problem instead of a new unconfirmed node.
    `origin` (who, from which files) is kept with the run the write becomes (`graph.history`).
    """
    report = report or IngestReport()
    located = [item for document in documents for item in _cases_of(document, report)]
    located = _without_duplicates(located, report)
    vocabulary = load_vocabulary(data_dir)
    known_cases = {node.id for node in store.find(NodeType.CASE)} | {item.case.id for item in located}
    resolver = Resolver(store, vocabulary.nodes, known_cases, places=vocabulary.edges, strict=strict)
    plans: list[CasePlan] = []
    for done, item in enumerate(located, start=1):
        plans.append(_with_provenance(resolver.plan(item.case, item.file, item.position, item.document.lines), item.case))
        if progress:
            progress(done, len(located))
    for plan in plans:
        if plan.problems:
            report.problems += plan.problems
            report.rejected_cases.append(plan.case_id)
    report.problems = _located_problems(report.problems, documents)
    report.notices += [notice for document in documents for notice in document.notices]
    if report.problems and not partial:
        return report
    accepted = _without_links_to_rejected(store, plans, report)
    for plan in accepted:
        report.merged += plan.merges
        report.possible += plan.possible
        report.notices += plan.notices
    _write(store, vocabulary.batch(), plans, accepted, report, written_by=written_by, origin=origin or Origin())
    return report


def _with_provenance(plan: CasePlan, case: CaseIn) -> CasePlan:
    """The plan with the case's provenance (where each fact came from) as a property of the case node."""
    if case.provenance:
        plan.nodes = [
            Node(node.id, node.type, {**node.props, provenance.PROPERTY: provenance.encode(case.provenance)})
            if node.id == case.id and node.type is NodeType.CASE
            else node
            for node in plan.nodes
        ]
    return plan


def _located_problems(problems: list[Problem], documents: Sequence[Document]) -> list[Problem]:
    """The problems, each with the cell (sheet, row, column) of its field where the reader knows it."""
    by_file = {document.file: document for document in documents if document.locations}
    located = []
    for problem in problems:
        document = by_file.get(problem.file)
        where = document.location_of(parse_path(problem.path)) if document and problem.where is None else None
        located.append(dataclasses.replace(problem, where=str(where)) if where else problem)
    return located


def _without_links_to_rejected(store: GraphStore, plans: list[CasePlan], report: IngestReport) -> list[CasePlan]:
    """The plans without problems, less those relating to a case that is rejected and not stored (repeatedly)."""
    accepted = {plan.case_id: plan for plan in plans if not plan.problems}
    rejected = {plan.case_id for plan in plans if plan.problems}
    missing = {case_id for case_id in rejected if store.get(case_id) is None}
    while missing:
        dropped = {
            case_id
            for case_id, plan in accepted.items()
            if any(edge.type is RelType.RELATED_TO and edge.target in missing for edge in plan.edges)
        }
        for case_id in sorted(dropped):
            report.problems.append(
                Problem(accepted[case_id].file, case_id, None, "related-rejected", "it relates to a rejected case")
            )
            report.rejected_cases.append(case_id)
            del accepted[case_id]
        missing = dropped
    return list(accepted.values())


def _write(
    store: GraphStore,
    vocabulary: Batch,
    plans: list[CasePlan],
    accepted: list[CasePlan],
    report: IngestReport,
    *,
    written_by: str | None,
    origin: Origin,
) -> None:
    """Write the vocabulary and the accepted cases as one batch (one run by `origin`), and count what changed."""
    created_by_any = {node.id: node for plan in plans for node in plan.nodes if node.type is not NodeType.CASE}
    edges: list[Edge] = [edge for plan in accepted for edge in plan.edges]
    nodes: dict[str, Node] = {node.id: node for plan in accepted for node in plan.nodes}
    for edge in edges:  # a new node first named by a rejected case may be needed by an accepted one
        for end in (edge.source, edge.target):
            if end not in nodes and end in created_by_any:
                nodes[end] = created_by_any[end]
    vocabulary_ids = {node.id for node in vocabulary.nodes}
    cases = frozenset(plan.case_id for plan in accepted)
    if written_by is not None:
        for case_id in cases:
            nodes[case_id] = Node(case_id, NodeType.CASE, {**nodes[case_id].props, WRITTEN_BY: written_by})
    result = store.upsert(
        Batch(
            nodes=(*_with_merges(store, vocabulary.nodes), *nodes.values()),
            edges=(*vocabulary.edges, *edges),
            retract=vocabulary.retract | cases,
            replace_props=cases | vocabulary_ids,
            origin=origin,
        )
    )
    report.run = result.run
    report.written = True
    report.node_types = {node.id: node.type.value for node in (*vocabulary.nodes, *nodes.values())}
    report.vocabulary_created = sum(1 for node_id in result.created if node_id in vocabulary_ids)
    report.created = [node_id for node_id in result.created if node_id not in vocabulary_ids]
    report.updated = [node_id for node_id in result.updated if node_id not in vocabulary_ids]
    report.unchanged = [node_id for node_id in result.unchanged if node_id not in vocabulary_ids]


def _with_merges(store: GraphStore, nodes: Sequence[Node]) -> list[Node]:
    """The vocabulary nodes with what curators merged into them kept (their properties are replaced otherwise)."""
    stored = store.get_many([node.id for node in nodes])
    kept = []
    for node in nodes:
        old = stored.get(node.id)
        merged = {key: old.props[key] for key in (MERGED_IDS, MERGED_ALIASES) if old is not None and key in old.props}
        kept.append(Node(node.id, node.type, {**node.props, **merged}) if merged else node)
    return kept


def ingest_paths(
    store: GraphStore,
    paths: Iterable[Path],
    *,
    partial: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    data_dir: Path = DATA_DIR,
    actor: str = "cli",
) -> IngestReport:
    """Ingest case files and folders; unreadable files are reported like rejected cases.

    The run the write becomes names `actor` and every file read, with its SHA-256.
    Raises `IngestError` when a path does not exist (a usage error, not bad input).
    """
    report = IngestReport()
    documents = []
    sources = []
    for path in collect_files(paths, report.problems):
        try:
            documents.append(read_document(path))
            sources.append(SourceFile(str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
        except ReadError as exc:
            report.problems.append(exc.problem)
    return ingest_documents(
        store, documents, partial=partial, strict=strict, progress=progress, data_dir=data_dir, report=report,
        origin=Origin(actor, tuple(sources)),
    )


def ingest_records(
    store: GraphStore,
    records: list[dict[str, Any]],
    *,
    origin: str,
    partial: bool = False,
    strict: bool = False,
    written_by: str | None = None,
    data_dir: Path = DATA_DIR,
) -> IngestReport:
    """Ingest cases given as plain dicts in the case-file format (the API's `upsertCases`).

    The run keeps `origin` as its source, with the SHA-256 of the records as canonical JSON.
    """
    document = Document(file=origin, data={"cases": records})
    canonical = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    source = SourceFile(origin, hashlib.sha256(canonical).hexdigest())
    return ingest_documents(
        store, [document], partial=partial, strict=strict, written_by=written_by, data_dir=data_dir,
        origin=Origin(written_by or origin, (source,)),
    )
