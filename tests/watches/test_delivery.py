"""Watches end to end: a real server, a real webhook receiver on 127.0.0.1, the Atom feed and a subscription."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest
from websockets.sync.client import connect

from api.settings import Settings
from api.watches.delivery import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify
from api.watches.store import WatchStore
from tests.api.conftest import PROPOSE_KEY, WRITE_KEY, Api, case_input, live_server, make_settings
from tests.watches.conftest import SAME_NEED_NB, UNRELATED_DA, WATCHED_PROBLEM_SV

WAIT_SECONDS = 60
"""Longest a test waits for matching and delivery on a busy machine (the benchmark measures the real latency)."""


@dataclass
class Receiver:
    """A webhook receiver: answers 500 to the first `failures` posts, then 204; keeps every accepted post."""

    failures: int = 0
    accepted: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    refused: int = 0
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self) -> list[str]:
        """The idempotency keys of the accepted deliveries."""
        with self.lock:
            return [headers[IDEMPOTENCY_HEADER.lower()] for headers, _ in self.accepted]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                if state.refused < state.failures:
                    state.refused += 1
                    status = 500
                else:
                    state.accepted.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    status = 204
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/behovsgraf"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _settings(store: Path, watches: Path) -> Settings:
    return make_settings(store, allow_private_webhooks=True, watch_store=str(watches), embed_in_background=True)


def _create_watch(api: Api, webhook: str) -> dict[str, Any]:
    data = api.data(
        "mutation($input: CreateWatchInput!) { createWatch(input: $input) { __typename "
        "... on CreateWatchSuccess { webhookSecret watch { key feedPath } } "
        "... on WatchInputProblem { field message } } }",
        {"input": {"problem": WATCHED_PROBLEM_SV, "sensitivity": "POSSIBLE", "webhookUrl": webhook}},
        key=PROPOSE_KEY,
    )["createWatch"]
    assert data["__typename"] == "CreateWatchSuccess", data
    return data


def _write_case(api: Api, record: dict[str, Any]) -> None:
    api.data(
        "mutation($input: UpsertCasesInput!) { upsertCases(input: $input) { __typename } }",
        {"input": {"cases": [case_input(record)]}},
        key=WRITE_KEY,
    )


def _wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_SECONDS} s for {what}"
        time.sleep(0.1)


def _matched_up_to_now(store: Path, watches: Path) -> bool:
    from graph.backends import open_store

    with open_store(store) as graph:
        revision = graph.revision()
    seen = WatchStore(watches)
    try:
        return (seen.matched_revision() or 0) >= revision
    finally:
        seen.close()


def test_a_norwegian_case_reaches_a_swedish_watch_once_signed_and_an_unrelated_one_never(
    samples: Path, tmp_path: Path, receiver: Receiver
) -> None:
    watches = tmp_path / "watches.db"
    with live_server(_settings(samples, watches)) as api:
        created = _create_watch(api, receiver.url)
        _write_case(api, UNRELATED_DA)
        _wait_until(lambda: _matched_up_to_now(samples, watches), "matching of the unrelated case")
        _write_case(api, SAME_NEED_NB)
        _wait_until(lambda: receiver.keys(), "the delivery")
        _wait_until(lambda: _matched_up_to_now(samples, watches), "matching to catch up")
        time.sleep(1)  # a second delivery, if one were due, would arrive now

        headers, body = receiver.accepted[0]
        assert len(receiver.accepted) == 1
        assert verify(body, created["webhookSecret"], headers[SIGNATURE_HEADER.lower()])
        sent = json.loads(body)
        assert sent["case"]["key"] == SAME_NEED_NB["id"] and sent["id"] == headers[IDEMPOTENCY_HEADER.lower()]
        assert sent["reasons"] and sent["confidence"] in ("strong", "possible")

        feed = feedparser.parse(api.client.get(f"{api.url}{created['watch']['feedPath']}").content)
        assert not feed.bozo, feed.bozo_exception
        assert [entry.title.split(" (")[0] for entry in feed.entries] == [SAME_NEED_NB["title"]]
        assert sent["reasons"][0] in feed.entries[0].summary
        wrong_token = api.client.get(f"{api.url}/watches/{created['watch']['key']}/feed.atom?token=guess")
        assert wrong_token.status_code == 404


def test_a_subscription_receives_the_match(samples: Path, tmp_path: Path, receiver: Receiver) -> None:
    with live_server(_settings(samples, tmp_path / "watches.db")) as api:
        created = _create_watch(api, receiver.url)
        events: list[dict[str, Any]] = []
        ready = threading.Event()

        def listen() -> None:
            url = api.url.replace("http://", "ws://") + "/graphql"
            with connect(
                url, subprotocols=["graphql-transport-ws"], additional_headers={"Authorization": f"Bearer {PROPOSE_KEY}"}
            ) as socket:
                socket.send(json.dumps({"type": "connection_init", "payload": {}}))
                assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
                query = "subscription($key: String!) { watchMatches(key: $key) { key caseKey reasons } }"
                socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                    "query": query, "variables": {"key": created["watch"]["key"]}}}))
                ready.set()
                events.append(json.loads(socket.recv(timeout=WAIT_SECONDS)))

        thread = threading.Thread(target=listen)
        thread.start()
        assert ready.wait(10)
        time.sleep(0.3)
        _write_case(api, SAME_NEED_NB)
        thread.join(WAIT_SECONDS + 5)
        _wait_until(lambda: receiver.keys(), "the webhook")

    assert events and events[0]["type"] == "next" and events[0]["payload"].get("data"), events
    match = events[0]["payload"]["data"]["watchMatches"]
    assert match["caseKey"] == SAME_NEED_NB["id"]
    assert [match["key"]] == receiver.keys()


def test_a_delivery_retried_across_a_restart_arrives_exactly_once(
    samples: Path, tmp_path: Path, receiver: Receiver
) -> None:
    watches = tmp_path / "watches.db"
    receiver.failures = 1
    with live_server(_settings(samples, watches)) as api:
        _create_watch(api, receiver.url)
        _write_case(api, SAME_NEED_NB)
        _wait_until(lambda: receiver.refused == 1, "the first, refused attempt")
    assert receiver.keys() == []  # the server stopped during the back-off

    with live_server(_settings(samples, watches)):
        _wait_until(lambda: receiver.keys(), "the retried delivery after the restart")
        time.sleep(3)  # longer than the first back-off: a duplicate would arrive now
    log = WatchStore(watches)
    try:
        (entry,) = log.delivery_log(log.watches()[0].id)
    finally:
        log.close()
    assert len(receiver.keys()) == 1 and entry["status"] == "delivered" and entry["attempts"] == 2


def test_webhooks_into_private_addresses_are_refused_unless_allowed(samples: Path, tmp_path: Path) -> None:
    with live_server(make_settings(samples, watch_store=str(tmp_path / "w.db"))) as api:
        data = api.data(
            "mutation($input: CreateWatchInput!) { createWatch(input: $input) { __typename "
            "... on WatchInputProblem { field message } } }",
            {"input": {"problem": "Ensamhet bland äldre", "webhookUrl": "http://127.0.0.1:9/hook"}},
            key=PROPOSE_KEY,
        )["createWatch"]
        assert data == {
            "__typename": "WatchInputProblem",
            "field": "webhookUrl",
            "message": "127.0.0.1 is a private, loopback or reserved address; an operator can allow such targets",
        }
        listed = api.data("{ watches { key } }", key=PROPOSE_KEY)["watches"]
        assert listed == []
        secret_free = api.result("{ watches { key problem } }")
        assert secret_free["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
