"""A process killed with SIGKILL in the middle of a large batch leaves the previous state intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from graph.backends.embedded import EmbeddedStore
from graph.model import NodeType
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


def _writer(script: str, path: Path) -> subprocess.Popen[str]:
    """A child process running `script` on the store at `path`, its stdout readable line by line."""
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2]
    )


def test_sigkill_during_a_large_batch_keeps_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with EmbeddedStore(path) as store:
        seed(store)
        before = snapshot(store)
        revision = store.revision()

    child = _writer(WRITER, path)
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
        assert store.run(revision + 1) is None and store.history("case-0") == []


INDEX_WRITER = """
import sys
import numpy as np
from graph.backends.embedded import EmbeddedStore
from graph.model import Batch, Node, NodeType
from graph.vectors import StoredVectors

with EmbeddedStore(sys.argv[1]) as store:
    ids = [f"case-{i}" for i in range(2_000)]
    store.upsert(Batch(nodes=tuple(Node(i, NodeType.CASE, {"title": f"Kommitterat fall {i}"}) for i in ids)))
    print("committed", store.revision(), flush=True)
    texts = tuple(Node(i, NodeType.CASE, {"title": "Avbrutet " + "ord " * 200}) for i in ids)
    big = tuple(Node(f"big-{i}", NodeType.CASE, {"title": "Avbrutet", "summary": "x " * 300}) for i in range(200_000))
    print("writing", flush=True)
    while True:
        store.put_vectors("m", {i: StoredVectors("h", np.ones((3, 384), dtype=np.float32)) for i in ids})
        store.upsert(Batch(nodes=texts + big))
"""


def test_sigkill_while_the_index_is_written_leaves_it_consistent_with_the_store(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with EmbeddedStore(path) as store:
        seed(store)
    reader = EmbeddedStore(path).open()
    child = _writer(INDEX_WRITER, path)
    assert child.stdout is not None
    committed = child.stdout.readline().split()
    assert committed[0] == "committed"
    assert child.stdout.readline().strip() == "writing"
    time.sleep(3.0)
    assert child.poll() is None
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)

    with EmbeddedStore(path) as store:
        revision = store.revision()
        assert store.changes(revision).is_empty
        cases = {node.id: node for node in store.find(NodeType.CASE)}
        vectors = store.vectors("m", list(cases))
        interrupted = store.text_matches("avbrutet", node_type=NodeType.CASE, k=300_000)
        committed_text = store.text_matches("kommitterat", node_type=NodeType.CASE, k=300_000)
        retitled = {node_id for node_id, node in cases.items() if node.label.startswith("Avbrutet")}
        assert {node_id for node_id, _ in interrupted} == retitled
        assert {node_id for node_id, _ in committed_text} == {
            node_id for node_id, node in cases.items() if node.label.startswith("Kommitterat")
        }
        assert len(retitled) + len(committed_text) >= 2_000
        assert set(vectors) <= set(cases)
        if vectors:
            nearest = store.nearest("m", np.ones(384, dtype=np.float32), node_type=NodeType.CASE, k=5_000)
            assert {node_id for node_id, _ in nearest} == set(vectors)
        expected = snapshot(store)
    # A reader open across the crash catches up from the change log to the same state.
    assert snapshot(reader) == expected
    assert reader.text_matches("avbrutet", node_type=NodeType.CASE, k=300_000) == interrupted
    reader.close()
