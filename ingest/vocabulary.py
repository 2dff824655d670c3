"""The reference vocabulary: methods, target groups, topics, organisations, public bodies and places.

It lives in `data/vocabulary/*.yaml` (hand-written, multilingual) and
`data/reference/*.csv` (official registers), and is written as one batch whose
edges are asserted by "vocabulary", so loading it again changes nothing.
Relations between entries name their target by any of its names or aliases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from graph.errors import IngestError
from graph.ids import fold, node_id, normalise_name
from graph.model import COUNTRIES, LANGUAGES, ORGANISATION_TYPES, Batch, Edge, Node, NodeType, Props, RelType
from ingest.aliases import FORMER_NAMES, AliasIndex, former_names_of
from ingest.readers.documents import ReadError, read_document
from ingest.reference import ASSERTER, load_reference
from ingest.report import format_path

__all__ = ["DATA_DIR", "Vocabulary", "load_vocabulary"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The checkout's data folder (vocabulary, reference registers, samples); an installed package
without its checkout is given another one by `api.settings.Settings.data_dir`."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Labels = dict[str, Name]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    labels: Labels = Field(default_factory=dict)
    aliases: list[Name] = Field(default_factory=list)
    broader: list[Name] = Field(default_factory=list)


class _Concept(_Entry):
    """A target group or topic."""


class _Match(BaseModel):
    """A method of another country that corresponds to this one, with the sources that show it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Name
    sources: list[Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]] = Field(
        min_length=1
    )


class _Method(_Entry):
    description: dict[str, Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]] = Field(
        default_factory=dict
    )
    developed_by: list[Name] = Field(default_factory=list)
    incorporates: list[Name] = Field(default_factory=list)
    close_match: list[_Match] = Field(default_factory=list)


class _Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    type: str | None = None
    country: str | None = None
    aliases: list[Name] = Field(default_factory=list)
    labels: Labels = Field(default_factory=dict)
    member_of: list[Name] = Field(default_factory=list)
    successor_of: list[Name] = Field(default_factory=list)
    valid_to: int | None = Field(None, ge=1800, le=2100)


@dataclass(frozen=True)
class _Kind:
    file: str
    key: str
    node_type: NodeType
    model: type[BaseModel]


KINDS = (
    _Kind("methods.yaml", "methods", NodeType.METHOD, _Method),
    _Kind("target_groups.yaml", "target_groups", NodeType.TARGET_GROUP, _Concept),
    _Kind("topics.yaml", "topics", NodeType.TOPIC, _Concept),
    _Kind("organisations.yaml", "organisations", NodeType.ORGANISATION, _Organisation),
)


@dataclass(frozen=True)
class Vocabulary:
    """The vocabulary as nodes and edges, ready to write, with an index of every name."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def batch(self) -> Batch:
        """One batch that (re)writes the vocabulary and retracts its stale edges."""
        return Batch(nodes=self.nodes, edges=self.edges, retract=frozenset({ASSERTER}))

    def index(self) -> AliasIndex:
        """Names, labels and aliases of every vocabulary node."""
        return AliasIndex(self.nodes)


def _labels(props: Props, labels: dict[str, str], where: str) -> None:
    for lang, label in labels.items():
        if lang not in LANGUAGES:
            raise IngestError(f"{where}: labels: unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        props[f"label_{lang}"] = label


def _merge(nodes: dict[str, Node], node: Node) -> None:
    """Add `node`, or extend the node of the same id (aliases are joined, other keys win).

    A registry body keeps its name; the entry's name becomes one of its aliases.
    """
    old = nodes.get(node.id)
    if old is None:
        nodes[node.id] = node
        return
    if old.type is not node.type:
        raise IngestError(f"vocabulary: {node.id!r} is both a {old.type.value} and a {node.type.value}")
    aliases = [*old.props.get("aliases", []), *node.props.get("aliases", [])]  # type: ignore[misc]
    props = {**old.props, **node.props}
    if ("code" in old.props or "org_nr" in old.props) and old.props.get("name") != node.props.get("name"):
        aliases.append(str(node.props["name"]))
        props["name"] = old.props["name"]
    if aliases:
        props["aliases"] = list(dict.fromkeys(aliases))
    nodes[node.id] = Node(node.id, node.type, props)


def _extending(node: Node, registry: AliasIndex, nodes: dict[str, Node]) -> Node:
    """The entry as an extension of the registry body it names by its own name ("Københavns Kommune"), if any."""
    if node.id in nodes:
        return node
    ids, _ = registry.lookup(node.type, node.label)
    if len(ids) == 1:
        body = nodes[next(iter(ids))]
        if normalise_name(body.label) == normalise_name(node.label):
            return Node(body.id, node.type, node.props)
    return node


def _release_former_name(node: Node, registry: AliasIndex, nodes: dict[str, Node]) -> None:
    """A body of its own ("Sund kommune", valid_to 2019) takes its name from a successor's former names."""
    for body_id in registry.lookup(node.type, node.label)[0] - {node.id}:
        body = nodes[body_id]
        kept = [name for name in former_names_of(body) if fold(name) != fold(node.label)]
        props = {key: value for key, value in body.props.items() if key != FORMER_NAMES}
        nodes[body_id] = Node(body_id, node.type, {**props, FORMER_NAMES: kept} if kept else props)


def _entries(folder: Path, kind: _Kind) -> list[tuple[str, BaseModel]]:
    path = folder / kind.file
    try:
        document = read_document(path)
    except ReadError as exc:
        raise IngestError(str(exc.problem)) from exc
    items = document.data.get(kind.key) if isinstance(document.data, dict) else None
    if not isinstance(items, list):
        raise IngestError(f"{path}: expected a top-level `{kind.key}:` list")
    entries = []
    for index, item in enumerate(items):
        where = (kind.key, index)
        try:
            entries.append((f"{path}:{document.line_of(where) or ''} {format_path(where)}", kind.model.model_validate(item)))
        except ValidationError as exc:
            first = exc.errors()[0]
            field_path = format_path((*where, *first["loc"]))
            raise IngestError(f"{path}:{document.line_of((*where, *first['loc']))}: {field_path}: {first['msg']}") from exc
    return entries


def _node(kind: _Kind, entry: Any, where: str) -> Node:
    props: Props = {"name": entry.name}
    if entry.aliases:
        props["aliases"] = list(entry.aliases)
    _labels(props, entry.labels, where)
    if isinstance(entry, _Method):
        for lang, text in entry.description.items():
            if lang not in LANGUAGES:
                raise IngestError(f"{where}: description: unknown language {lang!r}")
            props[f"description_{lang}"] = text
    if isinstance(entry, _Organisation):
        if entry.type is not None:
            if entry.type not in ORGANISATION_TYPES:
                raise IngestError(f"{where}: type {entry.type!r} is not one of {', '.join(ORGANISATION_TYPES)}")
            props["org_type"] = entry.type
        if entry.country is not None:
            if entry.country not in COUNTRIES:
                raise IngestError(f"{where}: country {entry.country!r} is not one of {', '.join(COUNTRIES)}")
            props["country"] = entry.country
        if entry.valid_to is not None:
            props["valid_to"] = entry.valid_to
    return Node(node_id(kind.node_type, entry.name), kind.node_type, props)


_RELATIONS: tuple[tuple[str, RelType, NodeType | None], ...] = (
    # (field, relationship from the entry, target type; None: the entry's own type)
    ("broader", RelType.BROADER, None),
    ("developed_by", RelType.DEVELOPED_BY, NodeType.ORGANISATION),
    ("incorporates", RelType.INCORPORATES, None),
    ("member_of", RelType.MEMBER_OF, None),
    ("successor_of", RelType.SUCCESSOR_OF, None),
)


def _relations(
    entries: list[tuple[_Kind, str, Any, str]], index: AliasIndex, add: Callable[[Edge], None]
) -> None:
    for kind, where, entry, source in entries:
        for field_name, rel, target_type in _RELATIONS:
            for name in getattr(entry, field_name, ()):
                ids, _ = index.lookup(target_type or kind.node_type, name)
                if len(ids) != 1:
                    problem = "names nothing known" if not ids else f"is ambiguous ({', '.join(sorted(ids))})"
                    raise IngestError(f"{where}: {field_name}: {name!r} {problem}")
                add(Edge(source, rel, ids.pop(), ASSERTER))
        for position, match in enumerate(getattr(entry, "close_match", ())):
            ids, _ = index.lookup(NodeType.METHOD, match.method)
            if len(ids) != 1:
                raise IngestError(f"{where}: close_match[{position}]: {match.method!r} names no single method")
            add(Edge(source, RelType.CLOSE_MATCH, ids.pop(), ASSERTER, {"sources": list(match.sources)}))


def _signature(folder: Path) -> tuple[tuple[str, float, int], ...]:
    files = sorted([*folder.glob("vocabulary/*.yaml"), *folder.glob("reference/*.csv")])
    return tuple((str(path), path.stat().st_mtime, path.stat().st_size) for path in files)


def load_vocabulary(folder: Path = DATA_DIR) -> Vocabulary:
    """The vocabulary under `folder` (cached until a file changes).

    Raises
    ------
    IngestError
        A vocabulary file is malformed or a relation names nothing known; the
        message names the file, the entry and the field.
    """
    return _load(folder, _signature(folder))


@lru_cache(maxsize=4)
def _load(folder: Path, signature: tuple[tuple[str, float, int], ...]) -> Vocabulary:
    reference = load_reference(folder / "reference")
    nodes: dict[str, Node] = dict(reference.nodes)
    registry = AliasIndex(reference.nodes.values())
    entries: list[tuple[_Kind, str, Any, str]] = []
    for kind in KINDS:
        for where, entry in _entries(folder / "vocabulary", kind):
            node = _extending(_node(kind, entry, where), registry, nodes)
            _release_former_name(node, registry, nodes)
            _merge(nodes, node)
            entries.append((kind, where, entry, node.id))
    index = AliasIndex(nodes.values())
    edges: dict[tuple[str, str, str, str], Edge] = {edge.key: edge for edge in reference.edges}
    _relations(entries, index, lambda edge: edges.setdefault(edge.key, edge))
    return Vocabulary(nodes=tuple(nodes[key] for key in sorted(nodes)), edges=tuple(edges[key] for key in sorted(edges)))
