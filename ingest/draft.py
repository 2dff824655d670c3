"""Turn articles and reports (HTML, PDF, DOCX) into draft case files a curator checks and then ingests.

A draft holds the title, a summary candidate, the year, the organisations, methods,
target groups and topics the text names (resolved as ingest resolves names), need
statements and the source. Every drafted value has its provenance: the quoted sentence,
the document and where in it (page, paragraph, characters). Values no register or
vocabulary confirmed are marked `confirmed: false`, not left out; so are the methods and
target groups the text names in other words (`ingest.paraphrases`). The names of private
persons are replaced with a placeholder in the draft's language before it is written
(`ingest.persons`), and the draft says so. A draft is a valid case file as written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.ids import normalise_name, slugify
from graph.model import Node, NodeType, RelType
from graph.ranking.embedding import Embedder, default_embedder
from graph.ranking.language import detect_language
from graph.store import GraphStore
from ingest.aliases import AliasIndex, names_of
from ingest.extract import Found, find_names, find_needs, find_new_organisations, find_years, sentences
from ingest.paraphrases import find_paraphrases
from ingest.persons import find_person_names, redaction_note
from ingest.readers.articles import ARTICLE_READERS, Article, read_article
from ingest.readers.base import ReadError
from ingest.report import Problem
from ingest.resolve import Resolver
from ingest.schema import validate_cases
from ingest.vocabulary import DATA_DIR, Vocabulary, load_vocabulary

__all__ = ["DraftReport", "draft_case", "draft_paths", "redact_persons"]

_COUNTRY = {"sv": "SE", "nb": "NO", "nn": "NO", "da": "DK"}
_SUMMARY_CHARACTERS = 700
_PARAPHRASED = frozenset({NodeType.METHOD, NodeType.TARGET_GROUP})
"""The lists a text often fills in other words than the vocabulary's names (a method described, a group named
by its place); topics are left to their names."""
_LISTS = (
    ("methods", NodeType.METHOD),
    ("target_groups", NodeType.TARGET_GROUP),
    ("topics", NodeType.TOPIC),
)


@dataclass(slots=True)
class DraftReport:
    """What a draft run wrote, and the documents it could not read."""

    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _fact(field_path: str, found: Found, document: str) -> dict[str, Any]:
    return {
        "field": field_path,
        "document": document,
        "where": str(found.location),
        "quote": found.quote,
        "confirmed": found.confirmed,
    }


def _summary(article: Article, title: str) -> tuple[str | None, Found | None]:
    """The opening sentences of the main text (after the title), up to `_SUMMARY_CHARACTERS`."""
    picked: list[str] = []
    first: Found | None = None
    for paragraph, start, end in sentences(article):
        text = paragraph.text[start:end]
        if text == title or len(text.split()) < 5:
            continue
        if sum(len(part) + 1 for part in picked) + len(text) > _SUMMARY_CHARACTERS and picked:
            break
        if first is None:
            first = Found(text, None, text[:1000], paragraph.location(start, end), False)
        picked.append(text)
    return (" ".join(picked)[:20_000] or None), first


def draft_case(
    article: Article, resolver: Resolver, nodes: dict[NodeType, list[Node]],
    broader: Mapping[str, frozenset[str]] | None = None, embedder: Embedder | None = None,
) -> dict[str, Any]:
    """The draft case of one article, in the case-file format, with `provenance` for every value.

    `broader` maps a concept's id to the ids of its broader concepts (the vocabulary's `broader`).
    With an `embedder`, methods and target groups the text names in other words than their
    names are drafted too, unconfirmed (`ingest.paraphrases`).
    """
    full_text = "\n".join(paragraph.text for paragraph in article.paragraphs)
    lang = detect_language(full_text)
    title = (article.title or article.paragraphs[0].text)[:300].strip()
    country = _COUNTRY.get(lang)
    document = article.file
    case: dict[str, Any] = {"id": slugify(f"{country or ''} {title}"), "title": title, "language": lang}
    facts: list[dict[str, Any]] = []
    summary, opening = _summary(article, title)
    if summary and opening:
        case["summary"] = summary
        facts.append(_fact("summary", opening, document))
    years = find_years(article)
    if years:
        case["year"] = int(years[0].value)
        facts.append(_fact("year", years[0], document))
    if country:
        case["country"] = country
    known = find_names(article, resolver.index, nodes[NodeType.ORGANISATION], lang=lang)
    new = [
        found
        for found in find_new_organisations(article, [found.value for found in known])
        if not resolver.index.lookup(NodeType.ORGANISATION, found.value)[0]
    ]
    organisations = [*known, *new]
    if organisations:
        case["organisations"] = [{"name": found.value} for found in organisations]
        facts += [_fact(f"organisations[{i}]", found, document) for i, found in enumerate(organisations)]
    for key, node_type in _LISTS:
        values = find_names(article, resolver.index, nodes[node_type], lang=lang, broader=broader)
        if embedder is not None and node_type in _PARAPHRASED:
            named = frozenset(found.node_id for found in values if found.node_id)
            values += find_paraphrases(article, nodes[node_type], embedder, lang=lang, known=named)
        if values:
            case[key] = [found.value for found in values]
            facts += [_fact(f"{key}[{i}]", found, document) for i, found in enumerate(values)]
    needs = find_needs(article)
    if needs:
        case["needs"] = [found.value[:1000] for found in needs]
        facts += [_fact(f"needs[{i}]", found, document) for i, found in enumerate(needs)]
    if article.url and article.url.startswith(("http://", "https://")):
        source = {"url": article.url, "title": title}
        if article.publisher:
            source["publisher"] = article.publisher[:300]
        if article.published:
            source["published"] = article.published[:10]
        case["sources"] = [source]
    case["provenance"] = facts
    return case


def redact_persons(case: dict[str, Any], article: Article, is_known: Callable[[str], bool]) -> int:
    """Replace the names of private persons in the draft's texts and quotes (`ingest.persons`); how many were replaced.

    The title, summary, needs, the source's title and every quote are redacted (the id follows
    the redacted title); organisations, methods and other values are names of bodies and
    concepts and are kept. The draft's own organisations count as known names.
    """
    lang = str(case.get("language", "en"))
    organisations = {str(value["name"]).casefold() for value in case.get("organisations", [])}
    persons = find_person_names(
        [*([article.title] if article.title else []), *(paragraph.text for paragraph in article.paragraphs)],
        is_known=lambda name: name.casefold() in organisations or is_known(name),
        lang=lang,
        publisher=article.publisher,
    )
    count = 0

    def redacted(text: str) -> str:
        nonlocal count
        text, replaced = persons.redact(text, lang)
        count += replaced
        return text

    case["title"] = redacted(case["title"])
    case["id"] = slugify(f"{case.get('country', '')} {case['title']}")
    if "summary" in case:
        case["summary"] = redacted(case["summary"])
    if "needs" in case:
        case["needs"] = [redacted(need) for need in case["needs"]]
    for source in case.get("sources", []):
        source["title"] = redacted(source["title"])
    for fact in case.get("provenance", []):
        fact["quote"] = redacted(fact["quote"])
    return count


def _known_names(nodes: Iterable[Node], index: AliasIndex) -> Callable[[str], bool]:
    """Whether a name is one the registers, the vocabulary or the store know, of any type.

    A single word must be one of the names as spelled (an acronym in capitals: "BO" does not
    make "Bo" known), a longer name may match as the alias index matches names.
    """
    exact = set()
    acronyms = set()
    for node in nodes:
        for name in names_of(node):
            if name.isupper():
                acronyms.add(name)
            else:
                exact.add(normalise_name(name))

    def is_known(name: str) -> bool:
        if name in acronyms or normalise_name(name) in exact:
            return True
        return " " in name.strip() and any(index.lookup(node_type, name)[0] for node_type in _NAMED_TYPES)

    return is_known


_NAMED_TYPES = (NodeType.ORGANISATION, NodeType.PLACE, NodeType.METHOD, NodeType.TARGET_GROUP, NodeType.TOPIC)


def _header(article: Article, redacted: int, lang: str) -> str:
    source = " — ".join(part for part in (article.title, article.publisher, article.published) if part)
    note = f"# {redaction_note(redacted, lang)}\n" if redacted else ""
    return (
        note + f"# Draft case from {article.file}\n"
        f"# Source: {source or 'no title, publisher or date found'}"
        + ("" if article.url else " (no web address found: add one under `sources`)")
        + "\n# Check every value against its quote under `provenance`; values marked `confirmed: false` were\n"
        "# found by their shape in the text, not in a register or the vocabulary. Then run `behovsgraf ingest`.\n"
    )


def _nodes(store: GraphStore, vocabulary: Vocabulary) -> dict[NodeType, list[Node]]:
    types = [NodeType.ORGANISATION, *(node_type for _, node_type in _LISTS)]
    found: dict[NodeType, dict[str, Node]] = {node_type: {} for node_type in types}
    for node in vocabulary.nodes:
        if node.type in found:
            found[node.type][node.id] = node
    for node_type in types:
        for node in store.find(node_type):
            found[node_type].setdefault(node.id, node)
    return {node_type: list(nodes.values()) for node_type, nodes in found.items()}


def _broader(vocabulary: Vocabulary) -> dict[str, frozenset[str]]:
    """Each vocabulary concept's broader concepts, directly or through others."""
    direct: dict[str, set[str]] = {}
    for edge in vocabulary.edges:
        if edge.type is RelType.BROADER:
            direct.setdefault(edge.source, set()).add(edge.target)
    closed: dict[str, frozenset[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            target = todo.pop()
            if target not in seen:
                seen.add(target)
                todo += direct.get(target, ())
        closed[start] = frozenset(seen)
    return closed


def _documents(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_READERS)
        else:
            files.append(path)
    return files


def draft_paths(
    store: GraphStore, paths: Sequence[Path], output: Path, *, data_dir: Path = DATA_DIR,
    embedder: Embedder | None = None,
) -> DraftReport:
    """Write one draft case file per readable document under `output`; unreadable ones are reported.

    `embedder` finds the methods and target groups a text names in other words (the default
    embedder when None).
    """
    report = DraftReport()
    embedder = embedder or default_embedder()
    vocabulary = load_vocabulary(data_dir)
    resolver = Resolver(store, vocabulary.nodes, set())
    nodes = _nodes(store, vocabulary)
    broader = _broader(vocabulary)
    is_known = _known_names([*vocabulary.nodes, *(node for found in nodes.values() for node in found)], resolver.index)
    output.mkdir(parents=True, exist_ok=True)
    for path in _documents(paths):
        try:
            article = read_article(path)
        except ReadError as exc:
            report.problems.append(exc.problem)
            continue
        if not article.paragraphs:
            report.problems.append(Problem(str(path), "", None, "empty", "the document holds no text"))
            continue
        case = draft_case(article, resolver, nodes, broader, embedder)
        redacted = redact_persons(case, article, is_known)
        _, problems = validate_cases([case], str(path))
        if problems:
            report.problems += problems
            continue
        target = output / f"{path.name}.yaml"
        text = _header(article, redacted, str(case["language"])) + yaml.safe_dump({"cases": [case]}, allow_unicode=True, sort_keys=False, width=110)
        temporary = target.with_suffix(".yaml.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
        report.written.append(target)
    return report
