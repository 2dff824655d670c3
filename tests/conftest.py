"""Shared fixtures: stores for every backend, and the rule for tests that cannot run here.

Outside CI a test whose requirement is missing is skipped with the reason printed;
under CI (`CI` set) the same situation fails, so nothing is skipped silently there.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from graph.backends import open_store
from graph.model import Batch
from graph.store import GraphStore

if TYPE_CHECKING:
    from tests.oidc_local import LocalOidc

IN_CI = bool(os.environ.get("CI"))
ROOT = Path(__file__).resolve().parent.parent


def embed(store: GraphStore) -> None:
    """Embed what was written with the default model, as `behovsgraf ingest` and the server's worker do."""
    from graph.ranking.embedding import default_embedder
    from graph.ranking.worker import embed_all

    embed_all(store, default_embedder())


def require(reason: str | None) -> None:
    """Fail (in CI) or skip with a printed reason (elsewhere) when `reason` names something missing."""
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"required under CI: {reason}")
    print(f"\nSKIPPED: {reason}", file=sys.stderr)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def neo4j_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Neo4j started for the test session (built from tools/neo4j-local on first use)."""
    from tests import neo4j_local

    require(neo4j_local.unavailable_reason())
    neo4j_local.build()
    server = neo4j_local.LocalNeo4j(tmp_path_factory.mktemp("neo4j"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


OIDC_CLIENT_ID = "behovsgraf"
ROLE_SCOPES = {"behovsgraf-readers": "read", "behovsgraf-intake": "propose", "behovsgraf-curators": "write"}
PRINCIPALS = {
    "reader": {"sub": "svc-reader", "aud": [OIDC_CLIENT_ID], "groups": ["behovsgraf-readers"]},
    "proposer": {"sub": "svc-intake", "aud": [OIDC_CLIENT_ID], "groups": ["staff", "behovsgraf-intake"]},
    "writer": {"sub": "svc-curator", "aud": [OIDC_CLIENT_ID], "groups": ["behovsgraf-curators"]},
    "norole": {"sub": "svc-norole", "aud": [OIDC_CLIENT_ID], "groups": ["staff"]},
    "elsewhere": {"sub": "svc-other-app", "aud": ["another-app"], "groups": ["behovsgraf-curators"]},
}
"""Machine tokens the test provider issues, by the `scope` asked for: their claims."""


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOidc]:
    """A real OpenID Connect provider (mock-oauth2-server, built from tools/oidc-local on first use)."""
    from tests import oidc_local

    require(oidc_local.unavailable_reason())
    oidc_local.build()
    with oidc_local.LocalOidc(tmp_path_factory.mktemp("oidc"), PRINCIPALS) as provider:
        yield provider


def oidc_settings(issuer: str, **overrides: Any) -> dict[str, Any]:
    """The `oidc` setting for an app signing in with the test provider's `issuer`."""
    return {
        "issuer": issuer,
        "client_id": OIDC_CLIENT_ID,
        "client_secret": "test-client-secret",
        "role_scopes": ROLE_SCOPES,
        **overrides,
    }


BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]
LAZY = "embedded-lazy"
"""The embedded store opened with `lazy=True`: the contract suite runs against it as a third backend."""


def empty_store_location(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> str:
    """The location of an empty store of `backend`."""
    if backend in ("embedded", LAZY):
        return str(tmp_path / "store.db")
    url: str = request.getfixturevalue("neo4j_url")
    with open_store(url) as store:
        store.upsert(Batch(replace_all=True))
    return url


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The location of an empty store of each backend."""
    return empty_store_location(request, tmp_path, request.param)


@pytest.fixture
def store_is_lazy() -> bool:
    """Whether `open_at` opens lazily (the contract suite's third backend)."""
    return False


@pytest.fixture
def open_at(store_location: str, store_is_lazy: bool) -> Iterator[Callable[[], GraphStore]]:
    """Opens further connections to the same store; all are closed after the test."""
    opened: list[GraphStore] = []

    def connect() -> GraphStore:
        opened.append(open_store(store_location, lazy=store_is_lazy))
        return opened[-1]

    yield connect
    for store in opened:
        store.close()


@pytest.fixture
def store(open_at: Callable[[], GraphStore]) -> GraphStore:
    """An empty, open store of each backend."""
    return open_at()
