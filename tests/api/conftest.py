"""A real uvicorn server on a free 127.0.0.1 port, and an HTTP GraphQL client for it.

`api` serves one read-only store holding hand-written and generated cases, shared by
the whole session; tests that write, or need other settings, start their own server
with `serve`.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from graph.backends import open_store
from ingest.generate import generate_cases
from ingest.run import ingest_records
from tests.conftest import embed

READ_KEY = "read-key-for-tests-0123456789"
PROPOSE_KEY = "propose-key-for-tests-0123456789"
WRITE_KEY = "write-key-for-tests-0123456789"
KEYS = [
    {"name": "reader", "key": READ_KEY, "scope": "read"},
    {"name": "intake-form", "key": PROPOSE_KEY, "scope": "propose"},
    {"name": "curator", "key": WRITE_KEY, "scope": "write"},
]

CASES: list[dict[str, Any]] = [
    {
        "id": "no-trondelag-karriereveiledning",
        "title": "Karriereveiledning for elever som velger utdanningsprogram i Trøndelag",
        "language": "nb",
        "year": 2021,
        "status": "completed",
        "country": "NO",
        "summary": "Elever i Trøndelag fikk bedre veiledning før de valgte utdanningsprogram i videregående.",
        "organisations": [
            {"name": "Trøndelag fylkeskommune", "type": "county", "role": "owner"},
            {"name": "Novari IKS", "type": "company", "role": "facilitator"},
        ],
        "target_groups": ["Elever i videregående"],
        "needs": [
            {
                "text": "Elevene trenger hjelp til å velge riktig utdanningsprogram",
                "target_groups": ["Elever i videregående"],
            }
        ],
        "methods": ["Intervjuer", "Tjenestedesign"],
        "topics": ["Utdanning"],
        "places": ["Trondheim"],
        "sources": [{"url": "https://example.org/trondelag/karriere", "title": "Sluttrapport", "published": "2022-03"}],
    },
    {
        "id": "dk-aalborg-aeldre-velfaerd",
        "title": "Ældre borgere og velfærdsteknologi i Aalborg",
        "language": "da",
        "year": 2019,
        "country": "DK",
        "summary": "Aalborg Kommune afprøvede velfærdsteknologi sammen med ældre borgere i eget hjem.",
        "organisations": [{"name": "Aalborg Kommune", "role": "owner"}],
        "target_groups": ["Ældre"],
        "needs": ["Ældre borgere har brug for at blive boende i eget hjem"],
        "methods": ["Brugerinddragelse"],
        "topics": ["Velfærdsteknologi"],
    },
    {
        "id": "se-malmo-naringsliv-unga",
        "title": "Näringsliv och unga i Malmö",
        "language": "sv",
        "year": 2023,
        "status": "ongoing",
        "country": "SE",
        "summary": "Malmö stad kopplade unga arbetssökande till det lokala näringslivet.",
        "organisations": [{"name": "Malmö stad", "role": "owner"}, {"name": "Arbetsförmedlingen", "role": "partner"}],
        "target_groups": ["Unga arbetssökande"],
        "needs": ["Unga behöver kontakter i näringslivet för att få jobb"],
        "methods": ["Intervjuer"],
        "topics": ["Arbete"],
        "related": [{"id": "no-trondelag-karriereveiledning", "kind": "builds_on"}],
    },
]
"""Hand-written cases whose names exercise Scandinavian spellings (ø, å/aa, æ/ä)."""

GENERATED = 130
"""Generated cases besides the hand-written ones: more than a page of 100."""


def global_id(type_name: str, key: str) -> str:
    """The global id the API gives a node."""
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def case_input(record: dict[str, Any]) -> dict[str, Any]:
    """A case-file record as a GraphQL `CaseInput`: camelCase keys, bare names as objects."""

    def camel(key: str) -> str:
        head, *rest = key.split("_")
        return head + "".join(part.title() for part in rest)

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {camel(key): convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        return value

    named = {"needs": "text", "organisations": "name"}
    record = {
        key: [{named[key]: item} if isinstance(item, str) else item for item in value] if key in named else value
        for key, value in record.items()
    }
    converted: dict[str, Any] = convert(record)
    return converted


def make_settings(store: Path | str, **overrides: Any) -> Settings:
    """Settings for a test server: keys configured, no rate limits, no background embedding, nothing read from the environment or .env."""
    values: dict[str, Any] = {
        "store": str(store),
        "api_keys": KEYS,
        "rate_limit_per_key": 0,
        "rate_limit_per_address": 0,
        "embed_in_background": False,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@dataclass
class Api:
    """A GraphQL client for one running server."""

    url: str
    client: httpx.Client = field(repr=False)

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST a GraphQL operation to /graphql."""
        sent = {**(headers or {}), **({"Authorization": f"Bearer {key}"} if key else {})}
        return self.client.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )

    def result(self, query: str, variables: dict[str, Any] | None = None, *, key: str | None = None) -> dict[str, Any]:
        """The JSON body of a 200 response."""
        response = self.post(query, variables, key=key)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None, *, key: str | None = None) -> dict[str, Any]:
        """The data of a response that must have no errors."""
        body = self.result(query, variables, key=key)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def wait_ready(self, seconds: float = 60) -> httpx.Response:
        """Poll /readyz, as a load balancer does, until it answers 200 (warm-up done); fails after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            ready = self.client.get(f"{self.url}/readyz")
            if ready.status_code == 200 or time.monotonic() > deadline:
                assert ready.status_code == 200, f"not ready after {seconds:.0f} s: {ready.text}"
                return ready
            time.sleep(0.2)

    def error(self, query: str, variables: dict[str, Any] | None = None, *, key: str | None = None) -> dict[str, Any]:
        """The only error of a response that must fail."""
        body = self.result(query, variables, key=key)
        assert len(body.get("errors", [])) == 1, body
        error: dict[str, Any] = body["errors"][0]
        return error


@contextmanager
def live_server(settings: Settings, *, app: FastAPI | None = None) -> Iterator[Api]:
    """Run the app for `settings` (or `app`) with uvicorn in a thread on a free port until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app or create_app(settings), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        with httpx.Client(timeout=60) as client:
            yield Api(f"http://127.0.0.1:{port}", client)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def load_cases(store_path: Path) -> None:
    """Ingest the hand-written and generated cases into the store at `store_path`, then embed them.

    Embedding once here stands in for the embedding that follows a write, so the first ranking
    request of a test does not wait for every case to be embedded.
    """
    with open_store(store_path) as store:
        report = ingest_records(store, [*CASES, *generate_cases(GENERATED, seed=11)], origin="tests")
        assert report.written and report.ok, report.problems[:5]
        embed(store)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file holding the test cases, shared read-only by the session."""
    path = tmp_path_factory.mktemp("dataset") / "cases.db"
    load_cases(path)
    return path


@pytest.fixture
def writable_dataset(tmp_path: Path) -> Path:
    """A store file holding the test cases, for one test that writes."""
    path = tmp_path / "cases.db"
    load_cases(path)
    return path


@pytest.fixture(scope="session")
def api(dataset: Path) -> Iterator[Api]:
    """A server over the shared dataset, with the test keys configured."""
    with live_server(make_settings(dataset)) as client:
        yield client


@pytest.fixture
def serve() -> Iterator[Callable[[Settings], Api]]:
    """Start servers with any settings; all are stopped after the test."""
    with ExitStack() as stack:
        yield lambda settings: stack.enter_context(live_server(settings))
