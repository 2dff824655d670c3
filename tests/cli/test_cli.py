"""The `behovsgraf` command run as users run it: a real process, real files, real exit codes."""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import yaml

from ingest.vocabulary import DATA_DIR
from tests.conftest import ROOT

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
    assert re.search(r"^\s*cases\s+40\s+0\s+0\s*$", result.stdout, re.MULTILINE), result.stdout
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
    assert re.search(r"^\s+created\s+updated\s+unchanged\s*$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^\s*cases\s+0\s+0\s+40\s*$", result.stdout, re.MULTILINE), result.stdout
    assert "written: yes" in result.stdout


def test_export_import_round_trip_and_graphml(loaded: Path, tmp_path: Path) -> None:
    exported = tmp_path / "graph.json"
    assert run("export", "--store", loaded, "--output", exported).returncode == 0
    copy = tmp_path / "copy.db"
    imported = run("import", "--store", copy, exported)
    assert list(tmp_path.glob("copy.backup-*")) == [], "an empty store needs no backup"
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
    assert not (tmp_path / "s.db").exists(), "a usage error creates no store"
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("not a database\n" * 100, encoding="utf-8")
    unusable = run("stats", "--store", not_sqlite)
    assert unusable.returncode == 2
    assert unusable.stderr.startswith("behovsgraf: cannot open the embedded store")
    assert len(unusable.stderr.strip().splitlines()) == 1
    assert run("prior").returncode == 2
    xml = run("export", "--format", "xml", "--store", not_sqlite)
    assert xml.returncode == 2 and xml.stderr == "behovsgraf: --format 'xml': use json, jsonld or graphml\n"


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


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"year": "<b>2020</b>"}, "property 'year' must be a whole number between 1900 and 2100"),
        ({"country": "Narnia"}, "property 'country' must be one of SE, NO, DK, FI, IS"),
        ({"title": ""}, "property 'title' must be a non-empty text"),
    ],
)
def test_import_refuses_values_ingest_would_refuse_and_writes_nothing(
    loaded: Path, tmp_path: Path, change: dict[str, object], words: str
) -> None:
    exported = tmp_path / "graph.json"
    assert run("export", "--store", loaded, "--output", exported).returncode == 0
    data = json.loads(exported.read_text())
    index = next(i for i, node in enumerate(data["nodes"]) if node["id"] == "no-trondelag-novari-utdanningsvalg")
    data["nodes"][index]["props"].update(change)
    spoiled = tmp_path / "spoiled.json"
    spoiled.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target.db"
    assert run("import", "--store", target, exported).returncode == 0
    before = run("export", "--store", target).stdout

    refused = run("import", "--replace", "--store", target, spoiled)

    assert refused.returncode == 1
    assert f"nodes[{index}] (no-trondelag-novari-utdanningsvalg)" in refused.stderr and words in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run("export", "--store", target).stdout == before


def test_a_huge_number_in_an_import_names_the_file(tmp_path: Path) -> None:
    export = tmp_path / "graph.json"
    export.write_text('{"format": "behovsgraf-graph", "version": 1, "nodes": [], "edges": [], "n": ' + "9" * 5000 + "}")
    result = run("import", "--store", tmp_path / "s.db", export)
    assert result.returncode == 1
    assert f"{export}: cannot read the export" in result.stderr and "digits" in result.stderr


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        ('[{"name": "intake", "key": ', "api_keys"),
        ('[{"name": "intake", "key": "' + " " * 28 + '"}]', "may not contain spaces"),
        ('[{"name": "intake", "key": "' + "ab" * 14 + '"}]', "different characters"),
    ],
)
def test_bad_api_key_settings_are_one_line_and_exit_2(tmp_path: Path, keys: str, words: str) -> None:
    env = {**os.environ, "BEHOVSGRAF_API_KEYS": keys, "BEHOVSGRAF_STORE": str(tmp_path / "s.db")}
    result = run("stats", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("behovsgraf: ") and words in lines[0], result.stderr


def test_ingest_names_invisible_characters_it_removed_from_free_text(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "cases:\n"
        "  - id: se-lund-hemtjanst\n"
        "    title: Hemtjänst i Lund\n"
        "    language: sv\n"
        '    summary: "Lunds kommune\\u200b intervjuade \\u202eäldre"\n',
        encoding="utf-8",
    )
    result = run("ingest", "--store", tmp_path / "store.db", cases)
    assert result.returncode == 0, result.stderr
    assert "cleaned" in result.stderr and "cases[0].summary" in result.stderr
    assert "U+200B ZERO WIDTH SPACE" in result.stderr and "U+202E RIGHT-TO-LEFT OVERRIDE" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("stats",),
        ("show", "no-trondelag-novari-utdanningsvalg"),
        ("prior", "elever hoppar av"),
        ("export",),
    ],
)
def test_read_commands_on_a_missing_store_exit_2_with_one_line_and_create_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "no" / "such" / "typo.db"
    result = run(*args, "--store", missing)
    assert result.returncode == 2
    assert result.stderr == f"behovsgraf: no store at {missing} (ingest or import creates one; --store or BEHOVSGRAF_STORE chooses it)\n"
    assert not (tmp_path / "no").exists()


def test_sync_from_a_missing_store_creates_neither_store(tmp_path: Path) -> None:
    result = run("sync", "--from", tmp_path / "typo.db", "--to", tmp_path / "target.db")
    assert result.returncode == 2 and "no store at" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_import_refuses_to_replace_a_graph_without_replace_and_backs_it_up_with_it(loaded: Path, tmp_path: Path) -> None:
    store = tmp_path / "kept.db"
    store.write_bytes(loaded.read_bytes())
    before = run("export", "--store", store).stdout
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"format": "behovsgraf-graph", "version": 1, "nodes": [], "edges": []}), encoding="utf-8")
    refused = run("import", "--store", store, empty)
    assert refused.returncode == 2
    assert re.fullmatch(rf"behovsgraf: {re.escape(str(store))} already holds \d+ nodes; add --replace to replace them \(a backup is kept\)\n", refused.stderr)
    assert run("export", "--store", store).stdout == before
    replaced = run("import", "--replace", "--store", store, empty, env={**os.environ, "BEHOVSGRAF_BACKUP_DIR": str(tmp_path / "backups")})
    assert replaced.returncode == 0, replaced.stderr
    (backup,) = (tmp_path / "backups").glob("*.db")
    assert "backed up the current graph" in replaced.stderr and str(backup) in replaced.stderr
    assert json.loads(run("export", "--store", store).stdout)["nodes"] == []
    assert run("export", "--store", backup).stdout == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read the export"),
        ('{"format": "something-else"}', 'not a Behovsgraf export'),
        ('{"format": "behovsgraf-graph", "version": 1, "nodes": [{"id": "x"}], "edges": []}', "nodes[0]: 'type' is missing"),
    ],
)
def test_a_bad_import_file_is_rejected_input_exit_1(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run("import", "--store", tmp_path / "s.db", bad)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("behovsgraf: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("prior", ""), "behovsgraf: the problem is empty"),
        (("prior", "   "), "behovsgraf: the problem is empty"),
        (("prior", "--country", "XX", "elever"), "behovsgraf: --country 'XX' is not one of SE, NO, DK, FI, IS"),
        (("cases", "--status", "done"), "behovsgraf: --status 'done' is not one of planned, ongoing, completed"),
    ],
)
def test_prior_refuses_an_empty_problem_and_unknown_countries(loaded: Path, args: tuple[str, ...], message: str) -> None:
    result = run(*args, "--store", loaded)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1


def test_cases_lists_only_the_statuses_asked_for(loaded: Path, tmp_path: Path) -> None:
    listed = tmp_path / "ongoing.csv"
    result = run("cases", "--store", loaded, "--status", "Ongoing", "-o", listed)
    assert result.returncode == 0, result.stderr
    ids = {row[2] for row in list(csv.reader(listed.read_text(encoding="utf-8-sig").splitlines()))[1:]}
    samples = [case for path in (DATA_DIR / "samples").glob("*.yaml") for case in yaml.safe_load(path.read_text())["cases"]]
    assert ids and ids == {case["id"] for case in samples if case.get("status") == "ongoing"}


def test_prior_accepts_a_lower_case_country(loaded: Path) -> None:
    result = run("prior", "--store", loaded, "--country", "dk", "--json", "ledige borgere jobcenter")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert hits and all(hit["id"].startswith("dk-") for hit in hits)


def test_version_and_short_help() -> None:
    version = run("--version")
    assert version.returncode == 0 and re.fullmatch(r"behovsgraf \d+\.\d+\.\d+\S*\n", version.stdout)
    assert run("-h").stdout == run("--help").stdout
    assert "Usage: behovsgraf" in run("ingest", "-h").stdout


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("serve", ["--port PORT Port to listen on. [default: (BEHOVSGRAF_PORT or 8000); 1<=x<=65535]",
                   "[default: (BEHOVSGRAF_HOST or 127.0.0.1)]"]),
        ("prior", ["--top N How many cases to list. [default: 10; 1<=x<=100]",
                   "--store PATH|URL Embedded store path or Neo4j URL. [default: (BEHOVSGRAF_STORE or data/behovsgraf.db)]"]),
        ("export", ["[default: json]", "-o, --output FILE File to write. [default: (standard output)]"]),
    ],
)
def test_help_shows_defaults_without_stray_spaces(command: str, expected: list[str]) -> None:
    text = " ".join(run(command, "--help").stdout.split())
    for default in expected:
        assert default in text
    assert " ." not in text and " ," not in text


@pytest.mark.parametrize("command", ["ingest", "prior", "show", "stats", "export", "import", "sync", "serve", "generate", "eval"])
def test_help_names_option_values_in_capitals(command: str) -> None:
    options = [line for line in run(command, "--help").stdout.splitlines() if line.lstrip().startswith("-")]
    assert options and not [line for line in options if re.search(r"<[\w ]+>", line)], options


def test_serve_on_a_busy_port_says_so_and_exits_2(tmp_path: Path, loaded: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--store", loaded, "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.startswith(f"behovsgraf: cannot listen on 127.0.0.1:{port}: Address already in use")
    assert "--port" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Behovsgraf on http" not in result.stderr


def test_ingest_summary_has_units_and_the_details_go_to_verbose_or_a_report(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    quiet = run("ingest", "--store", store, DATA_DIR / "samples")
    assert "merged 'Sveriges Kommuner och Landsting" not in quiet.stderr
    assert len(quiet.stdout.splitlines()) < 20, quiet.stdout
    assert re.search(r"^merged by name or alias: \d+ names met existing nodes \(--verbose lists them\)$", quiet.stdout, re.MULTILINE)
    report = tmp_path / "report.json"
    loud = run("ingest", "--verbose", "--report", report, "--store", store, DATA_DIR / "samples")
    assert loud.returncode == 0, loud.stderr
    assert re.search(r"^merged '.+' -> organisation:\S+ \(matched '.+'\)", loud.stderr, re.MULTILINE)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["cases_read"] == 40 and data["written"] is True
    assert data["counts"]["Case"] == {"created": 0, "updated": 0, "unchanged": 40}
    assert data["merged"] and set(data["merged"][0]) == {"name", "matched", "node_id", "reason"}


def test_ingest_report_lists_rejected_cases_and_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - id: se-a\n    title: A\n    language: sv\n    yeer: 2010\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = run("ingest", "--report", report, "--store", tmp_path / "s.db", bad)
    assert result.returncode == 1
    assert "rejected: 1 cases, 1 problems" in result.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["rejected_cases"] == ["se-a"] and data["written"] is False
    assert data["problems"][0]["path"] == "cases[0].yeer" and data["problems"][0]["line"] == 5


@pytest.mark.parametrize(
    ("make_args", "env", "port"),
    [([], {}, "8000"), (["PORT=8123"], {}, "8123"), ([], {"BEHOVSGRAF_PORT": "8321"}, "8321")],
)
def test_make_run_serves_on_the_port_asked_for(make_args: list[str], env: dict[str, str], port: str) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "BEHOVSGRAF_PORT"} | env
    result = subprocess.run(
        ["make", "-n", "run", *make_args], cwd=ROOT, capture_output=True, text=True, env=environment, check=True
    )
    (serve,) = [line for line in result.stdout.splitlines() if " serve " in line]
    assert serve.endswith(f"--port {port}")


def _run_on_a_terminal(*args: str | Path) -> tuple[int, str]:
    """Run behovsgraf with a pseudo-terminal as its standard output and error; (exit code, what it showed)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [str(BEHOVSGRAF), *map(str, args)], stdout=follower, stderr=follower, env={**os.environ, "COLUMNS": "100"}
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=300), shown.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("args", "step"),
    [
        (("generate", "--cases", "4000", "--seed", "3", "--output", "{tmp}/generated"), "generating cases"),
        (("ingest", "--store", "{tmp}/s.db", str(DATA_DIR / "samples")), "resolving cases"),
    ],
)
def test_long_commands_show_a_progress_bar_on_a_terminal(tmp_path: Path, args: tuple[str, ...], step: str) -> None:
    code, shown = _run_on_a_terminal(*(arg.replace("{tmp}", str(tmp_path)) for arg in args))
    assert code == 0, shown
    assert step in shown and "━" in shown
    piped = run(*(arg.replace("{tmp}", str(tmp_path / "piped")) for arg in args))
    assert step not in piped.stderr and "━" not in piped.stderr
