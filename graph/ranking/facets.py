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
>>> facets.by_language() == by_language(doc.case for doc in docs) == {"": ["b", "a"]}
True
"""

from __future__ import annotations

import bisect
import json
import zlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from graph.model import Node
from graph.ranking.documents import CaseDoc

if TYPE_CHECKING:
    from graph.ranking.filters import CaseFilter

__all__ = ["FACETS_FORMAT", "CaseFacets", "CaseCounts", "by_language", "newest_first_key"]

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


_CODED = ("country", "language", "status")
FACETS_FORMAT = 1
"""The version of `CaseFacets.encode`'s bytes; other versions are not read."""
REBUILD_SHARE = 0.125
"""`updated` builds the facets anew when more than this share of the cases changed, or when retired slots
outnumber the cases (each changed case takes a new slot)."""


@dataclass(frozen=True, slots=True)
class _Columns:
    """Per slot (a case's place in the arrays, never reused): coded country, language, status and the year."""

    codes: Mapping[str, Mapping[str, int]]
    values: Mapping[str, npt.NDArray[np.int32]]
    years: npt.NDArray[np.float64]

    def appended(self, rows: list[_Row]) -> _Columns:
        codes = {name: dict(found) for name, found in self.codes.items()}
        values = {
            name: np.concatenate(
                [self.values[name], np.array([codes[name].setdefault(getattr(row, name), len(codes[name])) for row in rows],
                                              dtype=np.int32)]
            )
            for name in _CODED
        }
        return _Columns(codes, values, np.concatenate([self.years, np.array([row.year for row in rows], dtype=np.float64)]))


class CaseFacets:
    """Facets of a set of cases; build with `of`, change with `updated` (old facets stay valid for their readers).

    Each case has a slot in the column arrays; `_order` holds the slots newest first, and `ids` and
    `keys` the cases in that order. An update appends slots for the changed cases and moves only
    the entries it touches, so a write to one case costs array copies, not a pass over every case
    in Python.
    """

    def __init__(
        self,
        rows: dict[str, _Row],
        slots: dict[str, int],
        columns: _Columns,
        order: npt.NDArray[np.int64],
        ids: list[str],
        keys: list[tuple[str, str]],
        linked: dict[str, npt.NDArray[np.int64]],
    ) -> None:
        self._rows, self._slots, self._columns, self._order = rows, slots, columns, order
        self.ids, self.keys, self._linked = ids, keys, linked
        self._link_arrays: tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None

    @classmethod
    def of(cls, docs: Iterable[CaseDoc]) -> CaseFacets:
        """Facets of these case documents."""
        return cls._built({doc.id: _row(doc) for doc in docs})

    @classmethod
    def _built(cls, rows: dict[str, _Row]) -> CaseFacets:
        ordered = sorted(rows.values(), key=lambda row: row.key)
        empty = _Columns({name: {} for name in _CODED}, {name: np.zeros(0, dtype=np.int32) for name in _CODED},
                         np.zeros(0, dtype=np.float64))
        linked: dict[str, list[int]] = {}
        for slot, row in enumerate(ordered):
            for link in row.links:
                linked.setdefault(link, []).append(slot)
        return cls(
            rows,
            {row.case_id: slot for slot, row in enumerate(ordered)},
            empty.appended(ordered),
            np.arange(len(ordered), dtype=np.int64),
            [row.case_id for row in ordered],
            [row.key for row in ordered],
            {key: np.array(value, dtype=np.int64) for key, value in linked.items()},
        )

    def encode(self) -> bytes:
        """The facets as compressed JSON (for `GraphStore.put_derived`; `decode` reads it back)."""
        links = sorted({link for row in self._rows.values() for link in row.links})
        position = {link: index for index, link in enumerate(links)}
        rows = [
            [row.case_id, row.country, row.language, row.status, None if np.isnan(row.year) else int(row.year),
             row.key[0], sorted(position[link] for link in row.links)]
            for row in self._rows.values()
        ]
        return zlib.compress(json.dumps({"format": FACETS_FORMAT, "links": links, "rows": rows}).encode(), 1)

    @classmethod
    def decode(cls, data: bytes) -> CaseFacets:
        """Facets from `encode`'s bytes; `ValueError` when they are not such bytes."""
        try:
            found = json.loads(zlib.decompress(data))
            if found["format"] != FACETS_FORMAT:
                raise ValueError(f"facets format {found['format']!r}, not {FACETS_FORMAT}")
            links = found["links"]
            rows = {}
            for case_id, country, language, status, year, newest, linked in found["rows"]:
                texts = (case_id, country, language, status, newest)
                if not all(isinstance(text, str) for text in texts) or not (year is None or type(year) is int):
                    raise ValueError(f"a malformed facet row for {case_id!r}")
                rows[case_id] = _Row(
                    case_id, country, language, status, np.nan if year is None else float(year),
                    frozenset(links[index] for index in linked), (newest, case_id),
                )
        except (zlib.error, KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"not encoded facets: {exc!r}") from exc
        return cls._built(rows)

    def updated(self, docs: Iterable[CaseDoc], removed: Collection[str]) -> CaseFacets:
        """New facets with these documents added or replaced and `removed` ids dropped."""
        new = list({doc.id: _row(doc) for doc in docs}.values())
        gone = {case_id for case_id in removed if case_id in self._rows} | {row.case_id for row in new if row.case_id in self._rows}
        rows = dict(self._rows)
        for case_id in gone:
            del rows[case_id]
        rows.update((row.case_id, row) for row in new)
        retired = len(self._columns.years) - len(self._rows) + len(gone)
        if len(gone) + len(new) > REBUILD_SHARE * max(len(self._rows), 1) or retired > len(rows):
            return CaseFacets._built(rows)
        slots, ids, keys, linked = dict(self._slots), list(self.ids), list(self.keys), dict(self._linked)
        positions = sorted((bisect.bisect_left(keys, self._rows[case_id].key) for case_id in gone), reverse=True)
        for position in positions:
            del ids[position], keys[position]
        order = np.delete(self._order, positions)
        unlinked: dict[str, set[int]] = {}
        for case_id in gone:
            slot = slots.pop(case_id)
            for link in self._rows[case_id].links:
                unlinked.setdefault(link, set()).add(slot)
        first = len(self._columns.years)
        added: dict[str, list[int]] = {}
        for slot, row in enumerate(sorted(new, key=lambda row: row.key), start=first):
            position = bisect.bisect_left(keys, row.key)
            ids.insert(position, row.case_id)
            keys.insert(position, row.key)
            order = np.insert(order, position, slot)
            slots[row.case_id] = slot
            for link in row.links:
                added.setdefault(link, []).append(slot)
        for link in unlinked.keys() | added.keys():
            kept = linked.get(link, np.zeros(0, dtype=np.int64))
            if link in unlinked:
                kept = kept[~np.isin(kept, list(unlinked[link]))]
            if link in added:
                kept = np.concatenate([kept, np.array(added[link], dtype=np.int64)])
            if len(kept):
                linked[link] = kept
            else:
                linked.pop(link, None)
        columns = self._columns.appended(sorted(new, key=lambda row: row.key))
        return CaseFacets(rows, slots, columns, order, ids, keys, linked)

    def __len__(self) -> int:
        return len(self.ids)

    def _newest_first(self, name: str) -> npt.NDArray[np.int32]:
        return self._columns.values[name][self._order]

    def mask(self, case_filter: CaseFilter | None) -> Mask:
        """Which positions pass the filter's countries, languages, statuses, years and linked nodes (not its text)."""
        if case_filter is None:
            return np.ones(len(self.ids), dtype=bool)
        return self._slot_mask(case_filter)[self._order]

    def _slot_mask(self, case_filter: CaseFilter) -> Mask:
        """Which slots (retired ones too) pass the filter's facets."""
        allowed = np.ones(len(self._columns.years), dtype=bool)
        for wanted in (
            case_filter.topics,
            case_filter.target_groups,
            case_filter.methods,
            case_filter.organisations,
            case_filter.places,
        ):
            if wanted:
                hit = np.zeros(len(allowed), dtype=bool)
                for node_id in wanted:
                    hit[self._linked.get(node_id, np.empty(0, dtype=np.int64))] = True
                allowed &= hit
        for name, wanted_codes in (
            ("country", case_filter.countries),
            ("language", case_filter.languages),
            ("status", case_filter.statuses),
        ):
            if wanted_codes:
                codes = self._columns.codes[name]
                allowed &= np.isin(self._columns.values[name], [codes[code] for code in wanted_codes if code in codes])
        if case_filter.year_from is not None or case_filter.year_to is not None:
            low = case_filter.year_from if case_filter.year_from is not None else -np.inf
            high = case_filter.year_to if case_filter.year_to is not None else np.inf
            allowed &= (self._columns.years >= low) & (self._columns.years <= high)
        return allowed

    def ordered(self, case_filter: CaseFilter | None) -> list[str]:
        """Ids passing the filter's facets, newest first, then by id."""
        return [self.ids[position] for position in np.flatnonzero(self.mask(case_filter))]

    def key_of(self, case_id: str) -> tuple[str, str]:
        """The cursor key of a case."""
        return self._rows[case_id].key

    def start_after(self, key: tuple[str, ...] | None) -> int:
        """The first position after a cursor key (0 without one)."""
        return 0 if key is None else bisect.bisect_right(self.keys, key)

    def by_language(self) -> dict[str, list[str]]:
        """The case ids of each language, newest first ("" for cases without one), languages in the order their
        newest case comes."""
        languages = self._newest_first("language")
        names = {code: name for name, code in self._columns.codes["language"].items()}
        codes, first = np.unique(languages, return_index=True)
        return {
            names[int(code)]: [self.ids[position] for position in np.flatnonzero(languages == code)]
            for _, code in sorted(zip(first.tolist(), codes.tolist(), strict=True))
        }

    def counts(self, case_filter: CaseFilter | None = None) -> CaseCounts:
        """Cases per linked node, country, language and status, among those passing the filter's facets.

        One `bincount` over every (node, slot) link, however many nodes the cases link to.
        """
        chosen = np.zeros(len(self._columns.years), dtype=bool)
        chosen[self._order] = True  # the slots of current cases
        if case_filter is not None:
            chosen &= self._slot_mask(case_filter)
        link_ids, link_nodes, link_slots = self._links()
        linked = np.bincount(link_nodes[chosen[link_slots]], minlength=len(link_ids))
        years = self._columns.years[chosen]
        years = years[~np.isnan(years)]
        values = self._columns.values
        return CaseCounts(
            {node_id: count for node_id, count in zip(link_ids, linked.tolist(), strict=True) if count},
            _code_counts(self._columns.codes["country"], values["country"][chosen]),
            _code_counts(self._columns.codes["language"], values["language"][chosen]),
            _code_counts(self._columns.codes["status"], values["status"][chosen]),
            int(np.count_nonzero(chosen)),
            (int(years.min()), int(years.max())) if years.size else None,
        )

    def _links(self) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Every link as parallel arrays: the linked node ids, and per link its node's index and its case's slot."""
        if self._link_arrays is None:
            ids = list(self._linked)
            sizes = [len(slots) for slots in self._linked.values()]
            slots = np.concatenate(list(self._linked.values())) if ids else np.zeros(0, dtype=np.int64)
            self._link_arrays = (ids, np.repeat(np.arange(len(ids), dtype=np.int64), sizes), slots.astype(np.int64))
        return self._link_arrays


def by_language(cases: Iterable[Node]) -> dict[str, list[str]]:
    """The ids of each language's cases, newest first ("" for cases without one), in the order and with the
    language order of `CaseFacets.by_language`, from the case nodes alone (no links read)."""
    ordered = sorted((newest_first_key(case.props, case.id), str(case.props.get("language") or "")) for case in cases)
    found: dict[str, list[str]] = {}
    for (_, case_id), language in ordered:
        found.setdefault(language, []).append(case_id)
    return found


def _code_counts(codes: Mapping[str, int], values: npt.NDArray[np.int32]) -> dict[str, int]:
    counts = np.bincount(values, minlength=len(codes))
    return {code: int(counts[index]) for code, index in sorted(codes.items()) if code and counts[index]}
