"""A process killed with SIGKILL in the middle of a large batch leaves the previous state intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from graph.backends.embedded import EmbeddedStore
from tests.contract.test_store_contract import seed, snapshot

WRITER = """
import sys
from graph.backends.embedded import EmbeddedStore
from graph.model import Batch, Edge, Node, NodeType, RelType

nodes = tuple(Node(f"case-{i}", NodeType.CASE, {"title": f"Case {i}", "summary": "x" * 400}) for i in range(300_000))
edges = tuple(Edge(f"case-{i}", RelType.USED, "method:interviews", f"case-{i}") for i in range(300_000))
with EmbeddedStore(sys.argv[1]) as store:
    print("writing", flush=True)
    store.upsert(Batch(nodes=nodes, edges=edges, retract=frozenset({"se-borlange-familjehem"})))
    print("done", flush=True)
"""


def test_sigkill_during_a_large_batch_keeps_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with EmbeddedStore(path) as store:
        seed(store)
        before = snapshot(store)
        revision = store.revision()

    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "writing"
    time.sleep(1.5)
    assert child.poll() is None, "the batch finished before it could be interrupted; make it larger"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert child.stdout.read() == ""

    with EmbeddedStore(path) as store:
        assert snapshot(store) == before
        assert store.revision() == revision
        assert store.get("case-0") is None
