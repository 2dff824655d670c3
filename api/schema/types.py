"""The GraphQL object types: one per node type, their relationships as paged fields, and result types.

Every node type implements `Entity`, which extends Relay's `Node`: the global `id`
is built from the type name and the stable Behovsgraf id, which `key` returns as is.
Relationship fields go through the request's DataLoaders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry import relay

from api.schema.connections import After, Connection, First, Window, window
from api.schema.connections import Edge as ListEdge
from api.schema.context import Context, EdgeQuery
from api.schema.enums import NodeType, RelatedKind, RelType, Role
from api.schema.history import HistoryEntry, history_page
from graph.model import Direction, Edge, Node
from graph.properties import UPDATED_AT
from graph.ranking import Confidence, ReasonKind

__all__ = [
    "Case",
    "CaseHit",
    "Entity",
    "GraphEdge",
    "GraphNode",
    "Language",
    "Method",
    "Need",
    "NeedHit",
    "Neighbourhood",
    "Organisation",
    "PriorWorkConnection",
    "Place",
    "Reason",
    "SearchHit",
    "Source",
    "Stats",
    "TargetGroup",
    "Topic",
    "TypeCount",
    "VocabularyKind",
    "VocabularyTerm",
    "entity",
    "sort_by_id",
]

Info = strawberry.Info[Context, None]
T = TypeVar("T")
E = TypeVar("E", bound="Entity")
C = TypeVar("C", Role, RelatedKind)



@strawberry.enum(description="Languages: SV Swedish, NB and NN Norwegian bokmål and nynorsk, DA Danish, EN English.")
class Language(Enum):
    """Language codes as used in case files."""

    SV = "sv"
    NB = "nb"
    NN = "nn"
    DA = "da"
    EN = "en"


@strawberry.enum(description="The lists a filter picker can offer; each matches the `CaseFilter` field of its name.")
class VocabularyKind(Enum):
    """What `vocabulary` lists."""

    TOPIC = "topic"
    TARGET_GROUP = "target_group"
    METHOD = "method"
    ORGANISATION = "organisation"
    PLACE = "place"
    COUNTRY = "country"
    LANGUAGE = "language"
    STATUS = "status"


LangArgument = Annotated[
    Language | None, strawberry.argument(description="Label language; the node's own name when absent.")
]


def _text(node: Node, key: str) -> str | None:
    value = node.props.get(key)
    return value if isinstance(value, str) and value else None


def _int(node: Node, key: str) -> int | None:
    value = node.props.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _texts(node: Node, key: str) -> list[str]:
    value = node.props.get(key)
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def sort_by_id(node: Node) -> tuple[str]:
    """Sort key (and cursor) of lists ordered by stable id."""
    return (node.id,)


def _other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


async def _edges(info: Info, node_id: str, rel: RelType, direction: Direction) -> list[Edge]:
    return await info.context.loaders.edges.load(EdgeQuery(node_id, rel, direction))


async def _linked(
    info: Info, node_id: str, rel: RelType, direction: Direction, node_type: NodeType
) -> list[tuple[Node, list[Edge]]]:
    """The nodes of `node_type` one `rel` edge away, each with the edges that reach it."""
    by_other: dict[str, list[Edge]] = {}
    for edge in await _edges(info, node_id, rel, direction):
        by_other.setdefault(_other_end(edge, node_id), []).append(edge)
    others = sorted(by_other)
    nodes = await info.context.loaders.nodes.load_many(others)
    return [(node, by_other[node.id]) for node in nodes if node is not None and node.type is node_type]


async def _page(
    info: Info,
    node_id: str,
    rel: RelType,
    direction: Direction,
    node_type: NodeType,
    first: int | None,
    after: str | None,
) -> Connection[Entity]:
    """One page of the nodes of `node_type` one `rel` edge away, ordered by key."""
    page = await _link_page(info, node_id, rel, direction, node_type, first, after)
    return Connection.of(page, lambda pair: entity(pair[0]))


def _related(rel: RelType, direction: Direction, node_type: NodeType, description: str) -> Any:
    """A paged relationship field: the nodes of `node_type` one `rel` edge away, ordered by key.

    Every plain relationship of every type is one line, `needs = _related(RelType.ADDRESSES, ...)`;
    the field's GraphQL type, `Connection[<node type>]`, is named after the node type.
    """

    async def resolve(root: Entity, info: Info, first: First = None, after: After = None) -> Connection[Entity]:
        return await _page(info, root.node_id, rel, direction, node_type, first, after)

    resolve.__annotations__["return"] = f"Connection[{node_type.value}]"
    return strawberry.field(resolver=resolve, description=description)


async def _single(info: Info, node_id: str, rel: RelType, direction: Direction, kind: type[E]) -> E | None:
    """The first (by key) of the nodes one `rel` edge away that are a `kind`."""
    linked = await _linked(info, node_id, rel, direction, _NODE_TYPES[kind])
    return kind(node_id=linked[0][0].id, node=linked[0][0]) if linked else None


def _first_given(choices: type[C], edges: Sequence[Edge], key: str) -> C | None:
    """The first of `choices`, in their order, that one of the edges gives as `key` (owner before partner ...)."""
    given = {edge.props.get(key) for edge in edges}
    return next((choice for choice in choices if choice.value in given), None)


@strawberry.interface(description="A node of the graph: its global id, stable key, kind and label.")
class Entity(relay.Node):
    """Common fields of every node type."""

    node_id: relay.NodeID[str]
    node: strawberry.Private[Node]

    @strawberry.field(
        description="The stable Behovsgraf id: a case's id from its file, `method:...` and so on for others."
    )
    def key(self) -> str:
        return self.node_id

    @strawberry.field(description="What type of node this is.")
    def kind(self) -> NodeType:
        return self.node.type

    @strawberry.field(description="A human-readable name, in `lang` where the vocabulary has one.")
    def label(self, lang: LangArgument = None) -> str:
        return self.node.label_in(lang.value) if lang else self.node.label

    @strawberry.field(
        description="The runs that changed this node or the edges asserted about it, newest first, with the differences."
    )
    async def history(self, info: Info, first: First = None, after: After = None) -> Connection[HistoryEntry]:
        node_id = self.node_id
        entries = await info.context.call(lambda store: store.history(node_id))
        return history_page(entries, first=first, after=after, settings=info.context.settings)


@strawberry.type(description="An organisation's part in a case, seen from either end: the other end and the role.")
class RoleEdge(ListEdge[T]):
    """An organisation of a case, or a case of an organisation, with the organisation's role."""

    role: Role | None = strawberry.field(description="The organisation's role in the case.")


@strawberry.type(description="A page of the organisations of a case or of the cases of an organisation, with roles.")
class RoleConnection(Connection[T]):
    """Items linked by taking part, each with the role."""

    edges: Sequence[RoleEdge[T]] = strawberry.field(description="The items of this page.")


async def _link_page(
    info: Info,
    node_id: str,
    rel: RelType,
    direction: Direction,
    node_type: NodeType,
    first: int | None,
    after: str | None,
) -> Window[tuple[Node, list[Edge]]]:
    """A page of linked nodes that keeps the edges reaching each one (for roles and kinds)."""
    linked = await _linked(info, node_id, rel, direction, node_type)
    return window(
        linked, sort_key=lambda pair: sort_by_id(pair[0]), first=first, after=after, settings=info.context.settings
    )


async def _roles(
    info: Info, node_id: str, direction: Direction, kind: type[E], first: int | None, after: str | None
) -> RoleConnection[E]:
    """The organisations of a case (`IN`) or the cases of an organisation (`OUT`), with the roles."""
    page = await _link_page(info, node_id, RelType.PARTICIPATED_IN, direction, _NODE_TYPES[kind], first, after)
    edges = [
        RoleEdge(cursor=c, node=kind(node_id=n.id, node=n), role=_first_given(Role, e, "role"))
        for c, (n, e) in page.items
    ]
    return RoleConnection(edges=edges, page_info=page.page_info, total_count=page.total_count)


@strawberry.type(description="A development case: a project or service someone carried out, with what it addressed.")
class Case(Entity):
    """A case from a case file."""

    @strawberry.field(description="The case's title.")
    def title(self) -> str:
        return self.node.label

    @strawberry.field(description="What the case did, in its own language.")
    def summary(self) -> str | None:
        return _text(self.node, "summary")

    @strawberry.field(description="The language of title and summary (sv, nb, nn, da, en).")
    def language(self) -> str | None:
        return _text(self.node, "language")

    @strawberry.field(description="The year the case started or was reported.")
    def year(self) -> int | None:
        return _int(self.node, "year")

    @strawberry.field(description="planned, ongoing, completed or discontinued.")
    def status(self) -> str | None:
        return _text(self.node, "status")

    @strawberry.field(description="Country code: SE, NO, DK, FI or IS.")
    def country(self) -> str | None:
        return _text(self.node, "country")

    @strawberry.field(description="When the case last changed in the store (UTC); null if stored before this was kept.")
    def updated_at(self) -> datetime | None:
        stamp = _text(self.node, UPDATED_AT)
        return datetime.fromisoformat(stamp) if stamp else None

    @strawberry.field(description="What came out of the case, one sentence each.")
    def outcomes(self) -> list[str]:
        return _texts(self.node, "outcomes")

    @strawberry.field(
        description="Whether the case can already be found by meaning (its texts are embedded); by its words it can at once."
    )
    async def findable_by_meaning(self, info: Info) -> bool:
        return await info.context.loaders.embedded.load(self.node_id)

    @strawberry.field(description="Organisations that took part, with their roles.")
    async def participants(self, info: Info, first: First = None, after: After = None) -> RoleConnection[Organisation]:
        return await _roles(info, self.node_id, Direction.IN, Organisation, first, after)

    needs = _related(RelType.ADDRESSES, Direction.OUT, NodeType.NEED, "Needs the case addressed.")
    target_groups = _related(
        RelType.TARGETS, Direction.OUT, NodeType.TARGET_GROUP, "Target groups the case worked for."
    )
    methods = _related(RelType.USED, Direction.OUT, NodeType.METHOD, "Methods the case used.")
    topics = _related(RelType.ABOUT, Direction.OUT, NodeType.TOPIC, "Topics the case is about.")
    places = _related(RelType.LOCATED_IN, Direction.OUT, NodeType.PLACE, "Places where the case took place.")
    sources = _related(
        RelType.DESCRIBED_IN, Direction.OUT, NodeType.SOURCE, "Reports, articles and pages that describe the case."
    )

    @strawberry.field(description="Cases this case names as related (builds on, similar to, follow-up of).")
    async def related(self, info: Info, first: First = None, after: After = None) -> RelatedCaseConnection:
        page = await _link_page(info, self.node_id, RelType.RELATED_TO, Direction.OUT, NodeType.CASE, first, after)
        edges = [
            RelatedCaseEdge(cursor=c, node=Case(node_id=n.id, node=n), kind=_first_given(RelatedKind, e, "kind"))
            for c, (n, e) in page.items
        ]
        return RelatedCaseConnection(edges=edges, page_info=page.page_info, total_count=page.total_count)


@strawberry.type(description="A case another case names as related, and how.")
class RelatedCaseEdge(ListEdge[Case]):
    """A related case."""

    kind: RelatedKind | None = strawberry.field(description="How the case relates to it.")


@strawberry.type(description="A page of related cases.")
class RelatedCaseConnection(Connection[Case]):
    """Cases a case names as related."""

    edges: Sequence[RelatedCaseEdge] = strawberry.field(description="The items of this page.")


@strawberry.type(description="A municipality, agency, company or other body that takes part in cases.")
class Organisation(Entity):
    """An organisation."""

    @strawberry.field(description="The organisation's name.")
    def name(self) -> str:
        return self.node.label

    @strawberry.field(description="municipality, county, region, agency, association, company, ...")
    def organisation_type(self) -> str | None:
        return _text(self.node, "org_type")

    @strawberry.field(description="Country code: SE, NO, DK, FI or IS.")
    def country(self) -> str | None:
        return _text(self.node, "country")

    @strawberry.field(description="Other names the organisation is known by.")
    def aliases(self) -> list[str]:
        return _texts(self.node, "aliases")

    @strawberry.field(description="Cases the organisation took part in, with its roles.")
    async def cases(self, info: Info, first: First = None, after: After = None) -> RoleConnection[Case]:
        return await _roles(info, self.node_id, Direction.OUT, Case, first, after)

    places = _related(RelType.LOCATED_IN, Direction.OUT, NodeType.PLACE, "Places the organisation is located in.")
    member_of = _related(
        RelType.MEMBER_OF, Direction.OUT, NodeType.ORGANISATION, "Bodies the organisation is a member of."
    )
    members = _related(RelType.MEMBER_OF, Direction.IN, NodeType.ORGANISATION, "Members of the organisation.")
    successor_of = _related(
        RelType.SUCCESSOR_OF, Direction.OUT, NodeType.ORGANISATION, "Organisations this one succeeded (after a merger or reform)."
    )
    methods = _related(RelType.DEVELOPED_BY, Direction.IN, NodeType.METHOD, "Methods the organisation developed.")


@strawberry.type(description="A need, in the words of those who have it.")
class Need(Entity):
    """A need addressed by cases."""

    @strawberry.field(description="The need as worded.")
    def text(self) -> str:
        return self.node.label

    @strawberry.field(description="The language of the text.")
    def language(self) -> str | None:
        return _text(self.node, "language")

    @strawberry.field(description="The (first) target group that has the need.")
    async def target_group(self, info: Info) -> TargetGroup | None:
        return await _single(info, self.node_id, RelType.OF, Direction.OUT, TargetGroup)

    target_groups = _related(
        RelType.OF, Direction.OUT, NodeType.TARGET_GROUP, "Every target group that has the need."
    )
    cases = _related(RelType.ADDRESSES, Direction.IN, NodeType.CASE, "Cases that addressed the need.")


@strawberry.type(description="A group of people cases work for (pupils, foster children, newly arrived ...).")
class TargetGroup(Entity):
    """A target group of the vocabulary or a case file."""

    @strawberry.field(description="The target group's name.")
    def name(self) -> str:
        return self.node.label

    needs = _related(RelType.OF, Direction.IN, NodeType.NEED, "Needs of this target group.")
    cases = _related(RelType.TARGETS, Direction.IN, NodeType.CASE, "Cases that worked for this target group.")
    broader = _related(
        RelType.BROADER, Direction.OUT, NodeType.TARGET_GROUP, "Wider target groups this one belongs to."
    )
    narrower = _related(
        RelType.BROADER, Direction.IN, NodeType.TARGET_GROUP, "Narrower target groups within this one."
    )


@strawberry.type(description="A method cases used (service design, interviews, a named programme ...).")
class Method(Entity):
    """A method of the vocabulary or a case file."""

    @strawberry.field(description="The method's name.")
    def name(self) -> str:
        return self.node.label

    @strawberry.field(description="What the method is, in `lang` where the vocabulary has it.")
    def description(self, lang: LangArgument = None) -> str | None:
        if lang and (text := _text(self.node, f"description_{lang.value}")):
            return text
        return next(
            (
                text
                for key in sorted(self.node.props)
                if key.startswith("description_") and (text := _text(self.node, key))
            ),
            None,
        )

    cases = _related(RelType.USED, Direction.IN, NodeType.CASE, "Cases that used the method.")
    incorporates = _related(RelType.INCORPORATES, Direction.OUT, NodeType.METHOD, "Methods this method builds in.")
    incorporated_by = _related(
        RelType.INCORPORATES, Direction.IN, NodeType.METHOD, "Methods that build this method in."
    )
    developed_by = _related(
        RelType.DEVELOPED_BY, Direction.OUT, NodeType.ORGANISATION, "Organisations that developed the method."
    )
    broader = _related(RelType.BROADER, Direction.OUT, NodeType.METHOD, "Wider methods this one is a kind of.")
    narrower = _related(
        RelType.BROADER, Direction.IN, NodeType.METHOD, "Narrower methods that are kinds of this one."
    )


@strawberry.type(description="A subject area (school, child welfare, digitalisation ...).")
class Topic(Entity):
    """A topic of the vocabulary or a case file."""

    @strawberry.field(description="The topic's name.")
    def name(self) -> str:
        return self.node.label

    cases = _related(RelType.ABOUT, Direction.IN, NodeType.CASE, "Cases about the topic.")
    broader = _related(RelType.BROADER, Direction.OUT, NodeType.TOPIC, "Wider topics this one belongs to.")
    narrower = _related(RelType.BROADER, Direction.IN, NodeType.TOPIC, "Narrower topics within this one.")


@strawberry.type(description="A country, county, region or municipality.")
class Place(Entity):
    """A place of the reference registers or a case file."""

    @strawberry.field(description="The place's name.")
    def name(self) -> str:
        return self.node.label

    @strawberry.field(description="country, county, region or municipality, where known.")
    def place_type(self) -> str | None:
        return _text(self.node, "kind")

    @strawberry.field(description="The official code (municipality or county number), where known.")
    def code(self) -> str | None:
        return _text(self.node, "code")

    @strawberry.field(description="Country code: SE, NO, DK, FI or IS.")
    def country(self) -> str | None:
        return _text(self.node, "country")

    @strawberry.field(description="The place this one lies in.")
    async def part_of(self, info: Info) -> Place | None:
        return await _single(info, self.node_id, RelType.PART_OF, Direction.OUT, Place)

    parts = _related(RelType.PART_OF, Direction.IN, NodeType.PLACE, "Places within this one.")
    cases = _related(RelType.LOCATED_IN, Direction.IN, NodeType.CASE, "Cases that took place here.")
    organisations = _related(RelType.LOCATED_IN, Direction.IN, NodeType.ORGANISATION, "Organisations located here.")


@strawberry.type(description="A report, article or web page that describes cases.")
class Source(Entity):
    """A source of case descriptions."""

    @strawberry.field(description="Where the source is.")
    def url(self) -> str | None:
        return _text(self.node, "url")

    @strawberry.field(description="The source's title, where known.")
    def title(self) -> str | None:
        return _text(self.node, "title")

    @strawberry.field(description="Who published it.")
    def publisher(self) -> str | None:
        return _text(self.node, "publisher")

    @strawberry.field(description="When: a date, month or year (2017-10-05, 2017-10, 2017).")
    def published(self) -> str | None:
        return _text(self.node, "published")

    cases = _related(RelType.DESCRIBED_IN, Direction.IN, NodeType.CASE, "Cases the source describes.")


_TYPES: dict[NodeType, type[Entity]] = {
    NodeType.CASE: Case,
    NodeType.ORGANISATION: Organisation,
    NodeType.NEED: Need,
    NodeType.TARGET_GROUP: TargetGroup,
    NodeType.METHOD: Method,
    NodeType.TOPIC: Topic,
    NodeType.PLACE: Place,
    NodeType.SOURCE: Source,
}


_NODE_TYPES: dict[type[Entity], NodeType] = {kind: node_type for node_type, kind in _TYPES.items()}


def entity(node: Node) -> Entity:
    """The GraphQL object of a stored node."""
    return _TYPES[node.type](node_id=node.id, node=node)


strawberry.enum(ReasonKind, name="ReasonKind", description="What kind of evidence a reason is.")
strawberry.enum(Confidence, name="Confidence", description="How well a case matches: strong, possible or weak.")


@strawberry.type(description="Why a case was ranked where it is: one piece of evidence and what it added.")
class Reason:
    """One contribution to a ranking score."""

    kind: ReasonKind = strawberry.field(
        description="SENTENCE (a case sentence says what part of the problem says), WORDS, TITLE, TARGET_GROUP, "
        "TOPIC, METHOD or ORGANISATION."
    )
    label: str = strawberry.field(description="What matched: the quoted case sentence, the words, a concept's label.")
    problem_part: str | None = strawberry.field(description="For SENTENCE: the part of the problem it matched.")
    is_inferred: bool = strawberry.field(description="The concept was linked by similarity of meaning, not by name.")
    text: str = strawberry.field(description="The reason as one line in the answer's language.")
    weight: float = strawberry.field(description="How much this added to the score.")


@strawberry.type(description="A ranked case: its score, confidence and why.")
class CaseHit:
    """A case ranked by `priorWork` or `relatedCases`."""

    case: Case = strawberry.field(description="The case.")
    score: float = strawberry.field(description="Higher is more relevant; comparable within one answer only.")
    confidence: Confidence = strawberry.field(description="How well the case matches.")
    reasons: list[Reason] = strawberry.field(description="The evidence, the best sentence pair first.")
    matched_terms: list[str] = strawberry.field(description="Uncommon words of the text, as written, that the case uses.")


@strawberry.type(description="A page of prior work: ranked cases, how many matched and how many match strongly.")
class PriorWorkConnection(Connection[CaseHit]):
    """Ranked cases for a problem, paged, best first; `totalCount` is how many matched at all."""

    strong_count: int = strawberry.field(description="How many cases match strongly.")
    is_no_match: bool = strawberry.field(description="No case matches strongly: the hits are only the closest.")
    message: str | None = strawberry.field(
        description="When no case matches strongly: 'no earlier case matches this well; the closest are' in the language."
    )
    language: Language = strawberry.field(description="The language of reasons and message.")


@strawberry.type(description="An existing need worded like a text.")
class NeedHit:
    """A need ranked by `similarNeeds`."""

    need: Need = strawberry.field(description="The need.")
    score: float = strawberry.field(description="Higher is more similar.")
    matched_terms: list[str] = strawberry.field(description="Analysed words the need shares with the text.")


@strawberry.type(description="A node matching a search.")
class SearchHit:
    """A node ranked by `search`."""

    node: Entity = strawberry.field(description="The node.")
    score: float = strawberry.field(description="Higher is a better match.")


@strawberry.type(description="A node of a neighbourhood.")
class GraphNode:
    """A node, flattened for drawing."""

    id: relay.GlobalID = strawberry.field(description="Global id, as `node(id)` takes it.")
    key: str = strawberry.field(description="The stable Behovsgraf id.")
    type: NodeType = strawberry.field(description="The node's type.")
    label: str = strawberry.field(description="A human-readable name.")
    distance: int = strawberry.field(description="Steps from the start node.")


@strawberry.type(description="An edge of a neighbourhood.")
class GraphEdge:
    """An edge between two nodes of a neighbourhood."""

    source: relay.GlobalID = strawberry.field(description="Global id of the node the edge starts at.")
    target: relay.GlobalID = strawberry.field(description="Global id of the node the edge ends at.")
    type: RelType = strawberry.field(description="The relationship.")


@strawberry.type(description="The nodes around a node and the edges between them.")
class Neighbourhood:
    """A subgraph for network views."""

    nodes: list[GraphNode] = strawberry.field(description="The start node first, then by distance, type and key.")
    edges: list[GraphEdge] = strawberry.field(description="Every edge between two of the nodes.")
    truncated: bool = strawberry.field(description="Whether the node limit cut the neighbourhood short.")


@strawberry.type(description="How many nodes or edges of one type the graph has.")
class TypeCount:
    """A count per type."""

    type: str = strawberry.field(description="The node or relationship type.")
    count: int = strawberry.field(description="How many there are.")


@strawberry.type(description="The size of the graph.")
class Stats:
    """Counts of nodes and edges."""

    node_total: int = strawberry.field(description="All nodes.")
    edge_total: int = strawberry.field(description="All edges.")
    nodes: list[TypeCount] = strawberry.field(description="Nodes per type.")
    edges: list[TypeCount] = strawberry.field(description="Edges per relationship type.")


@strawberry.type(description="One choice for a filter picker.")
class VocabularyTerm:
    """A term of `vocabulary`."""

    value: str = strawberry.field(description="What to put in the matching `CaseFilter` field (a global id or a code).")
    label: str = strawberry.field(description="What to show.")
    case_count: int = strawberry.field(description="How many cases the term would find.")
    node: Entity | None = strawberry.field(description="The term's node; none for countries, languages and statuses.")
