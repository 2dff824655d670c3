"""The per-request context: settings, caller, request id, store access and DataLoaders.

Every store call of a request goes through `Context.call`, which runs it in a
worker thread and turns store failures into client errors. The loaders batch the
node and edge look-ups of one request, so a page of 100 cases with their
organisations and methods costs a handful of store calls, not hundreds.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple, ParamSpec, TypeVar

import anyio.to_thread
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from api.deps import Caller, StoreProvider
from api.schema.errors import NotFound, StoreUnavailableError
from api.settings import Settings
from api.watches.service import WatchService
from graph.errors import NodeNotFound, StoreUnavailable
from graph.model import LANGUAGES, Direction, Edge, Node, RelType
from graph.ranking.embedding import default_embedder
from graph.ranking.source import source_for
from graph.store import GraphStore
from visualisation.i18n import accepted_languages

__all__ = ["Context", "EdgeQuery", "Loaders"]

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

class EdgeQuery(NamedTuple):
    """The edges of one node, of one relationship type, in one direction."""

    node_id: str
    rel: RelType
    direction: Direction


def _get_many(store: GraphStore, node_ids: list[str]) -> dict[str, Node]:
    return store.get_many(node_ids)


def _edges_of(store: GraphStore, queries: Sequence[EdgeQuery]) -> list[list[Edge]]:
    """The edges each query asks for: one `edges_of_many` call per (relationship type, direction)."""
    groups: dict[tuple[RelType, Direction], list[str]] = defaultdict(list)
    for query in queries:
        groups[(query.rel, query.direction)].append(query.node_id)
    found: dict[EdgeQuery, list[Edge]] = {}
    for (rel, direction), node_ids in groups.items():
        for node_id, edges in store.edges_of_many(node_ids, rel=rel, direction=direction).items():
            found[EdgeQuery(node_id, rel, direction)] = edges
    return [found[query] for query in queries]


def _embedded(store: GraphStore, case_ids: list[str]) -> dict[str, bool]:
    """Whether each case has fresh vectors under the default model."""
    documents = source_for(store, default_embedder()).documents(case_ids)
    return {case_id: doc.is_embedded for case_id, doc in documents.items()}


class Context(BaseContext):
    """What resolvers of one request share."""

    def __init__(
        self,
        *,
        settings: Settings,
        stores: StoreProvider,
        caller: Caller,
        request_id: str,
        watches: WatchService | None = None,
        accept_language: str | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.stores = stores
        self.caller = caller
        self.request_id = request_id
        self.watches = watches
        self.accept_language = accept_language
        self.loaders = Loaders(self)

    def preferred_language(self) -> str | None:
        """The caller's most wanted language among sv, nb, nn, da and en (Accept-Language), or None.

        `no` counts as bokmål; a tag with q=0 is refused.
        """
        for tag in accepted_languages(self.accept_language):
            code = {"no": "nb"}.get(tag, tag)
            if code in LANGUAGES:
                return code
        return None

    async def call(self, fn: Callable[..., R], /, *args: object, **kwargs: object) -> R:
        """`fn(store, *args, **kwargs)` in a worker thread, with store failures made client errors.

        Raises
        ------
        StoreUnavailableError
            The store cannot be reached; it is reopened by a later call.
        NotFound
            The store reported a missing node.
        """
        return await anyio.to_thread.run_sync(partial(self._run, fn, args, kwargs))

    def _run(self, fn: Callable[..., R], args: tuple[object, ...], kwargs: dict[str, object]) -> R:
        try:
            store = self.stores.get()
        except StoreUnavailable as exc:
            log.warning("request %s: store unavailable: %s", self.request_id, exc)
            raise StoreUnavailableError() from exc
        try:
            return fn(store, *args, **kwargs)
        except StoreUnavailable as exc:
            log.warning("request %s: store failed, reopening it later: %s", self.request_id, exc)
            self.stores.discard(store)
            raise StoreUnavailableError() from exc
        except NodeNotFound as exc:
            raise NotFound(str(exc)) from exc


class Loaders:
    """Per-request DataLoaders: nodes by id, edges by `EdgeQuery`, whether cases are embedded."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self.nodes: DataLoader[str, Node | None] = DataLoader(self._load_nodes)
        self.edges: DataLoader[EdgeQuery, list[Edge]] = DataLoader(self._load_edges)
        self.embedded: DataLoader[str, bool] = DataLoader(self._load_embedded)

    def forget(self) -> None:
        """Drop everything loaded so far; called after a write, so later fields see the new graph."""
        self.nodes.clear_all()
        self.edges.clear_all()
        self.embedded.clear_all()

    async def _load_nodes(self, node_ids: list[str]) -> list[Node | None]:
        found = await self._context.call(_get_many, node_ids)
        return [found.get(node_id) for node_id in node_ids]

    async def _load_edges(self, queries: list[EdgeQuery]) -> list[list[Edge]]:
        return await self._context.call(_edges_of, queries)

    async def _load_embedded(self, case_ids: list[str]) -> list[bool]:
        found = await self._context.call(_embedded, case_ids)
        return [found.get(case_id, False) for case_id in case_ids]
