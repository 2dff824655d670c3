"""Watch delivery latency: from a case's write to the signed webhook at a receiver on 127.0.0.1.

`python -m bench.watch_delivery [--rounds 5] [--write]` loads the sample cases into a
temporary store, starts `behovsgraf serve` (background embedding and watches on), registers
a Swedish watch with a webhook, and, as soon as `/readyz` says ready, writes Norwegian cases
on the same need through `upsertCases`, one at a time. Each round is the time from the
mutation's answer to the receiver holding the signed delivery; the first round shows what a
fresh server costs. With `--write` the table goes to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from api.watches.delivery import SIGNATURE_HEADER, verify
from bench.run import write_section
from bench.serving import server
from graph.backends import open_store
from graph.ranking.embedding import default_embedder
from graph.ranking.worker import embed_all
from ingest.run import ingest_paths
from ingest.vocabulary import DATA_DIR

WATCHED_PROBLEM = (
    "Många elever väljer fel program när de börjar gymnasiet och hoppar sedan av. "
    "Vi vill förstå vilken vägledning eleverna behöver inför gymnasievalet."
)
COUNTIES = ("Innlandet", "Vestland", "Nordland", "Agder", "Rogaland", "Troms", "Finnmark", "Telemark")
TIMEOUT_SECONDS = 60.0
"""A round that has not delivered by then counts as failed."""


def _case(round_number: int) -> dict[str, Any]:
    """A Norwegian case (as a GraphQL `CaseInput`) on the need the watch describes, with a county of its own."""
    county = COUNTIES[round_number % len(COUNTIES)]
    return {
        "id": f"no-{county.lower()}-radgivning-{round_number}",
        "title": f"Bedre rådgivning før valg av utdanningsprogram i {county}",
        "language": "nb",
        "year": 2026,
        "country": "NO",
        "summary": (
            f"{county} fylkeskommune kartlegger hvorfor mange elever velger feil utdanningsprogram og slutter i "
            "videregående skole. Elevene intervjues om hva slags rådgivning de trenger før de velger."
        ),
        "organisations": [{"name": f"{county} fylkeskommune", "role": "owner"}],
        "needs": [{"text": "Elever trenger bedre rådgivning før de velger utdanningsprogram"}],
    }


class _Receiver:
    """Webhook receiver that notes when each signed delivery arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, tuple[float, bytes, str]] = {}
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                case_key = json.loads(body)["case"]["key"]
                with receiver.changed:
                    receiver.arrived.setdefault(case_key, (time.perf_counter(), body, self.headers[SIGNATURE_HEADER]))
                    receiver.changed.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_port}/hooks/behovsgraf"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def wait_for(self, case_key: str, timeout: float) -> tuple[float, bytes, str] | None:
        with self.changed:
            self.changed.wait_for(lambda: case_key in self.arrived, timeout)
            return self.arrived.get(case_key)


def _graphql(client: httpx.Client, url: str, key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(f"{url}/graphql", json={"query": query, "variables": variables},
                         headers={"Authorization": f"Bearer {key}"})
    answer.raise_for_status()
    body = answer.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def run(rounds: int, work: Path) -> tuple[list[float], float]:
    """Seconds from each write's answer to its verified delivery, and the server's seconds to ready."""
    store = work / "store.db"
    with open_store(store) as graph:
        ingest_paths(graph, [DATA_DIR / "samples"], actor="bench")
        embed_all(graph, default_embedder())
    key = secrets.token_urlsafe(32)
    env = {
        "BEHOVSGRAF_API_KEYS": json.dumps([{"name": "bench-curator", "key": key, "scope": "write"}]),
        "BEHOVSGRAF_WATCH_STORE": str(work / "watches.db"),
        "BEHOVSGRAF_ALLOW_PRIVATE_WEBHOOKS": "true",
        "BEHOVSGRAF_EMBED_IN_BACKGROUND": "true",
        "BEHOVSGRAF_RATE_LIMIT_PER_KEY": "0",
        "BEHOVSGRAF_RATE_LIMIT_PER_ADDRESS": "0",
    }
    receiver = _Receiver()
    latencies = []
    with server(str(store), env=env, log=work / "server.log", cwd=work) as (url, _, ready), httpx.Client(
        timeout=60
    ) as client:
        created = _graphql(client, url, key, (
            "mutation($input: CreateWatchInput!) { createWatch(input: $input) { __typename "
            "... on CreateWatchSuccess { webhookSecret } } }"
        ), {"input": {"problem": WATCHED_PROBLEM, "sensitivity": "POSSIBLE", "webhookUrl": receiver.url}})
        secret = created["createWatch"]["webhookSecret"]
        for number in range(rounds):
            case = _case(number)
            _graphql(client, url, key, "mutation($input: UpsertCasesInput!) { upsertCases(input: $input) { __typename } }",
                     {"input": {"cases": [case]}})
            written = time.perf_counter()
            arrived = receiver.wait_for(case["id"], TIMEOUT_SECONDS)
            if arrived is None:
                latencies.append(float("inf"))
                continue
            at, body, signature = arrived
            if not verify(body, secret, signature):
                raise RuntimeError(f"the delivery of {case['id']} is not signed with the watch's secret")
            latencies.append(at - written)
    receiver.http.shutdown()
    return latencies, ready


def _table(latencies: list[float], ready: float) -> str:
    later = latencies[1:]
    shown = [f"{value:.2f} s" if value != float("inf") else "none" for value in latencies]
    return "\n".join([
        "| rounds | server ready | first write after ready | later writes, median | later writes, max | every round |",
        "|---:|---:|---:|---:|---:|---|",
        f"| {len(latencies)} | {ready:.1f} s | {shown[0]} | "
        f"{statistics.median(later):.2f} s | {max(later):.2f} s | {', '.join(shown)} |" if later else
        f"| 1 | {ready:.1f} s | {shown[0]} | - | - | {shown[0]} |",
        "",
        "Each round: a Norwegian case on the need a Swedish watch describes, written with `upsertCases`, to the "
        "receiver holding its signed delivery (embedding in the server's background worker, matching, delivery). "
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the table to docs/benchmarks.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="behovsgraf-delivery-") as tmp:
        latencies, ready = run(args.rounds, Path(tmp))
    table = _table(latencies, ready)
    print(table)
    if args.write:
        write_section("watch-delivery", "Watches: from a write to its signed webhook", table)


if __name__ == "__main__":
    main()
