"""Resolve the names in validated cases to node ids and turn each case into nodes and edges.

A name meets an existing node when the `Matcher` is certain (a name, label or alias,
a spelling variant, the same core name, a near-identical spelling; ties decided by
the case's context) and the report says why; otherwise it creates a node with a
deterministic id, flagged "unconfirmed" and reported with its candidates when it
resembles existing nodes (refused instead when `strict`). A former name meets today's
successor with a notice saying so. Every edge a case implies
is asserted by the case, so ingesting a new version of the case retracts what the
old version said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.ids import distinct_node_id, node_id
from graph.model import Edge, Node, NodeType, Props, RelType
from graph.store import GraphStore
from ingest.aliases import AliasIndex
from ingest.lookalikes import lookalike_message
from ingest.matching import POSSIBLE, Context, Matcher, Resolution, spell
from ingest.report import Merge, PossibleMatch, Problem, format_path
from ingest.schema import CaseIn

__all__ = ["FORMER_NAME", "CasePlan", "Resolver", "source_id"]

FORMER_NAME = "former-name"
"""The code of the notice that a name in a case is a former name of a body that exists today."""

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
    possible: list[PossibleMatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)


class Resolver:
    """Turns cases into plans, meeting the store's and the vocabulary's nodes by name."""

    def __init__(
        self,
        store: GraphStore,
        vocabulary: Iterable[Node],
        known_cases: set[str],
        *,
        places: Iterable[Edge] = (),
        strict: bool = False,
    ) -> None:
        stored = (node for node_type in INDEXED_TYPES for node in store.find(node_type))
        self.matcher = Matcher([*stored, *vocabulary], places)
        self.known_cases = known_cases
        self.strict = strict

    @property
    def index(self) -> AliasIndex:
        """Every name, label and alias known, by type (what drafts look names up in)."""
        return self.matcher.index

    def context(self, case: CaseIn) -> Context:
        """The case's country, the areas of the organisations and places it names unambiguously, its text."""
        areas: Counter[str] = Counter()
        named = [(NodeType.ORGANISATION, org.name) for org in case.organisations]
        for node_type, name in [*named, *((NodeType.PLACE, place) for place in case.places)]:
            ids, _ = self.matcher.index.lookup(node_type, name)
            if len(ids) == 1:
                found = next(iter(ids))
                areas.update(self.matcher.areas(found) | ({found} if node_type is NodeType.PLACE else set()))
        return Context(case.country, areas, spell(f"{case.title} {case.summary or ''}"))

    def _lookalike(self, node_type: NodeType, name: str) -> str | None:
        """Why a new name may imitate a known one (letters of several scripts in a word), or None."""
        return lookalike_message(
            name, lambda text: [self.matcher.nodes[i].label for i in self.index.lookup(node_type, text)[0]]
        )

    def plan(self, case: CaseIn, file: str, position: int, line_of: dict[tuple[str | int, ...], int]) -> CasePlan:
        """The nodes and edges of one case; problems when a name is ambiguous or a related case unknown."""
        plan = CasePlan(case.id, file)
        base = ("cases", position)
        context = self.context(case)

        def located(path: tuple[str | int, ...], code: str, message: str) -> Problem:
            return Problem(file, format_path((*base, *path)), line_of.get((*base, *path)), code, message)

        def problem(path: tuple[str | int, ...], code: str, message: str) -> None:
            plan.problems.append(located(path, code, message))

        def resolve(node_type: NodeType, name: str, path: tuple[str | int, ...], props: Props) -> str | None:
            found = self.matcher.resolve(node_type, name, context)
            if found.is_ambiguous:
                problem(path, "ambiguous", f"{name!r} could be any of: {_listed(found)}; write the full name")
                return None
            if found.chosen is not None:
                chosen = found.chosen
                if chosen.reasons != ("same name",):
                    plan.merges.append(Merge(name, chosen.matched, chosen.node_id, "; ".join(chosen.reasons)))
                if chosen.former_name is not None:
                    message = (
                        f"{name!r} is the former name {chosen.former_name!r}; linked to its successor today, "
                        f"{chosen.name} ({chosen.node_id})"
                    )
                    plan.notices.append(located(path, FORMER_NAME, message))
                return chosen.node_id
            if found.is_possible and self.strict:
                problem(path, "possible-match", f"{name!r} may be {_listed(found)}; write the name as the registry does")
                return None
            if node_type is not NodeType.NEED and (lookalike := self._lookalike(node_type, name)) is not None:
                problem(path, "mixed-script", f"{name!r} {lookalike}")
                return None
            new_id = node_id(node_type, name)
            if new_id in self.matcher.nodes:  # a node of another name has this id: never overwrite it
                new_id = distinct_node_id(node_type, name)
            if found.is_possible:
                likely = [c.node_id for c in found.candidates if c.score >= POSSIBLE]
                props = {**props, "unconfirmed": True, "possible_matches": likely}
                plan.possible.append(
                    PossibleMatch(file, format_path((*base, *path)), name, new_id, tuple(_listed(found).split("; ")))
                )
            node = Node(new_id, node_type, props)
            plan.nodes.append(node)
            self.matcher.add(node)
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


def _listed(found: Resolution) -> str:
    """The candidates worth naming, as "Name (id, score)" joined by "; "."""
    shown = [c for c in found.candidates if c.score >= POSSIBLE] or list(found.candidates[:1])
    return "; ".join(f"{c.name} ({c.node_id}, {c.score:.2f})" for c in shown)


def _case_props(case: CaseIn) -> Props:
    props: Props = {"title": case.title, "language": case.language}
    for key in ("summary", "year", "status", "country"):
        value = getattr(case, key)
        if value is not None:
            props[key] = value
    if case.outcomes:
        props["outcomes"] = list(case.outcomes)
    return props
