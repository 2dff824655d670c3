"""A W3C Reconciliation Service API (version 0.2) at /reconcile, for OpenRefine and other clients.

Curators reconcile a spreadsheet column of organisation, method, target-group, topic
or place names against Behovsgraf with the same `Matcher` that ingest uses:

* `GET /reconcile` answers the service manifest;
* `GET|POST /reconcile` with `queries` (a JSON batch, form-encoded or in the query
  string) answers a result batch; `query` answers one query; a type or property
  this service does not have matches nothing or is ignored, as the specification's
  examples expect, while a query the schema refuses is a 400 naming the field;
* `GET /reconcile/suggest/{entity,type,property}?prefix=` completes names, types and
  the properties queries may carry: `country` (SE, NO, DK), `code` (a municipality,
  county or region code) and `place` (a municipality, county or region that the body
  lies in, by name or id), which add to the score the way a case's context does;
* `GET /reconcile/preview?id=` answers a small HTML card for the client's iframe.

Reads are open unless `require_key_for_reads` is set, as for GraphQL.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.background import BackgroundTask
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from api.deps import get_store, identify
from api.settings import Settings
from graph.errors import StoreError
from graph.model import Node, NodeType, RelType
from graph.store import GraphStore
from ingest.aliases import names_of
from ingest.matching import FUZZY_TYPES, MATCH, Candidate, Context, Matcher, spell
from visualisation.i18n import Texts, choose_language

__all__ = ["MAX_QUERIES", "RECONCILED_TYPES", "router"]

log = logging.getLogger(__name__)

RECONCILED_TYPES: tuple[NodeType, ...] = (
    NodeType.ORGANISATION,
    NodeType.METHOD,
    NodeType.TARGET_GROUP,
    NodeType.TOPIC,
    NodeType.PLACE,
)
MAX_QUERIES = 500
"""Queries in one batch; OpenRefine sends 10 by default."""
DEFAULT_LIMIT, MAX_LIMIT = 5, 25
SUGGEST_LIMIT = 10
PROPERTIES = {
    "country": "Country (SE, NO or DK)",
    "code": "Official code (municipality, county, region)",
    "place": "Municipality, county or region the body lies in",
}
PREVIEW_WIDTH, PREVIEW_HEIGHT = 400, 160
_PREVIEW_POLICY = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *"
_LABELS = {
    "aliases": {"sv": "Även kallad", "nb": "Også kalt", "en": "Also known as"},
    "code": {"sv": "Kod", "nb": "Kode", "en": "Code"},
    "country": {"sv": "Land", "nb": "Land", "en": "Country"},
    "unconfirmed": {"sv": "Obekräftad", "nb": "Ubekreftet", "en": "Unconfirmed"},
}

Text = Annotated[str, StringConstraints(max_length=300)]
Value = str | int | float | bool


class _Entity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Text
    name: Text | None = None


class _Property(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pid: Text
    v: Value | _Entity | list[Value | _Entity]


class _Query(BaseModel):
    """One reconciliation query, as the specification's query schema allows it."""

    model_config = ConfigDict(extra="forbid")
    query: Text | None = None
    type: Text | list[Text] | None = None
    limit: float | None = Field(None, ge=0)
    properties: list[_Property] | None = Field(None, max_length=20)
    type_strict: Literal["any", "should", "all"] | None = None

    @model_validator(mode="after")
    def _has_something(self) -> _Query:
        if not (self.query and self.query.strip()) and not self.properties:
            raise ValueError("a query needs `query` or at least one of `properties`")
        return self


class BadQuery(Exception):
    """A request the service cannot answer; `field` names the part at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(slots=True)
class _Index:
    """A matcher over the reconciled nodes of one store revision, with the nodes by code."""

    matcher: Matcher
    by_code: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, store: GraphStore) -> _Index:
        nodes = [node for node_type in RECONCILED_TYPES for node in store.find(node_type)]
        edges = [*store.edges(RelType.LOCATED_IN), *store.edges(RelType.PART_OF)]
        index = cls(Matcher(nodes, edges))
        for node in nodes:
            for key in ("code", "municipality_code"):
                code = node.props.get(key)
                if isinstance(code, str):
                    index.by_code.setdefault(code, []).append(node.id)
        return index


class _Indexes:
    """The index of the store's current revision, rebuilt when the store changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._index: _Index | None = None

    def get(self, store: GraphStore) -> _Index:
        key = (id(store), store.revision())
        with self._lock:
            if key != self._key or self._index is None:
                self._index, self._key = _Index.of(store), key
                log.info("reconciliation index built for revision %s", key[1])
            return self._index


def _indexes(request: Request) -> _Indexes:
    state = request.app.state
    if not hasattr(state, "reconciliation"):
        state.reconciliation = _Indexes()
    indexes: _Indexes = state.reconciliation
    return indexes


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _texts(request: Request) -> Texts:
    return Texts(choose_language(request.query_params.get("lang"), request.headers.get("accept-language")))


def manifest(base: str, texts: Texts) -> dict[str, Any]:
    """The service manifest: name, identifier and schema spaces, types, view, preview, suggest."""
    return {
        "versions": ["0.2"],
        "name": "Behovsgraf",
        "identifierSpace": f"{base}/nodes/",
        "schemaSpace": f"{base}/reconcile/types/",
        "documentation": f"{base}/",
        "defaultTypes": [_type(node_type, texts) for node_type in RECONCILED_TYPES],
        "view": {"url": f"{base}/nodes/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": {
            kind: {"service_url": base, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
    }


def _type(node_type: NodeType, texts: Texts) -> dict[str, str]:
    return {"id": node_type.value, "name": texts.node_type(node_type)}


def _types(value: str | list[str] | None) -> tuple[NodeType, ...]:
    """The node types a query names; a type this service does not have matches nothing."""
    if value is None:
        return RECONCILED_TYPES
    names = {value} if isinstance(value, str) else set(value)
    return tuple(node_type for node_type in RECONCILED_TYPES if node_type.value in names)


def _values(prop: _Property) -> list[str]:
    values = prop.v if isinstance(prop.v, list) else [prop.v]
    return [value.id if isinstance(value, _Entity) else str(value) for value in values]


@dataclass(frozen=True, slots=True)
class _Wanted:
    """What a query's properties ask for."""

    context: Context
    codes: frozenset[str]


def _wanted(index: _Index, query: _Query) -> _Wanted:
    """The context and codes the query's properties give; properties this service does not have are ignored."""
    countries: list[str] = []
    codes: set[str] = set()
    areas: Counter[str] = Counter()
    for prop in query.properties or []:
        values = _values(prop)
        if prop.pid == "country":
            countries += [value.upper() for value in values]
        elif prop.pid == "code":
            codes |= set(values)
        elif prop.pid == "place":
            for value in values:
                found = index.matcher.nodes.get(value)
                if found is None or found.type is not NodeType.PLACE:
                    chosen = index.matcher.resolve(NodeType.PLACE, value).chosen
                    found = index.matcher.nodes[chosen.node_id] if chosen else None
                if found is not None:
                    areas.update({found.id, *index.matcher.areas(found.id)})
    return _Wanted(Context(countries[0] if len(countries) == 1 else None, areas), frozenset(codes))


def _by_code(index: _Index, types: tuple[NodeType, ...], codes: frozenset[str]) -> list[Candidate]:
    found = []
    for code in sorted(codes):
        for node_id in index.by_code.get(code, ()):
            node = index.matcher.nodes[node_id]
            if node.type in types:
                found.append(Candidate(node_id, node.label, code, 1.0, (f"code {code}",)))
    return found


def _answer(index: _Index, query: _Query, texts: Texts) -> dict[str, Any]:
    """The result of one query: candidates best first, `match` on the one that is certain."""
    types = _types(query.type)
    wanted = _wanted(index, query)
    limit = min(int(query.limit), MAX_LIMIT) if query.limit is not None else DEFAULT_LIMIT
    candidates: list[Candidate] = []
    chosen: set[str] = set()
    name = (query.query or "").strip()
    if name:
        for node_type in types:
            found = index.matcher.resolve(node_type, name, wanted.context, limit=limit)
            candidates += found.candidates
            chosen |= {found.chosen.node_id} if found.chosen else set()
    if wanted.codes:
        with_code = {c.node_id: c for c in _by_code(index, types, wanted.codes)}
        if name:
            candidates = [_with_code(c, with_code) for c in candidates]
            chosen = {c.node_id for c in candidates if c.node_id in with_code and c.score >= MATCH}
        else:
            candidates = list(with_code.values())
            chosen = set(with_code) if len(with_code) == 1 else set()
    if wanted.context.areas:
        candidates = [_in_place(index, c, wanted.context) for c in candidates]
    ranked = sorted(candidates, key=lambda c: (-c.score, c.name, c.node_id))[:limit]
    is_single = len(chosen) == 1
    return {"result": [_candidate(index, c, is_single and c.node_id in chosen, texts) for c in ranked]}


def _with_code(candidate: Candidate, with_code: dict[str, Candidate]) -> Candidate:
    if candidate.node_id in with_code:
        return Candidate(candidate.node_id, candidate.name, candidate.matched, candidate.score, (*candidate.reasons, "same code"))
    return Candidate(candidate.node_id, candidate.name, candidate.matched, round(candidate.score - 0.2, 3), (*candidate.reasons, "another code"))


def _in_place(index: _Index, candidate: Candidate, context: Context) -> Candidate:
    if index.matcher.areas(candidate.node_id) & set(context.areas):
        return candidate
    return Candidate(candidate.node_id, candidate.name, candidate.matched, round(candidate.score - 0.1, 3), (*candidate.reasons, "not in the place given"))


def _candidate(index: _Index, candidate: Candidate, is_match: bool, texts: Texts) -> dict[str, Any]:
    node = index.matcher.nodes[candidate.node_id]
    return {
        "id": node.id,
        "name": node.label_in(texts.lang) if node.type is not NodeType.ORGANISATION else node.label,
        "description": _description(node, texts),
        "score": round(100 * candidate.score, 1),
        "match": is_match and candidate.score >= MATCH,
        "type": [_type(node.type, texts)],
        "features": [
            {"id": "name", "value": round(candidate.score, 3)},
            {"id": "certain", "value": is_match},
        ],
    }


def _description(node: Node, texts: Texts) -> str:
    parts = [texts.node_type(node.type)]
    parts += [str(node.props[key]) for key in ("org_type", "kind", "country", "code") if node.props.get(key)]
    if node.props.get("unconfirmed"):
        parts.append(_LABELS["unconfirmed"][texts.lang])
    return " · ".join(parts)


def _parse(raw: str, field_name: str) -> Any:
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BadQuery(f"{field_name}: not valid JSON ({exc})", field_name) from exc


def _validated(raw: object, where: str) -> _Query:
    try:
        return _Query.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(part) for part in (where, *first["loc"]))
        raise BadQuery(f"{path}: {first['msg']}", path) from exc


def _batch(raw: str) -> dict[str, _Query]:
    data = _parse(raw, "queries")
    if not isinstance(data, dict):
        raise BadQuery("queries: expected a JSON object of queries by key", "queries")
    if len(data) > MAX_QUERIES:
        raise BadQuery(f"queries: more than {MAX_QUERIES} queries in one batch", "queries")
    return {str(key): _validated(value, f"queries.{key}") for key, value in data.items()}


def _bad(message: str, field_name: str) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT", "field": field_name}}]}
    return JSONResponse(body, status_code=400)


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        body = (await request.body()).decode("utf-8", errors="replace")
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            params["queries"] = body
        else:
            params.update(parse_qsl(body, keep_blank_values=True))
    return params


def _may_read(request: Request) -> None:
    """Refuse (401) a wrong key, and a missing one where reads need a key, as GraphQL does."""
    settings: Settings = request.app.state.settings
    caller = identify(settings, request.headers.get("authorization"))
    if caller.bad_key:
        raise HTTPException(401, "The API key is not valid; send `Authorization: Bearer <key>` with a configured key.")
    if caller.scope is None and settings.require_key_for_reads:
        raise HTTPException(401, "This needs an API key; send `Authorization: Bearer <key>`.")


router = APIRouter(include_in_schema=False, dependencies=[Depends(_may_read)])


def _store_and_index(request: Request) -> tuple[GraphStore, _Indexes]:
    return get_store(request), _indexes(request)


@router.api_route("/reconcile", methods=["GET", "POST"])
async def reconcile(request: Request) -> Response:
    """The manifest, or the answers to `queries` (a batch) or `query` (one)."""
    texts = _texts(request)
    params = await _params(request)
    if "queries" not in params and "query" not in params:  # clients ask for it first: build the index meanwhile
        return JSONResponse(manifest(_base(request), texts), background=BackgroundTask(_warm, request))
    try:
        if "queries" in params:
            batch = _batch(params["queries"])
        else:
            raw = params["query"]
            single = _parse(raw, "query") if raw.lstrip().startswith("{") else {"query": raw}
            batch = {"": _validated(single, "query")}
        store, indexes = _store_and_index(request)
        results = await anyio.to_thread.run_sync(_answer_all, store, indexes, batch, texts)
    except BadQuery as exc:
        return _bad(str(exc), exc.field)
    return JSONResponse(results[""] if "queries" not in params else results)


async def _warm(request: Request) -> None:
    """Build the index for the store's revision, so the client's first batch need not wait for it."""
    try:
        store, indexes = _store_and_index(request)
        await anyio.to_thread.run_sync(indexes.get, store)
    except (HTTPException, StoreError) as exc:
        log.warning("reconciliation index not built ahead: %s", exc)


def _answer_all(store: GraphStore, indexes: _Indexes, batch: dict[str, _Query], texts: Texts) -> dict[str, Any]:
    index = indexes.get(store)
    return {key: _answer(index, query, texts) for key, query in batch.items()}


def _suggest_entities(index: _Index, prefix: str, types: Iterable[NodeType], *, limit: int, offset: int) -> list[Node]:
    """Nodes whose name, label or alias starts with `prefix`, or has a word that does; names first, shorter first."""
    key = spell(prefix)
    if not key:
        return []
    ranked: dict[str, tuple[int, int, str]] = {}
    for node in index.matcher.nodes.values():
        if node.type not in types:
            continue
        for name in names_of(node):
            spelled = spell(name)
            rank = 0 if spelled.startswith(key) else 1 if f" {key}" in f" {spelled}" else None
            if rank is not None:
                best = (rank + (name != node.label), len(node.label), node.label)
                ranked[node.id] = min(ranked.get(node.id, best), best)
    ordered = sorted(ranked, key=lambda node_id: (*ranked[node_id], node_id))
    return [index.matcher.nodes[node_id] for node_id in ordered[offset : offset + limit]]


@router.get("/reconcile/suggest/entity")
async def suggest_entity(
    request: Request,
    prefix: Annotated[str, Query(max_length=300)] = "",
    type: Annotated[str | None, Query(max_length=100)] = None,  # noqa: A002 - the specification's name
    cursor: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Response:
    """Entities for auto-completion."""
    texts = _texts(request)
    types = _types(type)
    store, indexes = _store_and_index(request)
    index = await anyio.to_thread.run_sync(indexes.get, store)
    nodes = _suggest_entities(index, prefix, types, limit=SUGGEST_LIMIT, offset=cursor)
    return JSONResponse(
        {
            "result": [
                {"id": node.id, "name": node.label, "description": _description(node, texts), "notable": [_type(node.type, texts)]}
                for node in nodes
            ]
        }
    )


@router.get("/reconcile/suggest/type")
async def suggest_type(request: Request, prefix: Annotated[str, Query(max_length=300)] = "") -> Response:
    """The reconciled types whose id or name starts with `prefix`."""
    texts = _texts(request)
    key = spell(prefix)
    found = [_type(t, texts) for t in RECONCILED_TYPES if any(spell(s).startswith(key) for s in (t.value, texts.node_type(t)))]
    return JSONResponse({"result": found})


@router.get("/reconcile/suggest/property")
async def suggest_property(request: Request, prefix: Annotated[str, Query(max_length=300)] = "") -> Response:
    """The properties queries may carry."""
    key = spell(prefix)
    found = [
        {"id": pid, "name": name, "description": name}
        for pid, name in PROPERTIES.items()
        if pid.startswith(key) or spell(name).startswith(key)
    ]
    return JSONResponse({"result": found})


@router.get("/reconcile/preview", response_class=HTMLResponse)
async def preview(request: Request, id: Annotated[str, Query(min_length=1, max_length=300)]) -> Response:  # noqa: A002
    """A small HTML card of one node for the client's preview frame."""
    texts = _texts(request)
    store = get_store(request)
    node = await anyio.to_thread.run_sync(store.get, id)
    headers = {"Content-Security-Policy": _PREVIEW_POLICY, "X-Content-Type-Options": "nosniff"}
    if node is None or node.type not in FUZZY_TYPES:
        raise HTTPException(status_code=404, detail=f"no organisation, method, target group, topic or place has the id {id!r}")
    return HTMLResponse(_card(node, texts, _base(request)), headers=headers)


def _card(node: Node, texts: Texts, base: str) -> str:
    lang = texts.lang
    rows = [(_LABELS["country"][lang], node.props.get("country")), (_LABELS["code"][lang], node.props.get("code"))]
    aliases = node.props.get("aliases")
    if isinstance(aliases, list) and aliases:
        rows.append((_LABELS["aliases"][lang], ", ".join(aliases[:8])))
    cells = "".join(f"<dt>{escape(label)}</dt><dd>{escape(str(value))}</dd>" for label, value in rows if value)
    flag = f"<p>{escape(_LABELS['unconfirmed'][lang])}</p>" if node.props.get("unconfirmed") else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{escape(base)}/static/behovsgraf.css"><title>{escape(node.label)}</title></head>'
        f"<body><h1>{escape(node.label)}</h1><p>{escape(_description(node, texts))}</p><dl>{cells}</dl>{flag}</body></html>"
    )
