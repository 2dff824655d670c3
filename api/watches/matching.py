"""Score the cases a write changed against every active watch, with the prior-work ranking itself.

A case is scored once the store has its vectors (the embedding worker writes them
after the graph write commits), so the semantic signal, the concepts and the reasons
are the ones a planner gets from `prior_work` for the watch's problem. A changed need
brings its cases along.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import numpy as np

from api.watches.store import Match, Watch, match_id
from graph.changes import ChangeSet
from graph.model import NodeType, RelType
from graph.ranking.embedding import Embedder
from graph.ranking.explain import explain
from graph.ranking.problem import Problem
from graph.ranking.rank import read_problem, rank
from graph.ranking.source import CaseSource, source_for
from graph.store import GraphStore
from graph.vectors import StoredVectors

__all__ = ["Matcher", "changed_cases"]

SHORTLIST = 50
"""Each changed case is ranked for at most this many watches: those whose problem is closest to it.

A bound on the work of one write, not a relevance threshold: a case close to more
than this many watches reaches the closest ones.
"""
VOCABULARY_PREFIXES = ("method:", "topic:", "target-group:", "organisation:")
"""Ids whose change can alter how a watch's problem is read (its concepts)."""


class _OnlyThese:
    """A case source whose candidates are exactly the given cases (everything else is the source's)."""

    def __init__(self, source: CaseSource, case_ids: list[str]) -> None:
        self._source, self._case_ids = source, case_ids

    def candidates(self, problem: Problem, *, limit: int = 0) -> list[str]:
        return list(self._case_ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)


def changed_cases(store: GraphStore, change: ChangeSet) -> list[str]:
    """The cases a change gave new vectors, directly or through one of their needs, sorted."""
    touched = set(change.vectors_changed)
    found = store.get_many(sorted(touched)) if touched else {}
    cases = {node_id for node_id, node in found.items() if node.type is NodeType.CASE}
    needs = [node_id for node_id, node in found.items() if node.type is NodeType.NEED]
    for edges in store.edges_of_many(needs, rel=RelType.ADDRESSES).values() if needs else ():
        cases.update(edge.source for edge in edges)
    return sorted(cases - change.nodes_removed)


def _shortlist(
    problems: Mapping[str, Problem], stored: Mapping[str, StoredVectors]
) -> dict[str, list[str]]:
    """For each watch, the embedded cases worth ranking: each case goes to its `SHORTLIST` closest watches.

    One matrix product of the watches' problem vectors with the cases' own vectors
    bounds the work per write, however many watches there are.
    """
    cases = sorted(stored)
    if not cases:
        return {}
    watch_ids = list(problems)
    watch_vectors = np.stack([problems[watch_id].vector for watch_id in watch_ids])
    case_vectors = np.stack([stored[case_id].matrix[0] for case_id in cases])
    similarity = case_vectors @ watch_vectors.T
    keep = min(SHORTLIST, len(watch_ids))
    chosen: dict[str, list[str]] = {}
    for row, case_id in enumerate(cases):
        for column in np.argsort(-similarity[row], kind="stable")[:keep]:
            chosen.setdefault(watch_ids[column], []).append(case_id)
    return chosen


def _own_cases(store: GraphStore, need_ids: list[str]) -> dict[str, set[str]]:
    """The cases that state each watched need: a planner watching her own need is not told of her own case."""
    if not need_ids:
        return {}
    edges = store.edges_of_many(sorted(set(need_ids)), rel=RelType.ADDRESSES)
    return {need: {edge.source for edge in found} for need, found in edges.items()}


class Matcher:
    """Reads each watch's problem once and scores changed cases against it.

    Problems are kept per watch until a vocabulary concept changes, so a thousand
    watches are embedded once, not once per write.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._problems: dict[tuple[str, str], Problem] = {}
        self._lock = threading.Lock()

    def forget_problems_if(self, change: ChangeSet) -> None:
        """Drop the read problems when the vocabulary they were read against changed."""
        if any(node_id.startswith(VOCABULARY_PREFIXES) for node_id in change.nodes_changed | change.nodes_removed):
            with self._lock:
                self._problems.clear()

    def read_problems(self, store: GraphStore, watches: Iterable[Watch]) -> None:
        """Read every watch's problem now (the first write after a start would do it otherwise)."""
        source = source_for(store, self.embedder)
        for watch in watches:
            self._problem(watch, source)

    def _problem(self, watch: Watch, source: CaseSource) -> Problem:
        key = (watch.id, watch.problem)
        with self._lock:
            known = self._problems.get(key)
        if known is None:
            known = read_problem(watch.problem, source)
            with self._lock:
                self._problems[key] = known
        return known

    def matches(
        self, store: GraphStore, watches: Iterable[Watch], case_ids: Collection[str], *, revision: int
    ) -> list[Match]:
        """The matches of `case_ids` for each watch, at or above the watch's sensitivity."""
        if not case_ids:
            return []
        source = source_for(store, self.embedder)
        active = [watch for watch in watches if not watch.paused]
        if not active:
            return []
        problems = {watch.id: self._problem(watch, source) for watch in active}
        stored = store.vectors(self.embedder.model, sorted(case_ids))
        shortlist = _shortlist(problems, stored)
        own = _own_cases(store, [watch.need_id for watch in active if watch.need_id])
        found: list[Match] = []
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for watch in active:
            candidates = shortlist.get(watch.id)
            if not candidates:
                continue
            problem = problems[watch.id]
            only = _OnlyThese(source, candidates)
            result = rank(problem, only, top=len(candidates), lang=problem.language)  # type: ignore[arg-type]
            for hit in result.hits:
                if hit.case.id in own.get(watch.need_id or "", ()) or not watch.sensitivity.accepts(hit.confidence.value):
                    continue
                found.append(
                    Match(
                        id=match_id(watch.id, hit.case.id, stored[hit.case.id].text_hash),
                        watch_id=watch.id,
                        case_id=hit.case.id,
                        case_title=hit.case.label,
                        revision=revision,
                        score=hit.score,
                        confidence=hit.confidence.value,
                        reasons=tuple(explain(reason, problem.language) for reason in hit.reasons[:5]),
                        created_at=now,
                    )
                )
        return found

