"""Reader defects and limits: UTF-16 without a BOM, symlink loops, huge integers, alias expansion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graph.backends.embedded import EmbeddedStore
from tests.ingest.conftest import case_yaml
from tests.ingest.test_hostile_input import Write, ingest_rejected, only_problem


def test_utf16le_without_bom_is_named_utf16(store: EmbeddedStore, write: Write) -> None:
    text = "cases:\n" + case_yaml("se-a", "Skolnärvaro för nyanlända")
    path = write("wide.yaml", text.encode("utf-16-le"))
    report = ingest_rejected(store, path)
    message = only_problem(report)
    assert report.problems[0].code == "encoding"
    assert "UTF-16" in message and "little-endian" in message and "cp1252" not in message


def test_utf16be_without_bom_is_named_utf16(store: EmbeddedStore, write: Write) -> None:
    path = write("wide.json", json.dumps({"cases": []}).encode("utf-16-be"))
    message = only_problem(ingest_rejected(store, path))
    assert "UTF-16" in message and "big-endian" in message


def test_symlink_loop_in_a_folder_is_a_problem_naming_it(store: EmbeddedStore, write: Write, tmp_path: Path) -> None:
    good = write("cases/ok.yaml", "cases:\n" + case_yaml("se-a"))
    loop = good.parent / "loop.yaml"
    os.symlink(loop, loop)
    report = ingest_rejected(store, good.parent)
    assert [(p.file, p.code) for p in report.problems] == [(str(loop), "symlink-loop")]
    assert "symbolic link" in str(report.problems[0])


def test_a_5000_digit_integer_in_json_names_the_file_and_field(store: EmbeddedStore, write: Write) -> None:
    body = '{"cases": [{"id": "se-a", "title": "A", "language": "sv", "year": ' + "9" * 5000 + "}]}"
    path = write("huge-number.json", body)
    report = ingest_rejected(store, path)
    problem = report.problems[0]
    assert len(report.problems) == 1
    assert (problem.file, problem.path, problem.code) == (str(path), "cases[0].year", "invalid")
    assert "5000 digits" in problem.message


AMPLIFY = """\
import re, sys
from pathlib import Path
from graph.backends.embedded import EmbeddedStore
from ingest.run import ingest_paths
with EmbeddedStore(sys.argv[2]) as store:
    report = ingest_paths(store, [Path(sys.argv[1])])
    print([(p.file, p.code) for p in report.problems], report.written, store.revision())
print(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1])
"""
# VmHWM, not ru_maxrss: the latter keeps the high-water mark of the forked pytest process across exec.


def test_alias_amplification_is_refused_by_name_with_bounded_memory(write: Write, tmp_path: Path) -> None:
    """~374 KB of YAML, few aliases (well inside the value limit), expanding to gigabytes of text."""
    sentence = "Elever som byter skola mitt i terminen behöver en kontaktperson som följer upp närvaron {}. "
    needs = [(sentence.format(i) * 10)[:990] for i in range(150)]
    outcomes = [(sentence.format(-i) * 10)[:990] for i in range(150)]
    first = f"needs: &needs {json.dumps(needs, ensure_ascii=False)}, outcomes: &outcomes {json.dumps(outcomes, ensure_ascii=False)}"
    lines = ["cases:", f"  - {{id: se-c0, title: T, language: sv, {first}}}"]
    lines += [f"  - {{id: se-c{i}, title: T, language: sv, needs: *needs, outcomes: *outcomes}}" for i in range(1, 1000)]
    path = write("amplify.yaml", "\n".join(lines) + "\n")
    assert 360_000 < path.stat().st_size < 390_000
    result = subprocess.run(
        [sys.executable, "-c", AMPLIFY, str(path), str(tmp_path / "amplify.db")],
        capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[2], check=True,
    )
    verdict, peak_kib = result.stdout.splitlines()
    assert verdict == f"{[(str(path), 'expansion')]} False 0"
    assert int(peak_kib) < 200 * 1024, f"peak RSS {int(peak_kib) / 1024:.0f} MB"
