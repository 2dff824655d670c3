"""`behovsgraf watch`: add, list, pause, resume and delete watches in the watch store, refusing what is wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.test_cli import run

PROBLEM = "Äldre som bor ensamma blir isolerade när dagverksamheten stänger"


def _listed(watches: Path) -> list[dict[str, object]]:
    result = run("watch", "list", "--json", "--watches", watches)
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_a_watch_is_added_paused_resumed_and_deleted(tmp_path: Path) -> None:
    watches = tmp_path / "w.db"
    added = run("watch", "add", PROBLEM, "--owner", "kommun-intranat", "--sensitivity", "strong", "--watches", watches)
    assert added.returncode == 0, added.stderr
    key = re.search(r"^watch (\S+)$", added.stdout, re.M)
    assert key is not None and re.search(rf"^feed  /watches/{key.group(1)}/feed\.atom\?token=\S+$", added.stdout, re.M)
    [row] = _listed(watches)
    assert row == {**row, "key": key.group(1), "owner": "kommun-intranat", "problem": PROBLEM, "sensitivity": "strong",
                   "paused": False, "webhook": False}
    assert run("watch", "pause", key.group(1), "--owner", "kommun-intranat", "--watches", watches).returncode == 0
    assert _listed(watches)[0]["paused"] is True
    assert run("watch", "resume", key.group(1), "--owner", "kommun-intranat", "--watches", watches).returncode == 0
    assert _listed(watches)[0]["paused"] is False
    other_owner = run("watch", "delete", key.group(1), "--owner", "someone-else", "--watches", watches)
    assert other_owner.returncode == 2 and "no watch" in other_owner.stderr and len(_listed(watches)) == 1
    assert run("watch", "delete", key.group(1), "--owner", "kommun-intranat", "--watches", watches).returncode == 0
    assert _listed(watches) == []


def test_an_empty_problem_an_unknown_watch_and_a_private_webhook_are_refused(tmp_path: Path) -> None:
    watches = tmp_path / "w.db"
    empty = run("watch", "add", "   ", "--watches", watches)
    assert empty.returncode == 2 and "empty" in empty.stderr
    unknown = run("watch", "pause", "watch-0000", "--watches", watches)
    assert unknown.returncode == 2 and "no watch 'watch-0000'" in unknown.stderr
    private = run("watch", "add", PROBLEM, "--webhook", "http://127.0.0.1:9/hook", "--watches", watches)
    assert private.returncode == 2 and "--webhook" in private.stderr
    assert _listed(watches) == []
