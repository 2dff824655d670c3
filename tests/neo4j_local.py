"""A real Neo4j for tests, started from tools/neo4j-local (a JVM on 127.0.0.1, no Docker).

`tests/conftest.py` builds it once with `build()` and runs one `LocalNeo4j` per session::

    with LocalNeo4j(tmp_path / "neo4j") as server:
        store = Neo4jStore(server.url).open()
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.local_process import LocalServer, build_tool

__all__ = ["LocalNeo4j", "build", "unavailable_reason"]

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "neo4j-local" / "neo4j-local"
READY = "NEO4J READY "
BUILD_TIMEOUT = 1800.0
"""Seconds; the first build downloads about 150 MB of jars into ~/.m2."""


def unavailable_reason() -> str | None:
    """Why the Neo4j tests cannot run here (java or mvn missing), or None when they can."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if not missing:
        return None
    return (
        f"{' and '.join(missing)} not found on PATH; install a JDK 17+ and Maven 3.8+ "
        "(Debian: apt-get install openjdk-17-jdk-headless maven) to run the Neo4j tests"
    )


def build() -> None:
    """Compile tools/neo4j-local and fetch its jars, unless already up to date.

    Raises
    ------
    RuntimeError
        The build failed or timed out; the message ends with the tail of its output.
    """
    build_tool(SCRIPT, BUILD_TIMEOUT)


class LocalNeo4j(LocalServer):
    """One Neo4j process with its home (data and logs) in `data_dir`, Bolt on 127.0.0.1.

    Parameters
    ----------
    data_dir
        Neo4j's home; created when missing and kept across restarts. The process's
        output goes to `neo4j-local.log` in it. Neo4j stops by itself when this
        Python process ends, even when it is killed.
    port
        The Bolt port; a free one is picked when None. A restart reuses it.
    heap
        The Java heap (`-Xmx`, e.g. "1g"). Neo4j lets all open transactions together use 70 % of it,
        so writing a whole large graph in one transaction needs a larger heap.
    """

    def __init__(self, data_dir: Path, port: int | None = None, *, heap: str = "1g") -> None:
        super().__init__(data_dir, log_name="neo4j-local.log", port=port)
        self.heap = heap
        self.url = f"bolt://127.0.0.1:{self.port}"

    def __str__(self) -> str:
        return f"Neo4j on {self.url}"

    def command(self) -> list[str]:
        """tools/neo4j-local run on this port and home."""
        return [str(SCRIPT), "run", "--port", str(self.port), "--data", str(self.data_dir), "--heap", self.heap]

    def environment(self) -> dict[str, str]:
        """Stop with this process."""
        return {"NEO4J_LOCAL_PARENT_PID": str(os.getpid())}

    def is_ready(self, output: str) -> bool:
        """Neo4j printed its ready line (it answers Bolt)."""
        return any(line.startswith(READY) for line in output.splitlines())
