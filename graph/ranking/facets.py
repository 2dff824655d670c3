"""Case facets as arrays: filter masks, counts and newest-first pages without touching every case in Python.

Every case has a position; country, language and status are small integer codes, the year a
float (NaN when unknown), and each concept, organisation or place the positions of the
cases linked to it (stated, through a need, or as a broader concept of one). A filter is a
few vectorised comparisons; a page is a slice of the precomputed newest-first order.
`updated` returns new facets with some cases replaced or removed (readers keep the old
ones meanwhile).

Examples
--------
>>> from graph.model import Node, NodeType
>>> from graph.ranking.documents import CaseDoc, Link
>>> from graph.ranking.filters import CaseFilter
>>> topic = Node("topic:school", NodeType.TOPIC, {"name": "School"})
>>> docs = [CaseDoc(Node("a", NodeType.CASE, {"country": "SE", "year": 2020, "status": "completed"}), (),
...                 (Link(topic, "a"),)),
...         CaseDoc(Node("b", NodeType.CASE, {"country": "NO", "year": 2022}), (), ())]
>>> facets = CaseFacets.of(docs)
>>> facets.ordered(CaseFilter(countries=("SE", "NO")))
['b', 'a']
>>> facets.ordered(CaseFilter(topics=("topic:school",))), facets.counts().by_country
(['a'], {'NO': 1, 'SE': 1})
>>> counted = facets.counts(CaseFilter(countries=("SE",)))
>>> dict(counted.by_node), counted.total, counted.years
({'topic:school': 1}, 1, (2020, 2020))
>>> facets.ordered(CaseFilter(statuses=("completed", "ongoing"))), facets.counts().by_status
(['a'], {'completed': 1})
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from graph.ranking.documents import CaseDoc

if TYPE_CHECKING:
    from graph.ranking.filters import CaseFilter

__all__ = ["CaseFacets", "CaseCounts", "newest_first_key"]

Mask = npt.NDArray[np.bool_]


def newest_first_key(props: Mapping[str, object], case_id: str) -> tuple[str, str]:
    """The newest-first sort key of a case (also its page cursor): (9999 - year, id)."""
    year = props.get("year")
    return (f"{9999 - year:04d}" if isinstance(year, int) and 0 <= year <= 9999 else "9999", case_id)


@dataclass(frozen=True, slots=True)
class CaseCounts:
    """How many cases each node (directly or through a narrower concept), country, language and status has,
    how many cases were counted and the years they span."""

    by_node: Mapping[str, int]
    by_country: Mapping[str, int]
    by_language: Mapping[str, int]
    by_status: Mapping[str, int]
    total: int
    years: tuple[int, int] | None
    """The earliest and latest year of the counted cases (None when none has a year)."""


@dataclass(frozen=True, slots=True)
class _Row:
    case_id: str
    country: str
    language: str
    status: str
    year: float
    links: frozenset[str]
    key: tuple[str, str]


def _row(doc: CaseDoc) -> _Row:
    props = doc.case.props
    year = props.get("year")
    links = frozenset(link.node.id for link in doc.links if not link.is_inferred) | frozenset(
        link.node.id for link in doc.broader
    )
    return _Row(
        doc.id,
        str(props.get("country") or ""),
        str(props.get("language") or ""),
        str(props.get("status") or ""),
        float(year) if isinstance(year, int) and not isinstance(year, bool) else np.nan,
        links,
        newest_first_key(props, doc.id),
    )


class CaseFacets:
    """Facets of a set of cases; build with `of`, change with `updated`."""

    def __init__(self, rows: Mapping[str, _Row]) -> None:
        self._rows = dict(rows)
        ordered = sorted(self._rows.values(), key=lambda row: row.key)
        self.ids = [row.case_id for row in ordered]
        self.keys = [row.key for row in ordered]
        self._position = {case_id: position for position, case_id in enumerate(self.ids)}
        self._country_codes, self.countries = _coded(row.country for row in ordered)
        self._language_codes, self.languages = _coded(row.language for row in ordered)
        self._status_codes, self.statuses = _coded(row.status for row in ordered)
        self.years = np.array([row.year for row in ordered], dtype=np.float64)
        linked: dict[str, list[int]] = {}
        for position, row in enumerate(ordered):
            for link in row.links:
                linked.setdefault(link, []).append(position)
        self._linked = {key: np.array(value, dtype=np.int64) for key, value in linked.items()}
        self._link_ids = list(self._linked)
        sizes = [len(positions) for positions in self._linked.values()]
        self._link_nodes = np.repeat(np.arange(len(self._link_ids), dtype=np.int64), sizes)
        self._link_positions = (
            np.concatenate(list(self._linked.values())) if self._linked else np.empty(0, dtype=np.int64)
        )

    @classmethod
    def of(cls, docs: Iterable[CaseDoc]) -> CaseFacets:
        """Facets of these case documents."""
        return cls({doc.id: _row(doc) for doc in docs})

    def updated(self, docs: Iterable[CaseDoc], removed: Collection[str]) -> CaseFacets:
        """New facets with these documents added or replaced and `removed` ids dropped."""
        rows = {case_id: row for case_id, row in self._rows.items() if case_id not in removed}
        rows.update((doc.id, _row(doc)) for doc in docs)
        return CaseFacets(rows)

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, case_filter: CaseFilter | None) -> Mask:
        """Which positions pass the filter's countries, languages, statuses, years and linked nodes (not its text)."""
        allowed = np.ones(len(self.ids), dtype=bool)
        if case_filter is None:
            return allowed
        for wanted in (
            case_filter.topics,
            case_filter.target_groups,
            case_filter.methods,
            case_filter.organisations,
            case_filter.places,
        ):
            if wanted:
                hit = np.zeros(len(self.ids), dtype=bool)
                for node_id in wanted:
                    hit[self._linked.get(node_id, np.empty(0, dtype=np.int64))] = True
                allowed &= hit
        for values, codes, wanted_codes in (
            (self.countries, self._country_codes, case_filter.countries),
            (self.languages, self._language_codes, case_filter.languages),
            (self.statuses, self._status_codes, case_filter.statuses),
        ):
            if wanted_codes:
                allowed &= np.isin(values, [codes[code] for code in wanted_codes if code in codes])
        if case_filter.year_from is not None or case_filter.year_to is not None:
            low = case_filter.year_from if case_filter.year_from is not None else -np.inf
            high = case_filter.year_to if case_filter.year_to is not None else np.inf
            allowed &= (self.years >= low) & (self.years <= high)
        return allowed

    def ordered(self, case_filter: CaseFilter | None) -> list[str]:
        """Ids passing the filter's facets, newest first, then by id."""
        return [self.ids[position] for position in np.flatnonzero(self.mask(case_filter))]

    def key_of(self, case_id: str) -> tuple[str, str]:
        """The cursor key of a case."""
        return self.keys[self._position[case_id]]

    def start_after(self, key: tuple[str, ...] | None) -> int:
        """The first position after a cursor key (0 without one)."""
        return 0 if key is None else bisect.bisect_right(self.keys, key)

    def by_language(self) -> dict[str, list[str]]:
        """The case ids of each language, newest first ("" for cases without one)."""
        return {
            language: [self.ids[position] for position in np.flatnonzero(self.languages == code)]
            for language, code in self._language_codes.items()
        }

    def counts(self, case_filter: CaseFilter | None = None) -> CaseCounts:
        """Cases per linked node, country, language and status, among those passing the filter's facets.

        One pass over the link arrays (a `bincount`), however many nodes the cases link to.
        """
        mask = self.mask(case_filter)
        linked = np.bincount(self._link_nodes[mask[self._link_positions]], minlength=len(self._link_ids))
        years = self.years[mask & ~np.isnan(self.years)]
        return CaseCounts(
            {node_id: int(count) for node_id, count in zip(self._link_ids, linked.tolist()) if count},
            _code_counts(self._country_codes, self.countries[mask]),
            _code_counts(self._language_codes, self.languages[mask]),
            _code_counts(self._status_codes, self.statuses[mask]),
            int(np.count_nonzero(mask)),
            (int(years.min()), int(years.max())) if years.size else None,
        )


def _coded(values: Iterable[str]) -> tuple[dict[str, int], npt.NDArray[np.int32]]:
    """Small integer codes for texts ("" included): the code of each text, and the code of each value in order."""
    codes: dict[str, int] = {}
    return codes, np.array([codes.setdefault(value, len(codes)) for value in values], dtype=np.int32)


def _code_counts(codes: Mapping[str, int], values: npt.NDArray[np.int32]) -> dict[str, int]:
    counts = np.bincount(values, minlength=len(codes))
    return {code: int(counts[index]) for code, index in sorted(codes.items()) if code and counts[index]}
