"""What the local servers of the tests share: a free loopback port, building a tool, the tail of a log."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

__all__ = ["TAIL_LINES", "build_tool", "free_port", "tail"]

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
