"""The content of a case page and of a node page, read from the store and grouped for reading.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.backends.embedded import EmbeddedStore
>>> from graph.model import Batch, Edge, Node, NodeType, RelType
>>> from visualisation.i18n import Texts
>>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "g.db").open()
>>> _ = store.upsert(Batch(
...     nodes=(Node("c1", NodeType.CASE, {"title": "Skolnärvaro", "year": 2018, "country": "SE"}),
...            Node("organisation:boras-stad", NodeType.ORGANISATION, {"name": "Borås stad"})),
...     edges=(Edge("organisation:boras-stad", RelType.PARTICIPATED_IN, "c1", "c1", {"role": "owner"}),),
... ))
>>> details = case_details(store, store.get("c1"), texts=Texts("en"), node_url=lambda node: f"/nodes/{node.id}")
>>> [(link.label, link.note) for link in details.stakeholders], details.facts
([('Borås stad', 'owner')], [('Year', '2018'), ('Country', 'Sweden')])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from graph.model import Edge, Node, NodeType, RelType, role_rank
from graph.ranking import related_cases
from graph.ranking.inferred import list_inferred_links
from graph.store import GraphStore
from graph.provenance import decode as decode_provenance
from visualisation.hits import Link
from visualisation.i18n import Texts
from visualisation.templating import safe_url

__all__ = ["CaseDetails", "InferredLinkView", "NodeDetails", "Provenance", "case_details", "node_details"]

_SIMILAR = 5


@dataclass(frozen=True, slots=True)
class CaseDetails:
    """Everything the case page lists, in the page language."""

    title: str
    language: str | None
    summary: str | None
    facts: list[tuple[str, str]]
    stakeholders: list[Link]
    needs: list[Link]
    target_groups: list[Link]
    methods: list[Link]
    topics: list[Link]
    places: list[Link]
    sources: list[Link]
    related: list[Link]
    similar: list[Link]
    provenance: list[Provenance]
    inferred: list[InferredLinkView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class InferredLinkView:
    """A concept linked to the case by similarity, not yet confirmed: the concept, its kind, the similarity,
    and the case's own free-text name it resembles."""

    concept_id: str
    concept: Link
    kind: str
    similarity: str
    via: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one fact of the case came from, for the page: which fact, the quote, the document and the place."""

    fact: str
    quote: str
    document: str
    where: str | None
    confirmed: bool


_FACT_TEXTS = {
    "organisations": "case.stakeholders",
    "summary": "case.summary",
    "year": "hit.year",
    "country": "hit.country",
    "language": "case.language",
}


def _provenance(case: Node, texts: Texts) -> list[Provenance]:
    found = []
    for fact in decode_provenance(case.props):
        base = fact.field.split("[", 1)[0].split(".", 1)[0]
        label = texts.optional(_FACT_TEXTS.get(base, f"case.{base}"), base)
        found.append(Provenance(label, fact.quote, fact.document, fact.where, fact.confirmed))
    return found


@dataclass(frozen=True, slots=True)
class NodeDetails:
    """A node that is not a case: its details and its connections grouped by relation."""

    label: str
    type_name: str
    facts: list[tuple[str, Link]]
    groups: list[tuple[str, list[Link]]]


def _other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


def _text(node: Node, key: str) -> str | None:
    value = node.props.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value) if str(value).strip() else None


def _common_facts(node: Node, texts: Texts) -> list[tuple[str, str]]:
    facts = []
    year = _text(node, "year")
    if year:
        facts.append((texts["hit.year"], year))
    country = _text(node, "country")
    if country:
        facts.append((texts["hit.country"], texts.optional(f"country.{country.upper()}", country)))
    return facts


def case_details(store: GraphStore, case: Node, *, texts: Texts, node_url: Callable[[Node], str]) -> CaseDetails:
    """Read a case's stakeholders, needs, target groups, methods, topics, places, sources and related cases.

    `node_url` gives the page of another node.
    """
    edges = store.edges_of(case.id)
    others = store.get_many(sorted({_other_end(edge, case.id) for edge in edges}))
    groups: dict[str, list[tuple[tuple[int, str], Link]]] = defaultdict(list)
    for edge in edges:
        other = others.get(_other_end(edge, case.id))
        if other is None:
            continue
        group, order, link = _case_link(edge, case, other, texts, node_url)
        if group:
            groups[group].append((order, link))

    def sorted_group(name: str) -> list[Link]:
        return [link for _, link in sorted(groups.get(name, []), key=lambda item: item[0])]

    summary = _text(case, "summary")
    language = _text(case, "language")
    facts = _common_facts(case, texts)
    if language:
        facts.append((texts["case.language"], texts.optional(f"content_language.{language}", language)))
    similar = [
        Link(hit.case.label, node_url(hit.case), _text(hit.case, "language"))
        for hit in related_cases(store, case.id, top=_SIMILAR, lang=texts.lang).hits
    ]
    return CaseDetails(
        title=case.label,
        language=language,
        summary=summary,
        facts=facts,
        stakeholders=sorted_group("stakeholders"),
        needs=sorted_group("needs"),
        target_groups=sorted_group("target_groups"),
        methods=sorted_group("methods"),
        topics=sorted_group("topics"),
        places=sorted_group("places"),
        sources=sorted_group("sources"),
        related=sorted_group("related"),
        similar=similar,
        provenance=_provenance(case, texts),
        inferred=_inferred(store, case, texts, node_url),
    )


def _inferred(store: GraphStore, case: Node, texts: Texts, node_url: Callable[[Node], str]) -> list[InferredLinkView]:
    """The case's stored inferred links, most similar first."""
    links = list_inferred_links(store, case_id=case.id)
    nodes = store.get_many(sorted({node_id for link in links for node_id in (link.concept, link.via)}))
    views = []
    for link in sorted(links, key=lambda link: (-link.similarity, link.concept)):
        concept, via = nodes.get(link.concept), nodes.get(link.via)
        if concept is None:
            continue
        views.append(InferredLinkView(
            concept_id=concept.id,
            concept=Link(concept.label_in(texts.lang), node_url(concept), _text(concept, "language")),
            kind=texts.node_type(concept.type),
            similarity=f"{link.similarity:.2f}",
            via=via.label if via is not None else link.via,
        ))
    return views


_CASE_GROUPS = {
    (RelType.ADDRESSES, NodeType.NEED): "needs",
    (RelType.TARGETS, NodeType.TARGET_GROUP): "target_groups",
    (RelType.USED, NodeType.METHOD): "methods",
    (RelType.ABOUT, NodeType.TOPIC): "topics",
    (RelType.LOCATED_IN, NodeType.PLACE): "places",
}


def _case_link(
    edge: Edge, case: Node, other: Node, texts: Texts, node_url: Callable[[Node], str]
) -> tuple[str | None, tuple[int, str], Link]:
    label = other.label_in(texts.lang)
    url = node_url(other)
    language = _text(other, "language")
    if edge.type is RelType.PARTICIPATED_IN:
        role = edge.props.get("role")
        order = role_rank(role)
        link = Link(label, url, language, texts.relation(edge.type, edge.props))
        return "stakeholders", (order, label.casefold()), link
    if edge.type is RelType.DESCRIBED_IN:
        return "sources", (0, label.casefold()), Link(other.label, safe_url(other.props.get("url")), language)
    if edge.type is RelType.RELATED_TO:
        relation = texts.relation(edge.type, edge.props)
        note = relation if edge.source == case.id else f"← {relation}"
        return "related", (0, label.casefold()), Link(label, url, language, note)
    group = _CASE_GROUPS.get((edge.type, other.type))
    return group, (0, label.casefold()), Link(label, url, language)


_FACT_KEYS = ("org_type", "kind", "code", "aliases")


def node_details(store: GraphStore, node: Node, *, texts: Texts, node_url: Callable[[Node], str]) -> NodeDetails:
    """Read a node's details and its neighbours, grouped by how they are connected."""
    facts = [(label, Link(value)) for label, value in _common_facts(node, texts)]
    description = _text(node, f"description_{texts.lang}") or _text(node, "description") or _text(node, "text")
    if description and description != node.label:
        facts.append((texts["node.description"], Link(description, language=_text(node, "language"))))
    for key in _FACT_KEYS:
        value = node.props.get(key)
        shown = ", ".join(value) if isinstance(value, list) else _text(node, key)
        if shown:
            facts.append((texts[f"fact.{key}"], Link(shown)))
    url = safe_url(node.props.get("url"))
    if url:
        facts.append(("URL", Link(url, url)))
    return NodeDetails(
        label=node.label_in(texts.lang),
        type_name=texts.node_type(node.type),
        facts=facts,
        groups=_connection_groups(store, node, texts=texts, node_url=node_url),
    )


def _connection_groups(
    store: GraphStore, node: Node, *, texts: Texts, node_url: Callable[[Node], str]
) -> list[tuple[str, list[Link]]]:
    edges = store.edges_of(node.id)
    others = store.get_many(sorted({_other_end(edge, node.id) for edge in edges}))
    groups: dict[str, dict[str, Link]] = defaultdict(dict)
    for edge in edges:
        other = others.get(_other_end(edge, node.id))
        if other is None:
            continue
        heading = f"{texts.node_type(other.type)} ({texts.relation(edge.type, edge.props)})"
        groups[heading][other.id] = Link(other.label_in(texts.lang), node_url(other), _text(other, "language"))
    return [
        (heading, sorted(links.values(), key=lambda link: link.label.casefold()))
        for heading, links in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
