"""Spreadsheets for planners from a real server, opened by LibreOffice headless and read back from PDF.

LibreOffice comes from Debian (`scripts/ensure-libreoffice` installs it with apt when
`soffice` is missing); outside CI a machine without it skips the LibreOffice tests
with the reason printed, under CI they fail.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from pypdf import PdfReader

from graph.backends import open_store
from graph.model import Batch, Edge, Node, NodeType, RelType
from tests.api.conftest import Api, global_id, live_server, load_cases, make_settings
from tests.conftest import ROOT, require

ENSURE_LIBREOFFICE = ROOT / "scripts" / "ensure-libreoffice"
PROBLEM = "Elevene trenger hjelp til å velge riktig utdanningsprogram i videregående"
TABLE_QUERY = """query($list: TableList!, $format: TableFileFormat!, $problem: String, $filter: CaseFilter,
    $language: Language, $separator: CsvSeparator! = COMMA) {
  tableExport(list: $list, format: $format, problem: $problem, filter: $filter, language: $language,
              separator: $separator) { filename mediaType url contentBase64 } }"""


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's `soffice`, installed from Debian when missing."""
    if shutil.which("soffice") is None and ENSURE_LIBREOFFICE.exists():
        done = subprocess.run([str(ENSURE_LIBREOFFICE)], capture_output=True, text=True, timeout=1200)
        if done.returncode != 0:
            print(done.stdout, done.stderr)
    path = shutil.which("soffice")
    require(None if path else "LibreOffice (soffice) is missing and scripts/ensure-libreoffice could not install it")
    assert path is not None
    return path


def _pdf_text(soffice: str, document: Path, *, infilter: list[str]) -> str:
    """Convert with LibreOffice headless (its own profile folder) and read the PDF's text with pypdf."""
    profile = document.parent / "lo-profile"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", *infilter, "--convert-to", "pdf",
         "--outdir", str(document.parent), str(document)],
        capture_output=True, text=True, timeout=300,
    )
    pdf = document.with_suffix(".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stdout + done.stderr
    text = "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return re.sub(r"\s+", "", text)  # cells wrap across lines in the PDF: compare without white space


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A server over the test cases plus a case whose title a spreadsheet would run as a formula."""
    path = tmp_path_factory.mktemp("tables") / "cases.db"
    load_cases(path)
    with open_store(path) as store:
        store.upsert(Batch(
            nodes=(Node("se-formula-title", NodeType.CASE, {"title": "=HYPERLINK(\"http://x\";\"klick\")",
                                                            "language": "sv", "country": "SE", "year": 2024}),),
            edges=(Edge("organisation:malmoe-kommun", RelType.PARTICIPATED_IN, "se-formula-title", "se-formula-title",
                        {"role": "owner"}),),
        ))
    with live_server(make_settings(path, public_url="https://behovsgraf.example.org")) as api:
        yield api


def test_csv_download_is_utf8_with_bom_and_semicolons_with_roles_methods_and_sources(server: Api) -> None:
    response = server.client.get(f"{server.url}/export/prior-work.csv", params={"q": PROBLEM, "sep": ";", "lang": "nb"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="behovsgraf-prior-work.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "#;Poeng;Sak;Id;Land;År;Organisasjoner (rolle);Metoder;Kilder;Hvorfor den ble valgt;Lenke"
    first = next(line for line in lines[1:] if "no-trondelag-karriereveiledning" in line)
    assert "Trøndelag fylkeskommune (eier); Novari IKS (prosessleder)" in first
    assert "Sluttrapport <https://example.org/trondelag/karriere>" in first
    assert "https://behovsgraf.example.org/cases/no-trondelag-karriereveiledning" in first
    assert ";2021;" in first


def test_graphql_gives_the_download_url_and_the_same_file_as_base64(server: Api) -> None:
    variables = {"list": "CASES", "format": "XLSX", "language": "SV",
                 "filter": {"countries": ["SE"], "organisations": [global_id("Organisation", "organisation:malmoe-kommun")]}}
    exported = server.data(TABLE_QUERY, variables)["tableExport"]
    assert exported["filename"] == "behovsgraf-cases.xlsx"
    assert exported["mediaType"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    url = urlsplit(exported["url"])
    assert url.path == "/export/cases.xlsx"
    assert parse_qs(url.query) == {"country": ["SE"], "organisation": ["organisation:malmoe-kommun"],
                                   "top": ["1000"], "lang": ["sv"]}
    downloaded = server.client.get(f"{server.url}{exported['url']}")
    assert downloaded.status_code == 200
    content = base64.b64decode(exported["contentBase64"])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["#", "Ärende", "Id", "Land"]
    assert {row[2] for row in rows[1:]} == {"se-malmo-naringsliv-unga", "se-formula-title"}
    again = openpyxl.load_workbook(io.BytesIO(downloaded.content)).active
    assert [[cell.value for cell in row] for row in again.iter_rows()] == rows
    formula = next(row for row in sheet.iter_rows() if row[2].value == "se-formula-title")[1]
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")


def test_a_status_filter_reaches_the_download_and_its_rows(server: Api) -> None:
    exported = server.data(TABLE_QUERY, {"list": "CASES", "format": "CSV", "filter": {"statuses": ["ongoing"]}})
    url = exported["tableExport"]["url"]
    assert parse_qs(urlsplit(url).query)["status"] == ["ongoing"]
    rows = list(csv.reader(io.StringIO(server.client.get(f"{server.url}{url}").content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["se-malmo-naringsliv-unga"]


def test_graphql_refuses_a_prior_work_table_without_a_problem(server: Api) -> None:
    error = server.error(TABLE_QUERY, {"list": "PRIOR_WORK", "format": "CSV"})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "problem"


def test_planner_page_links_to_downloads_of_the_same_query_and_filters(server: Api) -> None:
    page = server.client.get(f"{server.url}/", params={"q": PROBLEM, "country": "NO", "lang": "nb"})
    assert page.status_code == 200
    links = re.findall(r'href="(/export/[^"]+)"', page.text)
    assert [urlsplit(link.replace("&amp;", "&")).path for link in links] == [
        "/export/prior-work.csv", "/export/prior-work.xlsx"]
    query = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)
    assert query == {"q": [PROBLEM], "country": ["NO"], "sep": [";"], "lang": ["nb"]}
    table = server.client.get(f"{server.url}{links[0].replace('&amp;', '&')}")
    rows = table.content.decode("utf-8-sig").splitlines()[1:]
    assert rows and all(";Norge;" in row for row in rows)


def test_csv_and_xlsx_open_in_libreoffice_with_their_cells(server: Api, soffice: str, tmp_path: Path) -> None:
    # CSV as Nordic Excel reads it: `;` separated, UTF-8 (LibreOffice's import options 59 = ';', 76 = UTF-8).
    cells = ["#", "Ärende", "Organisationer (roll)", "Metoder", "Källor", "Näringsliv och unga i Malmö",
             "se-malmo-naringsliv-unga", "Sverige", "2023", "Malmö stad (ägare); Arbetsförmedlingen (partner)",
             "Intervjuer", "https://behovsgraf.example.org/cases/se-malmo-naringsliv-unga",
             "=HYPERLINK(\"http://x\";\"klick\")"]  # the formula shown as text, never run
    params = {"organisation": "organisation:malmoe-kommun", "lang": "sv", "sep": ";"}
    for suffix, infilter in (("csv", ["--infilter=CSV:59,34,76,1"]), ("xlsx", [])):
        response = server.client.get(f"{server.url}/export/cases.{suffix}", params=params)
        assert response.status_code == 200
        document = tmp_path / f"cases-{suffix}.{suffix}"
        document.write_bytes(response.content)
        text = _pdf_text(soffice, document, infilter=infilter)
        for cell in cells:
            assert re.sub(r"\s+", "", cell) in text, (suffix, cell, text)
