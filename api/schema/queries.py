"""The read side: nodes by id, case lists, search, prior-work ranking, neighbourhoods, pickers, stats.

Rankings come from `graph.ranking`, the same functions the CLI calls, so
`priorWork` and `behovsgraf prior` rank alike.
"""

from __future__ import annotations

from enum import Enum
import base64
import binascii
from collections.abc import Sequence
from typing import Annotated

import strawberry
from strawberry import relay

from api.schema.access import CanRead
from api.schema.connections import After, Connection, First, Window, cursor_key, encode_cursor, page_size, window
from api.schema.connections import Edge as ListEdge
from api.schema.context import Context
from api.schema.errors import BadUserInput, LimitExceeded, NotFound
from api.schema.keys import NODE_REFERENCE, expect_key, key_of
from api.schema.tables import TableFile, table_export
from api.schema.types import (
    Case,
    CaseHit,
    GraphEdge,
    GraphNode,
    Language,
    Need,
    NeedHit,
    Neighbourhood,
    PriorWorkConnection,
    Reason,
    SearchHit,
    Stats,
    TypeCount,
    VocabularyKind,
    VocabularyTerm,
    entity,
)
from graph import ranking
from graph.algorithms.merge import merged_into
from graph.algorithms.neighbourhood import MAX_DEPTH, neighbourhood
from graph.model import LANGUAGES, STATUSES, Node, NodeType
from graph.properties import UPDATED_AT
from graph.ranking.explain import explain, no_match_message
from graph.ranking.language import fold
from graph.store import GraphStore
from ingest.reference import country_place
from visualisation.i18n import DEFAULT_LANGUAGE, Texts

__all__ = [
    "CaseFilter",
    "CaseOrder",
    "CaseOrderField",
    "OrderDirection",
    "Query",
    "case_filter_of",
    "case_hits",
    "need_hits",
    "node_of",
    "required_text",
]

Info = strawberry.Info[Context, None]

MAX_TEXT = 2000
"""Longest free text (problem descriptions, searches) accepted."""
MAX_FILTER_VALUES = 50
"""Most values one filter field accepts."""
NodeIdArgument = Annotated[strawberry.ID, strawberry.argument(description=NODE_REFERENCE)]
LANGUAGE_NAMES = {"sv": "svenska", "nb": "norsk bokmål", "nn": "norsk nynorsk", "da": "dansk", "en": "English"}


@strawberry.input(name="CaseFilter", description="Restricts cases; every field given must match (lists: any value).")
class CaseFilter:
    """The GraphQL form of `ranking.CaseFilter`; ids come from `vocabulary` or `node`."""

    text: str | None = strawberry.field(default=None, description="Words every case must contain (folded, stemmed).")
    topics: list[strawberry.ID] | None = strawberry.field(default=None, description="Topic keys or ids.")
    target_groups: list[strawberry.ID] | None = strawberry.field(default=None, description="TargetGroup keys or ids.")
    methods: list[strawberry.ID] | None = strawberry.field(default=None, description="Method keys or ids.")
    organisations: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Organisation keys or ids."
    )
    places: list[strawberry.ID] | None = strawberry.field(default=None, description="Place keys or ids.")
    countries: list[str] | None = strawberry.field(default=None, description="Country codes: SE, NO, DK, FI, IS.")
    languages: list[Language] | None = strawberry.field(default=None, description="Case languages.")
    statuses: list[str] | None = strawberry.field(
        default=None, description=f"Case statuses: {', '.join(STATUSES)}."
    )
    year_from: int | None = strawberry.field(default=None, description="Earliest year, inclusive.")
    year_to: int | None = strawberry.field(default=None, description="Latest year, inclusive.")


def required_text(text: str, field: str) -> str:
    """`text` stripped; refuse empty and overlong texts."""
    stripped = text.strip()
    if not stripped:
        raise BadUserInput(f"`{field}` cannot be empty.", field=field)
    if len(stripped) > MAX_TEXT:
        raise LimitExceeded(f"`{field}` can be at most {MAX_TEXT} characters.", field=field)
    return stripped


@strawberry.enum(description="What `cases` can be ordered by.")
class CaseOrderField(Enum):
    """Sort keys of the case list; ties are broken by key."""

    YEAR = "year"
    TITLE = "title"
    KEY = "key"
    UPDATED = "updated"


@strawberry.enum(description="ASC smallest (earliest, A) first, DESC largest first.")
class OrderDirection(Enum):
    """Sort direction."""

    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="The order of a case list.")
class CaseOrder:
    """`field` and `direction`; cases without the field come last when descending."""

    field: CaseOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="ASC or DESC.")


def _year_key(node: Node) -> tuple[str, str]:
    year = node.props.get("year")
    return (f"{year:04d}" if isinstance(year, int) and 0 <= year <= 9999 else "", node.id)


_ORDER_KEYS = {
    CaseOrderField.YEAR: _year_key,
    CaseOrderField.TITLE: lambda node: (node.label.casefold(), node.id),
    CaseOrderField.KEY: lambda node: (node.id,),
    CaseOrderField.UPDATED: lambda node: (str(node.props.get(UPDATED_AT) or ""), node.id),
}


def _ids(values: list[strawberry.ID] | None, node_type: NodeType, field: str) -> tuple[str, ...]:
    values = values or []
    if len(values) > MAX_FILTER_VALUES:
        raise LimitExceeded(f"`{field}` can hold at most {MAX_FILTER_VALUES} values.", field=field)
    return tuple(expect_key(value, node_type, f"{field}[{position}]") for position, value in enumerate(values))


def _statuses(values: list[str] | None, field: str) -> tuple[str, ...]:
    values = values or []
    if len(values) > MAX_FILTER_VALUES:
        raise LimitExceeded(f"`{field}` can hold at most {MAX_FILTER_VALUES} values.", field=field)
    statuses = tuple(value.strip().lower() for value in values)
    for position, status in enumerate(statuses):
        if status not in STATUSES:
            where = f"{field}[{position}]"
            raise BadUserInput(f"`{where}` is not one of {', '.join(STATUSES)}.", field=where)
    return statuses


def case_filter_of(given: CaseFilter | None, field: str = "filter") -> ranking.CaseFilter | None:
    """The ranking's filter for the GraphQL one; refuse ids of the wrong type and silly ranges."""
    if given is None:
        return None
    countries = [code.strip().upper() for code in given.countries or []]
    if len(countries) > MAX_FILTER_VALUES:
        raise LimitExceeded(
            f"`{field}.countries` can hold at most {MAX_FILTER_VALUES} values.", field=f"{field}.countries"
        )
    if given.year_from is not None and given.year_to is not None and given.year_from > given.year_to:
        raise BadUserInput(f"`{field}.yearFrom` is after `{field}.yearTo`.", field=f"{field}.yearFrom")
    return ranking.CaseFilter(
        text=required_text(given.text, f"{field}.text") if given.text is not None else None,
        topics=_ids(given.topics, NodeType.TOPIC, f"{field}.topics"),
        target_groups=_ids(given.target_groups, NodeType.TARGET_GROUP, f"{field}.targetGroups"),
        methods=_ids(given.methods, NodeType.METHOD, f"{field}.methods"),
        organisations=_ids(given.organisations, NodeType.ORGANISATION, f"{field}.organisations"),
        places=_ids(given.places, NodeType.PLACE, f"{field}.places"),
        countries=tuple(countries),
        languages=tuple(language.value for language in given.languages or []),
        statuses=_statuses(given.statuses, f"{field}.statuses"),
        year_from=given.year_from,
        year_to=given.year_to,
    )


async def node_of(info: Info, reference: str, *, follow_merges: bool = True) -> Node | None:
    """The stored node a key or global id names, or None (also when the type in a global id is wrong).

    The key of a node merged into another names that other node, unless `follow_merges` is off.
    """
    key, type_name = key_of(reference)
    node = await info.context.loaders.nodes.load(key)
    if node is None and follow_merges:
        node = await info.context.call(merged_into, key)
    return node if node is not None and type_name in (None, node.type.value) else None


def case_hits(hits: Sequence[ranking.Hit], lang: str) -> list[CaseHit]:
    """GraphQL hits for ranking hits, reasons worded in `lang`."""
    return [
        CaseHit(
            case=Case(node_id=hit.case.id, node=hit.case),
            score=hit.score,
            confidence=hit.confidence,
            reasons=[
                Reason(
                    kind=r.kind,
                    label=r.label,
                    problem_part=r.problem_part,
                    is_inferred=r.is_inferred,
                    text=explain(r, lang),
                    weight=r.weight,
                )
                for r in hit.reasons
            ],
            matched_terms=list(hit.matched_words),
        )
        for hit in hits
    ]


def _rank_cursor(rank: int) -> str:
    return base64.urlsafe_b64encode(f"rank:{rank}".encode()).decode()


def _rank_after(after: str | None) -> int:
    """The rank a cursor of `priorWork` stands for (0 when absent)."""
    if after is None:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(after.encode()).decode().partition(":")
        if kind == "rank" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise BadUserInput("`after` is not a cursor this list gave out.", field="after")


def prior_work_page(found: ranking.PriorWork, offset: int) -> PriorWorkConnection:
    """A `PriorWorkConnection` for one ranked page starting at rank `offset`."""
    edges = [ListEdge(cursor=_rank_cursor(offset + i + 1), node=hit) for i, hit in enumerate(case_hits(found.hits, found.language))]
    return PriorWorkConnection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=offset + len(edges) < found.total,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=found.total,
        strong_count=found.strong,
        is_no_match=found.is_no_match,
        message=no_match_message(found.language) if found.is_no_match and found.total else None,
        language=Language(found.language),
    )


_CONCEPT_KINDS = {
    VocabularyKind.TOPIC: NodeType.TOPIC,
    VocabularyKind.TARGET_GROUP: NodeType.TARGET_GROUP,
    VocabularyKind.METHOD: NodeType.METHOD,
    VocabularyKind.ORGANISATION: NodeType.ORGANISATION,
    VocabularyKind.PLACE: NodeType.PLACE,
}


def _terms(store: GraphStore, kind: VocabularyKind, lang: str | None) -> list[tuple[str, str, int, Node | None]]:
    """(value, label, case count, node) of every term of a kind; counts as the ranking's filter would find."""
    counts = ranking.case_counts(store)
    node_type = _CONCEPT_KINDS.get(kind)
    if node_type is not None:
        return [
            (
                str(relay.GlobalID(node.type.value, node.id)),
                node.label_in(lang) if lang else node.label,
                counts.by_node.get(node.id, 0),
                node,
            )
            for node in store.find(node_type)
        ]
    if kind is VocabularyKind.LANGUAGE:
        return [(code, LANGUAGE_NAMES[code], counts.by_language.get(code, 0), None) for code in LANGUAGES]
    if kind is VocabularyKind.STATUS:
        texts = Texts(lang or DEFAULT_LANGUAGE)
        return [(code, texts[f"status.{code}"], counts.by_status.get(code, 0), None) for code in STATUSES]
    terms: list[tuple[str, str, int, Node | None]] = []
    places = store.get_many([country_place(code) for code in counts.by_country])
    for code, count in counts.by_country.items():
        place = places.get(country_place(code))
        label = (place.label_in(lang) if lang else place.label) if place else code
        terms.append((code, label, count, None))
    return terms


def _folded(text: str) -> str:
    return fold(text.casefold())


@strawberry.type(description="Read the graph. Open to all unless the server requires an API key for reads.")
class Query:
    """Root query fields."""

    @strawberry.field(description="The node with this global id, or null.", permission_classes=[CanRead])
    async def node(self, info: Info, id: NodeIdArgument) -> relay.Node | None:  # noqa: A002 - Relay's name
        found = await node_of(info, id)
        return entity(found) if found else None

    @strawberry.field(
        description="The nodes with these global ids, null where none exists.", permission_classes=[CanRead]
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Keys or global ids, at most 100.")],
    ) -> list[relay.Node | None]:
        if len(ids) > info.context.settings.max_page_size:
            raise LimitExceeded(f"`ids` can hold at most {info.context.settings.max_page_size} ids.", field="ids")
        references = [key_of(value) for value in ids]
        found = await info.context.loaders.nodes.load_many([key for key, _ in references])
        return [
            entity(node) if node is not None and type_name in (None, node.type.value) else None
            for node, (_, type_name) in zip(found, references, strict=True)
        ]

    @strawberry.field(description="The case with this key (as in case files and exports), or null.", permission_classes=[CanRead])
    async def case(
        self,
        info: Info,
        key: Annotated[str, strawberry.argument(description="The case's key, e.g. no-trondelag-novari-utdanningsvalg.")],
    ) -> Case | None:
        node = await info.context.loaders.nodes.load(key.strip())
        return Case(node_id=node.id, node=node) if node is not None and node.type is NodeType.CASE else None

    @strawberry.field(
        description="Cases matching a filter, newest first unless `orderBy` says otherwise.", permission_classes=[CanRead]
    )
    async def cases(
        self,
        info: Info,
        filter: Annotated[CaseFilter | None, strawberry.argument(description="What the cases must match.")] = None,  # noqa: A002
        order_by: Annotated[
            CaseOrder | None, strawberry.argument(description="The order; newest first (then by key) when absent.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Case]:
        case_filter = case_filter_of(filter)
        settings = info.context.settings
        if order_by is None:
            size = page_size(first, settings)
            found = await info.context.call(ranking.case_page, case_filter, after=cursor_key(after), first=size)
            page = Window(
                items=[(encode_cursor(key), case) for key, case in zip(found.keys, found.cases, strict=True)],
                page_info=relay.PageInfo(
                    has_next_page=found.has_next,
                    has_previous_page=found.has_previous,
                    start_cursor=encode_cursor(found.keys[0]) if found.keys else None,
                    end_cursor=encode_cursor(found.keys[-1]) if found.keys else None,
                ),
                total_count=found.total,
            )
        else:
            every = await info.context.call(ranking.filter_cases, case_filter)
            page = window(
                every,
                sort_key=_ORDER_KEYS[order_by.field],
                first=first,
                after=after,
                settings=settings,
                descending=order_by.direction is OrderDirection.DESC,
            )
        return Connection.of(page, lambda node: Case(node_id=node.id, node=node))

    @strawberry.field(
        description="Nodes of any type whose names match the text; å/aa, ø/ö and æ/ä spellings meet.",
        permission_classes=[CanRead],
    )
    async def search(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(description="Words to look for in names, labels and aliases.")],
        types: Annotated[
            list[NodeType] | None, strawberry.argument(description="Only these node types; all when absent.")
        ] = None,
        first: Annotated[int, strawberry.argument(description="How many hits (at most 100).")] = 20,
    ) -> list[SearchHit]:
        query = required_text(text, "text")
        top = page_size(first, info.context.settings)
        if top == 0:
            return []
        hits = await info.context.call(ranking.search, query, types=set(types) if types else None, top=top)
        return [SearchHit(node=entity(hit.node), score=hit.score) for hit in hits]

    @strawberry.field(
        description="Cases that most likely worked on the problem described, best first, with confidence and reasons; "
        "says so when no case matches strongly.",
        permission_classes=[CanRead],
    )
    async def prior_work(
        self,
        info: Info,
        problem: Annotated[str, strawberry.argument(description="The problem, in any Nordic language or English.")],
        filter: Annotated[CaseFilter | None, strawberry.argument(description="Rank only these cases.")] = None,  # noqa: A002
        first: Annotated[int, strawberry.argument(description="How many hits (at most 100).")] = 10,
        after: After = None,
        language: Annotated[
            Language | None,
            strawberry.argument(description="The language of reasons; else Accept-Language, else the problem's."),
        ] = None,
    ) -> PriorWorkConnection:
        text = required_text(problem, "problem")
        case_filter = case_filter_of(filter)
        top = page_size(first, info.context.settings)
        offset = _rank_after(after)
        lang = language.value if language else info.context.preferred_language()
        found = await info.context.call(
            ranking.prior_work, text, case_filter=case_filter, top=max(top, 1), offset=offset, lang=lang
        )
        if top == 0:
            found = ranking.PriorWork((), found.total, found.strong, found.language)
        return prior_work_page(found, offset)

    @strawberry.field(description="Cases most like a stored case, best first.", permission_classes=[CanRead])
    async def related_cases(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A case's key or global id.")],  # noqa: A002
        first: Annotated[int, strawberry.argument(description="How many hits (at most 100).")] = 10,
    ) -> list[CaseHit]:
        top = page_size(first, info.context.settings)
        case = await node_of(info, id)
        if case is None or case.type is not NodeType.CASE:
            raise NotFound("No case has this id.", field="id")
        if top == 0:
            return []
        lang = info.context.preferred_language()
        found = await info.context.call(ranking.related_cases, case.id, top=top, lang=lang)
        return case_hits(found.hits, found.language)

    @strawberry.field(
        description="The nodes within `depth` steps of a node and the edges between them.", permission_classes=[CanRead]
    )
    async def neighbourhood(
        self,
        info: Info,
        id: NodeIdArgument,  # noqa: A002
        depth: Annotated[int, strawberry.argument(description=f"Steps from the node, 0 to {MAX_DEPTH}.")] = 1,
        types: Annotated[
            list[NodeType] | None, strawberry.argument(description="Only nodes of these types beyond the start.")
        ] = None,
    ) -> Neighbourhood:
        if depth < 0:
            raise BadUserInput("`depth` cannot be negative.", field="depth")
        if depth > MAX_DEPTH:
            raise LimitExceeded(f"`depth` can be at most {MAX_DEPTH}.", field="depth")
        start = await node_of(info, id)
        if start is None:
            raise NotFound("No node has this id.", field="id")
        sub = await info.context.call(
            neighbourhood,
            start.id,
            depth=depth,
            types=set(types) if types else None,
            max_nodes=info.context.settings.max_neighbourhood_nodes,
        )
        distance = sub.distance or {}
        kinds = {node.id: node.type.value for node in sub.nodes}
        return Neighbourhood(
            nodes=[
                GraphNode(
                    id=relay.GlobalID(node.type.value, node.id),
                    key=node.id,
                    type=node.type,
                    label=node.label,
                    distance=distance.get(node.id, 0),
                )
                for node in sub.nodes
            ],
            edges=[
                GraphEdge(
                    source=relay.GlobalID(kinds[edge.source], edge.source),
                    target=relay.GlobalID(kinds[edge.target], edge.target),
                    type=edge.type,
                )
                for edge in sub.edges
            ],
            truncated=sub.truncated,
        )

    @strawberry.field(
        description="Choices for a filter picker, by label, with how many cases each would find.",
        permission_classes=[CanRead],
    )
    async def vocabulary(
        self,
        info: Info,
        kind: Annotated[VocabularyKind, strawberry.argument(description="Which list.")],
        lang: Annotated[Language | None, strawberry.argument(description="Label language.")] = None,
        text: Annotated[str | None, strawberry.argument(description="Only terms whose label contains this.")] = None,
        used_only: Annotated[bool, strawberry.argument(description="Only terms at least one case has.")] = True,
        first: First = None,
        after: After = None,
    ) -> Connection[VocabularyTerm]:
        wanted = _folded(required_text(text, "text")) if text is not None else None
        terms = await info.context.call(_terms, kind, lang.value if lang else None)
        chosen = [
            term for term in terms if (term[2] > 0 or not used_only) and (wanted is None or wanted in _folded(term[1]))
        ]
        page = window(
            chosen,
            sort_key=lambda term: (_folded(term[1]), term[0]),
            first=first,
            after=after,
            settings=info.context.settings,
        )
        return Connection.of(
            page,
            lambda term: VocabularyTerm(
                value=term[0], label=term[1], case_count=term[2], node=entity(term[3]) if term[3] else None
            ),
        )

    @strawberry.field(description="How many nodes and edges of each type the graph has.", permission_classes=[CanRead])
    async def stats(self, info: Info) -> Stats:
        counts = await info.context.call(lambda store: store.stats())
        return Stats(
            node_total=counts.node_total,
            edge_total=counts.edge_total,
            nodes=[TypeCount(type=name, count=count) for name, count in counts.nodes.items()],
            edges=[TypeCount(type=name, count=count) for name, count in counts.edges.items()],
        )

    @strawberry.field(
        description="Stored needs worded like the text, for 'already reported' hints while someone types.",
        permission_classes=[CanRead],
    )
    async def similar_needs(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(description="The need as typed so far.")],
        first: Annotated[int, strawberry.argument(description="How many hits (at most 100).")] = 5,
    ) -> list[NeedHit]:
        query = required_text(text, "text")
        top = page_size(first, info.context.settings)
        if top == 0:
            return []
        hits = await info.context.call(ranking.similar_needs, query, top=top)
        return need_hits(hits)

    table_export: TableFile = strawberry.field(
        resolver=table_export,
        description="A prior-work or case list as a CSV or XLSX file: a download URL, and the content as base64.",
        permission_classes=[CanRead],
    )


def need_hits(hits: list[ranking.NeedHit]) -> list[NeedHit]:
    """GraphQL hits for need hits."""
    return [
        NeedHit(need=Need(node_id=hit.need.id, node=hit.need), score=hit.score, matched_terms=list(hit.matched_terms))
        for hit in hits
    ]
