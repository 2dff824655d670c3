"""`behovsgraf draft`: the seed articles as web pages, Word files and PDFs become valid draft cases with quotes.

The drafts are compared with the hand-written cases of the same articles in
`data/samples/seed-cases.yaml` (`tests.ingest.seed_recovery`); a value counts as recovered
when the draft names the same node (as ingest would resolve it) or the same words, stemmed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from fpdf import FPDF

from graph.backends.embedded import EmbeddedStore
from ingest import provenance
from ingest.draft import draft_paths
from ingest.persons import PLACEHOLDERS
from ingest.run import ingest_paths
from tests.conftest import require
from tests.ingest.seed_documents import SEED_ARTICLES, font_missing, write_html
from tests.ingest.seed_recovery import FIELDS, draft_seeds, measure, misses_table, recovery_table


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, object]]:
    require(font_missing())
    return draft_seeds(tmp_path_factory.mktemp("seeds"))


def test_drafts_recover_the_hand_written_cases_with_a_quote_for_each(
    drafts: dict[tuple[str, str], dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    result = measure(drafts)
    assert result.unquoted == []
    with capsys.disabled():
        print("\n" + recovery_table(result) + "\n\n" + misses_table(result))
    share = {(key, scope): result.share(key, scope) for key, _ in FIELDS for scope in ("all", "in text")}
    # Issue 13's thresholds: 90 % of organisations and methods, 75 % of target groups. Target
    # groups reach it against every hand-written value; organisations and methods reach it for
    # what the articles say, while against every hand-written value 90 % is out of reach: the
    # hand-written cases hold organisations and methods from other pages (Transformator
    # Design's, Vinnova's), and the drafts recover every organisation the articles hold.
    assert share[("organisations", "in text")] >= 0.9 and share[("methods", "in text")] >= 0.9, share
    assert share[("target_groups", "all")] >= 0.75 and share[("target_groups", "in text")] >= 0.75, share
    assert result.ceiling("organisations") < 0.9 and result.ceiling("methods") < 0.9
    assert result.missed("organisations", absent=False) == []
    assert share[("organisations", "all")] == result.ceiling("organisations"), share
    assert share[("methods", "all")] >= 0.8, share


SEED_PERSONS = (
    # Every person the seed articles name, read by hand from tests/data/seeds/.
    "Bo Henriksson", "Jonas Gumbel", "Klas Danerlöv", "Nicolina Fransson", "Mina Sandberg", "Elna Nilsson",
    "Ann-Louise Bajlum Rubin", "Kristina Cavetoft", "Nina Karlsson", "Matilda Hjalmar", "Nina Otterbekk",
    "Øyvind Vikan", "Anne Mette Dørum", "Bjørn Marthinsen", "Beate Elyachouti", "Agnes Gullingsrud Fjeldstad",
    "Vanja Valjord Christensen", "Malin Svanberg",
)


def test_drafts_name_no_person_and_their_quotes_lose_nothing_but_the_names(
    drafts: dict[tuple[str, str], dict[str, object]],
) -> None:
    parts = {part for person in SEED_PERSONS for part in person.split()}
    for (name, suffix), case in drafts.items():
        text = yaml.safe_dump(case, allow_unicode=True, width=10_000)
        for part in parts:
            assert re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text) is None, (name, suffix, part)
        if suffix != ".html":
            continue
        seed = next(seed for seed in SEED_ARTICLES if seed.file.startswith(name))
        article = " ".join(seed.blocks())
        placeholder = re.escape(PLACEHOLDERS[str(case["language"])])
        redacted = [str(fact["quote"]) for fact in case["provenance"] if PLACEHOLDERS[str(case["language"])] in fact["quote"]]  # type: ignore[attr-defined,index]
        for quote in redacted:
            # the quote is the article's sentence with person names, and nothing else, replaced
            pattern = re.escape(quote).replace(placeholder, r"([A-ZÅÄÖÆØ][\w’'-]*(?: [A-ZÅÄÖÆØ][\w’'.-]*){0,3})")
            match = re.search(pattern, article)
            assert match is not None, quote
            assert all(set(group.removesuffix("s").split()) <= parts for group in match.groups()), (quote, match.groups())
    assert any(PLACEHOLDERS["nb"] in str(fact["quote"]) for fact in drafts[("003", ".html")]["provenance"])  # type: ignore[attr-defined,index]


def test_a_draft_that_replaced_names_says_so_in_its_language(tmp_path: Path) -> None:
    require(font_missing())
    source = write_html(SEED_ARTICLES[3], tmp_path / "novari.html")
    with EmbeddedStore(tmp_path / "store.db") as store:
        report = draft_paths(store, [source], tmp_path / "drafts")
    text = report.written[0].read_text(encoding="utf-8")
    assert text.startswith("# Personnavn i sitater og tekster er erstattet med [navn] på ")
    assert "[navn] og [navn] fra Trøndelag fylkeskommune" in text


def test_drafts_are_valid_case_files_whose_provenance_reaches_the_graph(
    drafts: dict[tuple[str, str], dict[str, object]], tmp_path: Path
) -> None:
    folder = tmp_path / "curated"
    folder.mkdir()
    for (name, suffix), case in drafts.items():
        if suffix == ".html":
            (folder / f"{name}.yaml").write_text(yaml.safe_dump({"cases": [case]}, allow_unicode=True), encoding="utf-8")
    with EmbeddedStore(tmp_path / "store.db") as store:
        report = ingest_paths(store, [folder])
        assert report.ok and report.written, report.problems
        case_id = str(drafts[("000", ".html")]["id"])
        node = store.get(case_id)
        assert node is not None
        facts = provenance.decode(node.props)
        organisation = next(fact for fact in facts if fact.field.startswith("organisations"))
        assert organisation.document.endswith("000.html") and organisation.quote and organisation.where


def test_a_pdf_without_text_layer_and_an_encrypted_pdf_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    scan = FPDF()
    scan.add_page()
    scan.rect(20, 20, 100, 100, style="F")
    scan.output(str(tmp_path / "scan.pdf"))
    locked = FPDF()
    locked.set_encryption(owner_password="ägare", user_password="hemligt")
    locked.add_page()
    locked.set_font("helvetica", size=12)
    locked.cell(text="Hemlig rapport om skolnärvaro")
    locked.output(str(tmp_path / "locked.pdf"))
    with EmbeddedStore(tmp_path / "store.db") as store:
        report = draft_paths(store, [tmp_path / "scan.pdf", tmp_path / "locked.pdf"], tmp_path / "drafts")
    assert report.written == []
    assert [(Path(p.file).name, p.code) for p in report.problems] == [("scan.pdf", "no-text"), ("locked.pdf", "encrypted")]
    assert "no text layer" in str(report.problems[0]) and "OCR" in str(report.problems[0])
    assert list((tmp_path / "drafts").iterdir()) == []
