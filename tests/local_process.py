"""What the local servers of the tests share: a free loopback port, building a tool, running and stopping one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

__all__ = ["TAIL_LINES", "LocalServer", "build_tool", "free_port", "tail"]

TAIL_LINES = 40


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def tail(output: bytes | str) -> str:
    """The last TAIL_LINES lines of a process's output."""
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    return "\n".join(text.splitlines()[-TAIL_LINES:])


def build_tool(script: Path, timeout: float) -> None:
    """Run `script build` (a launcher under tools/), raising RuntimeError with its output's tail on failure."""
    try:
        done = subprocess.run(
            [str(script), "build"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"{script} build took over {timeout:.0f} s:\n{tail(exc.output or b'')}") from exc
    if done.returncode != 0:
        raise RuntimeError(f"{script} build failed with exit code {done.returncode}:\n{tail(done.stdout)}")


class LocalServer:
    """A server the tests run from a tools/ launcher, its output appended to a log file in `data_dir`.

    Subclasses say how to run it (`command`, `environment`) and when it is ready
    (`is_ready`, given its output since the start). It runs in its own process group,
    which `stop` ends.
    """

    def __init__(self, data_dir: Path, *, log_name: str, port: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port if port is not None else free_port()
        self.log_path = self.data_dir / log_name
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def __str__(self) -> str:
        return f"the server on port {self.port}"

    def command(self) -> list[str]:
        """The launcher and its arguments."""
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        """Variables added to the launcher's environment."""
        return {}

    def is_ready(self, output: str) -> bool:
        """Whether the server answers, given what it printed since it started."""
        raise NotImplementedError

    def start(self, timeout: float = 180) -> None:
        """Spawn the server and return once it is ready.

        Raises
        ------
        RuntimeError
            It is already running, exited, or was not ready within `timeout` seconds;
            the message ends with the tail of its log.
        """
        if self._process is not None:
            raise RuntimeError(f"{self} is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        offset = self._log.tell()
        self._process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.environment()},
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            output = self._output_since(offset)
            if self.is_ready(output):
                return
            code = self._process.poll()
            if code is not None or time.monotonic() > deadline:
                self.stop()
                problem = f"exited with code {code}" if code is not None else f"was not ready after {timeout:.0f} s"
                raise RuntimeError(f"{self} {problem}; log {self.log_path}:\n{tail(output)}")
            time.sleep(0.1)

    def _output_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    def stop(self, timeout: float = 60) -> None:
        """Ask the server to shut down (SIGTERM), killing it after `timeout` seconds; safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
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
