"""A `behovsgraf serve` process for the benchmarks: started on a free 127.0.0.1 port, timed until ready."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.local_process import free_port

__all__ = ["BEHOVSGRAF", "rss_mib", "server"]

BEHOVSGRAF = Path(sys.executable).parent / "behovsgraf"
READY_TIMEOUT = 600
"""Seconds a server may take to say ready before the benchmark gives up."""


def rss_mib(pid: int) -> float:
    """The resident set size of a process now, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def server(
    location: str, *, env: Mapping[str, str] | None = None, log: Path | None = None, cwd: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """A server on `location` with `env` added; yields its URL, the process and the seconds until /readyz said ready.

    Its output goes to `log` (or nowhere); it is stopped with SIGINT (killed after 30 s) when the block ends.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    output = log.open("wb") if log is not None else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BEHOVSGRAF), "serve", "--store", location, "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, **(env or {})},
        stdout=output,
        stderr=subprocess.STDOUT,
        cwd=cwd,
    )
    try:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=60).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.perf_counter() - started > READY_TIMEOUT:
                raise RuntimeError(f"the server at {location} did not get ready" + (f"; see {log}" if log else ""))
            time.sleep(0.05)
        yield url, process, time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        if log is not None:
            output.close()  # type: ignore[union-attr]
