"""The Docker deployment: docker-compose.yml, Dockerfile, docker/entrypoint.sh, .env.example.

There is no Docker engine in the test environment, so the files are parsed and checked
against the code they configure: every BEHOVSGRAF_* variable is a real setting, the
entry point calls only CLI commands that exist, the packages the wheel is built from
are all copied into the image. The entry point itself runs here against an embedded
store (with `behovsgraf serve` stubbed), and the Neo4j healthcheck command runs with a
stand-in for cypher-shell.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from api.cli import app as cli_app
from api.settings import Settings
from graph.backends import is_neo4j_location

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
PYPROJECT = ROOT / "pyproject.toml"

ENV_PREFIX = Settings.model_config["env_prefix"]
SETTING_VARIABLES = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
INTERPOLATION = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def env_file_values(path: Path) -> dict[str, str]:
    """KEY=value lines of an env file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not KEY=value: {line!r}"
        values[key.strip()] = value.strip().strip("'\"")
    return values


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's variable interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}, $$ for a literal $."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        value = variables.get(name)
        op, arg = match.group("op"), match.group("arg")
        if op in (":-", "-") and not value:
            return arg
        if value is None or (op == ":?" and not value):
            raise AssertionError(f"docker-compose.yml needs {name}, which .env.example does not set ({arg})")
        return value

    return INTERPOLATION.sub(replace, text)


def referenced_variables(node: Any) -> set[str]:
    """Names of the variables Compose interpolates anywhere in `node`."""
    if isinstance(node, dict):
        return set().union(*(referenced_variables(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(referenced_variables(v) for v in node)) if node else set()
    if isinstance(node, str):
        return {m.group("name") or m.group("bare") for m in INTERPOLATION.finditer(node) if m.group(0) != "$$"}
    return set()


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    """A service's `environment`, in either the mapping or the list form."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(key): str(value) for key, value in env.items()}


def published_ports(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(host ip, host port, container port) of each published port, short or long syntax."""
    ports = []
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.append((str(entry.get("host_ip", "")), str(entry.get("published", "")), str(entry["target"])))
            continue
        parts = str(entry).split(":")
        if len(parts) == 3:
            ports.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            ports.append(("", parts[0], parts[1]))
        else:
            ports.append(("", "", parts[0]))
    return ports


def healthcheck_command(service: dict[str, Any]) -> tuple[str, list[str]]:
    """The healthcheck's form (CMD or CMD-SHELL) and its arguments, after Compose's $$ unescaping."""
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return "CMD-SHELL", [test.replace("$$", "$")]
    return test[0], [part.replace("$$", "$") for part in test[1:]]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def entrypoint_code_lines() -> list[str]:
    """The entry point's shell lines without comments and without the embedded Python."""
    lines, in_python = [], False
    for line in ENTRYPOINT.read_text(encoding="utf-8").splitlines():
        if in_python:
            in_python = line.strip() != "PY"
            continue
        if "<<'PY'" in line:
            in_python = True
        if line.lstrip().startswith("#"):
            continue
        lines.append(line)
    return lines


def entrypoint_python() -> str:
    text = ENTRYPOINT.read_text(encoding="utf-8")
    match = re.search(r"<<'PY'\n(.*?)\n\s*PY\n", text, re.DOTALL)
    assert match, "the entry point's embedded Python (<<'PY' ... PY) was not found"
    return match.group(1)


def registered_commands() -> set[str]:
    # typer.main.get_command(app).commands; typer >= 0.20 vendors click, so no isinstance(click.Group).
    commands = getattr(typer.main.get_command(cli_app), "commands", None)
    assert isinstance(commands, dict), "the CLI is a typer app with subcommands"
    return set(commands)


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_has_the_neo4j_and_api_services(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"neo4j", "api"}


def test_neo4j_runs_the_official_5_26_community_image_on_a_named_volume(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    neo4j = services["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    mounts = [str(volume).split(":") for volume in neo4j["volumes"]]
    data = [source for source, target, *_ in mounts if target == "/data"]
    assert len(data) == 1, "one volume for /data"
    assert not data[0].startswith((".", "/", "~")), "/data is a named volume, not a bind mount"
    assert data[0] in (compose.get("volumes") or {}), f"volume {data[0]!r} is declared under top-level volumes"


def test_neo4j_takes_its_password_from_the_env_file_without_env_file(services: dict[str, dict[str, Any]]) -> None:
    neo4j = services["neo4j"]
    auth = environment_of(neo4j)["NEO4J_AUTH"]
    assert re.fullmatch(r"neo4j/\$\{NEO4J_PASSWORD(:\?[^}]*)?\}", auth), auth
    # The image writes every NEO4J_* variable into neo4j.conf: NEO4J_PASSWORD from an
    # env_file would become an unknown setting (Neo4j 5 refuses to start) in clear text.
    assert "env_file" not in neo4j
    assert not any(name == "NEO4J_PASSWORD" for name in environment_of(neo4j))


def test_neo4j_healthcheck_checks_bolt_with_the_password(services: dict[str, dict[str, Any]]) -> None:
    form, args = healthcheck_command(services["neo4j"])
    assert form == "CMD-SHELL"
    command = args[0]
    assert "cypher-shell" in command and "RETURN 1" in command and "7687" in command
    health = services["neo4j"]["healthcheck"]
    assert {"interval", "timeout", "retries", "start_period"} <= set(health)


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_neo4j_healthcheck_gives_cypher_shell_the_password_from_neo4j_auth(
    services: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """Run the healthcheck's shell command with a stand-in cypher-shell, as the container would."""
    _, args = healthcheck_command(services["neo4j"])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "call.json"
    fake = bin_dir / "cypher-shell"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'args': sys.argv[1:], 'password': os.environ.get('NEO4J_PASSWORD')}}, open({str(record)!r}, 'w'))\n"
        "sys.exit(int(os.environ.get('FAKE_EXIT', '0')))\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "NEO4J_AUTH": "neo4j/s3cret-pa55word"}
    ok = subprocess.run(["/bin/sh", "-c", args[0]], env=env, check=False, capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0, ok.stderr
    call = json.loads(record.read_text())
    assert call["password"] == "s3cret-pa55word"
    assert "s3cret-pa55word" not in " ".join(call["args"]), "the password stays off the command line"
    assert call["args"][-1] == "RETURN 1" and "neo4j" in call["args"]
    failed = subprocess.run(["/bin/sh", "-c", args[0]], env={**env, "FAKE_EXIT": "1"}, check=False, capture_output=True, timeout=30)
    assert failed.returncode == 1


def test_api_is_built_here_and_waits_for_a_healthy_neo4j(services: dict[str, dict[str, Any]]) -> None:
    api = services["api"]
    build = api["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"


def test_api_environment_points_at_the_neo4j_service(services: dict[str, dict[str, Any]]) -> None:
    env = environment_of(services["api"])
    assert env["BEHOVSGRAF_STORE"] == "bolt://neo4j:7687"
    assert env["BEHOVSGRAF_NEO4J_USER"] == "neo4j"
    assert re.fullmatch(r"\$\{NEO4J_PASSWORD(:\?[^}]*)?\}", env["BEHOVSGRAF_NEO4J_PASSWORD"])
    assert env["BEHOVSGRAF_HOST"] == "0.0.0.0"
    assert env["BEHOVSGRAF_PORT"] == "8000"


def test_every_behovsgraf_variable_in_compose_is_a_setting(compose: dict[str, Any]) -> None:
    used = {
        name
        for service in compose["services"].values()
        for name in environment_of(service)
        if name.startswith(ENV_PREFIX)
    }
    used |= {name for name in referenced_variables(compose) if name.startswith(ENV_PREFIX)}
    assert used, "the compose file sets BEHOVSGRAF_* variables"
    unknown = used - SETTING_VARIABLES
    assert not unknown, f"not fields of api.settings.Settings: {sorted(unknown)}"


def test_the_api_environment_gives_valid_settings(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The values Compose would pass, with .env.example's password, as the app reads them."""
    example = env_file_values(ENV_EXAMPLE)
    for name in list(os.environ):
        if name.startswith(ENV_PREFIX):
            monkeypatch.delenv(name)
    for name, value in environment_of(services["api"]).items():
        monkeypatch.setenv(name, interpolate(value, example))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert is_neo4j_location(settings.store)
    assert settings.neo4j_user == "neo4j"
    assert settings.neo4j_password is not None
    assert settings.neo4j_password.get_secret_value() == example["NEO4J_PASSWORD"]
    assert (settings.host, settings.port) == ("0.0.0.0", 8000)


def test_ports_are_published_on_loopback_only(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for host_ip, _, _ in published_ports(service):
            assert host_ip == "127.0.0.1", f"{name} publishes a port on {host_ip or 'every address'}"
    assert ("127.0.0.1", "8000", "8000") in published_ports(services["api"])
    assert ("127.0.0.1", "7687", "7687") in published_ports(services["neo4j"])


def test_api_healthcheck_asks_healthz(services: dict[str, dict[str, Any]]) -> None:
    from api.app import create_app

    form, args = healthcheck_command(services["api"])
    assert form == "CMD"
    assert args[:2] == ["python", "-c"], "python:3.11-slim has no curl or wget"
    compile(args[2], "healthcheck", "exec")
    assert "http://127.0.0.1:8000/healthz" in args[2]
    paths = {getattr(route, "path", None) for route in create_app(Settings(_env_file=None)).routes}  # type: ignore[call-arg]
    assert "/healthz" in paths
    assert {"interval", "timeout", "retries", "start_period"} <= set(services["api"]["healthcheck"])


def test_compose_variables_are_all_in_env_example(compose: dict[str, Any]) -> None:
    example = env_file_values(ENV_EXAMPLE)
    missing = referenced_variables(compose) - set(example)
    assert not missing, f".env.example does not document {sorted(missing)}"
    for service in compose["services"].values():
        env_files = service.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            path = env_file if isinstance(env_file, str) else env_file["path"]
            assert path == ".env", "the services read the .env made from .env.example"


# --- .env.example and .dockerignore ------------------------------------------------------------


def test_env_example_documents_a_placeholder_password() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    password = env_file_values(ENV_EXAMPLE)["NEO4J_PASSWORD"]
    assert len(password) >= 8, "Neo4j refuses passwords under 8 characters"
    assert password != "neo4j"
    assert "/" not in password and "$" not in password
    assert "change" in password.lower(), "a visible placeholder, not something that looks like a real secret"
    assert "8 characters" in text


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image() -> None:
    patterns = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    for required in (".venv", ".git", "data/*.db", "tools/neo4j-local/target", "out", "node_modules", ".env"):
        assert required in patterns, f".dockerignore lacks {required}"
    copied = {args.split()[0] for keyword, args in dockerfile_instructions() if keyword == "COPY"}
    assert not copied & patterns, "the Dockerfile copies something .dockerignore leaves out"


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_builds_on_python_3_11_slim_and_runs_as_a_user() -> None:
    instructions = dockerfile_instructions()
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert froms and froms[-1].split()[0] == "python:3.11-slim"
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the server does not run as root"
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert re.search(rf"useradd\b.*\b{re.escape(users[-1].split(':')[0])}\b", runs), "the user is created"
    assert ("EXPOSE", "8000") in instructions


def test_dockerfile_installs_the_project_without_dev_extras() -> None:
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]
    assert any("pip install --no-cache-dir ." in run for run in runs)
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "[dev]" not in text and not re.search(r"pip install[^\n]*\s-e\s", text)


def test_dockerfile_copies_every_package_the_wheel_is_built_from() -> None:
    pyproject = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").is_file() and any(path.match(pattern) for pattern in include)
    }
    assert packages, "pyproject's packages.find matches top-level packages"
    copies = [args.split() for keyword, args in dockerfile_instructions() if keyword == "COPY" and "--from=" not in args]
    sources = {source.rstrip("/") for *sources, _ in copies for source in sources if not source.startswith("--")}
    assert packages <= sources, f"not copied into the image: {sorted(packages - sources)}"
    assert {"pyproject.toml", pyproject["project"]["readme"], "data", "docker/entrypoint.sh"} <= sources
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"


def test_dockerfile_installs_graphiql_from_the_lock_file_into_the_package() -> None:
    instructions = dockerfile_instructions()
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "npm ci" in runs
    copies = [args for keyword, args in instructions if keyword == "COPY"]
    assert "api/graphiql/package.json api/graphiql/package-lock.json ./" in copies
    assert any(args.startswith("--from=graphiql ") and args.endswith("./api/graphiql/node_modules") for args in copies)


def test_the_installed_entry_point_is_the_cli() -> None:
    scripts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["scripts"]
    assert "behovsgraf" in scripts
    module, _, function = scripts["behovsgraf"].partition(":")
    imported = __import__(module, fromlist=[function])
    assert callable(getattr(imported, function))
    runs = " ".join(args for keyword, args in dockerfile_instructions() if keyword == "RUN")
    assert "command -v behovsgraf" in runs, "the build checks that the entry point was installed"


def test_dockerfile_runs_the_entrypoint_script() -> None:
    instructions = dockerfile_instructions()
    entrypoints = [json.loads(args) for keyword, args in instructions if keyword == "ENTRYPOINT"]
    assert entrypoints, "ENTRYPOINT in exec (JSON) form"
    target = entrypoints[-1][0]
    copied_to = {args.split()[-1] for keyword, args in instructions if keyword == "COPY" and "docker/entrypoint.sh" in args}
    assert target in copied_to


def test_dockerfile_makes_the_vocabulary_findable_by_the_installed_package() -> None:
    """An installed package has no data/ beside it: the image points BEHOVSGRAF_DATA_DIR at the copied data."""
    instructions = dockerfile_instructions()
    env = " ".join(args for keyword, args in instructions if keyword == "ENV")
    copies = [args for keyword, args in instructions if keyword == "COPY"]
    assert "BEHOVSGRAF_DATA_DIR=/app/data" in env
    assert any(args.split() == ["data", "./data"] for args in copies)
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "DATA_DIR" in runs, "the build checks that the vocabulary is found"


# --- docker/entrypoint.sh -----------------------------------------------------------------------


def test_entrypoint_is_an_executable_posix_shell_script() -> None:
    mode = ENTRYPOINT.stat().st_mode
    assert mode & stat.S_IXUSR and mode & stat.S_IXGRP and mode & stat.S_IXOTH, "chmod 755 docker/entrypoint.sh"
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n") and "\r" not in text
    if Path("/bin/sh").exists():
        check = subprocess.run(["/bin/sh", "-n", str(ENTRYPOINT)], check=False, capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    tracked = subprocess.run(["git", "ls-files", "-s", "docker/entrypoint.sh"], cwd=ROOT, check=False, capture_output=True, text=True)
    if tracked.returncode == 0 and tracked.stdout:
        assert tracked.stdout.startswith("100755"), "git update-index --chmod=+x docker/entrypoint.sh"


def test_entrypoint_uses_only_commands_the_cli_has() -> None:
    commands = registered_commands()
    assert "serve" in commands, "`behovsgraf serve` is part of the product and the image runs it"
    used = {match.group(1) for line in entrypoint_code_lines() for match in re.finditer(r"\bbehovsgraf\s+([a-z][\w-]*)", line)}
    assert {"ingest", "serve"} <= used
    assert not used - commands, f"not behovsgraf commands: {sorted(used - commands)}"
    assert any(re.match(r"\s*exec behovsgraf serve\b", line) for line in entrypoint_code_lines()), (
        "exec, so that `docker stop` signals reach the server"
    )


def test_entrypoint_python_compiles() -> None:
    compile(entrypoint_python(), "docker/entrypoint.sh", "exec")


def test_entrypoint_default_samples_are_the_copied_sample_data() -> None:
    match = re.search(r'SAMPLE_DATA="\$\{SAMPLE_DATA-([^}]*)\}"', ENTRYPOINT.read_text(encoding="utf-8"))
    assert match, "SAMPLE_DATA has a default"
    default = match.group(1)
    copies = [args.split() for keyword, args in dockerfile_instructions() if keyword == "COPY"]
    workdirs = [args for keyword, args in dockerfile_instructions() if keyword == "WORKDIR"]
    data_targets = {str(Path(workdirs[-1]) / target) for *sources, target in copies if sources == ["data"]}
    assert default.startswith(tuple(t.rstrip("/") + "/" for t in data_targets))
    relative = Path(default).relative_to(next(iter(data_targets)).rstrip("/"))
    assert list((ROOT / "data" / relative).glob("*.yaml")), f"data/{relative} has sample cases"


# --- running the entry point --------------------------------------------------------------------


def run_entrypoint(tmp_path: Path, store: str, **extra: str) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """Run docker/entrypoint.sh with `behovsgraf serve` stubbed; returns the run and the behovsgraf calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "calls.jsonl"
    real = Path(sys.executable).parent / "behovsgraf"
    stub = bin_dir / "behovsgraf"
    stub.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"with open({str(calls)!r}, 'a') as f: f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "if sys.argv[1:2] == ['serve']: sys.exit(0)\n"
        f"os.execv({str(real)!r}, [{str(real)!r}, *sys.argv[1:]])\n",
        encoding="utf-8",
    )
    stub.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
    env.update(
        {
            "PATH": os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env.get("PATH", "")]),
            "BEHOVSGRAF_STORE": store,
            "SAMPLE_DATA": str(ROOT / "data" / "samples"),
        }
    )
    env.update(extra)
    work = tmp_path / "work"  # no .env here
    work.mkdir(exist_ok=True)
    result = subprocess.run(["/bin/sh", str(ENTRYPOINT), "--port", "8123"], cwd=work, env=env, check=False,
                            capture_output=True, text=True, timeout=300)
    recorded = [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []
    calls.unlink(missing_ok=True)
    return result, recorded


@pytest.mark.slow
@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_entrypoint_loads_the_samples_into_an_empty_graph_once_then_serves(tmp_path: Path) -> None:
    store = str(tmp_path / "store.db")
    first, calls = run_entrypoint(tmp_path, store)
    assert first.returncode == 0, first.stderr
    assert calls == [["ingest", str(ROOT / "data" / "samples")], ["serve", "--port", "8123"]]
    second, calls = run_entrypoint(tmp_path, store)
    assert second.returncode == 0, second.stderr
    assert calls == [["serve", "--port", "8123"]], "a graph with data is left alone"
    assert "not loading" in second.stderr


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_entrypoint_can_start_without_samples(tmp_path: Path) -> None:
    result, calls = run_entrypoint(tmp_path, str(tmp_path / "store.db"), SAMPLE_DATA="")
    assert result.returncode == 0, result.stderr
    assert calls == [["serve", "--port", "8123"]]


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs a POSIX shell")
def test_entrypoint_gives_up_when_the_store_cannot_be_reached(tmp_path: Path) -> None:
    result, calls = run_entrypoint(tmp_path, "bolt://127.0.0.1:9", STORE_WAIT_SECONDS="0",
                                   BEHOVSGRAF_NEO4J_USER="neo4j", BEHOVSGRAF_NEO4J_PASSWORD="placeholder")
    assert result.returncode == 2
    assert "giving up" in result.stderr
    assert calls == [], "neither ingest nor serve against a store that is not there"
