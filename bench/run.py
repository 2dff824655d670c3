"""Benchmarks: ingest throughput, index build and `prior_work` latency on generated graphs.

Run with `make bench` (or `python -m bench.run --cases 1000 10000`). Prints a
Markdown table and, with `--write`, replaces the embedded-store section of
`docs/benchmarks.md`, dated and with the machine it ran on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from graph.ranking import prior_work
from graph.ranking.embedding import default_embedder
from graph.ranking.source import source_for
from graph.backends.embedded import EmbeddedStore
from ingest.generate import generate_cases
from ingest.readers.documents import Document
from ingest.run import ingest_documents

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"

PROBLEMS = (
    "Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande, og vi vil forstå kva dei treng av rådgiving "
    "før dei byter skule og korleis foreldra kan hjelpe dei med å ta eit godt val",
    "Många barn i familjehem flyttar flera gånger och vi vet för lite om hur barnen själva upplever placeringen, "
    "uppföljningen från socialtjänsten och kontakten med sina biologiska föräldrar under uppväxten",
    "Mange ledige borgere oplever mødet med jobcentret som kontrol frem for hjælp og vi vil forstå hvordan de "
    "oplever samtalerne og hvad der skal til for at de får tillid til at vi kan støtte dem",
)


@dataclass(frozen=True)
class Row:
    cases: int
    ingest_seconds: float
    index_seconds: float
    median_ms: float
    p95_ms: float
    peak_rss_mib: float

    def markdown(self) -> str:
        rate = self.cases / self.ingest_seconds
        return (
            f"| {self.cases:,} | {self.ingest_seconds:.1f} s ({rate:,.0f} cases/s) | {self.index_seconds:.2f} s "
            f"| {self.median_ms:.1f} ms | {self.p95_ms:.1f} ms | {self.peak_rss_mib:,.0f} MiB |"
        )


HEADER = (
    "| cases | ingest (one batch) | ranking index build | prior_work median | prior_work p95 | peak RSS |\n"
    "|---:|---:|---:|---:|---:|---:|"
)


def measure(cases: int, queries: int, seed: int = 1) -> Row:
    """Generate, ingest and query one graph of `cases` cases in a temporary embedded store."""
    records = generate_cases(cases, seed)
    with tempfile.TemporaryDirectory() as folder, EmbeddedStore(Path(folder) / "bench.db") as store:
        started = time.perf_counter()
        report = ingest_documents(store, [Document(file="generated", data={"cases": records})])
        ingest_seconds = time.perf_counter() - started
        assert report.ok, report.problems[:3]
        started = time.perf_counter()
        source_for(store, default_embedder())
        index_seconds = time.perf_counter() - started
        rng = random.Random(seed)
        timings = []
        for _ in range(queries):
            problem = rng.choice(PROBLEMS)
            started = time.perf_counter()
            prior_work(store, problem, top=10)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Row(cases, ingest_seconds, index_seconds, statistics.median(timings), timings[int(0.95 * (len(timings) - 1))], peak)


def machine() -> str:
    """A one-line description of where the numbers were measured."""
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(name: str, heading: str, table: str) -> None:
    """Replace (or add) the section `name` of docs/benchmarks.md, dated and with the machine."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n\n"
    section = f"{begin}\n## {heading} ({dt.date.today().isoformat()}, {machine()})\n\n{table}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    rows = [measure(cases, args.queries) for cases in args.cases]
    table = "\n".join([HEADER, *(row.markdown() for row in rows)])
    print(f"Embedded store on {machine()}\n\n{table}")
    if args.write:
        write_section("embedded", "Embedded store", table)


if __name__ == "__main__":
    main()
