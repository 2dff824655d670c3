"""What the ranking reads of a case: its passages, its links and its stored vectors.

A case is scored from a `CaseDoc`: sentence-sized `Passage`s of its title, summary and
needs (what the semantic and word signals compare with the problem), the concepts and
organisations it is linked to (stated by its file, or inferred by similarity), and the
vectors of its passages when they have been embedded.

`case_passages` is deterministic, so a hash of its texts tells whether stored vectors
are stale (`passages_hash`).

Examples
--------
>>> case = Node("c", NodeType.CASE, {"title": "Ensomhet blant eldre", "summary": "Vi ringte. Mange svarte ja!"})
>>> [(p.kind.value, p.text) for p in case_passages(case, [])]
[('title', 'Ensomhet blant eldre'), ('summary', 'Vi ringte.'), ('summary', 'Mange svarte ja!')]
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from graph.model import Node, NodeType

_T = TypeVar("_T")

__all__ = [
    "MAX_OWN_CHARS",
    "MAX_PASSAGE_CHARS",
    "CaseDoc",
    "Link",
    "Passage",
    "PassageKind",
    "case_passages",
    "derived",
    "own_text",
    "passages_hash",
    "sentences",
    "texts_hash",
]

MAX_PASSAGE_CHARS = 600
"""A passage longer than this is cut at a word boundary (a sentence rarely is; a list without full stops may be)."""
MAX_OWN_CHARS = 2000
"""The title and summary of a case's own vector are cut here (about the 512 tokens the small models read)."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'«»(\[]?[^\W\d_]|\d)", re.UNICODE)


class PassageKind(str, Enum):
    """Which part of a case a passage comes from."""

    TITLE = "title"
    SUMMARY = "summary"
    NEED = "need"


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence-sized piece of a case's text and where it comes from (`node_id`: the case or the need)."""

    text: str
    kind: PassageKind
    node_id: str


@dataclass(frozen=True, slots=True)
class Link:
    """A concept or organisation a case is linked to.

    `similarity` is None for a link the case file states (directly, through a need, or as
    a broader concept of one), and the cosine similarity for a link inferred from text.
    """

    node: Node
    via: str
    similarity: float | None = None

    @property
    def is_inferred(self) -> bool:
        """Whether the link was inferred by similarity rather than stated."""
        return self.similarity is not None


@dataclass(frozen=True, slots=True)
class CaseDoc:
    """One candidate case as the signals see it.

    `vectors` follows the stored layout: row 0 the case's own vector (title and summary),
    rows 1.. one per passage in `passages` order; None while the case is not embedded.
    `broader` holds concepts linked only as broader concepts of a linked one.
    """

    case: Node
    passages: tuple[Passage, ...]
    links: tuple[Link, ...]
    broader: tuple[Link, ...] = ()
    vectors: npt.NDArray[np.float32] | None = None

    @property
    def id(self) -> str:
        """The case id."""
        return self.case.id

    @property
    def is_embedded(self) -> bool:
        """Whether the case can be found by meaning (its passages have vectors)."""
        return self.vectors is not None


def sentences(text: str) -> list[str]:
    """The sentences of a text, each stripped and cut to `MAX_PASSAGE_CHARS`.

    >>> sentences("Barn behöver hjälp. De ringer!  Ingen svarar? ")
    ['Barn behöver hjälp.', 'De ringer!', 'Ingen svarar?']
    """
    pieces = (piece.strip() for piece in _SENTENCE_END.split(" ".join(text.split())))
    return [_cut(piece) for piece in pieces if piece]


def _cut(text: str, limit: int = MAX_PASSAGE_CHARS) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    return head.rsplit(" ", 1)[0] if " " in head else head


def case_passages(case: Node, needs: Sequence[Node]) -> list[Passage]:
    """The texts to embed for a case: its title, each sentence of its summary, each need (ordered by id)."""
    passages = [Passage(_cut(case.label), PassageKind.TITLE, case.id)]
    summary = case.props.get("summary")
    if isinstance(summary, str):
        passages += [Passage(text, PassageKind.SUMMARY, case.id) for text in sentences(summary)]
    for need in sorted(needs, key=lambda node: node.id):
        text = need.props.get("text")
        if isinstance(text, str) and text.strip():
            passages.append(Passage(_cut(" ".join(text.split())), PassageKind.NEED, need.id))
    return passages


def own_text(case: Node) -> str:
    """The text of a case's own vector (row 0): title and summary."""
    summary = case.props.get("summary")
    text = f"{case.label}. {' '.join(summary.split())}" if isinstance(summary, str) and summary.strip() else case.label
    return _cut(text, MAX_OWN_CHARS)


def texts_hash(texts: Sequence[str]) -> str:
    """A hash of a sequence of texts."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode() + b"\x00")
    return digest.hexdigest()[:32]


def passages_hash(own: str, passages: Sequence[Passage]) -> str:
    """A hash of everything embedded for a node; stored vectors with another hash are stale."""
    return texts_hash([own, *(passage.text for passage in passages)])


DERIVED_CACHE = 20_000
"""Documents whose derived values (lemmas, title terms) are kept between queries, per kind."""

_DERIVED: dict[str, OrderedDict[str, tuple[CaseDoc, object]]] = {}
_DERIVED_LOCK = threading.Lock()


def derived(kind: str, doc: CaseDoc, compute: Callable[[CaseDoc], _T]) -> _T:
    """`compute(doc)`, computed once per document object and kept for the `DERIVED_CACHE` latest documents.

    The source hands out the same `CaseDoc` until the case changes, so identity is the key:
    a changed case is a new object and gets its values computed afresh.
    """
    with _DERIVED_LOCK:
        cache = _DERIVED.setdefault(kind, OrderedDict())
        found = cache.get(doc.id)
        if found is not None and found[0] is doc:
            cache.move_to_end(doc.id)
            return found[1]  # type: ignore[return-value]
    value = compute(doc)
    with _DERIVED_LOCK:
        cache[doc.id] = (doc, value)
        while len(cache) > DERIVED_CACHE:
            cache.popitem(last=False)
    return value
