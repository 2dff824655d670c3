"""Looking up cases and nodes without a problem text: filters, case counts per concept, search by name."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from graph.model import Node, NodeType
from graph.ranking.embedding import default_embedder
from graph.ranking.facets import CaseCounts, newest_first_key
from graph.ranking.filters import CaseFilter, allows
from graph.ranking.language import Term, fold, terms
from graph.ranking.source import source_for
from graph.ranking.title import TITLE_WORD_FLOOR
from graph.ranking.words import weighted
from graph.store import GraphStore

__all__ = ["MAX_SEARCH", "CaseCounts", "CasePage", "SearchHit", "case_counts", "case_page", "filter_cases", "search"]

MAX_SEARCH = 100


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A node matching a search."""

    node: Node
    score: float


def _filtered_ids(store: GraphStore, case_filter: CaseFilter | None) -> list[str]:
    """Ids the filter lets through, newest first: facets as array masks, then the words (if any) per case."""
    source = source_for(store, default_embedder())
    ids = source.facets().ordered(case_filter)
    if case_filter is None or not case_filter.text:
        return ids
    words = CaseFilter(text=case_filter.text)
    docs = source.documents(ids)
    return [case_id for case_id in ids if case_id in docs and allows(words, docs[case_id])]


def filter_cases(store: GraphStore, case_filter: CaseFilter | None = None) -> list[Node]:
    """The cases the filter lets through, newest first, then by id."""
    ids = _filtered_ids(store, case_filter)
    nodes = store.get_many(ids)
    return [nodes[case_id] for case_id in ids if case_id in nodes]


@dataclass(frozen=True, slots=True)
class CasePage:
    """One newest-first page of filtered cases: the cases, their cursor keys, and the list around them."""

    cases: list[Node]
    keys: list[tuple[str, str]]
    total: int
    has_next: bool
    has_previous: bool


def case_page(
    store: GraphStore, case_filter: CaseFilter | None, *, after: tuple[str, ...] | None, first: int
) -> CasePage:
    """The `first` cases after the cursor key `after` (see `facets.newest_first_key`); only the page is read."""
    source = source_for(store, default_embedder())
    facets = source.facets()
    if case_filter is not None and case_filter.text:
        ids = _filtered_ids(store, case_filter)
        keys = [facets.key_of(case_id) for case_id in ids]
        start = 0 if after is None else bisect.bisect_right(keys, after)
        chosen = ids[start : start + first]
        total = len(ids)
    else:
        positions = np.flatnonzero(facets.mask(case_filter))
        begin = facets.start_after(after)
        start = int(np.searchsorted(positions, begin))
        chosen_positions = positions[start : start + first]
        chosen = [facets.ids[p] for p in chosen_positions]
        total = len(positions)
    nodes = store.get_many(chosen)
    cases = [nodes[case_id] for case_id in chosen if case_id in nodes]
    return CasePage(
        cases,
        [newest_first_key(case.props, case.id) for case in cases],
        total,
        start + first < total,
        start > 0,
    )


def case_counts(store: GraphStore, case_filter: CaseFilter | None = None) -> CaseCounts:
    """Case counts as the filters see them, among the cases the filter's facets leave (for pickers: "Fosterhjem (12)")."""
    return source_for(store, default_embedder()).facets().counts(case_filter)


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


def _forms(term: Term) -> set[str]:
    return {term.key, fold(term.word.casefold())}


def _share(these: Collection[Term], others: Collection[Term]) -> float:
    """The weight share of `these` terms that occur among `others` (by lemma or folded spelling)."""
    present = set().union(*(_forms(term) for term in others)) if others else set()
    total = sum(term.weight + TITLE_WORD_FLOOR for term in these)
    found = sum(term.weight + TITLE_WORD_FLOOR for term in these if _forms(term) & present)
    return found / total if total else 0.0


def search(store: GraphStore, text: str, *, types: Collection[NodeType] | None = None, top: int = 20) -> list[SearchHit]:
    """Nodes whose name, a label or an alias has the words of `text` (spellings folded), best first.

    A name scores by the share of the asked words it has times the share of its words that were asked,
    each word weighing its rarity, so the exact name scores 1. A word matches by lemma or as written, folded
    ("Arbeidssokere" finds "Arbeidssøkere").
    """
    asked = weighted(terms(text))
    if not asked:
        return []
    hits = []
    for node, names in _index(store).entries:
        if types and node.type not in types:
            continue
        best = 0.0
        for name in names:
            recall = _share(asked.values(), name.values())
            if recall:
                best = max(best, recall * _share(name.values(), asked.values()))
        if best > 0:
            hits.append(SearchHit(node, round(best, 6)))
    hits.sort(key=lambda hit: (-hit.score, hit.node.id))
    return hits[: max(1, min(top, MAX_SEARCH))]
