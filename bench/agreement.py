"""How often the embedded and the Neo4j backends give the same top 10, on the samples and on a generated graph.

Run with `python -m bench.agreement [--cases 1000] [--write]`. The samples are embedded with the
real model; the generated graph gets stand-in vectors (see `bench.index`). Both stores then hold
the same graph and the same vectors (copied with `copy_vectors`), so any difference comes from
the candidates: exact nearest vectors and FTS5 on the embedded store against Neo4j's approximate
vector index and Lucene full-text index.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import yaml

from bench.index import fill_vectors
from bench.run import PROBLEMS, write_section
from graph.backends import open_store
from graph.backends.embedded import EmbeddedStore
from graph.exchange import copy_graph, copy_vectors
from graph.ranking import prior_work
from graph.ranking.embedding import default_embedder
from graph.ranking.source import query_model
from graph.ranking.worker import embed_stale, embeddable_ids, stale_work
from graph.store import GraphStore
from ingest.generate import generate_cases
from ingest.readers.documents import Document
from ingest.run import ingest_documents, ingest_paths
from ingest.vocabulary import DATA_DIR

QUERIES = [query["problem"] for query in yaml.safe_load((DATA_DIR / "eval" / "dev.yaml").read_text())["queries"]]
QUERIES += list(PROBLEMS)


def agreement(embedded: GraphStore, neo4j: GraphStore) -> tuple[int, float]:
    """(problems whose top-10 ids are identical in order, mean share of shared ids in the two top 10s)."""
    same, shared = 0, 0.0
    for problem in QUERIES:
        left = [hit.case.id for hit in prior_work(embedded, problem, top=10).hits]
        right = [hit.case.id for hit in prior_work(neo4j, problem, top=10).hits]
        same += left == right
        shared += len(set(left) & set(right)) / max(1, len(left))
    return same, shared / len(QUERIES)


def measure(folder: Path, neo4j_url: str, cases: int) -> str:
    model = default_embedder().model
    lines = ["| graph | problems with the same top 10 | ids shared, mean |", "|---|---:|---:|"]
    with EmbeddedStore(folder / "samples.db") as embedded, open_store(neo4j_url) as neo4j:
        assert ingest_paths(embedded, [DATA_DIR / "samples"]).ok
        embed_stale(embedded, default_embedder(), stale_work(embedded, model, embeddable_ids(embedded)))
        copy_graph(embedded, neo4j)
        copy_vectors(embedded, neo4j, [model, query_model(model)])
        same, shared = agreement(embedded, neo4j)
        total = embedded.stats().nodes.get("Case", 0)
        lines.append(f"| samples ({total} cases, real embeddings) | {same}/{len(QUERIES)} | {shared:.0%} |")
    with EmbeddedStore(folder / "generated.db") as embedded, open_store(neo4j_url) as neo4j:
        assert ingest_documents(embedded, [Document(file="generated", data={"cases": generate_cases(cases, 11)})]).ok
        fill_vectors(embedded)
        copy_graph(embedded, neo4j)
        copy_vectors(embedded, neo4j, [model, query_model(model)])
        same, shared = agreement(embedded, neo4j)
        lines.append(f"| generated ({cases:,} cases, stand-in vectors) | {same}/{len(QUERIES)} | {shared:.0%} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    from tests import neo4j_local

    neo4j_local.build()
    with tempfile.TemporaryDirectory() as folder, neo4j_local.LocalNeo4j(Path(folder) / "neo4j") as local:
        table = measure(Path(folder), local.url, args.cases)
    print(table, flush=True)
    if args.write:
        write_section("agreement", "Top-10 agreement between the embedded and the Neo4j backend", table)


if __name__ == "__main__":
    main()
