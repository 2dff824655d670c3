"""A real Neo4j for tests, started from tools/neo4j-local (a JVM on 127.0.0.1, no Docker).

`tests/conftest.py` builds it once with `build()` and runs one `LocalNeo4j` per session::

    with LocalNeo4j(tmp_path / "neo4j") as server:
        store = Neo4jStore(server.url).open()
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from tests.local_process import TAIL_LINES, build_tool, free_port

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


class LocalNeo4j:
    """One Neo4j process with its home (data and logs) in `data_dir`, Bolt on 127.0.0.1.

    Parameters
    ----------
    data_dir
        Neo4j's home; created when missing and kept across restarts. The process's
        output goes to `neo4j-local.log` in it. Neo4j stops by itself when this
        Python process ends, even when it is killed.
    port
        The Bolt port; a free one is picked when None. A restart reuses it.
    """

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port if port is not None else free_port()
        self.url = f"bolt://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / "neo4j-local.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float = 180) -> None:
        """Spawn Neo4j and return once it answers Bolt.

        Raises
        ------
        RuntimeError
            It is already running, exited, or was not ready within `timeout` seconds;
            the message ends with the tail of its log.
        """
        if self._process is not None:
            raise RuntimeError(f"Neo4j on {self.url} is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        offset = self._log.tell()
        self._process = subprocess.Popen(
            [str(SCRIPT), "run", "--port", str(self.port), "--data", str(self.data_dir)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NEO4J_LOCAL_PARENT_PID": str(os.getpid())},
        )
        deadline = time.monotonic() + timeout
        while True:
            output = self._output_since(offset)
            if any(line.startswith(READY) for line in output.splitlines()):
                return
            code = self._process.poll()
            if code is not None or time.monotonic() > deadline:
                self.stop()
                problem = f"exited with code {code}" if code is not None else f"was not ready after {timeout:.0f} s"
                tail = "\n".join(output.splitlines()[-TAIL_LINES:])
                raise RuntimeError(f"Neo4j on {self.url} {problem}; log {self.log_path}:\n{tail}")
            time.sleep(0.1)

    def _output_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    def stop(self, timeout: float = 60) -> None:
        """Ask Neo4j to shut down (SIGTERM), killing it after `timeout` seconds; safe to call twice."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        """Stop and start again on the same port and data."""
        self.stop()
        self.start()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
