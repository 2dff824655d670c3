"""Reasons and confidence in the reader's language (sv, nb, nn, da, en), written once for the CLI, GraphQL and pages.

Examples
--------
>>> from graph.ranking.reasons import Reason, ReasonKind
>>> explain(Reason(ReasonKind.TARGET_GROUP, "Äldre", 0.2, is_inferred=True), "sv")
'Målgrupp: Äldre (härledd)'
>>> explain(Reason(ReasonKind.SENTENCE, "Vi ringde alla.", 0.5, problem_part="Ingen svarar"), "en")
'“Vi ringde alla.” — matches “Ingen svarar”'
>>> no_match_message("da")
'Ingen tidligere sag matcher dette godt; de nærmeste er:'
"""

from __future__ import annotations

from graph.ranking.language import LANGUAGES
from graph.ranking.reasons import Reason, ReasonKind

__all__ = ["CONFIDENCE_LABELS", "KIND_LABELS", "detail", "explain", "kind_label", "language_of", "no_match_message"]

DEFAULT_LANGUAGE = "en"

KIND_LABELS: dict[ReasonKind, dict[str, str]] = {
    ReasonKind.SENTENCE: {"sv": "Samma sak", "nb": "Det samme", "nn": "Det same", "da": "Det samme", "en": "Says the same"},
    ReasonKind.WORDS: {"sv": "Samma ovanliga ord", "nb": "Samme sjeldne ord", "nn": "Same sjeldne ord",
                       "da": "Samme sjældne ord", "en": "Same uncommon words"},
    ReasonKind.TITLE: {"sv": "Titeln", "nb": "Tittelen", "nn": "Tittelen", "da": "Titlen", "en": "The title"},
    ReasonKind.TARGET_GROUP: {"sv": "Målgrupp", "nb": "Målgruppe", "nn": "Målgruppe", "da": "Målgruppe", "en": "Target group"},
    ReasonKind.TOPIC: {"sv": "Ämne", "nb": "Tema", "nn": "Tema", "da": "Emne", "en": "Topic"},
    ReasonKind.METHOD: {"sv": "Metod", "nb": "Metode", "nn": "Metode", "da": "Metode", "en": "Method"},
    ReasonKind.ORGANISATION: {"sv": "Samma organisation", "nb": "Samme organisasjon", "nn": "Same organisasjon",
                              "da": "Samme organisation", "en": "Same organisation"},
}
_MATCHES = {"sv": "svarar mot", "nb": "svarer til", "nn": "svarar til", "da": "svarer til", "en": "matches"}
_INFERRED = {"sv": "härledd", "nb": "utledet", "nn": "utleidd", "da": "udledt", "en": "inferred"}
_NO_MATCH = {
    "sv": "Inget tidigare fall matchar det här väl; de närmaste är:",
    "nb": "Ingen tidligere sak passer godt med dette; de nærmeste er:",
    "nn": "Ingen tidlegare sak passar godt med dette; dei nærmaste er:",
    "da": "Ingen tidligere sag matcher dette godt; de nærmeste er:",
    "en": "No earlier case matches this well; the closest are:",
}
CONFIDENCE_LABELS: dict[str, dict[str, str]] = {
    "strong": {"sv": "stark träff", "nb": "sterkt treff", "nn": "sterkt treff", "da": "stærkt match", "en": "strong match"},
    "possible": {"sv": "möjlig träff", "nb": "mulig treff", "nn": "mogleg treff", "da": "muligt match", "en": "possible match"},
    "weak": {"sv": "svag träff", "nb": "svakt treff", "nn": "svakt treff", "da": "svagt match", "en": "weak match"},
}


def language_of(lang: str | None) -> str:
    """`lang` when we write it, else English."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def kind_label(kind: ReasonKind, lang: str | None) -> str:
    """The name of a reason kind."""
    return KIND_LABELS[kind][language_of(lang)]


def detail(reason: Reason, lang: str | None) -> str:
    """What a reason names: the quoted sentence pair, or the label (marked when inferred)."""
    lang = language_of(lang)
    if reason.kind is ReasonKind.SENTENCE:
        text = f"“{reason.label}”"
        return f"{text} — {_MATCHES[lang]} “{reason.problem_part}”" if reason.problem_part else text
    return f"{reason.label} ({_INFERRED[lang]})" if reason.is_inferred else reason.label


def explain(reason: Reason, lang: str | None) -> str:
    """One reason as a line a planner reads: the sentence pair, or the kind and what it names."""
    if reason.kind is ReasonKind.SENTENCE:
        return detail(reason, lang)
    return f"{kind_label(reason.kind, lang)}: {detail(reason, lang)}"


def no_match_message(lang: str | None) -> str:
    """What is said when no case matches strongly."""
    return _NO_MATCH[language_of(lang)]
