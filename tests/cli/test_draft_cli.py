"""`behovsgraf draft` and sheet ingest run as users run them: a real process, real files, real exit codes."""

from __future__ import annotations

from pathlib import Path

import yaml
from fpdf import FPDF

from graph.backends import open_store
from ingest import provenance
from tests.cli.test_cli import run
from tests.ingest.seed_documents import SEED_ARTICLES, write_docx, write_html


def test_draft_writes_valid_case_files_that_ingest_with_their_provenance(tmp_path: Path, store_location: str) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    write_html(SEED_ARTICLES[3], reports / "novari.html")
    write_docx(SEED_ARTICLES[4], reports / "skr.docx")
    drafted = run("draft", "--store", store_location, reports, "-o", tmp_path / "drafts")
    assert drafted.returncode == 0, drafted.stderr
    assert "2 draft(s)" in drafted.stdout
    case = yaml.safe_load((tmp_path / "drafts" / "novari.html.yaml").read_text(encoding="utf-8"))["cases"][0]
    assert case["language"] == "nb" and case["country"] == "NO"
    assert {"Novari IKS", "Trøndelag fylkeskommune"} <= {org["name"] for org in case["organisations"]}
    ingested = run("ingest", "--store", store_location, tmp_path / "drafts")
    assert ingested.returncode == 0, ingested.stderr
    with open_store(store_location) as store:
        node = store.get(case["id"])
        assert node is not None
        facts = provenance.decode(node.props)
    assert facts and all(fact.quote for fact in facts)
    assert any(fact.field.startswith("organisations") and "Novari IKS" in fact.quote for fact in facts)


def test_draft_of_an_unreadable_document_exits_1_naming_it(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 150, 200, style="F")
    pdf.output(str(scan))
    result = run("draft", "--store", tmp_path / "store.db", scan, "-o", tmp_path / "drafts")
    assert result.returncode == 1
    assert f"{scan}:" in result.stderr and "no text layer" in result.stderr


def test_a_cp1252_csv_ingests_from_the_command_line_with_a_notice(tmp_path: Path) -> None:
    sheet = tmp_path / "projekt.csv"
    sheet.write_bytes("Titel;År;Land;Ägare\r\nSkolnärvaro i Ängelholm;2017;SE;Ängelholms kommun\r\n".encode("cp1252"))
    result = run("ingest", "--store", tmp_path / "store.db", sheet)
    assert result.returncode == 0, result.stderr
    assert f"notice   {sheet}: the file is Windows-1252" in result.stderr
