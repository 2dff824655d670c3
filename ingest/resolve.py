"""Resolve the names in validated cases to node ids and turn each case into nodes and edges.

A name meets an existing node through any of its names, labels or aliases (see
`AliasIndex`); otherwise it creates a node with a deterministic id. Every edge a
case implies is asserted by the case, so ingesting a new version of the case
retracts what the old version said.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.ids import distinct_node_id, node_id, normalise_name
from graph.model import Edge, Node, NodeType, Props, RelType
from graph.store import GraphStore
from ingest.aliases import AliasIndex
from ingest.report import Merge, Problem, format_path
from ingest.schema import CaseIn

__all__ = ["CasePlan", "Resolver", "source_id"]

INDEXED_TYPES = (NodeType.ORGANISATION, NodeType.METHOD, NodeType.TARGET_GROUP, NodeType.TOPIC, NodeType.PLACE, NodeType.NEED)


def source_id(url: str) -> str:
    """The id of a source: its address without scheme case, fragment or trailing slash."""
    scheme, _, rest = url.partition("://")
    rest = rest.split("#", 1)[0].rstrip("/")
    host, _, path = rest.partition("/")
    return node_id(NodeType.SOURCE, f"{scheme.lower()}://{host.lower()}/{path}")


@dataclass(slots=True)
class CasePlan:
    """What one case writes, and what resolving it found."""

    case_id: str
    file: str = ""
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Resolver:
    """Turns cases into plans, meeting the store's and the vocabulary's nodes by name."""

    def __init__(self, store: GraphStore, vocabulary: Iterable[Node], known_cases: set[str]) -> None:
        self.index = AliasIndex()
        self.names: dict[str, str] = {}
        self.created: set[str] = set()
        self.known_cases = known_cases
        for node_type in INDEXED_TYPES:
            for node in store.find(node_type):
                self._register(node)
        for node in vocabulary:
            self._register(node)

    def _register(self, node: Node) -> None:
        self.index.add(node)
        self.names[node.id] = node.label

    def plan(self, case: CaseIn, file: str, position: int, line_of: dict[tuple[str | int, ...], int]) -> CasePlan:
        """The nodes and edges of one case; problems when a name is ambiguous or a related case unknown."""
        plan = CasePlan(case.id, file)
        base = ("cases", position)

        def resolve(node_type: NodeType, name: str, path: tuple[str | int, ...], props: Props) -> str | None:
            ids, matched = self.index.lookup(node_type, name)
            if len(ids) > 1:
                choices = ", ".join(sorted(self.names.get(i, i) for i in ids))
                plan.problems.append(
                    Problem(
                        file,
                        format_path((*base, *path)),
                        line_of.get((*base, *path)),
                        "ambiguous",
                        f"{name!r} could be any of: {choices}; write the full name",
                    )
                )
                return None
            if ids:
                found = ids.pop()
                if normalise_name(name) != normalise_name(self.names[found]):
                    plan.merges.append(Merge(name, matched or name, found))
                return found
            new_id = node_id(node_type, name)
            if new_id in self.names:  # a node of another name has this id: never overwrite it
                new_id = distinct_node_id(node_type, name)
            node = Node(new_id, node_type, props)
            plan.nodes.append(node)
            self._register(node)
            return new_id

        def link(source: str | None, rel: RelType, target: str | None, props: Props | None = None) -> None:
            if source is not None and target is not None:
                plan.edges.append(Edge(source, rel, target, case.id, props or {}))

        plan.nodes.append(Node(case.id, NodeType.CASE, _case_props(case)))
        for i, org in enumerate(case.organisations):
            props: Props = {"name": org.name}
            if org.type:
                props["org_type"] = org.type
            if case.country:
                props["country"] = case.country
            org_id = resolve(NodeType.ORGANISATION, org.name, ("organisations", i, "name"), props)
            link(org_id, RelType.PARTICIPATED_IN, case.id, {"role": org.role.value})
        groups = [
            resolve(NodeType.TARGET_GROUP, name, ("target_groups", i), {"name": name})
            for i, name in enumerate(case.target_groups)
        ]
        for group in groups:
            link(case.id, RelType.TARGETS, group)
        for i, need in enumerate(case.needs):
            need_id = resolve(NodeType.NEED, need.text, ("needs", i), {"text": need.text, "language": case.language})
            link(case.id, RelType.ADDRESSES, need_id)
            own = [
                resolve(NodeType.TARGET_GROUP, name, ("needs", i, "target_groups", j), {"name": name})
                for j, name in enumerate(need.target_groups)
            ]
            for group in own or groups[:1]:
                link(need_id, RelType.OF, group)
        for i, name in enumerate(case.methods):
            link(case.id, RelType.USED, resolve(NodeType.METHOD, name, ("methods", i), {"name": name}))
        for i, name in enumerate(case.topics):
            link(case.id, RelType.ABOUT, resolve(NodeType.TOPIC, name, ("topics", i), {"name": name}))
        for i, name in enumerate(case.places):
            link(case.id, RelType.LOCATED_IN, resolve(NodeType.PLACE, name, ("places", i), {"name": name}))
        for source in case.sources:
            props = {key: value for key, value in source.model_dump().items() if value is not None}
            plan.nodes.append(Node(source_id(source.url), NodeType.SOURCE, props))
            link(case.id, RelType.DESCRIBED_IN, source_id(source.url))
        for i, related in enumerate(case.related):
            if related.id not in self.known_cases:
                path = (*base, "related", i, "id")
                plan.problems.append(
                    Problem(
                        file,
                        format_path(path),
                        line_of.get(path),
                        "unknown-case",
                        f"no case has the id {related.id!r} (neither stored nor in this ingest)",
                    )
                )
                continue
            link(case.id, RelType.RELATED_TO, related.id, {"kind": related.kind.value})
        return plan


def _case_props(case: CaseIn) -> Props:
    props: Props = {"title": case.title, "language": case.language}
    for key in ("summary", "year", "status", "country"):
        value = getattr(case, key)
        if value is not None:
            props[key] = value
    if case.outcomes:
        props["outcomes"] = list(case.outcomes)
    return props
