"""The history section of a case page: the latest runs that changed the case, each with what it changed.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Node, NodeType, Origin
>>> from visualisation.i18n import Texts
>>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "g.db").open()
>>> _ = store.upsert(Batch(nodes=(Node("c1", NodeType.CASE, {"title": "Skolnärvaro"}),), origin=Origin("cli")))
>>> _ = store.upsert(Batch(nodes=(Node("c1", NodeType.CASE, {"title": "Skolnärvaro i Borås"}),), origin=Origin("cli")))
>>> section = case_history(store, "c1", texts=Texts("en"))
>>> [(row.run, row.who, row.changes) for row in section.rows]
[(2, 'cli', ('title: “Skolnärvaro” → “Skolnärvaro i Borås”',)), (1, 'cli', ('Created',))]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from graph.history import EdgeChange, NodeHistory, differences
from graph.model import PropValue, RelType
from graph.store import GraphStore
from visualisation.i18n import Texts

__all__ = ["HISTORY_ROWS", "HistoryRow", "HistorySection", "case_history"]

HISTORY_ROWS = 10
"""The case page shows this many of the latest runs (`behovsgraf history ID` lists them all)."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One run as the page shows it: number, when, who, file names, a note and one line per change."""

    run: int
    when: str
    who: str
    files: tuple[str, ...]
    note: str | None
    changes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HistorySection:
    """The latest runs of a case and how many there are in all."""

    rows: tuple[HistoryRow, ...]
    total: int


def _value(value: PropValue | None) -> str:
    if value is None:
        return "–"
    return "“" + (", ".join(value) if isinstance(value, list) else str(value)) + "”"


def _edge_line(change: EdgeChange, node_id: str, labels: dict[str, str], texts: Texts) -> str:
    source, rel, target, _ = change.key
    other = target if source == node_id else source
    what = "history.asserted" if change.before is None else "history.retracted" if change.after is None else "history.relinked"
    relation = texts.relation(RelType(rel), change.after or change.before or {})
    return f"{texts[what]}: {relation} – {labels.get(other, other)}"


def _row(entry: NodeHistory, node_id: str, labels: dict[str, str], texts: Texts) -> HistoryRow:
    run, node = entry.run, entry.node
    changes: list[str] = []
    if node is not None and node.before is None:
        changes.append(texts["history.created"])
    elif node is not None and node.after is None:
        changes.append(texts["history.removed"])
    elif node is not None:
        changes += [f"{d.key}: {_value(d.before)} → {_value(d.after)}" for d in differences(node.before, node.after)]
    changes += [_edge_line(change, node_id, labels, texts) for change in entry.edges]
    note = texts.format("history.reverts", run=run.reverts) if run.reverts is not None else None
    return HistoryRow(
        run=run.id,
        when=run.at[:16].replace("T", " ") + " UTC",
        who=run.actor,
        files=tuple(PurePath(source.path).name for source in run.sources),
        note=note,
        changes=tuple(changes),
    )


def case_history(store: GraphStore, case_id: str, *, texts: Texts, limit: int = HISTORY_ROWS) -> HistorySection:
    """The latest `limit` runs that changed the case or its edges, newest first, described in `texts`' language."""
    entries = store.history(case_id)
    shown = entries[:limit]
    ends = {end for entry in shown for change in entry.edges for end in change.ends}
    labels = {node_id: node.label_in(texts.lang) for node_id, node in store.get_many(sorted(ends)).items()}
    return HistorySection(rows=tuple(_row(entry, case_id, labels, texts) for entry in shown), total=len(entries))
