"""Neo4j benchmarks: batched UNWIND against one MERGE per row, and `prior_work` on Neo4j against the embedded store.

Run with `make bench-neo4j` (or `python -m bench.neo4j_run --cases 2000 --write`). It starts
a local Neo4j from `tools/neo4j-local` on a free port, writes the same generated graph
twice (the backend's batched statements, then the same statements with one row each,
both in one transaction) and times `prior_work` on both backends over the same data.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import PROBLEMS, write_section
from graph.ranking import prior_work
from graph.ranking.embedding import default_embedder
from graph.ranking.source import source_for
from graph.backends.embedded import EmbeddedStore
from graph.backends.neo4j import Neo4jStore
from graph.exchange import export_graph, import_graph
from graph.store import GraphStore
from ingest.generate import generate_cases
from ingest.readers.documents import Document
from ingest.run import ingest_documents
from tests import neo4j_local


def _timed_import(store: GraphStore, graph: dict[str, object]) -> float:
    started = time.perf_counter()
    import_graph(store, graph)
    return time.perf_counter() - started


def _latency_ms(store: GraphStore, rounds: int) -> float:
    source_for(store, default_embedder())
    timings = []
    for round_ in range(rounds):
        started = time.perf_counter()
        prior_work(store, PROBLEMS[round_ % len(PROBLEMS)], top=10)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(cases: int, rounds: int, folder: Path) -> str:
    """The Markdown table for one generated graph of `cases` cases."""
    with EmbeddedStore(folder / "bench.db") as embedded:
        report = ingest_documents(embedded, [Document(file="generated", data={"cases": generate_cases(cases, 1)})])
        assert report.ok, report.problems[:3]
        graph = export_graph(embedded)
        rows = len(graph["nodes"]) + len(graph["edges"])
        embedded_ms = _latency_ms(embedded, rounds)
    neo4j_local.build()
    with neo4j_local.LocalNeo4j(folder / "neo4j") as server:
        with Neo4jStore(server.url) as batched:
            unwind_s = _timed_import(batched, graph)
            neo4j_ms = _latency_ms(batched, rounds)
        with Neo4jStore(server.url, rows_per_statement=1) as per_row:
            merge_s = _timed_import(per_row, graph)
    return "\n".join(
        [
            f"Generated graph: {cases:,} cases, {len(graph['nodes']):,} nodes, {len(graph['edges']):,} relationships.",
            "",
            "| write, one transaction | time | rows/s |",
            "|---|---:|---:|",
            f"| batched `UNWIND` (10,000 rows per statement) | {unwind_s:.1f} s | {rows / unwind_s:,.0f} |",
            f"| one `MERGE` per row | {merge_s:.1f} s | {rows / merge_s:,.0f} |",
            "",
            "| `prior_work`, 30-word problems, top 10 | median |",
            "|---|---:|",
            f"| embedded store | {embedded_ms:.1f} ms |",
            f"| Neo4j (index cached in the process; one revision check per query) | {neo4j_ms:.1f} ms |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        table = measure(args.cases, args.rounds, Path(folder))
    print(table)
    if args.write:
        write_section("neo4j", "Neo4j backend, Neo4j Community 5.26", table)


if __name__ == "__main__":
    main()
