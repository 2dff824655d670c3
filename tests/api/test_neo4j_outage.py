"""Neo4j stopped mid-run: the CLI exits 2 with one line, the API answers 503 and recovers by itself."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.settings import Settings
from graph.backends import open_store
from ingest.run import ingest_paths
from ingest.vocabulary import DATA_DIR
from tests import neo4j_local
from tests.api.conftest import Api, make_settings
from tests.conftest import require

pytestmark = pytest.mark.neo4j

BEHOVSGRAF = Path(sys.executable).parent / "behovsgraf"


@pytest.fixture
def own_neo4j(tmp_path: Path) -> Iterator[neo4j_local.LocalNeo4j]:
    """A Neo4j of this test alone (it gets stopped), holding the sample data."""
    require(neo4j_local.unavailable_reason())
    neo4j_local.build()
    server = neo4j_local.LocalNeo4j(tmp_path / "neo4j")
    server.start()
    try:
        with open_store(server.url) as store:
            assert ingest_paths(store, [DATA_DIR / "samples"]).ok
        yield server
    finally:
        server.stop()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BEHOVSGRAF), *args], capture_output=True, text=True, timeout=120)


def test_outage_is_reported_and_recovered_from(
    own_neo4j: neo4j_local.LocalNeo4j, serve: Callable[[Settings], Api]
) -> None:
    api = serve(make_settings(own_neo4j.url))
    api.wait_ready()
    query = '{ priorWork(problem: "elever som faller fra i videregående", first: 3) { edges { node { case { key } } } } }'
    before = api.data(query)
    assert len(before["priorWork"]["edges"]) == 3

    own_neo4j.stop()
    ready = api.client.get(f"{api.url}/readyz")
    assert ready.status_code == 503
    assert api.result("{ stats { nodeTotal } }")["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
    page = api.client.get(f"{api.url}/?q=frafall&lang=en")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    down = cli("stats", "--store", own_neo4j.url)
    assert down.returncode == 2
    assert down.stderr.startswith("behovsgraf: ") and len(down.stderr.strip().splitlines()) == 1

    own_neo4j.start()
    api.wait_ready()  # by itself: nobody restarts the API
    assert api.data(query) == before
    assert api.client.get(f"{api.url}/?q=frafall&lang=en").status_code == 200
    assert cli("stats", "--store", own_neo4j.url).returncode == 0
