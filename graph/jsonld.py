"""The graph as JSON-LD in open vocabularies, and back: SKOS, schema.org, W3C ORG, VoID.

`to_jsonld` turns the lossless JSON export (`graph.exchange.export_graph`) into a
JSON-LD document that names its context at ``{public_url}/ns/behovsgraf.jsonld``
(the file `graph/contexts/behovsgraf.jsonld`, served by the API). `from_jsonld`
reads such a document with pyld and gives back the JSON export, so
``export -> to_jsonld -> from_jsonld -> import`` restores the same graph.

* Methods, topics and target groups are `skos:Concept`s, one `skos:ConceptScheme`
  per kind; `name` is the `skos:prefLabel` without a language, `label_sv` ... are
  `prefLabel`s in their language, aliases `altLabel`s, descriptions `definition`s.
* Cases are `schema:Project` and `org:OrganizationalCollaboration`; needs, target
  groups (`schema:audience`), methods, topics, places and sources hang off them.
* An organisation's role in a case is a qualified relation: an `org:Membership`
  (also a `schema:OrganizationRole`) joining the organisation (`org:member`) and the
  case (`org:organization`) with an `org:role` from the roles concept scheme.
* Official codes are typed literals, `org:identifier` for bodies and `skos:notation`
  for places, whose datatype names the register (SCB kommunkod, kommunenummer ...).
* Every edge lives in the named graph of whoever asserted it (a case file, the
  vocabulary), so edge provenance survives; edge properties other than a role or a
  relation kind are kept on an `rdf:Statement` about the edge in the same graph.

Examples
--------
>>> export = {"format": "behovsgraf-graph", "version": 1, "nodes": [
...     {"id": "method:service-design", "type": "Method", "props": {"name": "Service design", "label_sv": "Tjänstedesign"}}],
...     "edges": []}
>>> document = to_jsonld(export, public_url="https://behovsgraf.example.org")
>>> document["@context"]
'https://behovsgraf.example.org/ns/behovsgraf.jsonld'
>>> from_jsonld(document) == export
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from pyld import jsonld
from pyld.jsonld import JsonLdError

from graph.errors import IngestError
from graph.exchange import FORMAT, VERSION
from graph.model import LANGUAGES, NodeType, RelatedKind, RelType, Role

__all__ = ["CONTEXT_FILE", "CONTEXT_PATH", "MEDIA_TYPE", "NAMESPACE", "context_document", "from_jsonld", "to_jsonld"]

CONTEXT_FILE = Path(__file__).with_name("contexts") / "behovsgraf.jsonld"
"""The published JSON-LD context, versioned with the code."""
CONTEXT_PATH = "/ns/behovsgraf.jsonld"
"""Where the API serves the context; exports name ``{public_url}{CONTEXT_PATH}``."""
MEDIA_TYPE = "application/ld+json"
NAMESPACE = "https://w3id.org/behovsgraf/ns#"
"""Behovsgraf's own terms (`bg:`), for what no open vocabulary says."""

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SCHEMA = "https://schema.org/"
_ORG = "http://www.w3.org/ns/org#"
_DCTERMS = "http://purl.org/dc/terms/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_VOID = "http://rdfs.org/ns/void#"
_TYPE = "@type"

_CLASSES: Mapping[NodeType, tuple[str, ...]] = {
    NodeType.CASE: ("bg:Case", "schema:Project", "org:OrganizationalCollaboration"),
    NodeType.ORGANISATION: ("bg:Organisation", "org:Organization", "schema:Organization"),
    NodeType.NEED: ("bg:Need",),
    NodeType.TARGET_GROUP: ("bg:TargetGroup", "skos:Concept", "schema:Audience"),
    NodeType.METHOD: ("bg:Method", "skos:Concept"),
    NodeType.TOPIC: ("bg:Topic", "skos:Concept"),
    NodeType.PLACE: ("bg:Place", "schema:AdministrativeArea", "dcterms:Location"),
    NodeType.SOURCE: ("bg:Source", "schema:CreativeWork"),
}
_SCHEMES: Mapping[NodeType, tuple[str, dict[str, str]]] = {
    NodeType.METHOD: ("methods", {"sv": "Metoder", "nb": "Metoder", "nn": "Metodar", "da": "Metoder", "en": "Methods"}),
    NodeType.TOPIC: ("topics", {"sv": "Ämnen", "nb": "Temaer", "nn": "Tema", "da": "Emner", "en": "Topics"}),
    NodeType.TARGET_GROUP: (
        "target-groups",
        {"sv": "Målgrupper", "nb": "Målgrupper", "nn": "Målgrupper", "da": "Målgrupper", "en": "Target groups"},
    ),
}
_ROLE_LABELS: Mapping[Role, dict[str, str]] = {
    Role.OWNER: {"sv": "ägare", "nb": "eier", "nn": "eigar", "da": "ejer", "en": "owner"},
    Role.PARTNER: {"sv": "partner", "nb": "partner", "nn": "partnar", "da": "partner", "en": "partner"},
    Role.FUNDER: {"sv": "finansiär", "nb": "finansiør", "nn": "finansiør", "da": "finansieringskilde", "en": "funder"},
    Role.FACILITATOR: {"sv": "processledare", "nb": "prosessleder", "nn": "prosessleiar", "da": "procesleder",
                       "en": "facilitator"},
    Role.PARTICIPANT: {"sv": "deltagare", "nb": "deltaker", "nn": "deltakar", "da": "deltager", "en": "participant"},
}
_ROLES_SCHEME = f"{NAMESPACE}roles"

# Relationship type -> context term (and its full predicate). RELATED_TO picks its term by `kind`.
_EDGE_TERMS: Mapping[RelType, tuple[str, str]] = {
    RelType.ADDRESSES: ("addresses", f"{NAMESPACE}addresses"),
    RelType.OF: ("targetGroup", f"{NAMESPACE}targetGroup"),
    RelType.TARGETS: ("audience", f"{_SCHEMA}audience"),
    RelType.USED: ("usedMethod", f"{NAMESPACE}usedMethod"),
    RelType.INCORPORATES: ("incorporates", f"{NAMESPACE}incorporates"),
    RelType.DEVELOPED_BY: ("creator", f"{_DCTERMS}creator"),
    RelType.ABOUT: ("about", f"{_SCHEMA}about"),
    RelType.LOCATED_IN: ("location", f"{_SCHEMA}location"),
    RelType.PART_OF: ("containedInPlace", f"{_SCHEMA}containedInPlace"),
    RelType.MEMBER_OF: ("memberOf", f"{_ORG}memberOf"),
    RelType.SUCCESSOR_OF: ("replaces", f"{_DCTERMS}replaces"),
    RelType.BROADER: ("broader", f"{_SKOS}broader"),
    RelType.DESCRIBED_IN: ("subjectOf", f"{_SCHEMA}subjectOf"),
    RelType.RELATED_TO: ("relatedTo", f"{NAMESPACE}relatedTo"),
    RelType.CLOSE_MATCH: ("closeMatch", f"{_SKOS}closeMatch"),
    RelType.INFERRED_LINK: ("inferredConcept", f"{NAMESPACE}inferredConcept"),
    RelType.REJECTED_LINK: ("rejectedConcept", f"{NAMESPACE}rejectedConcept"),
}
_RELATED_TERMS: Mapping[str, tuple[str, str]] = {
    RelatedKind.BUILDS_ON.value: ("buildsOn", f"{NAMESPACE}buildsOn"),
    RelatedKind.SIMILAR_TO.value: ("similarTo", f"{NAMESPACE}similarTo"),
    RelatedKind.FOLLOW_UP_OF.value: ("followUpOf", f"{NAMESPACE}followUpOf"),
}
_PREDICATES: Mapping[str, tuple[RelType, dict[str, Any]]] = {
    **{predicate: (rel, {}) for rel, (_, predicate) in _EDGE_TERMS.items() if rel is not RelType.PARTICIPATED_IN},
    **{predicate: (RelType.RELATED_TO, {"kind": kind}) for kind, (_, predicate) in _RELATED_TERMS.items()},
}

# Official codes: (country, kind of body or place) -> datatype naming the register.
_CODE_TYPES: Mapping[tuple[str, str], str] = {
    ("SE", "municipality"): "SeKommunkod",
    ("SE", "county"): "SeLanskod",
    ("SE", "region"): "SeLanskod",
    ("NO", "municipality"): "NoKommunenummer",
    ("NO", "county"): "NoFylkesnummer",
    ("DK", "municipality"): "DkKommunekode",
    ("DK", "region"): "DkRegionskode",
}
_ORG_NR_TYPE = "SeOrganisationsnummer"
_OTHER_CODE_TYPE = "Code"
_CODE_DATATYPES = {f"{NAMESPACE}{name}" for name in (*_CODE_TYPES.values(), _OTHER_CODE_TYPE)}


@dataclass(frozen=True, slots=True)
class _Field:
    """One node property in JSON-LD: its context term, full predicate, and how its value is written."""

    term: str
    predicate: str
    write: Callable[[Any, Mapping[str, Any]], Any]
    read: Callable[[list[dict[str, Any]]], Any]
    fits: Callable[[Any], bool]


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10000


def _is_texts(value: Any) -> bool:
    """A non-empty list of texts (an empty one is kept as an empty `bg:` list)."""
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)


def _single(values: list[dict[str, Any]]) -> Any:
    if len(values) != 1 or "@value" not in values[0]:
        raise ValueError("expected exactly one literal")
    return values[0]["@value"]


def _tagged(value: str, props: Mapping[str, Any]) -> Any:
    """A text in the language of its node (a case's or need's `language`), when it has one."""
    language = props.get("language")
    return {"@value": value, "@language": language} if isinstance(language, str) and language else value


def _plain(value: Any, _: Mapping[str, Any]) -> Any:
    return value


def _year(value: int, _: Mapping[str, Any]) -> str:
    return f"{value:04d}"


def _read_year(values: list[dict[str, Any]]) -> int:
    return int(_single(values))


def _read_texts(values: list[dict[str, Any]]) -> list[str]:
    return [str(value["@value"]) for value in values]


def _read_list(values: list[dict[str, Any]]) -> list[str]:
    if len(values) != 1 or "@list" not in values[0]:
        raise ValueError("expected one list")
    return [str(item["@value"]) for item in values[0]["@list"]]


def _field(term: str, predicate: str, kind: str = "text") -> _Field:
    kinds: dict[str, tuple[Callable[[Any, Mapping[str, Any]], Any], Callable[[list[dict[str, Any]]], Any], Callable[[Any], bool]]] = {
        "text": (_plain, _single, _is_text),
        "tagged": (_tagged, _single, _is_text),
        "year": (_year, _read_year, _is_year),
        "set": (_plain, _read_texts, _is_texts),
        "list": (_plain, _read_list, _is_texts),
    }
    write, read, fits = kinds[kind]
    return _Field(term, predicate, write, read, fits)


_NAME = _field("prefLabel", f"{_SKOS}prefLabel")
_ALIASES = _field("altLabel", f"{_SKOS}altLabel", "set")
_COUNTRY = _field("country", f"{NAMESPACE}country")
_FIELDS: Mapping[NodeType, Mapping[str, _Field]] = {
    NodeType.CASE: {
        "title": _field("name", f"{_SCHEMA}name", "tagged"),
        "summary": _field("description", f"{_SCHEMA}description", "tagged"),
        "language": _field("inLanguage", f"{_SCHEMA}inLanguage"),
        "year": _field("year", f"{_DCTERMS}date", "year"),
        "status": _field("status", f"{NAMESPACE}status"),
        "country": _COUNTRY,
        "outcomes": _field("outcomes", f"{NAMESPACE}outcome", "list"),
    },
    NodeType.NEED: {
        "text": _field("text", f"{_SCHEMA}text", "tagged"),
        "language": _field("inLanguage", f"{_SCHEMA}inLanguage"),
    },
    NodeType.ORGANISATION: {
        "name": _NAME, "aliases": _ALIASES, "country": _COUNTRY,
        "org_type": _field("orgType", f"{NAMESPACE}orgType"),
        "valid_to": _field("validTo", f"{NAMESPACE}validTo", "year"),
    },
    NodeType.PLACE: {
        "name": _NAME, "aliases": _ALIASES, "country": _COUNTRY,
        "kind": _field("placeKind", f"{NAMESPACE}placeKind"),
    },
    NodeType.SOURCE: {
        "title": _field("name", f"{_SCHEMA}name"),
        "url": _field("url", f"{_SCHEMA}url"),
        "publisher": _field("publisher", f"{_SCHEMA}publisher"),
        "published": _field("datePublished", f"{_SCHEMA}datePublished"),
    },
    **{node_type: {"name": _NAME, "aliases": _ALIASES} for node_type in _SCHEMES},
}
_LANGUAGE_MAPS = {"label": ("prefLabels", f"{_SKOS}prefLabel"), "description": ("definitions", f"{_SKOS}definition")}


@cache
def context_document() -> dict[str, Any]:
    """The published context, as JSON."""
    document: dict[str, Any] = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    return document


@dataclass(frozen=True, slots=True)
class _Iris:
    """The IRIs of one deployment: nodes under ``{public_url}/id/``, assertion graphs, schemes."""

    public_url: str

    @property
    def context(self) -> str:
        return f"{self.public_url}{CONTEXT_PATH}"

    @property
    def dataset(self) -> str:
        return f"{self.public_url}/"

    @property
    def id_space(self) -> str:
        return f"{self.public_url}/id/"

    def node(self, node_id: str) -> str:
        return self.id_space + quote(node_id, safe=":")

    def graph(self, asserted_by: str) -> str:
        return f"{self.public_url}/asserted-by/{quote(asserted_by, safe=':')}"

    def scheme(self, node_type: NodeType) -> str:
        return f"{self.public_url}/scheme/{_SCHEMES[node_type][0]}"


def _public_url(public_url: str) -> str:
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"the public URL must be an http(s) address without query or fragment, not {public_url!r}")
    return public_url.rstrip("/")


def _code(node_type: NodeType, props: Mapping[str, Any]) -> str:
    kind = props.get("kind") if node_type is NodeType.PLACE else props.get("org_type")
    return _CODE_TYPES.get((str(props.get("country")), str(kind)), _OTHER_CODE_TYPE)


def _node_object(node: Mapping[str, Any], iris: _Iris) -> dict[str, Any]:
    node_type = NodeType(node["type"])
    props: Mapping[str, Any] = node["props"]
    item: dict[str, Any] = {"@id": iris.node(node["id"]), _TYPE: list(_CLASSES[node_type])}
    fields = _FIELDS.get(node_type, {})
    maps: dict[str, dict[str, str]] = {}
    for key, value in props.items():
        prefix, _, lang = key.partition("_")
        field = fields.get(key)
        if field is not None and field.fits(value):
            item[field.term] = field.write(value, props)
        elif prefix in _LANGUAGE_MAPS and lang in LANGUAGES and isinstance(value, str):
            maps.setdefault(_LANGUAGE_MAPS[prefix][0], {})[lang] = value
        elif key == "code" and isinstance(value, str) and node_type in (NodeType.ORGANISATION, NodeType.PLACE):
            term = "identifier" if node_type is NodeType.ORGANISATION else "notation"
            item.setdefault(term, []).append({"@value": value, _TYPE: f"bg:{_code(node_type, props)}"})
        elif key == "org_nr" and isinstance(value, str) and node_type is NodeType.ORGANISATION:
            item.setdefault("identifier", []).append({"@value": value, _TYPE: f"bg:{_ORG_NR_TYPE}"})
        else:
            item[f"bg:{key}"] = _generic(value)
    item.update(maps)
    if node_type in _SCHEMES:
        item["inScheme"] = iris.scheme(node_type)
    return item


def _generic(value: Any) -> Any:
    """A property no open vocabulary covers, as `bg:<key>` with its JSON type kept."""
    return {"@list": list(value)} if isinstance(value, list) else {"@value": value}


def _edge_key(edge: Mapping[str, Any]) -> str:
    key = "\x1f".join((edge["source"], edge["type"], edge["target"], edge["asserted_by"]))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _edge_objects(edge: Mapping[str, Any], iris: _Iris) -> Iterator[dict[str, Any]]:
    """The node objects that carry one edge in its asserter's graph."""
    rel = RelType(edge["type"])
    props = dict(edge["props"])
    source, target = iris.node(edge["source"]), iris.node(edge["target"])
    here = f"{iris.graph(edge['asserted_by'])}#{_edge_key(edge)}"
    if rel is RelType.PARTICIPATED_IN:
        membership: dict[str, Any] = {
            "@id": here, _TYPE: ["org:Membership", "schema:OrganizationRole"], "member": source, "organization": target,
        }
        role = props.pop("role", None)
        if isinstance(role, str):
            membership["roleName"] = role
            if role in {r.value for r in Role}:
                membership["role"] = f"bg:role-{role}"
        elif role is not None:
            props["role"] = role
        membership.update({f"bg:{key}": _generic(value) for key, value in props.items()})
        yield membership
        return
    term, predicate = _EDGE_TERMS[rel]
    if rel is RelType.RELATED_TO and props.get("kind") in _RELATED_TERMS:
        term, predicate = _RELATED_TERMS[str(props.pop("kind"))]
    yield {"@id": source, term: target}
    if props:
        statement: dict[str, Any] = {"@id": here, _TYPE: "rdf:Statement", "subject": source, "predicate": predicate, "object": target}
        sources = props.pop("sources", None) if rel is RelType.CLOSE_MATCH else None
        if _is_texts(sources):
            statement["sources"] = sources
        elif sources is not None:
            props["sources"] = sources
        statement.update({f"bg:{key}": _generic(value) for key, value in props.items()})
        yield statement


def _vocabulary_objects(iris: _Iris) -> Iterator[dict[str, Any]]:
    for node_type, (_, labels) in _SCHEMES.items():
        yield {"@id": iris.scheme(node_type), _TYPE: "skos:ConceptScheme", "prefLabels": labels}
    yield {"@id": _ROLES_SCHEME, _TYPE: "skos:ConceptScheme", "prefLabels": {
        "sv": "Roller i ett ärende", "nb": "Roller i en sak", "nn": "Roller i ei sak", "da": "Roller i en sag",
        "en": "Roles in a case"}}
    for role, labels in _ROLE_LABELS.items():
        yield {"@id": f"bg:role-{role.value}", _TYPE: "skos:Concept", "inScheme": _ROLES_SCHEME,
               "notation": role.value, "prefLabels": labels}


def to_jsonld(export: Mapping[str, Any], *, public_url: str) -> dict[str, Any]:
    """The JSON export of a graph as a JSON-LD document whose IRIs live under `public_url`.

    Parameters
    ----------
    export
        What `graph.exchange.export_graph` returns.
    public_url
        The address the API is reached at; the context and every IRI are under it.

    Raises
    ------
    ValueError
        `public_url` is not an http(s) address.
    """
    iris = _Iris(_public_url(public_url))
    items: list[dict[str, Any]] = [
        {"@id": iris.dataset, _TYPE: "void:Dataset", "uriSpace": iris.id_space, "conformsTo": iris.context},
        *_vocabulary_objects(iris),
        *(_node_object(node, iris) for node in export["nodes"]),
    ]
    graphs: dict[str, list[dict[str, Any]]] = {}
    for edge in export["edges"]:
        graphs.setdefault(edge["asserted_by"], []).extend(_edge_objects(edge, iris))
    items += [
        {"@id": iris.graph(asserter), "assertedBy": asserter, "@graph": objects} for asserter, objects in graphs.items()
    ]
    return {"@context": iris.context, "@graph": items}


# ---------------------------------------------------------------------------------------------- import


def _load_context(url: str, _options: Any = None) -> dict[str, Any]:
    """pyld's document loader: our own context from the file, nothing fetched from anywhere."""
    if urlsplit(url).path != CONTEXT_PATH:
        raise JsonLdError(f"context {url!r} is not Behovsgraf's; other contexts are not fetched", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": context_document()}


_CLASS_TYPES = {f"{NAMESPACE}{classes[0].removeprefix('bg:')}": node_type for node_type, classes in _CLASSES.items()}
_MEMBERSHIP = f"{_ORG}Membership"
_STATEMENT = f"{_RDF}Statement"


def _values(item: Mapping[str, Any], predicate: str) -> list[dict[str, Any]]:
    values: list[dict[str, Any]] = item.get(predicate, [])
    return values


def _iri(item: Mapping[str, Any], predicate: str) -> str:
    values = _values(item, predicate)
    if len(values) != 1 or "@id" not in values[0]:
        raise ValueError(f"<{predicate}> must name exactly one node")
    return str(values[0]["@id"])


class _Reader:
    """Turns flattened, expanded JSON-LD back into the JSON export, naming the node at fault."""

    def __init__(self, flattened: list[dict[str, Any]]) -> None:
        datasets = [item for item in flattened if f"{_VOID}Dataset" in item.get(_TYPE, [])]
        if len(datasets) != 1:
            raise IngestError("not a Behovsgraf JSON-LD export: expected one void:Dataset with its void:uriSpace")
        try:
            self.id_space = str(_single(_values(datasets[0], f"{_VOID}uriSpace")))
        except ValueError as exc:
            raise IngestError("the void:Dataset needs exactly one void:uriSpace") from exc
        self.flattened = flattened

    def node_id(self, iri: str) -> str:
        if not iri.startswith(self.id_space):
            raise ValueError(f"<{iri}> is not under the export's uriSpace {self.id_space}")
        return unquote(iri.removeprefix(self.id_space))

    def nodes(self) -> list[dict[str, Any]]:
        nodes = []
        for item in self.flattened:
            types = [_CLASS_TYPES[t] for t in item.get(_TYPE, []) if t in _CLASS_TYPES]
            if not types:
                continue
            try:
                nodes.append(self._node(item, types[0]))
            except (ValueError, KeyError, TypeError) as exc:
                raise IngestError(f"node <{item['@id']}>: {exc}") from exc
        return nodes

    def _node(self, item: Mapping[str, Any], node_type: NodeType) -> dict[str, Any]:
        props: dict[str, Any] = {}
        by_predicate = {field.predicate: (key, field) for key, field in _FIELDS.get(node_type, {}).items()}
        for predicate, values in item.items():
            if predicate.startswith("@") or predicate == f"{_SKOS}inScheme":
                continue
            if predicate in (f"{_SKOS}prefLabel", f"{_SKOS}definition"):
                prefix = "label" if predicate.endswith("prefLabel") else "description"
                for value in values:
                    if "@language" in value:
                        props[f"{prefix}_{value['@language']}"] = value["@value"]
                plain = [value for value in values if "@language" not in value]
                if plain and predicate in by_predicate:
                    key, field = by_predicate[predicate]
                    props[key] = field.read(plain)
            elif predicate in (f"{_ORG}identifier", f"{_SKOS}notation"):
                for value in values:
                    datatype = value.get(_TYPE)
                    key = "org_nr" if datatype == f"{NAMESPACE}{_ORG_NR_TYPE}" else "code"
                    if datatype not in (*_CODE_DATATYPES, f"{NAMESPACE}{_ORG_NR_TYPE}"):
                        raise ValueError(f"<{predicate}> has an unknown register {datatype!r}")
                    props[key] = value["@value"]
            elif predicate in by_predicate:
                key, field = by_predicate[predicate]
                props[key] = field.read(values)
            elif predicate.startswith(NAMESPACE):
                props[predicate.removeprefix(NAMESPACE)] = _read_generic(values)
            else:
                raise ValueError(f"<{predicate}> is not a property of a {node_type.value}")
        return {"id": self.node_id(item["@id"]), "type": node_type.value, "props": props}

    def edges(self) -> list[dict[str, Any]]:
        edges: list[dict[str, Any]] = []
        for graph in self.flattened:
            if "@graph" not in graph:
                continue
            try:
                asserted_by = str(_single(_values(graph, f"{NAMESPACE}assertedBy")))
            except ValueError as exc:
                raise IngestError(f"graph <{graph['@id']}>: needs exactly one bg:assertedBy") from exc
            try:
                edges += self._graph_edges(graph["@graph"], asserted_by)
            except (ValueError, KeyError, TypeError) as exc:
                raise IngestError(f"graph <{graph['@id']}>: {exc}") from exc
        return edges

    def _graph_edges(self, items: list[dict[str, Any]], asserted_by: str) -> list[dict[str, Any]]:
        edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        statements: list[dict[str, Any]] = []
        for item in items:
            types = item.get(_TYPE, [])
            if _MEMBERSHIP in types:
                props = self._extra(item)
                role = _values(item, f"{_SCHEMA}roleName")
                if role:
                    props = {"role": _single(role), **props}
                source, target = self.node_id(_iri(item, f"{_ORG}member")), self.node_id(_iri(item, f"{_ORG}organization"))
                edges[(source, RelType.PARTICIPATED_IN.value, target)] = _edge(source, RelType.PARTICIPATED_IN, target, asserted_by, props)
                continue
            if _STATEMENT in types:
                statements.append(item)
                continue
            for predicate, values in item.items():
                if predicate.startswith("@"):
                    continue
                if predicate not in _PREDICATES:
                    raise ValueError(f"<{predicate}> is not a relationship Behovsgraf knows")
                rel, props = _PREDICATES[predicate]
                for value in values:
                    source, target = self.node_id(item["@id"]), self.node_id(value["@id"])
                    edges[(source, predicate, target)] = _edge(source, rel, target, asserted_by, dict(props))
        for statement in statements:
            key = (self.node_id(_iri(statement, f"{_RDF}subject")), _iri(statement, f"{_RDF}predicate"),
                   self.node_id(_iri(statement, f"{_RDF}object")))
            if key not in edges:
                raise ValueError(f"an rdf:Statement is about an edge the graph does not hold: {key}")
            extra = self._extra(statement)
            sources = [value["@id"] for value in _values(statement, f"{_DCTERMS}source")]
            edges[key]["props"].update({**({"sources": sources} if sources else {}), **extra})
        return list(edges.values())

    @staticmethod
    def _extra(item: Mapping[str, Any]) -> dict[str, Any]:
        return {
            predicate.removeprefix(NAMESPACE): _read_generic(values)
            for predicate, values in item.items()
            if predicate.startswith(NAMESPACE)
        }


def _read_generic(values: list[dict[str, Any]]) -> Any:
    if len(values) == 1 and "@list" in values[0]:
        return [item["@value"] for item in values[0]["@list"]]
    return _single(values)


def _edge(source: str, rel: RelType, target: str, asserted_by: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"source": source, "type": rel.value, "target": target, "asserted_by": asserted_by, "props": props}


def from_jsonld(document: Any) -> dict[str, Any]:
    """The JSON export (`graph.exchange.import_graph` reads it) of a JSON-LD document `to_jsonld` wrote.

    Only Behovsgraf's context is read (from `CONTEXT_FILE`; nothing is fetched).

    Raises
    ------
    IngestError
        The document is not JSON-LD, uses another context, or holds a node, property
        or relationship Behovsgraf does not know; the message names it.
    """
    if not isinstance(document, dict) or "@context" not in document:
        raise IngestError("not a JSON-LD document: expected an object with \"@context\"")
    contexts = document["@context"] if isinstance(document["@context"], list) else [document["@context"]]
    for context in contexts:
        if isinstance(context, str) and urlsplit(context).path != CONTEXT_PATH:
            raise IngestError(f"context {context!r} is not Behovsgraf's ({CONTEXT_PATH}); other contexts are not fetched")
    try:
        flattened = jsonld.flatten(document, None, {"documentLoader": _load_context})
    except JsonLdError as exc:
        raise IngestError(f"not valid JSON-LD: {exc}") from exc
    reader = _Reader(flattened)
    return {"format": FORMAT, "version": VERSION, "nodes": reader.nodes(), "edges": reader.edges()}
