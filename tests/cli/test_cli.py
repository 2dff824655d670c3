"""The `behovsgraf` command run as users run it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import yaml

from ingest.vocabulary import DATA_DIR

BEHOVSGRAF = Path(sys.executable).parent / "behovsgraf"
PROBLEM_NN = "Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande"


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BEHOVSGRAF), *map(str, args)], capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the sample data, loaded through the CLI."""
    store = tmp_path_factory.mktemp("cli") / "samples.db"
    result = run("ingest", "--store", store, DATA_DIR / "samples")
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout
    return store


def test_prior_finds_the_trondelag_pilot_and_the_vestfold_og_telemark_mapping(loaded: Path) -> None:
    result = run("prior", "--store", loaded, "--top", "5", "--json", PROBLEM_NN)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert set(found) == {"language", "total", "strong", "no_match", "message", "hits"}
    assert found["language"] == "nn" and found["strong"] >= 1 and not found["no_match"]
    hits = found["hits"]
    ids = [hit["id"] for hit in hits]
    assert "no-trondelag-novari-utdanningsvalg" in ids
    assert "no-vestfold-telemark-radgivning-kartlegging" in ids
    assert set(hits[0]) == {"id", "title", "score", "confidence", "reasons"}
    main = hits[0]["reasons"][0]
    assert main["kind"] == "sentence" and main["problem_part"] and main["text"].startswith(f"“{main['label']}”")
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)


def test_prior_prints_a_table_with_reasons(loaded: Path) -> None:
    result = run("prior", "--store", loaded, "--top", "3", PROBLEM_NN)
    assert result.returncode == 0
    assert "no-trondelag-novari-utdanningsvalg" in result.stdout and "svarar til" in result.stdout


def test_show_and_stats(loaded: Path) -> None:
    shown = run("show", "--store", loaded, "no-trondelag-novari-utdanningsvalg")
    assert shown.returncode == 0
    assert "PARTICIPATED_IN" in shown.stdout and "role=owner" in shown.stdout
    missing = run("show", "--store", loaded, "no-such-case")
    assert missing.returncode == 1 and "no node with id 'no-such-case'" in missing.stderr
    stats = run("stats", "--store", loaded)
    assert stats.returncode == 0 and "Case" in stats.stdout and "PARTICIPATED_IN" in stats.stdout


def test_reingest_changes_nothing(loaded: Path) -> None:
    result = run("ingest", "--store", loaded, DATA_DIR / "samples")
    assert result.returncode == 0
    assert re.search(r"^\s*created\s+0\s*$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^\s*updated\s+0\s*$", result.stdout, re.MULTILINE), result.stdout


def test_export_import_round_trip_and_graphml(loaded: Path, tmp_path: Path) -> None:
    exported = tmp_path / "graph.json"
    assert run("export", "--store", loaded, "--output", exported).returncode == 0
    copy = tmp_path / "copy.db"
    imported = run("import", "--store", copy, exported)
    assert imported.returncode == 0, imported.stderr
    again = tmp_path / "again.json"
    assert run("export", "--store", copy, "--output", again).returncode == 0
    assert json.loads(again.read_text()) == json.loads(exported.read_text())
    graphml = tmp_path / "graph.graphml"
    assert run("export", "--store", loaded, "--format", "graphml", "--output", graphml).returncode == 0
    graph = nx.read_graphml(graphml)
    assert graph.nodes["no-trondelag-novari-utdanningsvalg"]["type"] == "Case"


def test_rejected_input_exits_1_and_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - id: se-a\n    title: A\n    language: sv\n    yeer: 2010\n", encoding="utf-8")
    result = run("ingest", "--store", tmp_path / "s.db", bad)
    assert result.returncode == 1
    assert f"{bad}:5: cases[0].yeer: unknown field 'yeer'; did you mean 'year'?" in " ".join(result.stderr.split())
    assert "nothing was written" in result.stderr


def test_usage_and_store_errors_exit_2(tmp_path: Path) -> None:
    missing = run("ingest", "--store", tmp_path / "s.db", tmp_path / "nowhere.yaml")
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    unusable = run("stats", "--store", tmp_path)
    assert unusable.returncode == 2
    assert unusable.stderr.startswith("behovsgraf: cannot open the embedded store")
    assert len(unusable.stderr.strip().splitlines()) == 1
    assert run("prior").returncode == 2
    assert run("export", "--format", "xml", "--store", tmp_path / "s.db").returncode == 2


def test_generate_is_deterministic_and_ingestible(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("generate", "--cases", "60", "--seed", "7", "--output", first).returncode == 0
    assert run("generate", "--cases", "60", "--seed", "7", "--output", second).returncode == 0
    files = sorted(first.iterdir())
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in sorted(second.iterdir())]
    result = run("ingest", "--store", tmp_path / "g.db", first)
    assert result.returncode == 0, result.stderr
    languages = {case["language"] for f in files for case in yaml.safe_load(f.read_text())["cases"]}
    assert {"sv", "nb", "da"} <= languages
