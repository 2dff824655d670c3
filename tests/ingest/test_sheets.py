"""Cases from spreadsheets: xlsx, ods and Nordic-Excel CSV load; bad cells and hostile workbooks are refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from graph.backends.embedded import EmbeddedStore
from graph.model import NodeType
from ingest import provenance
from ingest.run import ingest_paths
from tests.ingest.test_hostile_input import Write, ingest_rejected, only_problem

HEADER = ["Titel", "År", "Land", "Ägare", "Samarbetspartner", "Målgrupper", "Metoder", "Behov"]


def row(i: int) -> list[object]:
    return [
        f"Trygg skolväg nummer {i}", 2010 + i % 15, "SE", f"Kommun {i % 290} kommun", "Trafikverket",
        "elever; föräldrar", "intervjuer, workshop", "Barn behöver en säker väg till skolan",
    ]


def workbook(path: Path, rows: list[list[object]], sheet: str = "Projekt") -> Path:
    book = openpyxl.Workbook(write_only=True)
    page = book.create_sheet(sheet)
    for values in rows:
        page.append(values)
    book.save(path)
    return path


@pytest.mark.slow
def test_a_10000_row_xlsx_loads_with_cells_as_provenance(store: EmbeddedStore, tmp_path: Path) -> None:
    path = workbook(tmp_path / "projekt.xlsx", [HEADER, *(row(i) for i in range(10_000))])
    report = ingest_paths(store, [path])
    assert report.ok, report.problems[:3]
    assert report.cases_seen == 10_000 and report.written
    assert sum(1 for _ in store.find(NodeType.CASE)) == 10_000
    case = store.get("se-trygg-skolvaeg-nummer-7-2017")
    assert case is not None and case.props["year"] == 2017
    facts = {fact.field: fact for fact in provenance.decode(case.props)}
    assert facts["organisations[0]"].quote == "Kommun 7 kommun"
    assert facts["organisations[0]"].where == "sheet 'Projekt' row 9 column D (Ägare)"
    assert facts["organisations[0]"].document == str(path)
    assert (facts["methods[1]"].quote, facts["year"].quote) == ("workshop", "2017")
    neighbours = store.neighbours(case.id)
    assert {"Kommun 7 kommun", "Trafikverket"} <= {n.label for n in neighbours} and len(neighbours) >= 7


def test_a_bad_cell_names_sheet_row_and_column_and_writes_nothing(store: EmbeddedStore, tmp_path: Path) -> None:
    rows = [HEADER, row(1), row(2), row(3)]
    rows[3][1] = "tjugohundra"
    path = workbook(tmp_path / "projekt.xlsx", rows)
    report = ingest_rejected(store, path)
    problem = report.problems[0]
    assert len(report.problems) == 1
    assert (problem.path, problem.where) == ("cases[2].year", "sheet 'Projekt' row 4 column B (År)")
    assert str(problem).startswith(f"{path}: sheet 'Projekt' row 4 column B (År): cases[2].year:")


def test_a_cp1252_semicolon_csv_from_nordic_excel_loads_with_a_notice(store: EmbeddedStore, write: Write) -> None:
    text = (
        "Tittel;År;Land;Eier;Målgruppe;Metode;Behov\r\n"
        'Rådgivning for elever i Trøndelag;2021;NO;Trøndelag fylkeskommune;elever;"tjenestedesign, intervjuer";'
        "Elevene trenger bedre rådgivning før de velger utdanningsprogram\r\n"
        "Færre bytter program;2022;NO;Novari IKS;rådgivere;innsiktsarbeid;Rådgiverne trenger verktøy\r\n"
    )
    path = write("prosjekter.csv", text.encode("cp1252"))
    report = ingest_paths(store, [path])
    assert report.ok, report.problems
    assert [(n.file, n.code) for n in report.notices] == [(str(path), "encoding")]
    assert "Windows-1252" in report.notices[0].message
    case = store.get("no-raadgivning-for-elever-i-troendelag-2021")
    assert case is not None and case.props["title"] == "Rådgivning for elever i Trøndelag"
    assert case.props["language"] in ("nb", "nn")


def test_a_mapping_file_names_the_columns(store: EmbeddedStore, tmp_path: Path) -> None:
    path = workbook(tmp_path / "lista.xlsx", [["Vad", "När", "Vilka"], ["Digital tidsbokning", 2015, "Arbetsförmedlingen"]])
    (tmp_path / "lista.xlsx.mapping.yaml").write_text(
        "columns: {title: Vad, year: När, owner: Vilka}\ndefaults: {country: SE, language: sv}\n", encoding="utf-8"
    )
    report = ingest_paths(store, [tmp_path])
    assert report.ok and report.cases_seen == 1, report.problems
    assert store.get("se-digital-tidsbokning-2015") is not None


def test_an_ods_workbook_loads(store: EmbeddedStore, tmp_path: Path) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        '<office:spreadsheet><table:table table:name="Prosjekter">'
        + "".join(
            "<table:table-row>" + "".join(f"<table:table-cell office:value-type=\"string\"><text:p>{v}</text:p></table:table-cell>" for v in values) + "</table:table-row>"
            for values in (["Titel", "Land", "Ejer"], ["Borgerrejser i Aarhus", "DK", "Aarhus Kommune"])
        )
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "projekter.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
        )
    report = ingest_paths(store, [path])
    assert report.ok, report.problems
    case = store.get("dk-borgerrejser-i-aarhus")
    assert case is not None and case.props["language"] == "da"


def test_a_zip_bomb_disguised_as_xlsx_is_refused(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    assert path.stat().st_size < 1024 * 1024
    report = ingest_rejected(store, path)
    assert report.problems[0].code == "too-large" and "zip bomb" in only_problem(report)


def test_a_200_mb_file_is_refused_before_reading(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(200 * 1024 * 1024)
    report = ingest_rejected(store, path)
    assert report.problems[0].code == "too-large" and "200.0 MiB" in only_problem(report)


def test_an_encrypted_workbook_is_refused(store: EmbeddedStore, write: Write) -> None:
    path = write("hemlig.xlsx", b"PK\x03\x04")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    report = ingest_rejected(store, path)
    assert report.problems[0].code in ("encrypted", "file-type")
