"""Words of a text as the ranking reads them: language, lemmas, stop words and background rarity.

All of it comes from maintained libraries: lingua tells Swedish, Danish, bokmål, nynorsk and
English apart; simplemma lemmatises; stopwordsiso has the stop words; wordfreq gives how common
a word is in everyday text of its language (Zipf scale: 7 is "och", 3 is a word met once a day
in a newspaper). Common words weigh nothing, so "tid", "gjøre" or "ring" never decide a match.

Lemmas are folded so that Scandinavian spellings meet (ø/ö -> o, æ/ä -> a, å and aa -> a).
What a word becomes (folded lemma and weight) is kept between processes in the lexicon
(`graph.ranking.lexicon`), so a process loads a language's dictionary only for words never read before.

Examples
--------
>>> detect_language("Ensomhed blandt ældre borgere i kommunen")
'da'
>>> detect_language("Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande")
'nn'
>>> [(term.key, round(term.weight, 1)) for term in terms("Snöröjningen av gångvägarna tar tid", "sv")]
[('snorojning', 1.9), ('gangvag', 2.1), ('tid', 0.0)]
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import stopwordsiso

from graph.model import LANGUAGES
from graph.ranking.lexicon import lexicon

__all__ = [
    "COMMON_ZIPF",
    "KNOWN_WORDS",
    "LANGUAGES",
    "LONG_TEXT",
    "MAX_RARITY",
    "Term",
    "base_forms",
    "detect_language",
    "fold",
    "is_stop_word",
    "lemmas",
    "rarity",
    "terms",
    "warm_detectors",
    "warm_languages",
    "words",
]

DEFAULT_LANGUAGE = "sv"
COMMON_ZIPF = 5.0
"""Words at least this common (Zipf) weigh nothing."""
MAX_RARITY = 4.0
"""The weight of a word wordfreq has never seen (names, local terms)."""
MIN_WORD_LENGTH = 3
_STOP_LISTS = {"sv": "sv", "nb": "no", "nn": "no", "da": "da", "en": "en"}
_FREQUENCIES = {"sv": "sv", "nb": "nb", "nn": "nb", "da": "da", "en": "en"}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_FOLD = str.maketrans({"ø": "o", "ö": "o", "æ": "a", "ä": "a", "å": "a", "é": "e", "ü": "u"})

_DETECTOR_LOCK = threading.Lock()
LONG_TEXT = 160
"""Texts at least this many characters long are told apart by lingua's low-accuracy mode (trigrams only:
its models load in tens of milliseconds, the full ones in over a second). On the 591 texts of at least
160 characters in the evaluation sets and samples both modes name the same language; shorter texts
(names, titles) get the full detector, loaded on first use."""


@lru_cache(maxsize=2)
def _detector(is_long: bool):  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    languages = {
        Language.SWEDISH: "sv",
        Language.BOKMAL: "nb",
        Language.NYNORSK: "nn",
        Language.DANISH: "da",
        Language.ENGLISH: "en",
    }
    builder = LanguageDetectorBuilder.from_languages(*languages)
    builder = builder.with_low_accuracy_mode() if is_long else builder.with_preloaded_language_models()
    return builder.build(), languages


def warm_detectors() -> None:
    """Load both language detectors now (a short problem needs the full one, over a second to load)."""
    with _DETECTOR_LOCK:
        _detector(True)
        _detector(False)


def warm_languages() -> None:
    """Load both detectors and every language's lemmatiser, stop words and word frequencies now.

    A server does so right after it says ready, so that later queries do not wait for them (a
    word the lexicon has not met needs its language's dictionary, about a second to load).
    """
    warm_detectors()
    for lang in LANGUAGES:
        _stop_words(lang)
        _read_word("skola", lang)


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """The language of `text` among sv, nb, nn, da and en; `default` when lingua cannot tell."""
    if not _WORD.search(text):
        return default
    with _DETECTOR_LOCK:
        detector, codes = _detector(len(text) >= LONG_TEXT)
        found = detector.detect_language_of(text)
    return codes[found] if found is not None else default


def fold(word: str) -> str:
    """Fold Scandinavian letters so spellings meet: `rådgivning` -> `radgivning`, `aa` -> `a`."""
    return word.translate(_FOLD).replace("aa", "a")


def words(text: str) -> list[str]:
    """Lower-cased words (letters and inner hyphens), NFC-normalised."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


@lru_cache(maxsize=16)
def _stop_words(lang: str) -> frozenset[str]:
    return frozenset(stopwordsiso.stopwords(_STOP_LISTS[lang]))


def is_stop_word(word: str, lang: str) -> bool:
    """Whether `word` (lower-cased) is a stop word of `lang` by stopwordsiso."""
    return word in _stop_words(lang if lang in _STOP_LISTS else DEFAULT_LANGUAGE)


@dataclass(frozen=True, slots=True)
class Term:
    """A content word of a text: as written, its folded lemma (what matches) and its weight (rarity)."""

    word: str
    key: str
    weight: float


KNOWN_WORDS = 500_000
"""Words kept in the process (with their lemma and weight) before the memory is emptied."""
_KNOWN: dict[tuple[str, str], tuple[str, float]] = {}


def _read_word(lower: str, lang: str) -> tuple[str, float]:
    import simplemma  # imported on first use: a process whose words are all in the lexicon never needs it

    lemma = simplemma.lemmatize(lower, lang=lang).casefold()
    return fold(lemma), min(rarity(lower, lang), rarity(lemma, lang))


def _read_words(lowers: list[str], lang: str) -> dict[str, tuple[str, float]]:
    """(folded lemma, weight) of each word: from memory, then the lexicon, and only then read."""
    found: dict[str, tuple[str, float]] = {}
    missing = []
    for lower in lowers:
        known = _KNOWN.get((lower, lang))
        if known is None:
            missing.append(lower)
        else:
            found[lower] = known
    if missing:
        kept = lexicon()
        read = kept.read(lang, missing) if kept is not None else {}
        new = {lower: _read_word(lower, lang) for lower in missing if lower not in read}
        if kept is not None:
            kept.write(lang, new)
        read.update(new)
        if len(_KNOWN) + len(read) > KNOWN_WORDS:
            _KNOWN.clear()
        _KNOWN.update(((lower, lang), value) for lower, value in read.items())
        found.update(read)
    return found


def terms(text: str, lang: str | None = None) -> list[Term]:
    """The content words of `text` in order: no stop words, at least three letters (language detected when None)."""
    lang = lang if lang in LANGUAGES else detect_language(text)
    content = []
    for match in _WORD.finditer(unicodedata.normalize("NFC", text)):
        word = match.group()
        lower = word.casefold()
        if len(lower) >= MIN_WORD_LENGTH and not is_stop_word(lower, lang):
            content.append((word, lower))
    read = _read_words(list(dict.fromkeys(lower for _, lower in content)), lang)
    return [Term(word, *read[lower]) for word, lower in content]


def lemmas(text: str, lang: str | None = None) -> list[str]:
    """The folded lemmas of the content words of `text`, in order."""
    return [term.key for term in terms(text, lang)]


@lru_cache(maxsize=200_000)
def _base_form(lower: str, lang: str) -> str:
    import simplemma

    return fold(simplemma.lemmatize(lower, lang=lang, greedy=True).casefold())


def base_forms(text: str, lang: str | None = None) -> list[str]:
    """Like `lemmas`, but words the dictionary lacks are reduced too ("medskapar", "medskapande" -> "medskapa").

    For finding vocabulary names in free text, where a missed inflection costs more than a loose match.
    """
    lang = lang if lang in LANGUAGES else detect_language(text)
    return [_base_form(term.word.casefold(), lang) for term in terms(text, lang)]


@lru_cache(maxsize=200_000)
def rarity(word: str, lang: str) -> float:
    """How much a word weighs: 0 for words at least `COMMON_ZIPF` common, up to `MAX_RARITY` for unseen ones."""
    import wordfreq  # imported on first use, as simplemma is

    zipf = wordfreq.zipf_frequency(word, _FREQUENCIES.get(lang, DEFAULT_LANGUAGE))
    return max(0.0, min(MAX_RARITY, COMMON_ZIPF - zipf))
