"""Vocabulary concepts a text names in other words: «barnens perspektiv» for Barnperspektiv, «sprida kunskapen»
for Kunskapsspridning, «elever i grunnskole og videregående» for Elever i videregående skole.

The name matcher (`ingest.extract.find_names`) finds a concept where the text spells one of
its names, inflected or not. Texts also name a concept by a phrase that is no name of it: a
genitive and a noun for a compound, a verb and its object for a noun, a name cut short by a
coordination. Here every run of `MIN_PHRASE_WORDS` to `MAX_PHRASE_WORDS` words of a sentence
(not opening or closing with a function word) is embedded as a query, as is every name,
label and alias of the concepts, and a phrase names the concept whose name it is most similar
to when that similarity is at least `PHRASE_SIMILARITY` and no name of another concept comes
within `PHRASE_MARGIN`. What is found this way is unconfirmed: the draft says so and quotes
the sentence.

The vectors are raw (not language-centred) multilingual-e5 query vectors: phrase and name are
both short, so the language of the phrase does not dominate and a Swedish phrase meets a
Norwegian alias of the same concept.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.model import LANGUAGES, Node
from graph.ranking.embedding import Embedder
from graph.ranking.language import is_stop_word
from ingest.aliases import names_of
from ingest.extract import WORD, Found, sentences
from ingest.readers.articles import Article

__all__ = ["MAX_PHRASE_WORDS", "MIN_PHRASE_WORDS", "PHRASE_MARGIN", "PHRASE_SIMILARITY", "find_paraphrases"]

MIN_PHRASE_WORDS = 2
"""Single words are the name matcher's: a lone word close in meaning to a name is too often only its neighbour."""
MAX_PHRASE_WORDS = 5
"""The longest phrase compared: a name with a function word or two and a coordination ("elever i grunnskole og
videregående"); longer runs are clauses, whose vector mixes several things."""
PHRASE_SIMILARITY = 0.94
"""Cosine of raw e5 query vectors from which a phrase names a concept. Set by hand from how e5 placed a few dozen
short phrases (the seed articles' among them) against the vocabulary's names: inflections, compounds written apart and paraphrases of one name at about 0.93-0.99, unrelated short
phrases of public-sector text mostly at 0.82-0.92; half of the vocabulary's names have a name of another concept
within 0.92 of them (hence `PHRASE_MARGIN`). Checked, not fitted, on the 139 held-out case texts of
data/eval/domains.yaml and extra.yaml: `python -m bench.drafts --held-out` counts what it adds there and how much
of it the hand-written cases list (docs/drafts.md); read by hand, about three in five name the right concept."""
PHRASE_MARGIN = 0.01
"""A phrase that is nearly as close to a name of another concept names neither: the vocabulary cannot tell."""

Matrix = npt.NDArray[np.float32]

_NAME_VECTORS: dict[tuple[str, str], npt.NDArray[np.float32]] = {}
_CACHE_LIMIT = 20_000
"""Vectors kept in the process (about 1.5 kB each); past this the cache starts again empty."""
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    paragraph: int
    start: int
    end: int


def _stop_word(word: str) -> bool:
    """A function word of any of the languages (a Swedish text quotes Norwegian names, nynorsk has "frå")."""
    return any(is_stop_word(word.casefold(), lang) for lang in LANGUAGES)


def _name_vectors(embedder: Embedder, names: Sequence[str]) -> Matrix:
    """Query vectors of `names` (or phrases), each embedded once per model in this process.

    The same article drafted from its web page, Word file and PDF is embedded once.
    """
    with _LOCK:
        todo = list(dict.fromkeys(name for name in names if (embedder.model, name) not in _NAME_VECTORS))
    if todo:
        rows = embedder.embed_queries(todo)
        with _LOCK:
            if len(_NAME_VECTORS) + len(todo) > _CACHE_LIMIT:
                _NAME_VECTORS.clear()
            _NAME_VECTORS.update(((embedder.model, name), rows[i]) for i, name in enumerate(todo))
    with _LOCK:
        vectors = [_NAME_VECTORS.get((embedder.model, name)) for name in names]
    if any(vector is None for vector in vectors):  # another thread cleared the cache meanwhile
        return embedder.embed_queries(list(names))
    return np.stack(vectors) if vectors else np.zeros((0, embedder.dimension), dtype=np.float32)  # type: ignore[arg-type]


def _phrases(article: Article) -> list[_Phrase]:
    found = []
    for paragraph, start, end in sentences(article):
        words = list(WORD.finditer(paragraph.text, start, end))
        for first in range(len(words)):
            if _stop_word(words[first].group()):
                continue
            for last in range(first + MIN_PHRASE_WORDS - 1, min(first + MAX_PHRASE_WORDS, len(words))):
                if _stop_word(words[last].group()):
                    continue
                text = paragraph.text[words[first].start() : words[last].end()]
                found.append(_Phrase(text, paragraph.number, words[first].start(), words[last].end()))
    return found


def find_paraphrases(
    article: Article, nodes: Sequence[Node], embedder: Embedder, *, lang: str, known: frozenset[str] = frozenset()
) -> list[Found]:
    """Concepts among `nodes` that a phrase of the text names in other words, best phrase first; unconfirmed.

    Concepts in `known` (found by name already) are left out.
    """
    candidates = [node for node in nodes if node.id not in known]
    names: list[str] = []
    owners: list[int] = []
    for position, node in enumerate(candidates):
        for name in dict.fromkeys(names_of(node)):
            names.append(name)
            owners.append(position)
    phrases = _phrases(article)
    if not names or not phrases:
        return []
    name_vectors = _name_vectors(embedder, names)
    unique = list(dict.fromkeys(phrase.text for phrase in phrases))
    phrase_vectors = _name_vectors(embedder, unique)
    similarity = phrase_vectors @ name_vectors.T
    owner = np.asarray(owners)
    best: dict[int, tuple[float, str]] = {}
    for row, text in enumerate(unique):
        order = np.argsort(-similarity[row])
        top = float(similarity[row, order[0]])
        if top < PHRASE_SIMILARITY:
            continue
        node = int(owner[order[0]])
        rival = next((float(similarity[row, i]) for i in order[1:] if owner[i] != node), 0.0)
        if top - rival < PHRASE_MARGIN:
            continue
        if node not in best or top > best[node][0]:
            best[node] = (top, text)
    paragraphs = {paragraph.number: paragraph for paragraph in article.paragraphs}
    found = []
    for node, (_, text) in sorted(best.items(), key=lambda item: -item[1][0]):
        phrase = next(phrase for phrase in phrases if phrase.text == text)
        paragraph = paragraphs[phrase.paragraph]
        sentence = next((s, e) for p, s, e in sentences(article) if p is paragraph and s <= phrase.start < e)
        quote = paragraph.text[sentence[0] : sentence[1]][:1000]
        found.append(Found(candidates[node].label_in(lang), candidates[node].id, quote, paragraph.location(*sentence), False))
    return found
