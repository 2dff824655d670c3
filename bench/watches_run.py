"""Watches benchmark: ingest throughput with 0 and with 1,000 watches matching beside it, and match latency.

Each run loads generated cases in batches as `behovsgraf ingest` does (graph write, then
embedding of the new texts), while the server's matching loop runs in a thread of the
same process, as it would in `behovsgraf serve` next to the ingest. Run with
`python -m bench.watches_run --write` (part of `make bench`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from api.watches.service import WatchService
from api.watches.store import Sensitivity, WatchStore
from bench.run import machine, write_section
from graph.backends.embedded import EmbeddedStore
from graph.ranking.embedding import default_embedder
from graph.ranking.worker import embed_all
from ingest.generate import generate_cases
from ingest.readers.documents import Document
from ingest.run import ingest_documents

HEADER = (
    "| watches | cases loaded | ingest + embedding | throughput | change vs no watches | matching per batch (median) |"
    " matches |\n|---:|---:|---:|---:|---:|---:|---:|"
)


def _watch_problems(count: int) -> list[str]:
    """Problems in the generator's five languages, from cases that are not loaded."""
    return [f"{case['title']}. {case['summary']}" for case in generate_cases(count, seed=99)]


def run(watch_count: int, cases: int, batch: int, base: Path, seed: int) -> tuple[float, float, int]:
    """(seconds to ingest and embed `cases`, median seconds of a matching round, matches) with `watch_count` watches.

    Each run loads cases of its own `seed`: texts the process embedded before would skip the model
    (`worker.RECENT_TEXTS`) and make the later run look faster."""
    with tempfile.TemporaryDirectory() as folder:
        store_path = Path(folder) / "graph.db"
        store_path.write_bytes(base.read_bytes())
        watches = WatchStore(Path(folder) / "watches.db")
        store = EmbeddedStore(store_path).open()
        service = WatchService(watches, lambda: store, default_embedder(), allow_private_targets=False)
        service.match_once()
        for problem in _watch_problems(watch_count):
            watches.create(owner="bench", problem=problem, sensitivity=Sensitivity.POSSIBLE)
        service.matcher.read_problems(store, watches.watches())
        rounds: list[float] = []
        stop = threading.Event()

        def match_loop() -> None:
            while not stop.is_set():
                started = time.perf_counter()
                if service.match_once():
                    rounds.append(time.perf_counter() - started)
                stop.wait(0.5)

        matcher = threading.Thread(target=match_loop)
        matcher.start()
        records = generate_cases(cases, seed=seed)
        started = time.perf_counter()
        for start in range(0, cases, batch):
            chunk = records[start : start + batch]
            report = ingest_documents(store, [Document(file="bench", data={"cases": chunk})])
            assert report.ok, report.problems[:3]
            embed_all(store, default_embedder())
        elapsed = time.perf_counter() - started
        stop.set()
        matcher.join()
        service.match_once()
        found = sum(len(watches.matches(watch.id, limit=10_000)) for watch in watches.watches())
        watches.close()
        store.close()
    return elapsed, statistics.median(rounds) if rounds else 0.0, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base.db"
        with EmbeddedStore(base) as store:
            report = ingest_documents(store, [Document(file="base", data={"cases": generate_cases(500, seed=3)})])
            assert report.ok
            embed_all(store, default_embedder())
        rows = []
        baseline = None
        for seed, count in enumerate((0, args.watches), start=7):
            seconds, matching, found = run(count, args.cases, args.batch, base, seed)
            rate = args.cases / seconds
            baseline = baseline or rate
            change = f"{(rate / baseline - 1) * 100:+.0f} %" if count else "-"
            rows.append(
                f"| {count:,} | {args.cases:,} in batches of {args.batch} | {seconds:.1f} s | {rate:.1f} cases/s "
                f"| {change} | {matching:.2f} s | {found:,} |"
            )
    table = "\n".join([HEADER, *rows])
    print(f"Watches on {machine()}\n\n{table}")
    if args.write:
        write_section("watches", "Watches: ingest beside matching", table)


if __name__ == "__main__":
    main()
