"""What the planner page shows for each prior case: who, when, how, why it matched, where it is described.

The ranking gives reasons as stemmed, folded terms; `matched_words` maps them back
to the words the planner typed, so "Why it matches" quotes the planner's own text.

Examples
--------
>>> matched_words("Elevene slutter etter skolebyttet", ("elev", "skolebytt"), lang="nb")
['Elevene', 'skolebyttet']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graph.algorithms.ranking import Hit
from graph.algorithms.text import analyse, guess_language
from graph.model import Edge, Node, NodeType, RelType, role_rank
from graph.store import GraphStore
from visualisation.i18n import Texts
from visualisation.templating import safe_url

__all__ = ["HitView", "Link", "ReasonView", "describe_hits", "matched_words"]

_WORDS_SHOWN = 8
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Link:
    """A label with an optional URL (None when there is nothing safe to link to)."""

    label: str
    url: str | None = None
    language: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReasonView:
    """One reason a case matched, in the page language."""

    kind: str
    label: str


@dataclass(frozen=True, slots=True)
class HitView:
    """One result of the planner page."""

    rank: int
    case_id: str
    url: str
    title: str
    language: str | None
    summary: str | None
    year: str | None
    country: str | None
    organisations: tuple[Link, ...]
    methods: tuple[Link, ...]
    reasons: tuple[ReasonView, ...]
    sources: tuple[Link, ...]


def matched_words(problem: str, terms: Sequence[str], *, lang: str | None = None) -> list[str]:
    """The words of `problem` whose analysed form is one of `terms`, first occurrence each, in text order."""
    wanted = set(terms)
    lang = lang or guess_language(problem)
    seen: set[str] = set()
    words = []
    for match in _WORD.finditer(problem):
        word = match.group()
        folded = word.casefold()
        if folded not in seen and any(term in wanted for term in analyse(word, lang)):
            seen.add(folded)
            words.append(word)
    return words


def describe_hits(
    store: GraphStore,
    hits: Sequence[Hit],
    *,
    problem: str,
    texts: Texts,
    node_url: Callable[[Node], str],
) -> list[HitView]:
    """Turn ranked hits into result views, reading each case's organisations, methods and sources.

    Parameters
    ----------
    store
        The store the hits came from.
    hits
        Ranked cases, best first.
    problem
        The planner's text (matched words are quoted from it).
    texts
        Interface texts of the page language.
    node_url
        The page of a node (organisations and methods link to theirs).
    """
    lang = guess_language(problem) if problem.strip() else None
    views = []
    for rank, hit in enumerate(hits, start=1):
        edges = store.edges_of(hit.case.id)
        others = store.get_many(sorted({_other_end(edge, hit.case.id) for edge in edges}))
        views.append(_hit_view(rank, hit, edges, others, problem=problem, lang=lang, texts=texts, node_url=node_url))
    return views


def _other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


def _hit_view(
    rank: int,
    hit: Hit,
    edges: Sequence[Edge],
    others: dict[str, Node],
    *,
    problem: str,
    lang: str | None,
    texts: Texts,
    node_url: Callable[[Node], str],
) -> HitView:
    case = hit.case
    organisations: list[tuple[int, str, Link]] = []
    methods: list[Link] = []
    sources: list[Link] = []
    for edge in edges:
        other = others.get(_other_end(edge, case.id))
        if other is None:
            continue
        link = node_url(other)
        if edge.type is RelType.PARTICIPATED_IN and other.type is NodeType.ORGANISATION:
            label = other.label_in(texts.lang)
            role = edge.props.get("role")
            order = role_rank(role)
            note = texts.relation(edge.type, edge.props)
            organisations.append((order, label.casefold(), Link(label, link, note=note)))
        elif edge.type is RelType.USED and other.type is NodeType.METHOD:
            methods.append(Link(other.label_in(texts.lang), link))
        elif edge.type is RelType.DESCRIBED_IN and other.type is NodeType.SOURCE:
            sources.append(Link(other.label, safe_url(other.props.get("url"))))
    language = case.props.get("language")
    year = case.props.get("year")
    country = case.props.get("country")
    summary = case.props.get("summary")
    return HitView(
        rank=rank,
        case_id=case.id,
        url=node_url(case),
        title=case.label,
        language=language if isinstance(language, str) else None,
        summary=summary if isinstance(summary, str) and summary.strip() else None,
        year=str(year) if isinstance(year, int | str) and not isinstance(year, bool) and str(year) else None,
        country=texts.optional(f"country.{country.upper()}", country) if isinstance(country, str) and country else None,
        organisations=tuple(link for *_, link in sorted(organisations, key=lambda item: item[:2])),
        methods=tuple(sorted(methods, key=lambda item: item.label.casefold())),
        reasons=tuple(_reasons(hit, problem=problem, lang=lang, texts=texts)),
        sources=tuple(sources),
    )


def _reasons(hit: Hit, *, problem: str, lang: str | None, texts: Texts) -> list[ReasonView]:
    """One line per kind of reason, in the ranking's order, labels of the same kind joined."""
    grouped: dict[str, list[str]] = {}
    for reason in hit.reasons:
        label = reason.label
        if reason.kind == "words":
            words = matched_words(problem, hit.matched_terms, lang=lang)
            label = ", ".join(words[:_WORDS_SHOWN]) if words else label
        elif reason.kind == "country":
            label = texts.optional(f"country.{label.upper()}", label)
        labels = grouped.setdefault(reason.kind, [])
        if label not in labels:
            labels.append(label)
    return [ReasonView(texts.optional(f"reason.{kind}", kind), ", ".join(labels)) for kind, labels in grouped.items()]
