"""Deterministic ids and name normalisation.

A case keeps the id its file gives. Every other node gets its id from its type and
its normalised name, so the same name always meets the same node and re-ingesting
the same files changes nothing.

Examples
--------
>>> normalise_name("  Sveriges Kommuner och Landsting (SKL) ")
'sveriges kommuner och landsting (skl)'
>>> fold("Trøndelag fylkeskommune – Grünerløkka")
'trondelag fylkeskommune - grunerlokka'
>>> node_id(NodeType.ORGANISATION, "Novari IKS")
'organisation:novari-iks'
>>> node_id(NodeType.ORGANISATION, "Håbo kommun"), node_id(NodeType.ORGANISATION, "Habo kommun")
('organisation:haabo-kommun', 'organisation:habo-kommun')
>>> node_id(NodeType.NEED, "Elevene trenger " + "informasjon " * 20).startswith("need:elevene-trenger-informasjon")
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from graph.model import NodeType

__all__ = ["CASE_ID_PATTERN", "NAME_FORMS", "distinct_node_id", "fold", "node_id", "normalise_name", "slugify", "transliterate"]

CASE_ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")
"""A case id is a lowercase ascii slug of at most 120 characters."""

_MAX_SLUG = 80
_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_SPELLED_OUT = str.maketrans({"å": "aa", "ä": "ae", "ö": "oe", "ø": "oe", "æ": "ae", "ü": "ue", "ß": "ss"})
_NORDIC = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ŋ": "n", "ł": "l"})
NAME_FORMS = 200_000
"""Normalised and folded forms kept per process: resolving a batch asks for the same names again and again."""


@lru_cache(maxsize=NAME_FORMS)
def normalise_name(name: str) -> str:
    """Case-fold, unify dashes and quotes, collapse white space: the form names are compared in."""
    text = unicodedata.normalize("NFC", name).translate(_DASHES).replace("’", "'")
    return _SPACES.sub(" ", text).strip().casefold()


@lru_cache(maxsize=NAME_FORMS)
def fold(text: str) -> str:
    """Normalise and strip diacritics so å/aa-free spellings meet: `Grünerløkka` -> `grunerlokka`."""
    decomposed = unicodedata.normalize("NFKD", normalise_name(text).translate(_NORDIC))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def transliterate(text: str) -> str:
    """Normalise and spell Nordic letters out in ascii (å -> aa, ø -> oe): distinct names stay distinct.

    Ids are made from this form, so Håbo and Habo, two Swedish municipalities, get two ids.
    """
    return fold(normalise_name(text).translate(_SPELLED_OUT))


def slugify(text: str) -> str:
    """An ascii slug of `text`, unique to its normalised form.

    Letters and digits that have no ascii spelling (Cyrillic, Greek, CJK ...) and text
    cut to 80 characters are replaced by a short hash of the normalised name, so two
    distinct names never share a slug:

    >>> slugify("Министерство") != slugify("Агентство")
    True
    >>> slugify("Novari IKS")
    'novari-iks'
    """
    spelled = transliterate(text)
    slug = re.sub(r"[^a-z0-9]+", "-", spelled).strip("-")
    is_lossy = any(ch.isalnum() and not ch.isascii() for ch in spelled)
    if not is_lossy and slug and len(slug) <= _MAX_SLUG:
        return slug
    digest = _digest(text)
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0]
    return f"{slug}-{digest}" if slug else digest


def _digest(text: str) -> str:
    return hashlib.sha256(normalise_name(text).encode()).hexdigest()[:10]


def node_id(node_type: NodeType, name: str) -> str:
    """The stable id of a non-case node named `name` (see `slugify`).

    Long names (needs are sentences) are cut and given a short content hash so that
    two different long texts never share an id.
    """
    if node_type is NodeType.CASE:
        raise ValueError("a case keeps the id its file gives")
    return f"{node_type.prefix}:{slugify(name)}"


def distinct_node_id(node_type: NodeType, name: str) -> str:
    """The id for `name` when `node_id` already belongs to a node of another name.

    "Novari IKS" and "Novari (IKS)" share a slug; the second one seen gets the hash
    of its normalised name appended, so neither overwrites the other.

    >>> distinct_node_id(NodeType.ORGANISATION, "Novari (IKS)")
    'organisation:novari-iks-707c9f8dcd'
    """
    base = node_id(node_type, name)
    digest = _digest(name)
    return base if base.endswith(digest) else f"{base}-{digest}"
