"""Benchmark: batches of reconciliation queries over HTTP on the sample data.

Run with `python -m bench.reconcile`. Loads `data/samples` into a temporary embedded
store, serves the app with uvicorn on 127.0.0.1 and POSTs batches of 100 queries
(organisation names in the forms curators write them: legal, short, misspelt) to
`/reconcile` after asking for the manifest, as OpenRefine does (the manifest request
starts building the index, which the first batch may still wait for).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from api.settings import Settings
from graph.backends.embedded import EmbeddedStore
from ingest.run import ingest_paths
from ingest.vocabulary import DATA_DIR


def _names(rng: random.Random, count: int) -> list[str]:
    rows = list(csv.DictReader((DATA_DIR / "reference" / "se_municipalities.csv").open(encoding="utf-8")))
    rows += list(csv.DictReader((DATA_DIR / "reference" / "no_municipalities.csv").open(encoding="utf-8")))
    names = []
    for row in rng.sample(rows, count):
        name = row["name"].split(" - ")[0]
        form = rng.choice([f"{name} kommun", f"{name} kommune", name, f"{name[:-1]}{name[-1]}{name[-1]} kommun"])
        names.append(form)
    return names


def _serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, socket.socket, str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


def main() -> None:
    """Print a Markdown table of batch latencies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--size", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "samples.db"
        with EmbeddedStore(path) as store:
            report = ingest_paths(store, [DATA_DIR / "samples"])
        if not report.ok:
            raise SystemExit(f"the sample data did not load: {report.problems[:3]}")
        server, thread, sock, url = _serve(Settings(_env_file=None, store=str(path)))  # type: ignore[call-arg]
        try:
            seconds = []
            with httpx.Client(timeout=60) as client:
                started = time.perf_counter()
                client.get(f"{url}/reconcile").raise_for_status()
                manifest = time.perf_counter() - started
                for _ in range(args.batches + 1):
                    queries = {f"q{i}": {"query": name, "type": "Organisation"} for i, name in enumerate(_names(rng, args.size))}
                    started = time.perf_counter()
                    response = client.post(f"{url}/reconcile", data={"queries": json.dumps(queries)})
                    seconds.append(time.perf_counter() - started)
                    response.raise_for_status()
        finally:
            server.should_exit = True
            thread.join(timeout=20)
            sock.close()
    rest = seconds[1:]
    print(f"| batch size | manifest | first batch | median of the next {len(rest)} | slowest of them |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {args.size} | {manifest:.3f} s | {seconds[0]:.2f} s | {statistics.median(rest):.3f} s | {max(rest):.3f} s |")


if __name__ == "__main__":
    main()
