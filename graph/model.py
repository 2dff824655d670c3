"""The domain model: node and relationship types, nodes, edges and batches.

Labels and relationship types are spelled here and nowhere else. Properties are
flat (str, int, float, bool or a list of str) so that every backend stores them
natively, including Neo4j, which has no map-valued properties.

Examples
--------
>>> case = Node("no-trondelag-novari-utdanningsvalg", NodeType.CASE, {"title": "Utdanningsvalg"})
>>> case.label
'Utdanningsvalg'
>>> edge = Edge("organisation:novari-iks", RelType.PARTICIPATED_IN, case.id, case.id, {"role": "facilitator"})
>>> edge.key[:3]
('organisation:novari-iks', 'PARTICIPATED_IN', 'no-trondelag-novari-utdanningsvalg')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeAlias

__all__ = [
    "COUNTRIES",
    "LANGUAGES",
    "ORGANISATION_TYPES",
    "ROLE_ORDER",
    "STATUSES",
    "Batch",
    "Direction",
    "Edge",
    "EdgeKey",
    "Node",
    "NodeType",
    "Origin",
    "PropValue",
    "Props",
    "RelType",
    "Role",
    "RelatedKind",
    "SourceFile",
    "RELATIONSHIP_ENDS",
    "role_rank",
]

LANGUAGES: tuple[str, ...] = ("sv", "nb", "nn", "da", "en")
"""Languages we label and analyse: Swedish, Norwegian bokmål and nynorsk, Danish, English."""

COUNTRIES: tuple[str, ...] = ("SE", "NO", "DK", "FI", "IS")
"""Country codes (ISO 3166-1 alpha-2) a case or organisation may have."""

ORGANISATION_TYPES: tuple[str, ...] = (
    "municipality",
    "county",
    "region",
    "agency",
    "association",
    "company",
    "foundation",
    "network",
    "research",
    "ngo",
    "other",
)
"""Kinds of organisation."""

STATUSES: tuple[str, ...] = ("planned", "ongoing", "completed", "discontinued")
"""Where a case stands."""

PropValue: TypeAlias = str | int | float | bool | list[str]
Props: TypeAlias = dict[str, PropValue]
EdgeKey: TypeAlias = tuple[str, str, str, str]


class NodeType(str, Enum):
    """Node labels (Neo4j labels, embedded `type` column)."""

    CASE = "Case"
    ORGANISATION = "Organisation"
    NEED = "Need"
    TARGET_GROUP = "TargetGroup"
    METHOD = "Method"
    TOPIC = "Topic"
    PLACE = "Place"
    SOURCE = "Source"

    @property
    def prefix(self) -> str:
        """Id prefix for nodes of this type that get a derived id (all but cases)."""
        return _PREFIXES[self]


_PREFIXES = {
    NodeType.CASE: "case",
    NodeType.ORGANISATION: "organisation",
    NodeType.NEED: "need",
    NodeType.TARGET_GROUP: "target-group",
    NodeType.METHOD: "method",
    NodeType.TOPIC: "topic",
    NodeType.PLACE: "place",
    NodeType.SOURCE: "source",
}


class RelType(str, Enum):
    """Relationship types; `RELATIONSHIP_ENDS` says which node types each one joins.

    `INFERRED_LINK` joins a case to a vocabulary concept its free-text target groups,
    topics or methods are similar to (props `similarity`, `model`, `via`: the free-text
    concept), written after embedding; `REJECTED_LINK` remembers one a curator rejected,
    so it is never inferred again for that case (see `graph.ranking.inferred`).
    """

    PARTICIPATED_IN = "PARTICIPATED_IN"
    ADDRESSES = "ADDRESSES"
    OF = "OF"
    TARGETS = "TARGETS"
    USED = "USED"
    INCORPORATES = "INCORPORATES"
    DEVELOPED_BY = "DEVELOPED_BY"
    ABOUT = "ABOUT"
    LOCATED_IN = "LOCATED_IN"
    PART_OF = "PART_OF"
    MEMBER_OF = "MEMBER_OF"
    SUCCESSOR_OF = "SUCCESSOR_OF"
    BROADER = "BROADER"
    DESCRIBED_IN = "DESCRIBED_IN"
    RELATED_TO = "RELATED_TO"
    CLOSE_MATCH = "CLOSE_MATCH"
    INFERRED_LINK = "INFERRED_LINK"
    REJECTED_LINK = "REJECTED_LINK"


_N = NodeType
RELATIONSHIP_ENDS: Mapping[RelType, tuple[frozenset[NodeType], frozenset[NodeType]]] = {
    RelType.PARTICIPATED_IN: (frozenset({_N.ORGANISATION}), frozenset({_N.CASE})),
    RelType.ADDRESSES: (frozenset({_N.CASE}), frozenset({_N.NEED})),
    RelType.OF: (frozenset({_N.NEED}), frozenset({_N.TARGET_GROUP})),
    RelType.TARGETS: (frozenset({_N.CASE}), frozenset({_N.TARGET_GROUP})),
    RelType.USED: (frozenset({_N.CASE}), frozenset({_N.METHOD})),
    RelType.INCORPORATES: (frozenset({_N.METHOD}), frozenset({_N.METHOD})),
    RelType.DEVELOPED_BY: (frozenset({_N.METHOD}), frozenset({_N.ORGANISATION})),
    RelType.ABOUT: (frozenset({_N.CASE}), frozenset({_N.TOPIC})),
    RelType.LOCATED_IN: (frozenset({_N.CASE, _N.ORGANISATION}), frozenset({_N.PLACE})),
    RelType.PART_OF: (frozenset({_N.PLACE}), frozenset({_N.PLACE})),
    RelType.MEMBER_OF: (frozenset({_N.ORGANISATION}), frozenset({_N.ORGANISATION})),
    RelType.SUCCESSOR_OF: (frozenset({_N.ORGANISATION}), frozenset({_N.ORGANISATION})),
    RelType.BROADER: (
        frozenset({_N.TARGET_GROUP, _N.TOPIC, _N.METHOD}),
        frozenset({_N.TARGET_GROUP, _N.TOPIC, _N.METHOD}),
    ),
    RelType.DESCRIBED_IN: (frozenset({_N.CASE}), frozenset({_N.SOURCE})),
    RelType.RELATED_TO: (frozenset({_N.CASE}), frozenset({_N.CASE})),
    RelType.CLOSE_MATCH: (frozenset({_N.METHOD}), frozenset({_N.METHOD})),
    RelType.INFERRED_LINK: (frozenset({_N.CASE}), frozenset({_N.TARGET_GROUP, _N.TOPIC, _N.METHOD})),
    RelType.REJECTED_LINK: (frozenset({_N.CASE}), frozenset({_N.TARGET_GROUP, _N.TOPIC, _N.METHOD})),
}
"""Allowed (source types, target types) per relationship type."""


class Direction(str, Enum):
    """Which edges of a node `GraphStore.neighbours` follows."""

    OUT = "out"
    IN = "in"
    BOTH = "both"


class Role(str, Enum):
    """An organisation's role in a case."""

    OWNER = "owner"
    PARTNER = "partner"
    FUNDER = "funder"
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"


ROLE_ORDER: tuple[Role, ...] = tuple(Role)
"""Roles from the most to the least responsible, the order stakeholders are listed in."""


def role_rank(role: object) -> int:
    """Where a role (as stored on an edge) comes in `ROLE_ORDER`; unknown roles last.

    >>> role_rank("owner"), role_rank("participant"), role_rank(None)
    (0, 4, 5)
    """
    values = [item.value for item in ROLE_ORDER]
    return values.index(role) if isinstance(role, str) and role in values else len(values)


class RelatedKind(str, Enum):
    """How one case relates to another."""

    BUILDS_ON = "builds_on"
    SIMILAR_TO = "similar_to"
    FOLLOW_UP_OF = "follow_up_of"


@dataclass(frozen=True, slots=True)
class Node:
    """A node: a stable id, its type and flat properties."""

    id: str
    type: NodeType
    props: Props = field(default_factory=dict)

    @property
    def label(self) -> str:
        """A human-readable name: title, name or id."""
        for key in ("title", "name", "text"):
            value = self.props.get(key)
            if isinstance(value, str) and value:
                return value
        return self.id

    def label_in(self, lang: str) -> str:
        """The label in `lang` (`label_sv`, ...) falling back to `label`."""
        value = self.props.get(f"label_{lang}")
        return value if isinstance(value, str) and value else self.label


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed edge asserted by one source of truth (a case file, the vocabulary ...).

    Two case files may assert the same (source, type, target); each assertion is its
    own edge, so re-ingesting one case retracts exactly what that case said.
    """

    source: str
    type: RelType
    target: str
    asserted_by: str
    props: Props = field(default_factory=dict)

    @property
    def key(self) -> EdgeKey:
        """Identity of the edge: (source, type, target, asserted_by)."""
        return (self.source, self.type.value, self.target, self.asserted_by)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file a write was read from, with the SHA-256 of its bytes (hex)."""

    path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Origin:
    """Who made a write and from what: kept with the run the write becomes (see `graph.history`).

    `actor` is an API key (`key:<name>`), a person (`person:<name>`) or `cli`;
    `reverts` names the run a revert undoes.
    """

    actor: str = "unknown"
    sources: tuple[SourceFile, ...] = ()
    reverts: int | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """One atomic write: remove and retract edges and nodes, then upsert nodes and edges.

    Node properties are merged into existing ones (missing keys are kept), except
    for the nodes named in `replace_props`, whose properties are replaced (a case
    re-ingested without its summary loses the summary). `retract` deletes every edge
    of some asserters, `remove_edges` exact edges, `remove_nodes` nodes with every
    edge touching them. Edges must join nodes that exist after the batch. With
    `replace_all` the graph is emptied first, in the same transaction (used by
    import and sync). `origin` says who wrote the batch and from which files.
    """

    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    retract: frozenset[str] = frozenset()
    replace_all: bool = False
    replace_props: frozenset[str] = frozenset()
    remove_nodes: frozenset[str] = frozenset()
    remove_edges: frozenset[EdgeKey] = frozenset()
    origin: Origin = field(default_factory=Origin)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges)
