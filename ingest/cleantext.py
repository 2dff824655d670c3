"""Text that does not lie: Unicode NFC, and no invisible characters that reorder or hide what is shown.

Bidirectional controls (the "Trojan Source" class: U+202A-U+202E, U+2066-U+2069, the
marks U+200E, U+200F, U+061C) and zero-width characters (U+200B-U+200D, U+2060,
U+FEFF) make a title or a name read differently from what it is. Ids and names that
hold them are refused; free text (summaries, outcomes, needs) has them removed.

Examples
--------
>>> hidden_characters("Skola\\u202egnin")
['U+202E RIGHT-TO-LEFT OVERRIDE']
>>> strip_hidden("Elever\\u200b som slutter")
('Elever som slutter', 1)
>>> nfc("Malmo\\u0308") == "Malmö"
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["HIDDEN", "hidden_characters", "nfc", "strip_hidden"]

HIDDEN = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
"""Bidirectional controls and zero-width characters."""


def nfc(text: str) -> str:
    """`text` in Unicode normalisation form C (composed: "ö" as one code point)."""
    return unicodedata.normalize("NFC", text)


def hidden_characters(text: str) -> list[str]:
    """The distinct invisible characters in `text`, as `U+XXXX NAME`, in order of appearance."""
    found = dict.fromkeys(match.group() for match in HIDDEN.finditer(text))
    return [f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')}" for char in found]


def strip_hidden(text: str) -> tuple[str, int]:
    """`text` without its invisible characters, and how many were removed."""
    cleaned, count = HIDDEN.subn("", text)
    return cleaned, count
