"""Looking up cases and nodes without a problem text: filters, case counts per concept, search by name."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from graph.model import Node, NodeType
from graph.ranking.embedding import default_embedder
from graph.ranking.filters import CaseFilter, allows
from graph.ranking.language import Term, fold, terms
from graph.ranking.source import source_for
from graph.ranking.title import TITLE_WORD_FLOOR
from graph.ranking.words import weighted
from graph.store import GraphStore

__all__ = ["MAX_SEARCH", "CaseCounts", "SearchHit", "case_counts", "filter_cases", "search"]

MAX_SEARCH = 100


@dataclass(frozen=True, slots=True)
class CaseCounts:
    """How many cases each node (directly or through a narrower concept), country and language has."""

    by_node: Mapping[str, int]
    by_country: Mapping[str, int]
    by_language: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A node matching a search."""

    node: Node
    score: float


def filter_cases(store: GraphStore, case_filter: CaseFilter | None = None) -> list[Node]:
    """The cases the filter lets through, newest first, then by id."""
    source = source_for(store, default_embedder())
    docs = source.documents(source.all_case_ids())
    cases = [doc.case for doc in docs.values() if allows(case_filter, doc)]
    return sorted(cases, key=lambda n: (-int(n.props.get("year", 0) or 0), n.id))  # type: ignore[arg-type]


def case_counts(store: GraphStore) -> CaseCounts:
    """Case counts as the filters see them (for pickers: "Fosterhjem (12)")."""
    source = source_for(store, default_embedder())
    docs = source.documents(source.all_case_ids()).values()
    nodes: Counter[str] = Counter()
    for doc in docs:
        nodes.update({link.node.id for link in (*doc.links, *doc.broader) if not link.is_inferred})
    return CaseCounts(
        dict(nodes),
        dict(Counter(str(code) for doc in docs if (code := doc.case.props.get("country")))),
        dict(Counter(str(code) for doc in docs if (code := doc.case.props.get("language")))),
    )


def _names(node: Node) -> list[str]:
    names = [node.label, *(str(v) for k, v in node.props.items() if k.startswith("label_"))]
    aliases = node.props.get("aliases")
    if isinstance(aliases, list):
        names += [str(alias) for alias in aliases]
    return list(dict.fromkeys(name for name in names if name))


@dataclass(frozen=True, slots=True)
class _NameIndex:
    revision: int
    entries: tuple[tuple[Node, tuple[dict[str, Term], ...]], ...]


_INDEX: dict[str, _NameIndex] = {}
_INDEX_LOCK = threading.Lock()


def _index(store: GraphStore) -> _NameIndex:
    revision = store.revision()
    with _INDEX_LOCK:
        found = _INDEX.get(store.location)
        if found is not None and found.revision == revision:
            return found
    entries = []
    for node_type in NodeType:
        if node_type is NodeType.SOURCE:
            continue
        for node in store.find(node_type):
            language = node.props.get("language")
            lang = language if isinstance(language, str) else None
            entries.append((node, tuple(weighted(terms(name, lang)) for name in _names(node))))
    index = _NameIndex(revision, tuple(entries))
    with _INDEX_LOCK:
        _INDEX[store.location] = index
    return index


def search(store: GraphStore, text: str, *, types: Collection[NodeType] | None = None, top: int = 20) -> list[SearchHit]:
    """Nodes whose name, a label or an alias has the words of `text` (spellings folded), best first.

    A name scores by the share of the asked words it has times the share of its words that were asked,
    each word weighing its rarity, so the exact name scores 1. A word matches by lemma or as written, folded
    ("Arbeidssokere" finds "Arbeidssøkere").
    """
    asked = weighted(terms(text))
    total = sum(term.weight + TITLE_WORD_FLOOR for term in asked.values())
    if not total:
        return []
    hits = []
    for node, names in _index(store).entries:
        if types and node.type not in types:
            continue
        best = 0.0
        for name in names:
            forms = set(name) | {fold(term.word.casefold()) for term in name.values()}
            shared = sum(t.weight + TITLE_WORD_FLOOR for key, t in asked.items() if key in forms or fold(t.word.casefold()) in forms)
            if shared:
                best = max(best, min(1.0, (shared / total) * (shared / sum(t.weight + TITLE_WORD_FLOOR for t in name.values()))))
        if best > 0:
            hits.append(SearchHit(node, round(best, 6)))
    hits.sort(key=lambda hit: (-hit.score, hit.node.id))
    return hits[: max(1, min(top, MAX_SEARCH))]
