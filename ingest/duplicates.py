"""Likely duplicates among the stored organisations and concepts, scored by the `Matcher`.

Every name of every node is compared with the other nodes of its type (the same
core name, near-identical spelling, the same alias); a pair is listed when it scores
at least `POSSIBLE` and at least one of the two came from case files rather than the
registry or the vocabulary (those are distinct by construction: Habo and Håbo, the
two Herøy). Nodes ingest flagged "unconfirmed" meet their candidates this way too.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from graph.model import NodeType, RelType
from graph.store import GraphStore
from ingest.aliases import names_of
from ingest.matching import POSSIBLE, Matcher

__all__ = ["DUPLICATE_TYPES", "Duplicate", "find_duplicates"]

DUPLICATE_TYPES = (NodeType.ORGANISATION, NodeType.METHOD, NodeType.TARGET_GROUP, NodeType.TOPIC)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Two nodes that are likely one: `keep` is the registry or vocabulary node when there is one."""

    keep: str
    keep_name: str
    other: str
    other_name: str
    score: float
    reason: str


def find_duplicates(
    store: GraphStore, *, protected: Set[str], types: tuple[NodeType, ...] = DUPLICATE_TYPES, threshold: float = POSSIBLE
) -> list[Duplicate]:
    """Pairs of likely duplicates, best first; `protected` holds the registry and vocabulary ids."""
    nodes = [node for node_type in types for node in store.find(node_type)]
    places = [*store.edges(RelType.LOCATED_IN), *store.edges(RelType.PART_OF)]
    matcher = Matcher(nodes, places)
    pairs: dict[tuple[str, str], Duplicate] = {}
    for node in nodes:
        if node.id in protected:
            continue
        for name in names_of(node):
            for candidate in matcher.similar(node.type, name):
                if candidate.node_id == node.id or candidate.score < threshold:
                    continue
                keep, other = (candidate.node_id, node.id) if candidate.node_id in protected else sorted((candidate.node_id, node.id))
                key = (keep, other)
                if key not in pairs or pairs[key].score < candidate.score:
                    pairs[key] = Duplicate(
                        keep,
                        matcher.nodes[keep].label,
                        other,
                        matcher.nodes[other].label,
                        candidate.score,
                        f"{name!r}: {'; '.join(candidate.reasons)}",
                    )
    return sorted(pairs.values(), key=lambda d: (-d.score, d.keep, d.other))
