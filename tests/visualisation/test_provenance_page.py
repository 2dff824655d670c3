"""The case page shows where each fact of a case came from: the quote, the document and the cell or sentence."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.settings import Settings
from graph.backends.embedded import EmbeddedStore
from ingest.run import ingest_paths
from tests.visualisation.conftest import live

SHEET = (
    "Titel;År;Land;Ägare;Metoder\n"
    "Trygg skolväg i Umeå;2019;SE;Umeå kommun;intervjuer\n"
    'Hostile <script>window.__xss=1</script> väg;2020;SE;"<img src=x onerror=alert(1)> kommun";workshop\n'
)


def test_case_page_lists_the_provenance_of_each_fact_escaped(tmp_path: Path) -> None:
    sheet = tmp_path / "projekt.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    store_path = tmp_path / "store.db"
    with EmbeddedStore(store_path) as store:
        report = ingest_paths(store, [sheet])
    assert report.ok, report.problems
    with live(Settings(store=str(store_path))) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        page = http.get("/cases/se-trygg-skolvaeg-i-umeaa-2019?lang=sv").text
        hostile = http.get("/cases/se-hostile-script-window-xss-1-script-vaeg-2020?lang=en")
    assert "Var uppgifterna kommer ifrån" in page
    assert '<q lang="sv">Umeå kommun</q>' in page
    assert f"<td>{sheet}</td><td>row 2 column D (Ägare)</td>" in page
    assert hostile.status_code == 200 and "Where the facts come from" in hostile.text
    assert "<img src=x" not in hostile.text and "&lt;img src=x onerror=alert(1)&gt; kommun" in hostile.text
