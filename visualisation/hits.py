"""What the planner page shows for each prior case: who, when, how, how well and why it matched, where it is described.

Reasons and confidence are worded by `graph.ranking.explain`, the same lines the CLI and GraphQL give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graph.ranking import Hit, ReasonKind
from graph.ranking.explain import CONFIDENCE_LABELS, detail, kind_label
from graph.model import Edge, Node, NodeType, RelType
from graph.store import GraphStore
from visualisation.i18n import Texts
from visualisation.templating import safe_url

__all__ = ["HitView", "Link", "ReasonView", "describe_hits"]

_ROLES = ("owner", "partner", "funder", "facilitator", "participant")


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
    is_main: bool = False


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
    confidence: str | None = None


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
        The planner's text (an empty text lists filtered cases without reasons).
    texts
        Interface texts of the page language.
    node_url
        The page of a node (organisations and methods link to theirs).
    """
    views = []
    for rank, hit in enumerate(hits, start=1):
        edges = store.edges_of(hit.case.id)
        others = store.get_many(sorted({_other_end(edge, hit.case.id) for edge in edges}))
        views.append(_hit_view(rank, hit, edges, others, is_ranked=bool(problem.strip()), texts=texts, node_url=node_url))
    return views


def _other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


def _hit_view(
    rank: int,
    hit: Hit,
    edges: Sequence[Edge],
    others: dict[str, Node],
    *,
    is_ranked: bool,
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
            order = _ROLES.index(role) if isinstance(role, str) and role in _ROLES else len(_ROLES)
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
        reasons=tuple(_reasons(hit, texts.lang)) if is_ranked else (),
        sources=tuple(sources),
        confidence=CONFIDENCE_LABELS[hit.confidence.value][texts.lang] if is_ranked else None,
    )


def _reasons(hit: Hit, lang: str) -> list[ReasonView]:
    """One line per reason, in the ranking's order: the quoted sentence pair first, then concepts and words."""
    return [
        ReasonView(kind_label(reason.kind, lang), detail(reason, lang), reason.kind is ReasonKind.SENTENCE)
        for reason in hit.reasons
    ]
