"""Names that mix scripts in one word, such as a Cyrillic "а" in a Latin name: possible lookalikes.

`lookalike_message` is what the resolver calls before it creates a node for a new
name; `latin_skeleton` maps the Cyrillic and Greek letters that look like Latin ones
to those, so the message can name the existing body the name imitates.

Examples
--------
>>> mixed_script_words("Malmö st\\u0430d")
['stаd']
>>> mixed_script_words("Sámediggi Москва")
[]
>>> latin_skeleton("Malmö st\\u0430d")
'Malmö stad'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

__all__ = ["CONFUSABLES", "latin_skeleton", "lookalike_message", "mixed_script_words", "script_of"]

CONFUSABLES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеѕіјорсхуԁһԛԝӏ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοντ",  # Greek
    "ABESIJKMHOPCTXYaesijopcxydhqwl"
    "ABEZHIKMNOPTYXovt",
)
"""Cyrillic and Greek letters drawn like Latin ones, and the Latin letter each imitates."""

_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN", "CHEROKEE")


def script_of(char: str) -> str | None:
    """The script of a letter among those with Latin lookalikes (from its Unicode name), else None."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return next((script for script in _SCRIPTS if name.startswith(script)), None)


def mixed_script_words(name: str) -> list[str]:
    """The words of `name` whose letters come from more than one script."""
    mixed = []
    for word in name.split():
        scripts = {script for char in word if (script := script_of(char)) is not None}
        if len(scripts) > 1:
            mixed.append(word)
    return mixed


def latin_skeleton(name: str) -> str:
    """`name` with Cyrillic and Greek lookalike letters replaced by the Latin ones they imitate."""
    return name.translate(CONFUSABLES)


def lookalike_message(name: str, existing: Callable[[str], Iterable[str]]) -> str | None:
    """Why `name` may be a lookalike, or None: its words mixing scripts and the existing names it imitates.

    `existing(text)` gives the names of known nodes that `text` meets.

    >>> lookalike_message("Malm\u00f6 st\u0430d", lambda text: ["Malm\u00f6 stad"] if text == "Malm\u00f6 stad" else [])
    "mixes letters of several scripts in 'stаd'; it looks like the existing 'Malmö stad'"
    """
    words = mixed_script_words(name)
    if not words:
        return None
    message = f"mixes letters of several scripts in {', '.join(repr(word) for word in words)}"
    imitated = sorted(set(existing(latin_skeleton(name))))
    if imitated:
        message += f"; it looks like the existing {', '.join(repr(other) for other in imitated)}"
    return message
