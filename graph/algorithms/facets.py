"""Facet counts: how many of a set of cases have each value of a property or each linked concept.

The planner page shows them beside its filters ("Norge (12)"), as catalogues such
as OPSI and DataHub do, so a planner sees what a choice leaves before making it.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Edge, Node, NodeType, RelType
>>> cases = [Node(f"se-c{i}", NodeType.CASE, {"title": "x", "country": "SE", "year": 2010 + i}) for i in (1, 2)]
>>> topic = Node("topic:school", NodeType.TOPIC, {"name": "School"})
>>> with EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "g.db") as store:
...     _ = store.upsert(Batch(nodes=(*cases, topic), edges=(Edge("se-c1", RelType.ABOUT, topic.id, "se-c1"),)))
...     dict(linked_counts(store, cases, RelType.ABOUT))
{'topic:school': 1}
>>> dict(property_counts(cases, "country")), year_range(cases)
({'SE': 2}, (2011, 2012))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from graph.model import Node, RelType
from graph.store import GraphStore

__all__ = ["linked_counts", "property_counts", "year_range"]


def linked_counts(store: GraphStore, cases: Sequence[Node], rel: RelType) -> Counter[str]:
    """For each node a `rel` edge from one of `cases` reaches: how many of the cases reach it."""
    ids = {case.id for case in cases}
    pairs = {(edge.source, edge.target) for edge in store.edges(rel) if edge.source in ids}
    return Counter(target for _, target in pairs)


def property_counts(cases: Sequence[Node], key: str) -> Counter[str]:
    """How many of `cases` have each (text) value of the property `key`."""
    return Counter(value for case in cases if isinstance(value := case.props.get(key), str) and value)


def year_range(cases: Sequence[Node]) -> tuple[int, int] | None:
    """The earliest and latest `year` of the cases, or None when none has a year."""
    years = [year for case in cases if isinstance(year := case.props.get("year"), int) and not isinstance(year, bool)]
    return (min(years), max(years)) if years else None
