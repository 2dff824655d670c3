"""Stored needs as arrays, for "similar needs already reported" while someone types a new one.

Each need has a row: its vector moved by its language's centre (see `semantic.centred`), and
the folded lemmas of its text in an inverted index. A query is one matrix-vector product and a
few postings, however many needs are stored; the index is updated need by need as the change
feed reports them, and re-centred only when the language centres move.

Examples
--------
>>> import numpy as np
>>> from graph.model import Node, NodeType
>>> from graph.ranking.language import terms
>>> from graph.ranking.source import NeedDoc
>>> index = NeedIndex()
>>> index.put([NeedDoc(Node("need:a", NodeType.NEED, {"text": "Snöröjning av gångvägar", "language": "sv"}), None)])
>>> [(hit.need.id, hit.matched_terms) for hit in index.search(None, terms("gångvägar i snö", "sv"), {}, top=3)]
[('need:a', ('gångvägar',))]
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.model import Node
from graph.ranking.language import Term, terms
from graph.ranking.semantic import stretch
from graph.ranking.source import ALL_LANGUAGES, NeedDoc
from graph.ranking.words import weighted

__all__ = ["NEED_WORD_WEIGHT", "NeedIndex", "NeedHit"]

NEED_WORD_WEIGHT = 0.3
"""The word signal's weight beside similarity when matching needs."""

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class NeedHit:
    """A stored need close to a text: its score and the words of the text it shares, heaviest first."""

    need: Node
    score: float
    matched_terms: tuple[str, ...]


def _language(node: Node) -> str | None:
    language = node.props.get("language")
    return language if isinstance(language, str) else None


class NeedIndex:
    """Rows of needs with centred vectors and an inverted index of their lemmas; thread-safe.

    Rows live in arrays that double when full; a removed need leaves a dead row.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nodes: list[Node | None] = []
        self._languages: list[str | None] = []
        self._position: dict[str, int] = {}
        self._keys: list[frozenset[str]] = []
        self._postings: dict[str, set[int]] = {}
        self._alive = np.zeros(INITIAL_ROWS, dtype=bool)
        self._embedded = np.zeros(INITIAL_ROWS, dtype=bool)
        self._raw: Matrix | None = None
        self._centred: Matrix | None = None
        self._centres: Mapping[str, Matrix] | None = None

    def __len__(self) -> int:
        return len(self._position)

    def __contains__(self, need_id: object) -> bool:
        return need_id in self._position

    def ids(self) -> list[str]:
        """The ids of the stored needs."""
        return sorted(self._position)

    def put(self, docs: Iterable[NeedDoc]) -> None:
        """Add needs, or replace the ones already held (their text, language or vector changed)."""
        with self._lock:
            for doc in docs:
                position = self._position.get(doc.need.id)
                if position is None:
                    position = self._append(doc.need.id)
                else:
                    self._unpost(position)
                language = _language(doc.need)
                self._nodes[position], self._languages[position] = doc.need, language
                keys = frozenset(term.key for term in terms(str(doc.need.props.get("text", "")), language))
                self._keys[position] = keys
                for key in keys:
                    self._postings.setdefault(key, set()).add(position)
                self._alive[position] = True
                self._set_vector(position, doc.vector)

    def remove(self, need_ids: Iterable[str]) -> None:
        """Drop needs (ids not held are ignored)."""
        with self._lock:
            for need_id in need_ids:
                position = self._position.pop(need_id, None)
                if position is not None:
                    self._unpost(position)
                    self._nodes[position] = None
                    self._keys[position] = frozenset()
                    self._alive[position] = self._embedded[position] = False

    def search(
        self, vector: Matrix | None, wanted: Iterable[Term], centres: Mapping[str, Matrix], *, top: int
    ) -> list[NeedHit]:
        """The needs closest to a text: `vector` is its centred query vector (None: by words only), `wanted` its terms.

        A need's score is its stretched similarity (its words' share while it has no vector)
        plus `NEED_WORD_WEIGHT` times the share of the text's word weight it contains.
        """
        heaviest = weighted(wanted)
        total = sum(term.weight for term in heaviest.values())
        with self._lock:
            count = len(self._nodes)
            covered = np.zeros(count)
            for key, term in heaviest.items():
                positions = self._postings.get(key)
                if positions and total:
                    covered[np.fromiter(positions, dtype=np.int64, count=len(positions))] += term.weight / total
            similarity = covered.copy()
            embedded = self._embedded[:count]
            if vector is not None and embedded.any():
                similarity[embedded] = stretch(self._centred_rows(centres)[embedded] @ vector)
            scores = np.where(self._alive[:count], similarity + NEED_WORD_WEIGHT * covered, 0.0)
            positive = np.flatnonzero(scores > 0)
            if len(positive) > top:  # every need tied with the `top`-th stays, so ties are broken by id below
                cut = np.partition(scores[positive], len(positive) - top)[len(positive) - top]
                positive = positive[scores[positive] >= cut]
            found = [(float(scores[position]), self._nodes[position], self._keys[position]) for position in positive]
        found.sort(key=lambda item: (-item[0], item[1].id))
        return [
            NeedHit(
                need,
                round(score, 6),
                tuple(term.word for term in sorted(heaviest.values(), key=lambda term: -term.weight) if term.key in keys),
            )
            for score, need, keys in found[:top]
        ]

    # ------------------------------------------------------------------ rows
    def _append(self, need_id: str) -> int:
        position = len(self._nodes)
        self._position[need_id] = position
        self._nodes.append(None)
        self._languages.append(None)
        self._keys.append(frozenset())
        if position >= len(self._alive):
            rows = 2 * len(self._alive)
            self._alive, self._embedded = _grown(self._alive, rows), _grown(self._embedded, rows)
            if self._raw is not None and self._centred is not None:
                self._raw, self._centred = _grown(self._raw, rows), _grown(self._centred, rows)
        return position

    def _unpost(self, position: int) -> None:
        for key in self._keys[position]:
            positions = self._postings.get(key)
            if positions is not None:
                positions.discard(position)
                if not positions:
                    del self._postings[key]

    def _set_vector(self, position: int, vector: Matrix | None) -> None:
        self._embedded[position] = vector is not None
        if vector is None:
            return
        if self._raw is None or self._centred is None:
            self._raw = np.zeros((len(self._alive), len(vector)), dtype=np.float32)
            self._centred = np.zeros_like(self._raw)
        self._raw[position] = vector
        if self._centres is not None:
            self._centred[position] = _centre(self._raw[position : position + 1], [self._languages[position]], self._centres)

    def _centred_rows(self, centres: Mapping[str, Matrix]) -> Matrix:
        """The vectors moved by their language's centre; recomputed only when the centres are new."""
        assert self._raw is not None and self._centred is not None
        count = len(self._nodes)
        if centres is not self._centres:
            self._centred[:count] = _centre(self._raw[:count], self._languages, centres)
            self._centres = centres
        return self._centred[:count]


INITIAL_ROWS = 1_024
"""Rows allocated before the first need; the arrays double when full."""


def _grown(array: np.ndarray, rows: int) -> np.ndarray:
    grown = np.zeros((rows, *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown


def _centre(rows: Matrix, languages: list[str | None], centres: Mapping[str, Matrix]) -> Matrix:
    """Unit rows moved by the centre of each row's language (all cases' centre for a language without one)."""
    moved = rows.copy()
    fallback = centres.get(ALL_LANGUAGES)
    for language in set(languages):
        centre = centres.get(language or ALL_LANGUAGES, fallback)
        if centre is not None:
            moved[np.array([row == language for row in languages], dtype=bool)] -= centre
    norms = np.linalg.norm(moved, axis=-1, keepdims=True)
    return (moved / np.where(norms > 0, norms, 1.0)).astype(np.float32)
