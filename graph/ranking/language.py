"""Words of a text as the ranking reads them: language, lemmas, stop words and background rarity.

All of it comes from maintained libraries: lingua tells Swedish, Danish, bokmål, nynorsk and
English apart; simplemma lemmatises; stopwordsiso has the stop words; wordfreq gives how common
a word is in everyday text of its language (Zipf scale: 7 is "och", 3 is a word met once a day
in a newspaper). Common words weigh nothing, so "tid", "gjøre" or "ring" never decide a match.

Lemmas are folded so that Scandinavian spellings meet (ø/ö -> o, æ/ä -> a, å and aa -> a).

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

import simplemma
import stopwordsiso
import wordfreq

__all__ = [
    "COMMON_ZIPF",
    "LANGUAGES",
    "MAX_RARITY",
    "Term",
    "detect_language",
    "fold",
    "is_stop_word",
    "lemmas",
    "rarity",
    "terms",
    "words",
]

LANGUAGES = ("sv", "nb", "nn", "da", "en")
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


@lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    languages = {
        Language.SWEDISH: "sv",
        Language.BOKMAL: "nb",
        Language.NYNORSK: "nn",
        Language.DANISH: "da",
        Language.ENGLISH: "en",
    }
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build(), languages


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """The language of `text` among sv, nb, nn, da and en; `default` when lingua cannot tell."""
    if not _WORD.search(text):
        return default
    with _DETECTOR_LOCK:
        detector, codes = _detector()
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


@lru_cache(maxsize=200_000)
def _term(lower: str, lang: str) -> tuple[str, float]:
    lemma = simplemma.lemmatize(lower, lang=lang).casefold()
    return fold(lemma), min(rarity(lower, lang), rarity(lemma, lang))


def terms(text: str, lang: str | None = None) -> list[Term]:
    """The content words of `text` in order: no stop words, at least three letters (language detected when None)."""
    lang = lang if lang in LANGUAGES else detect_language(text)
    found = []
    for match in _WORD.finditer(unicodedata.normalize("NFC", text)):
        word = match.group()
        lower = word.casefold()
        if len(lower) >= MIN_WORD_LENGTH and not is_stop_word(lower, lang):
            key, weight = _term(lower, lang)
            found.append(Term(word, key, weight))
    return found


def lemmas(text: str, lang: str | None = None) -> list[str]:
    """The folded lemmas of the content words of `text`, in order."""
    return [term.key for term in terms(text, lang)]


@lru_cache(maxsize=200_000)
def rarity(word: str, lang: str) -> float:
    """How much a word weighs: 0 for words at least `COMMON_ZIPF` common, up to `MAX_RARITY` for unseen ones."""
    zipf = wordfreq.zipf_frequency(word, _FREQUENCIES.get(lang, DEFAULT_LANGUAGE))
    return max(0.0, min(MAX_RARITY, COMMON_ZIPF - zipf))
