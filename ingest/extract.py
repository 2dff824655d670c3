"""Find the facts of a case in an article's text, each with the sentence it came from and where.

Names are found by looking every run of up to `MAX_WORDS` words up in the same alias
index ingest resolves names with (registries, vocabulary, the store), first as written,
then stemmed, so "intervjuerna" finds Intervjuer. Organisations that no register knows
are found by the shape of Nordic public bodies ("Borlänge kommun", "Region Skåne") and
marked unconfirmed. Need statements are sentences that state a need or a goal, ranked
by how clearly they do.

Examples
--------
>>> split_sentences("Vi behöver hjälp. Målet är klart! Ja")
[(0, 17), (18, 33), (34, 36)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from graph.ranking.language import LANGUAGES, base_forms, is_stop_word
from graph.ids import normalise_name
from graph.model import Node, NodeType
from ingest.aliases import AliasIndex, names_of
from ingest.readers.articles import Article, Paragraph
from ingest.readers.base import Location

__all__ = ["CONJUNCTIONS", "WORD", "Found", "MAX_WORDS", "find_names", "find_needs", "find_new_organisations", "find_years", "split_sentences"]

MAX_WORDS = 7
WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_BODY = re.compile(
    r"\b(?:(?:[A-ZÅÄÖÆØ][\w-]+ (?:og |och |og )?){1,3}(?:kommun|kommune|fylkeskommune|stad|landsting|region|län|Kommune)"
    r"|(?:Region|Kommunförbundet|Stiftelsen|Fylkesmannen i|Statsforvalteren i) [A-ZÅÄÖÆØ][\w-]+(?: (?:og )?[A-ZÅÄÖÆØ][\w-]+)?"
    r"|[A-ZÅÄÖÆØ][\w-]+(?: [A-ZÅÄÖÆØ][\w-]+)? (?:IKS|AB|AS|ApS|A/S|Design))\b"
)
_ATTRIBUTION = re.compile(r"\b(säger|sa|berättar|menar|sier|forteller|siger|fortæller|says|said)\b", re.IGNORECASE)
_NEED_CUES = re.compile(
    r"\b(behöver|behov\w*|saknar|önskar|vill|syftar|syfte|målet|mål\w* är|för att"
    r"|trenger|treng|mangler|ønsker|ønskjer|formålet|skal bli|bør"
    r"|har brug for|savner|formål\w*"
    r"|needs?|lacks?|wants?|aims?|goal)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Found:
    """A value found in the text: what it is, the node it resolved to (if any), the quote and its location."""

    value: str
    node_id: str | None
    quote: str
    location: Location
    confirmed: bool


def split_sentences(text: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of the sentences of `text`."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        end = match.start() + len(match.group().rstrip())
        if end > start:
            spans.append((start, end))
    return spans


def sentences(article: Article) -> Iterator[tuple[Paragraph, int, int]]:
    """Every sentence of the article as (paragraph, start, end) within its paragraph."""
    for paragraph in article.paragraphs:
        for start, end in split_sentences(paragraph.text):
            yield paragraph, start, end


def _found(paragraph: Paragraph, start: int, end: int, value: str, node_id: str | None, confirmed: bool) -> Found:
    quote = paragraph.text[start:end][:1000]
    return Found(value, node_id, quote, paragraph.location(start, end), confirmed)


def find_names(
    article: Article, index: AliasIndex, nodes: Sequence[Node], *, lang: str,
    broader: Mapping[str, frozenset[str]] | None = None,
) -> list[Found]:
    """Known `nodes` (all of one type) named in the text, once each, with the first sentence naming them.

    The longest run of words that names something wins. Organisations are proper names: a
    run must start with a capital letter and is looked up as written (not stemmed); a single
    word must be one of the node's names as spelled (diacritics count, an acronym only in
    capitals), and at the start of a sentence, where every word has a capital, at least
    `_MIN_OPENING_NAME` letters long. A coordinated concept name ("användardriven innovation
    och tjänstedesign") names each side that is a concept of its own too, unless that side is
    narrower than the whole (`broader`: node id -> ids of its broader concepts; "barn och unga"
    does not add "barn").
    """
    if not nodes:
        return []
    node_type = nodes[0].type
    names = {node.id: node.label_in(lang) for node in nodes}
    proper = node_type is NodeType.ORGANISATION
    spelled = {node.id: {name for name in names_of(node)} for node in nodes} if proper else {}
    stemmed = {} if proper else _stem_index(nodes, lang)
    found: dict[str, Found] = {}
    for paragraph, start, end in sentences(article):
        words = list(WORD.finditer(paragraph.text, start, end))
        position = 0
        while position < len(words):
            match = None
            if not proper or paragraph.text[words[position].start()].isupper():
                match = _longest(words, position, paragraph.text, index, node_type, stemmed, lang)
            if match and proper and match[0] == 1 and not _spelled_as(words[position].group(), spelled[match[1]], position == 0):
                match = None
            if match is None:
                position += 1
                continue
            length, node_id = match
            named = [node_id]
            if not proper:
                sides = _conjuncts(words[position : position + length], paragraph.text, index, node_type, stemmed, lang)
                named += [side for side in sides if node_id not in (broader or {}).get(side, frozenset())]
            for named_id in dict.fromkeys(named):
                earlier = found.get(named_id)
                if earlier is None or (_is_attribution(earlier.quote) and not _is_attribution(paragraph.text[start:end])):
                    found[named_id] = _found(paragraph, start, end, names.get(named_id, named_id), named_id, True)
            position += length
    return list(found.values())


CONJUNCTIONS = frozenset({"och", "samt", "eller", "og", "and", "or"})
"""Words that join two names into one ("användardriven innovation och tjänstedesign"): each side may name a node too."""


def _conjuncts(
    words: list[re.Match[str]], text: str, index: AliasIndex, node_type: NodeType,
    stemmed: dict[tuple[str, ...], str], lang: str,
) -> list[str]:
    """The nodes the two sides of a coordinated name stand for, each side as a whole ("tjänstedesign").

    A concept named "A och B" in the vocabulary is one concept, but a text that names it names
    A and B as well; organisations' names are proper names and are not split.
    """
    found = []
    for cut in range(1, len(words) - 1):
        if words[cut].group().casefold() not in CONJUNCTIONS:
            continue
        for side in (words[:cut], words[cut + 1 :]):
            match = _longest(side, 0, text, index, node_type, stemmed, lang)
            if match and match[0] == len(side):
                found.append(match[1])
    return found


def _is_attribution(sentence: str) -> bool:
    """Whether the sentence quotes someone ("..., säger ..."): a later plain sentence makes a better quote."""
    return bool(_ATTRIBUTION.search(sentence)) or sentence.startswith(("–", "-", "\"", "”"))


_MIN_OPENING_NAME = 6


def _spelled_as(word: str, names: set[str], opens_sentence: bool) -> bool:
    """Whether one word is one of `names` as spelled (an acronym in capitals), long enough if it opens a sentence."""
    for name in names:
        if name.isupper() and len(name) > 1:
            if word == name:
                return True
        elif normalise_name(word) == normalise_name(name) and not (opens_sentence and len(word) < _MIN_OPENING_NAME):
            return True
    return False


def _longest(
    words: list[re.Match[str]], position: int, text: str, index: AliasIndex, node_type: NodeType,
    stemmed: dict[tuple[str, ...], str], lang: str,
) -> tuple[int, str] | None:
    """The longest run of words from `position` that names one node: (words, node id)."""
    for length in range(min(MAX_WORDS, len(words) - position), 0, -1):
        phrase = text[words[position].start() : words[position + length - 1].end()]
        ids, _ = index.lookup(node_type, phrase)
        if len(ids) == 1:
            return length, next(iter(ids))
        if _framed_by_stop_words(words[position].group(), words[position + length - 1].group(), lang):
            continue
        terms = tuple(base_forms(phrase, lang))
        if terms and terms in stemmed and (length > 1 or len(phrase) > 5):
            return length, stemmed[terms]
    return None


def _framed_by_stop_words(first: str, last: str, lang: str) -> bool:
    """Whether a run of words opens or closes with a function word ("av elever i"): no name's base form does."""
    return is_stop_word(first.casefold(), lang) or is_stop_word(last.casefold(), lang)


def _stem_index(nodes: Sequence[Node], lang: str) -> dict[tuple[str, ...], str]:
    """Stemmed form of every name of `nodes` -> node id (forms shared by several nodes left out)."""
    seen: dict[tuple[str, ...], set[str]] = {}
    for node in nodes:
        for name in names_of(node):
            terms = tuple(base_forms(name, lang))
            if terms:
                seen.setdefault(terms, set()).add(node.id)
    return {terms: next(iter(ids)) for terms, ids in seen.items() if len(ids) == 1}


def find_new_organisations(article: Article, known: Iterable[str]) -> list[Found]:
    """Names shaped like Nordic public bodies or firms that no register resolved; unconfirmed.

    Leading function words ("Från Ängelholms kommun") are left out of the name.
    """
    skip = {name.casefold() for name in known}
    found: dict[str, Found] = {}
    for paragraph, start, end in sentences(article):
        for match in _BODY.finditer(paragraph.text, start, end):
            words = match.group().split()
            while len(words) > 1 and any(is_stop_word(words[0].casefold(), language) for language in LANGUAGES):
                words = words[1:]
            name = " ".join(words)
            key = name.casefold()
            if key not in skip and key not in found and len(name.split()) > 1:
                found[key] = _found(paragraph, start, end, name, None, False)
    return list(found.values())


def find_years(article: Article) -> list[Found]:
    """The years the text mentions, in order of first mention."""
    found: dict[str, Found] = {}
    for paragraph, start, end in sentences(article):
        for match in _YEAR.finditer(paragraph.text, start, end):
            found.setdefault(match.group(), _found(paragraph, start, end, match.group(), None, False))
    return list(found.values())


def find_needs(article: Article, *, top: int = 3) -> list[Found]:
    """Sentences stating a need or a goal, most clearly stated first (more cues, earlier in the text)."""
    scored = []
    for order, (paragraph, start, end) in enumerate(sentences(article)):
        text = paragraph.text[start:end]
        cues = len(_NEED_CUES.findall(text))
        if cues and 6 <= len(text.split()) <= 60 and not _is_attribution(text):
            scored.append((-cues, order, _found(paragraph, start, end, text, None, False)))
    return [found for _, _, found in sorted(scored, key=lambda item: item[:2])[:top]]
