"""Read articles and reports (saved web pages, PDF, DOCX) into paragraphs with their place in the document.

These feed `behovsgraf draft`, not ingest: the result is text to find a case in, each
paragraph with its page (PDF), its number and its character offset in the whole text.
Web pages lose their navigation, menus and footers (trafilatura finds the main text);
a PDF without a text layer (a scan) or with a password is refused, saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pypdf
import trafilatura
from pypdf.errors import PdfReadError

from ingest.readers.archives import check_archive
from ingest.readers.base import Location, read_bytes, read_problem
from ingest.readers.encoding import decode

__all__ = ["ARTICLE_READERS", "Article", "Paragraph", "read_article"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of the main text and where it stands."""

    text: str
    number: int
    start: int
    page: int | None = None

    def location(self, start: int, end: int) -> Location:
        """The location of characters `start`-`end` of this paragraph, as offsets in the whole text."""
        return Location(page=self.page, paragraph=self.number, start=self.start + start, end=self.start + end)


@dataclass(slots=True)
class Article:
    """The main text of a document, its paragraphs, and what its metadata says about its source."""

    file: str
    paragraphs: list[Paragraph]
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    notices: list[str] = field(default_factory=list)


def _paragraphs(blocks: list[tuple[str, int | None]]) -> list[Paragraph]:
    found, offset = [], 0
    for text, page in blocks:
        text = " ".join(text.split())
        if text:
            found.append(Paragraph(text, len(found) + 1, offset, page))
            offset += len(text) + 2
    return found


def read_html(path: Path) -> Article:
    """The main text and metadata of a saved web page."""
    file = str(path)
    html, _ = decode(read_bytes(path), file, allow_cp1252=True)
    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if extracted is None or not (extracted.text or "").strip():
        raise read_problem(file, "the page has no main text that could be found", code="empty")
    blocks = [(line, None) for line in extracted.text.split("\n")]
    date = extracted.date if extracted.date and extracted.date[:4].isdigit() else None
    return Article(file, _paragraphs(blocks), extracted.title, extracted.sitename, date, extracted.url)


def read_pdf(path: Path) -> Article:
    """The text layer of a PDF, paragraph by paragraph and page by page."""
    file = str(path)
    read_bytes(path)
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise read_problem(file, "the PDF is encrypted with a password; save an unprotected copy", code="encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = reader.metadata
    except PdfReadError as exc:
        if "encrypt" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise read_problem(file, "the PDF is encrypted; save an unprotected copy", code="encrypted") from None
        raise read_problem(file, f"the PDF cannot be read: {exc}", code="file-type") from None
    if not any(text.strip() for text in pages):
        raise read_problem(
            file, "the PDF has no text layer (a scanned image?); run text recognition (OCR) on it first", code="no-text"
        )
    blocks = []
    for number, text in enumerate(pages, start=1):
        blocks += [(block, number) for block in text.replace("\r", "").split("\n\n")]
    title = metadata.title if metadata and metadata.title else None
    publisher = metadata.author if metadata and metadata.author else None
    return Article(file, _paragraphs(blocks), title, publisher)


def read_docx(path: Path) -> Article:
    """The paragraphs of a Word document; the title from its properties or its first heading."""
    file = str(path)
    check_archive(path, kind="document")
    try:
        document = docx.Document(file)
    except (KeyError, ValueError) as exc:
        raise read_problem(file, f"the Word document cannot be read: {exc}", code="file-type") from None
    blocks = [(paragraph.text, None) for paragraph in document.paragraphs]
    properties = document.core_properties
    return Article(file, _paragraphs(blocks), properties.title or None, properties.author or None)


ARTICLE_READERS: dict[str, Callable[[Path], Article]] = {
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}


def read_article(path: Path) -> Article:
    """Read one article or report with the reader for its suffix."""
    reader = ARTICLE_READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(ARTICLE_READERS))
        raise read_problem(str(path), f"unknown document type {path.suffix!r}; use one of {known}", code="file-type")
    return reader(path)
