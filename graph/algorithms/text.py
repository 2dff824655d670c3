"""Text analysis for Scandinavian and English: language guess, stop words, stemming, folding.

Every text becomes a list of terms: words are lower-cased, stop words dropped,
stemmed with the Snowball stemmer of the text's language, then folded so that
Swedish, Norwegian and Danish spellings meet (ö/ø -> o, ä/æ -> a, å and aa -> a).

Examples
--------
>>> guess_language("Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande")
'nn'
>>> guess_language("Barnen ska bli lyssnade på när de placeras i familjehem")
'sv'
>>> analyse("Elevene trenger rådgivning", "nb") == analyse("Eleverna behöver rådgivning", "sv")
False
>>> analyse("rådgivning", "nb") == analyse("rådgivning", "sv")
True
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Container
from functools import lru_cache

import snowballstemmer

__all__ = ["STEMMERS", "analyse", "compound_parts", "fold_term", "glued", "guess_language", "tokens"]

STEMMERS = {"sv": "swedish", "nb": "norwegian", "nn": "norwegian", "da": "danish", "en": "english"}

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)

# Short function-word lists: enough to drop the glue of a sentence and to tell the languages apart.
STOP_WORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(
        "och i att det som en på är av för med till den har de inte om ett var jag men så vi kan man ska "
        "från eller när hur vad alla sin sina sitt där här också bara mycket efter under mot vid nu då "
        "dem deras vår våra vårt oss blir blev bli ha hade skulle vill även utan många flera andra annat "
        "detta dessa denna sig sedan innan mellan själva varandra än eftersom genom inom hos dig du hon han "
        "ni er ert era något några någon inga ingen vilka vilken vilket få fler lite måste mer hela helt ofta igen "
        "sådan sådana".split()
    ),
    "nb": frozenset(
        "og i at det som en på er av for med til den har de ikke om et var jeg men så vi kan man skal "
        "fra eller når hvordan hva alle sin sine sitt der her også bare mye etter under mot ved nå da "
        "dem deres vår våre vårt oss blir ble bli ha hadde skulle vil uten mange flere andre annet "
        "dette disse denne seg siden før mellom selv hverandre enn fordi gjennom innen hos deg du hun han "
        "dere noe noen ingen hvilke hvilken hvilket få flere lite litt må mer hele helt ofte igjen slik sånn".split()
    ),
    "nn": frozenset(
        "og i at det som ein eit på er av for med til den har dei ikkje om var eg men så vi kan ein skal "
        "frå eller når korleis kva alle sin sine sitt der her òg også berre mykje etter under mot ved no då "
        "deira vår våre vårt oss blir vert vart bli ha hadde skulle vil utan mange fleire andre anna "
        "dette desse denne seg sidan før mellom sjølv kvarandre enn fordi gjennom innan hos deg du ho han "
        "de noko nokon ingen få fleire lite litt må meir heile heilt ofte igjen slik".split()
    ),
    "da": frozenset(
        "og i at det som en på er af for med til den har de ikke om et var jeg men så vi kan man skal "
        "fra eller når hvordan hvad alle sin sine sit der her også bare meget efter under mod ved nu da "
        "dem deres vores os bliver blev blive have havde skulle vil uden mange flere andre andet "
        "dette disse denne sig siden før mellem selv hinanden end fordi gennem inden hos dig du hun han "
        "I noget nogen ingen hvilke hvilken hvilket få flere lidt må mere hele helt ofte igen sådan".split()
    ),
    "en": frozenset(
        "and in that it which a an on is are of for with to the has have they not if was were i but so we "
        "can one shall from or when how what all his her its there here also only much after under against "
        "by now then them their our us become became be had would will without many more other this these "
        "those between self each than because through within at you she he it's who whom".split()
    ),
}

_FOLD = str.maketrans({"ø": "o", "ö": "o", "æ": "a", "ä": "a", "å": "a", "é": "e", "ü": "u"})


def tokens(text: str) -> list[str]:
    """Lower-case words (letters and inner hyphens), NFC-normalised."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def guess_language(text: str, default: str = "sv") -> str:
    """The language whose stop words cover most of the text; ties and empty texts give `default`.

    Distinctive spellings break ties between the close Scandinavian languages.
    """
    words = tokens(text)
    if not words:
        return default
    scores = {lang: sum(word in stop for word in words) for lang, stop in STOP_WORDS.items()}
    joined = " ".join(words)
    scores["nn"] += 2 * len(re.findall(r"\b(ikkje|eg|korleis|kva|frå|berre|mykje|vart|dei|ein|eit|vidaregåande|elevane)\b", joined))
    scores["nb"] += len(re.findall(r"\b(ikke|jeg|hvordan|hva|fra|bare|mye|ble|elevene|videregående)\b", joined))
    scores["sv"] += len(re.findall(r"[äö]|\b(inte|och|jag|hur|vad|från|bara|mycket)\b", joined))
    scores["da"] += len(re.findall(r"\b(af|hvad|meget|blive|uden|mellem|nogen|nogle|gennem|gerne)\b|\w{3}erne\b", joined))
    scores["nb"] += len(re.findall(r"\w{3}ene\b", joined))
    scores["sv"] += len(re.findall(r"\w{3}erna\b", joined))
    best = max(scores.values())
    if best == 0:
        return default
    return next(lang for lang in (default, *STOP_WORDS) if scores[lang] == best)


def fold_term(term: str) -> str:
    """Fold a stemmed term so Scandinavian spellings meet: `rådgivning` -> `radgivning`, `aa` -> `a`."""
    return term.translate(_FOLD).replace("aa", "a")


_LOCAL = threading.local()


def _stemmer(lang: str) -> snowballstemmer.stemmer:
    """This thread's stemmer for `lang` (Snowball stemmers keep state, so threads must not share one)."""
    stemmers: dict[str, snowballstemmer.stemmer] = _LOCAL.__dict__.setdefault("stemmers", {})
    if lang not in stemmers:
        stemmers[lang] = snowballstemmer.stemmer(STEMMERS.get(lang, "swedish"))
    return stemmers[lang]


@lru_cache(maxsize=200_000)
def _stem(word: str, lang: str) -> str:
    return fold_term(_stemmer(lang).stemWord(word))


def analyse(text: str, lang: str | None = None) -> list[str]:
    """The terms of `text`: words without stop words, stemmed in `lang` (guessed when None) and folded."""
    lang = lang if lang in STEMMERS else guess_language(text)
    stop = STOP_WORDS[lang]
    return [_stem(word, lang) for word in tokens(text) if word not in stop and len(word) > 2]


def glued(text: str, lang: str | None = None) -> list[tuple[str, bool]]:
    """Every word of `text` as (term, is glue): glue words are the stop words and words of one or two letters.

    Phrases such as "faller fra" or "hoppar av" keep their meaning only with the glue word:

    >>> glued("Elevene faller fra", "nb")
    [('elev', False), ('fall', False), ('fra', True)]
    """
    lang = lang if lang in STEMMERS else guess_language(text)
    stop = STOP_WORDS[lang]
    return [
        (fold_term(word), True) if word in stop or len(word) <= 2 else (_stem(word, lang), False)
        for word in tokens(text)
    ]


def compound_parts(term: str, lexicon: Container[str], *, shortest: int = 4) -> tuple[str, str] | None:
    """Split a compound term into two terms of the lexicon, longest head first, allowing a linking s or e.

    >>> compound_parts("skolnarvaro", {"skol", "narvaro"})
    ('skol', 'narvaro')
    >>> compound_parts("barneverntjenest", {"barn", "barnevern", "tjenest"})
    ('barnevern', 'tjenest')
    >>> compound_parts("arbetssokand", {"arbet", "sokand"})
    ('arbet', 'sokand')
    >>> compound_parts("ungdomm", {"ung", "domm"}) is None
    True
    """
    for cut in range(len(term) - shortest, shortest - 1, -1):
        head, tail = term[:cut], term[cut:]
        if tail not in lexicon:
            continue
        if head in lexicon:
            return head, tail
        if head[-1] in "se" and head[:-1] in lexicon and len(head) > shortest:
            return head[:-1], tail
    return None
