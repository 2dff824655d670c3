"""Load test: 50 concurrent readers for 60 s plus one intake write a second, against generated cases.

`make bench-load` (or `python -m bench.load --cases 10000 --write`) generates the cases
with `behovsgraf generate`, ingests them into a temporary embedded store with stand-in
vectors (as `bench.index` does: embedding 10k cases for real takes hours), serves it
with `behovsgraf serve` on a free 127.0.0.1 port (rate limits off: every client comes
from one address) and runs locust headless against it (`bench/locustfile.py`). It
prints a Markdown table per request type with the server's memory before and after,
and with `--write` puts it in `docs/load.md`, dated and with the machine it ran on. By default
it runs twice: readers with a think time of 1-5 s (people at an intranet), then without
pauses (the most the server can answer).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path


from bench.index import fill_vectors
from bench.run import machine
from bench.serving import rss_mib, server
from graph.backends.embedded import EmbeddedStore
from graph.model import NodeType

DOCS = Path(__file__).resolve().parent.parent / "docs" / "load.md"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
BIN = Path(sys.executable).parent
KEY_SAMPLE = 500
SERVER_ERROR = re.compile(r"\b5\d\d\b")
SETTLED_SECONDS = 15
"""Every reader sends its first request in the same instant; from this many seconds on, locust's 10-s windows
hold only requests sent after that burst (their p95 is printed beside the whole run's)."""


@dataclass
class Memory:
    """The server's resident memory, sampled every second while the load runs."""

    pid: int
    samples: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append(rss_mib(self.pid))

    def __enter__(self) -> Memory:
        self.samples.append(rss_mib(self.pid))
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.samples.append(rss_mib(self.pid))


def _run(args: list[str], **kwargs: object) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]


def _prepare(work: Path, cases: int, seed: int) -> tuple[Path, list[str]]:
    """Generate and ingest the cases; the store and a sample of case keys."""
    store = work / "store.db"
    _run([str(BIN / "behovsgraf"), "generate", "--cases", str(cases), "--seed", str(seed), "-o", str(work / "cases")])
    _run([str(BIN / "behovsgraf"), "ingest", "--no-embed", "--store", str(store), str(work / "cases")])
    with EmbeddedStore(store) as opened:
        fill_vectors(opened)
        keys = sorted(node.id for node in opened.find(NodeType.CASE))
    return store, keys[:: max(1, len(keys) // KEY_SAMPLE)]


def _locust(
    url: str, users: int, seconds: int, keys: list[str], write_key: str, prefix: Path, think: tuple[float, float]
) -> None:
    env = {
        **os.environ,
        "LOAD_CASE_KEYS": ",".join(keys),
        "LOAD_WRITE_KEY": write_key,
        "LOAD_THINK_SECONDS": f"{think[0]},{think[1]}",
    }
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "-u", str(users + 1), "-r", str(users + 1), "-t", f"{seconds}s", "--stop-timeout", "10",
            "--host", url, "--csv", str(prefix), "--exit-code-on-error", "0", "--csv-full-history",
        ],
        check=True,
        env=env,
        timeout=seconds + 300,
    )  # fmt: skip


def _table(prefix: Path, memory: Memory) -> str:
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    with Path(f"{prefix}_failures.csv").open(encoding="utf-8") as failures:
        server_errors = sum(
            int(row["Occurrences"]) for row in csv.DictReader(failures) if SERVER_ERROR.search(row["Error"])
        )
    lines = [
        "| request | requests | failures | req/s | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} ms | {row['95%']} ms | {row['99%']} ms "
            f"| {float(row['Max Response Time']):.0f} ms |"
        )
    before, after, peak = memory.samples[0], memory.samples[-1], max(memory.samples)
    low, high, slowest = _settled(prefix)
    lines += [
        "",
        f"Every reader sends its first request in the same instant. From {SETTLED_SECONDS} s on, the p95 of each "
        f"10-s window of all requests stays within "
        f"{low}-{high} ms (slowest answer {slowest} ms).",
        "",
        f"Server errors (5xx): {server_errors}. Server memory (RSS): {before:.0f} MiB before the load, "
        f"{after:.0f} MiB after ({(after - before) / before * 100:+.1f} %), peak {peak:.0f} MiB.",
    ]
    return "\n".join(lines)


def _settled(prefix: Path) -> tuple[int, int, int]:
    """(lowest, highest) p95 of locust's 10-s windows of all requests from `SETTLED_SECONDS` on, and their highest max."""
    with Path(f"{prefix}_stats_history.csv").open(encoding="utf-8") as history:
        rows = [row for row in csv.DictReader(history) if row["Name"] == "Aggregated" and row["95%"] != "N/A"]
    start = int(rows[0]["Timestamp"])
    settled = [row for row in rows if int(row["Timestamp"]) - start >= SETTLED_SECONDS]
    p95 = [int(float(row["95%"])) for row in settled]
    return min(p95), max(p95), max(int(float(row["100%"])) for row in settled)


def _think_label(think: tuple[float, float]) -> str:
    return "no think time (closed loop: the most the server answers)" if think == (0, 0) else (
        f"think time {think[0]:g}-{think[1]:g} s between a reader's requests"
    )


def _write(sections: list[tuple[str, str]]) -> None:
    DOCS.write_text(
        "# Load test\n\n`make bench-load` (bench/load.py, bench/locustfile.py): readers mix 40 % priorWork, "
        "20 % nested cases pages, 20 % node, 10 % the planner page and 10 % the network page; one client stores a "
        "new need through proposeNeed every second (paced: it waits for each answer, so a slow server gets fewer "
        "writes, as the table counts). Each run follows a warm-up under the same load that is not counted, so the "
        "memory figures compare the server warm with itself after the run. Server and locust share 127.0.0.1 and "
        "the machine's cores; rate limits are off, as every client comes from one address.\n\n"
        + "\n\n".join(f"{heading}\n\n{table}" for heading, table in sections)
        + "\n",
        encoding="utf-8",
    )


def _think(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    return float(low), float(high or low)


def main(argv: list[str] | None = None) -> None:
    """Run the load test once per think time and print (and optionally write) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warm-up", type=int, default=20, help="seconds of uncounted load before each run")
    parser.add_argument(
        "--think", type=_think, action="append", help="a reader's pause between requests, MIN,MAX seconds (repeatable)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true", help=f"write the tables to {DOCS}")
    args = parser.parse_args(argv)
    sections = []
    with tempfile.TemporaryDirectory(prefix="behovsgraf-load-") as tmp:
        work = Path(tmp)
        store, keys = _prepare(work, args.cases, args.seed)
        write_key = secrets.token_urlsafe(32)
        env = {
            "BEHOVSGRAF_API_KEYS": json.dumps([{"name": "load-intake", "key": write_key, "scope": "propose"}]),
            "BEHOVSGRAF_RATE_LIMIT_PER_KEY": "0",
            "BEHOVSGRAF_RATE_LIMIT_PER_ADDRESS": "0",
        }
        with server(str(store), env=env, log=work / "server.log", cwd=work) as (url, process, _):
            for think in args.think or [(1.0, 5.0), (0.0, 0.0)]:
                _locust(url, args.users, args.warm_up, keys, write_key, work / "warm-up", think)
                with Memory(process.pid) as memory:
                    _locust(url, args.users, args.seconds, keys, write_key, work / "locust", think)
                heading = (
                    f"## {args.cases:,} cases, {args.users} readers ({_think_label(think)}) + 1 intake write/s "
                    f"for {args.seconds} s ({dt.date.today().isoformat()}, {machine()}, "
                    f"load average {os.getloadavg()[0]:.1f} at the end)"
                )
                table = _table(work / "locust", memory)
                print(f"{heading}\n\n{table}\n", flush=True)
                sections.append((heading, table))
    if args.write:
        _write(sections)


if __name__ == "__main__":
    main()
