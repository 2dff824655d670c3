"""CLI start-up: how long `behovsgraf` takes before it does anything, as a user runs it.

Run with `make bench` (or `python -m bench.startup`). Each command runs as a fresh
process several times; the table shows the median and the slowest run, and with
`--write` replaces the start-up section of `docs/benchmarks.md`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import machine, write_section

BEHOVSGRAF = Path(sys.executable).parent / "behovsgraf"
SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
HEADER = "| command | median | slowest |\n|---|---:|---:|"


def timed(args: list[str], runs: int) -> tuple[float, float]:
    """(median, slowest) wall time in milliseconds of `behovsgraf ARGS` over `runs` fresh processes."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(BEHOVSGRAF), *args], capture_output=True, check=True)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = str(Path(folder) / "samples.db")
        subprocess.run([str(BEHOVSGRAF), "ingest", "--store", store, str(SAMPLES)], capture_output=True, check=True)
        commands = [["--help"], ["--version"], ["prior", "--help"], ["stats", "--store", store]]
        rows = [(" ".join(command).replace(store, "samples.db"), *timed(command, args.runs)) for command in commands]
    table = "\n".join([HEADER, *(f"| `behovsgraf {name}` | {median:.0f} ms | {slowest:.0f} ms |" for name, median, slowest in rows)])
    print(f"CLI start-up on {machine()}\n\n{table}")
    if args.write:
        write_section("startup", "CLI start-up", table)


if __name__ == "__main__":
    main()
