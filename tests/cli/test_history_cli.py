"""`behovsgraf history` and `behovsgraf revert` through the real process, on a real store file."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from tests.cli.test_cli import run
from tests.contract.test_history import VERSIONS


def test_history_lists_three_ingests_and_revert_restores_the_second_after_a_backup(tmp_path: Path) -> None:
    store, case_file, backups = tmp_path / "store.db", tmp_path / "a.yaml", tmp_path / "backups"
    env = {**os.environ, "BEHOVSGRAF_BACKUP_DIR": str(backups)}
    exports = []
    for version in VERSIONS:
        case_file.write_text(version, encoding="utf-8")
        ingested = run("ingest", "--no-embed", "--store", store, case_file)
        assert ingested.returncode == 0, ingested.stderr
        exports.append(run("export", "--store", store).stdout)

    shown = run("history", "--store", store, "se-a")
    assert shown.returncode == 0, shown.stderr
    runs = [int(number) for number in re.findall(r"^run (\d+)  ", shown.stdout, re.MULTILINE)]
    assert len(runs) == 3 and runs == sorted(runs, reverse=True)
    assert "title: 'Ett fall om elever' -> 'Ett fall om elever och lärare'" in shown.stdout
    assert "year: 2019 -> (none)" in shown.stdout
    assert "+ organisation:skolverket -PARTICIPATED_IN-> se-a (asserted by se-a)" in shown.stdout
    assert f"{case_file} (sha256 " in shown.stdout and "  cli  " in shown.stdout
    entries = json.loads(run("history", "--json", "--store", store, "se-a").stdout)
    assert [entry["run"]["id"] for entry in entries] == runs

    refused = run("revert", "--no-embed", "--store", store, str(runs[1]), env=env)
    assert refused.returncode == 1
    assert re.search(rf"refused, nothing was changed: run {runs[1]} cannot be reverted: run {runs[0]} .*se-a", refused.stderr)
    assert run("export", "--store", store).stdout == exports[2]

    reverted = run("revert", "--no-embed", "--store", store, str(runs[0]), env=env)
    assert reverted.returncode == 0, reverted.stderr
    assert f"reverts run {runs[0]}" in reverted.stdout
    assert run("export", "--store", store).stdout == exports[1]
    saved = sorted(backups.glob("*.db"))
    assert len(saved) == 2 and str(saved[-1]) in reverted.stderr
    assert run("export", "--store", saved[-1]).stdout == exports[2], "the backup holds the graph before the revert"


def test_history_and_revert_refuse_what_does_not_exist(tmp_path: Path) -> None:
    store, case_file = tmp_path / "store.db", tmp_path / "a.yaml"
    case_file.write_text(VERSIONS[0], encoding="utf-8")
    assert run("ingest", "--no-embed", "--store", store, case_file).returncode == 0
    missing = run("history", "--store", store, "se-nothing")
    assert missing.returncode == 1 and "no run changed a node with id 'se-nothing'" in missing.stderr
    unknown = run("revert", "--store", store, "999")
    assert unknown.returncode == 1 and "no run 999" in unknown.stderr
