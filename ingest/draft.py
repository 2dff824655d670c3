"""Turn articles and reports (HTML, PDF, DOCX) into draft case files a curator checks and then ingests.

A draft holds the title, a summary candidate, the year, the organisations, methods,
target groups and topics the text names (resolved as ingest resolves names), need
statements and the source. Every drafted value has its provenance: the quoted sentence,
the document and where in it (page, paragraph, characters). Values no register or
vocabulary confirmed are marked `confirmed: false`, not left out. A draft is a valid case
file as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.ranking.language import detect_language
from graph.ids import slugify
from graph.model import Node, NodeType, RelType
from graph.store import GraphStore
from ingest.extract import Found, find_names, find_needs, find_new_organisations, find_years, sentences
from ingest.readers.articles import ARTICLE_READERS, Article, read_article
from ingest.readers.base import ReadError
from ingest.report import Problem
from ingest.resolve import Resolver
from ingest.schema import validate_cases
from ingest.vocabulary import DATA_DIR, Vocabulary, load_vocabulary

__all__ = ["DraftReport", "draft_case", "draft_paths"]

_COUNTRY = {"sv": "SE", "nb": "NO", "nn": "NO", "da": "DK"}
_SUMMARY_CHARACTERS = 700
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
    broader: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, Any]:
    """The draft case of one article, in the case-file format, with `provenance` for every value.

    `broader` maps a concept's id to the ids of its broader concepts (the vocabulary's `broader`).
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


def _header(article: Article) -> str:
    source = " — ".join(part for part in (article.title, article.publisher, article.published) if part)
    return (
        f"# Draft case from {article.file}\n"
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
    store: GraphStore, paths: Sequence[Path], output: Path, *, data_dir: Path = DATA_DIR
) -> DraftReport:
    """Write one draft case file per readable document under `output`; unreadable ones are reported."""
    report = DraftReport()
    vocabulary = load_vocabulary(data_dir)
    resolver = Resolver(store, vocabulary.nodes, set())
    nodes = _nodes(store, vocabulary)
    broader = _broader(vocabulary)
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
        case = draft_case(article, resolver, nodes, broader)
        _, problems = validate_cases([case], str(path))
        if problems:
            report.problems += problems
            continue
        target = output / f"{path.name}.yaml"
        text = _header(article) + yaml.safe_dump({"cases": [case]}, allow_unicode=True, sort_keys=False, width=110)
        temporary = target.with_suffix(".yaml.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
        report.written.append(target)
    return report
