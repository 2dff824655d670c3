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

from graph.model import NodeType

__all__ = ["CASE_ID_PATTERN", "fold", "node_id", "normalise_name", "slugify", "transliterate"]

CASE_ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")
"""A case id is a lowercase ascii slug of at most 120 characters."""

_MAX_SLUG = 80
_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_SPELLED_OUT = str.maketrans({"å": "aa", "ä": "ae", "ö": "oe", "ø": "oe", "æ": "ae", "ü": "ue", "ß": "ss"})
_NORDIC = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ŋ": "n", "ł": "l"})


def normalise_name(name: str) -> str:
    """Case-fold, unify dashes and quotes, collapse white space: the form names are compared in."""
    text = unicodedata.normalize("NFC", name).translate(_DASHES).replace("’", "'")
    return _SPACES.sub(" ", text).strip().casefold()


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
    """An ascii slug of `text`, at most 80 characters, cut at a word boundary."""
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text)).strip("-")
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0]
    return slug or "x"


def node_id(node_type: NodeType, name: str) -> str:
    """The stable id of a non-case node named `name`.

    Long names (needs are sentences) are cut and given a short content hash so that
    two different long texts never share an id.
    """
    if node_type is NodeType.CASE:
        raise ValueError("a case keeps the id its file gives")
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(name)).strip("-") or "x"
    if len(slug) > _MAX_SLUG:
        digest = hashlib.sha256(normalise_name(name).encode()).hexdigest()[:10]
        slug = f"{slugify(slug)}-{digest}"
    return f"{node_type.prefix}:{slug}"
