"""Names of private persons in drafted text, and the text with each replaced by a placeholder.

Behovsgraf models organisations and roles, not people; articles name the people they quote
("…, säger Bo Henriksson, utredare på ESV"). A draft quotes sentences, so before it is
written every person name in its quotes, summary and needs is replaced with the
placeholder of the draft's language (`PLACEHOLDERS`).

No named-entity model for the Nordic languages installs from PyPI with its weights, so the
names are found by rules. A person name is a run of two to four capitalised words
(hyphenated given names and particles such as "von" and "af" included) that

- is no name the registers or the vocabulary know, does not begin a longer name they know
  ("Sveriges Kommuner och Regioner"), and holds no word that is a known place or body
  ("Presentation Bromölla") or a word of the publisher's name;
- is not made of common English words only ("The Service Design Award"; `COMMON_ENGLISH_ZIPF`);
- and stands where names stand. A strong cue is enough: a verb of saying up to
  `_SPEECH_WORDS` words before it or right after it ("säger", "sier", "says"), a role beside it
  ("Projektledaren …", "…, utredare på ESV", "… Projektledare") or an age ("(17)", ", 17 år").
  A weak cue counts only when no word of the run is common in the language
  (`COMMON_WORD_ZIPF`) or a known place: "från", "fra", "i", "(" and a known body after it, a
  picture caption ("Foto:", "f.v.") before it, "och"/"og" joining it to another such run, or a
  line of its own under a heading such as "Sidansvarig" or "Skrevet av:".

Once a full name is found, its given names and surnames alone (and with a genitive s) are
names too ("säger Nicolina"), as is a single unknown capitalised word after a verb of saying.

Examples
--------
>>> found = find_person_names(["– Det går, säger Bo Henriksson, utredare på ESV.", "Bo svarade."],
...                           is_known=lambda name: name == "ESV", lang="sv")
>>> sorted(found.names)
['Bo Henriksson']
>>> found.redact("Enligt Bo Henriksson och Bo är det så.", "sv")
('Enligt [namn] och [namn] är det så.', 2)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import wordfreq

from ingest.extract import split_sentences

__all__ = [
    "COMMON_ENGLISH_ZIPF",
    "COMMON_WORD_ZIPF",
    "PLACEHOLDERS",
    "REDACTION_NOTES",
    "PersonNames",
    "find_person_names",
    "redaction_note",
]

PLACEHOLDERS: Mapping[str, str] = {"sv": "[namn]", "nb": "[navn]", "nn": "[namn]", "da": "[navn]", "en": "[name]"}
"""What a person name is replaced with, in the draft's language."""

REDACTION_NOTES: Mapping[str, str] = {
    "sv": "Personnamn i citat och texter har ersatts med {placeholder} på {count} ställen: Behovsgraf beskriver "
    "organisationer och roller, inte personer.",
    "nb": "Personnavn i sitater og tekster er erstattet med {placeholder} på {count} steder: Behovsgraf beskriver "
    "organisasjoner og roller, ikke personer.",
    "nn": "Personnamn i sitat og tekstar er bytte ut med {placeholder} på {count} stader: Behovsgraf skildrar "
    "organisasjonar og roller, ikkje personar.",
    "da": "Personnavne i citater og tekster er erstattet med {placeholder} {count} steder: Behovsgraf beskriver "
    "organisationer og roller, ikke personer.",
    "en": "Person names in quotes and texts were replaced with {placeholder} in {count} places: Behovsgraf describes "
    "organisations and roles, not people.",
}
"""The line a draft opens with when names were replaced, in the draft's language."""

COMMON_ENGLISH_ZIPF = 4.5
"""A run whose every word is at least this frequent in English (wordfreq's Zipf scale: about once in 30,000
words) is an English title or phrase ("The Service Design Award", "Design Research Journal"), not a person;
Nordic given names and surnames mostly sit below it ("anne" 4.3, "nina" 3.9, "christensen" 3.2)."""

COMMON_WORD_ZIPF = 4.75
"""A run with a word at least this frequent in the text's language ("Norsk Vann", "Røde Kors", "Danske
Beredskaber") is taken for a person only beside a verb of saying or a role: the most frequent Nordic given names
and surnames sit just below it ("anne" 4.70, "bjørn" 4.69, "jonas" 4.64, "nilsson" and "karlsson" 4.53), while
adjectives and nouns that name bodies mostly sit above it."""
_FREQUENCIES = {"sv": "sv", "nb": "nb", "nn": "nb", "da": "da", "en": "en"}

_UPPER = "A-ZÅÄÖÆØÉÜÁÓÍ"
_LOWER = "a-zåäöæøéüáóíèçñß"
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_PARTICLE = r"(?:von|van|af|de|der|den|di|da|le|la)"
_ABBREVIATION = rf"[{_UPPER}][{_LOWER}]{{0,3}}\."
_CANDIDATE = re.compile(
    rf"(?<![\w-]){_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+|{_ABBREVIATION}\s+)?{_NAME_WORD}){{1,3}}(?![\w-])"
)
_SINGLE = re.compile(rf"(?<![\w-]){_NAME_WORD}(?![\w-])")
_SPEECH = re.compile(
    r"\b(?:säger|sa|sade|berättar|berättade|menar|förklarar|tycker|sier|sa|forteller|fortalte|forklarer|meiner|"
    r"seier|fortel|siger|sagde|fortæller|fortalte|forklarer|mener|says|said|explains|explained|tells|told)\b",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"^[\w-]*(?:ledare|ledaren|leder|lederen|leiar|leiaren|chef|chefen|sjef|sjefen|direktör|direktør|direktøren|"
    r"direktor|rådgiver|rådgiveren|rådgivare|rådgjevar|strateg|strategen|utredare|utredaren|utreder|ansvarig|"
    r"ansvarlig|ansvarlige|konsulent|konsulenten|koordinator|samordnare|fotograf|forskare|forsker|forskar|"
    r"professor|handläggare|saksbehandler|sakshandsamar|sekreterare|sekretær|ordförande|ordfører|formand|"
    r"medarbejder|forslagstiller|styrer|informatør|informatör|kommunikatör|kommunikatør|designer|jurist|rektor|"
    r"lärare|lærer|lærar|sjuksköterska|sykepleier|sygeplejerske|borgmester|politiker|manager|director|adviser|"
    r"advisor|officer|coordinator|researcher|photographer)$",
    re.IGNORECASE,
)
_AGE = re.compile(r"^\s*(?:,\s*\d{1,3}\s*(?:år|years?\b)|\(\d{1,3}\))")
_CAPTION = re.compile(
    r"(?:\b(?:foto|fotograf|photo|bild|bilde|billede)\s*:|\bf\.\s?v\.|\bt\.\s?v\.|\bfr(?:ån|a) v(?:änster|enstre)|\bfra venstre)",
    re.IGNORECASE,
)
_SPEECH_BEFORE = re.compile(_SPEECH.pattern + r"[\s,]*$", re.IGNORECASE)
_SPEECH_WORDS = 8
"""A verb of saying this many words or fewer before a run names its speaker ("fortæller chefen for X, Lene …")."""
_PASSES = 2
"""Rounds of taking runs that hold a part of a found name as names too ("Hanna Jerlmark" after "förklarar Hanna")."""
_BEFORE_BODY = re.compile(r"^\s*(?:,\s*)?(?:från|fra|frå|from|i|på|vid|ved|at|hos|\()\s*", re.IGNORECASE)
_CONJUNCTION = re.compile(r"^\s*(?:och|og|and|samt|&)\s*$", re.IGNORECASE)
_ROLE_WORDS = 4
"""A role this many words or fewer after a comma that follows a run is the run's apposition ("…, forsknings- och
utvecklingsstrateg på …")."""
_HEADING = re.compile(r"(?::\s*$)|(?:^\S*(?:ansvarig|ansvarlig|kontakt\w*|av|by)\s*:?\s*$)", re.IGNORECASE)
_BODY_WORDS = 6
"""The longest run of words after "från"/"fra" (or after a run) looked up as a known body."""


@dataclass(frozen=True, slots=True)
class PersonNames:
    """The person names of one document: full names, and the given names and surnames they are made of."""

    names: frozenset[str]
    parts: frozenset[str]

    def redact(self, text: str, lang: str) -> tuple[str, int]:
        """`text` with every name and name part (with or without a genitive s) replaced; the count of replacements."""
        if not self.names and not self.parts:
            return text, 0
        placeholder = PLACEHOLDERS.get(lang, PLACEHOLDERS["en"])
        alternatives = sorted({*self.names, *self.parts}, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(name) for name in alternatives) + r")(?:s|'s|’s)?(?![\w-])")
        return pattern.subn(placeholder, text)


@dataclass(frozen=True, slots=True)
class _Run:
    """A run of capitalised words that may be a person's name: where it stands, its words and its cues.

    A strong cue (a verb of saying, a role, an age) makes it a name; a weak one (a known body after
    "från"/"fra", a caption, a heading line, another name joined by "och") only when no word is common.
    """

    start: int
    end: int
    words: tuple[str, ...]
    is_strong: bool
    is_weak: bool

    @property
    def name(self) -> str:
        """The run as a name."""
        return " ".join(self.words)


def _is_joined(runs: Sequence[_Run], position: int, paragraph: str, plain: Sequence[bool]) -> bool:
    """Whether the run and a plain run before or after it are joined by a conjunction alone ("Elna Nilsson och …")."""
    pairs = ((position - 1, position), (position, position + 1))
    return any(
        0 <= left
        and right < len(runs)
        and plain[left]
        and plain[right]
        and bool(_CONJUNCTION.match(paragraph[runs[left].end : runs[right].start]))
        for left, right in pairs
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[\w-]+", text)


def _common_in_english(words: Sequence[str]) -> bool:
    return all(wordfreq.zipf_frequency(word.casefold(), "en") >= COMMON_ENGLISH_ZIPF for word in words)


def _has_common_word(words: Sequence[str], lang: str, known: Callable[[str], bool]) -> bool:
    """Whether a word of the run is a common word of `lang` or a known place or body ("Mark", "Bromölla")."""
    frequencies = _FREQUENCIES.get(lang, "en")
    return any(
        wordfreq.zipf_frequency(word.casefold(), frequencies) >= COMMON_WORD_ZIPF or known(word) or known(word.rstrip("s"))
        for word in words
    )


def _strip_roles(words: list[str]) -> tuple[list[str], bool, bool]:
    """The words before the first role word after the leading ones, and whether a role stood before or after them.

    "Projektledaren Jonas Gumbel" is Jonas Gumbel with a role before; in text run together from
    a contact box, "Malin Svanberg Projektledare Kontakta" is Malin Svanberg with a role after.
    """
    before = after = False
    while words and _ROLE.match(words[0]):
        words, before = words[1:], True
    role = next((position for position, word in enumerate(words) if _ROLE.match(word)), None)
    if role is not None:
        words, after = words[:role], True
    return words, before, after


def _has_known_body(text: str, is_known: Callable[[str], bool]) -> bool:
    """Whether a run of words opening `text` (up to `_BODY_WORDS`) is a known name."""
    words = _words(text)[:_BODY_WORDS]
    return any(is_known(" ".join(words[:length])) for length in range(len(words), 0, -1))


def _is_known_run(paragraph: str, start: int, words: Sequence[str], is_known: Callable[[str], bool]) -> bool:
    """Whether the run or a longer name it begins is a known name ("Sveriges Kommuner och Regioner")."""
    following = _words(paragraph[start:])[: len(words) + _BODY_WORDS]
    return any(is_known(" ".join(following[:length])) for length in range(len(following), len(words) - 1, -1))


def find_person_names(
    paragraphs: Sequence[str], *, is_known: Callable[[str], bool], lang: str, publisher: str | None = None
) -> PersonNames:
    """The person names in a document's `paragraphs` (see the module's rules).

    `is_known(name)` says whether the registers, the vocabulary or the store know a name
    (an organisation, a place, a method ...); `publisher` is the document's publisher, whose
    name's words are not names of persons either.
    """
    publisher_words = {word.casefold() for word in _words(publisher or "")}

    def known(name: str) -> bool:
        return name.casefold() in publisher_words or is_known(name)

    runs = [run for number in range(len(paragraphs)) for run in _runs(paragraphs, number, known, lang)]
    names = {run.name for run in runs if run.is_strong or (run.is_weak and not _has_common_word(run.words, lang, known))}
    spoken = set()
    for paragraph in paragraphs:
        for match in _SINGLE.finditer(paragraph):
            word, rest = match.group(), paragraph[match.end() :]
            if known(word) or _ROLE.match(word) or _common_in_english([word]):
                continue
            if _SPEECH_BEFORE.search(paragraph[: match.start()]) and not re.match(r"\s*[^\W\d_]", rest):
                spoken.add(word)
    parts: set[str] = set(spoken)
    for _ in range(_PASSES):
        parts = spoken | {part for name in names for part in name.split() if len(part) > 1 and not part.endswith(".") and not known(part)}
        names |= {run.name for run in runs if parts & set(run.words)}
    return PersonNames(frozenset(names), frozenset(parts))


def _runs(paragraphs: Sequence[str], number: int, known: Callable[[str], bool], lang: str) -> list[_Run]:
    """The runs of capitalised words of one paragraph that are no known name, with their cues.

    Two runs joined by "och"/"og" cue each other only when neither holds a common word: a name
    joined to a body ("Syddansk Universitet og Danske Beredskaber") is no evidence of a person.
    """
    paragraph = paragraphs[number]
    previous = paragraphs[number - 1].strip() if number else ""
    spans = split_sentences(paragraph) or [(0, len(paragraph))]
    found: list[_Run] = []
    for match in _CANDIDATE.finditer(paragraph):
        words, role_before, role_after = _strip_roles(match.group().split())
        if len(words) < 2 or words[-1].endswith(".") or _common_in_english(words):
            continue
        offset = match.start() + match.group().index(words[0])
        if _is_known_run(paragraph, offset, words, known):
            continue
        start = next((begin for begin, stop in spans if begin <= offset < stop), 0)
        end = next((stop for begin, stop in spans if begin < match.end() <= stop), len(paragraph))
        opening, after = paragraph[start:offset], paragraph[match.end() : end]
        is_strong = (
            role_before
            or role_after
            or bool(_SPEECH.search(" ".join(_words(opening)[-_SPEECH_WORDS:])))
            or bool(_words(after) and _SPEECH.match(_words(after)[0]))
            or bool(after.lstrip().startswith(",") and any(_ROLE.match(word) for word in _words(after)[:_ROLE_WORDS]))
            or bool(_AGE.match(after))
        )
        body = _BEFORE_BODY.match(after)
        is_weak = (
            bool(body and _has_known_body(after[body.end() :], known))
            or bool(_CAPTION.search(paragraph[:offset]))
            or (paragraph.strip(" •·*-–") == match.group() and bool(_HEADING.search(previous)))
        )
        found.append(_Run(offset, match.end(), tuple(words), is_strong, is_weak))
    plain = [not _has_common_word(run.words, lang, known) for run in found]
    for position, run in enumerate(found):
        if _is_joined(found, position, paragraph, plain):
            found[position] = replace(run, is_weak=True)
    return found


def redaction_note(count: int, lang: str) -> str:
    """The note a draft carries when `count` names were replaced, in `lang` (English for other languages)."""
    lang = lang if lang in REDACTION_NOTES else "en"
    return REDACTION_NOTES[lang].format(placeholder=PLACEHOLDERS[lang], count=count)
