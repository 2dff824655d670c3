"""Read cases from CSV: the separator is sniffed (Nordic Excel writes `;`), the encoding too.

UTF-8 with or without BOM is read as is; Windows-1252 (what Excel writes as "CSV" on a
Nordic Windows) is read with a notice in the report. UTF-16 is refused with a message.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ingest.readers.base import Document, read_bytes, read_problem
from ingest.readers.columns import cases_from_rows, read_mapping
from ingest.readers.encoding import decode
from ingest.report import Problem

__all__ = ["SEPARATORS", "read_csv", "sniff_separator"]

SEPARATORS = ";,\t|"


def sniff_separator(text: str) -> str:
    """The separator of a CSV text: the candidate found most often in the header row (`,` when none is).

    Header names hold no separators, while cells often hold commas, so the header decides.

    >>> sniff_separator("Titel;År;Organisationer\\nA;2019;Umeå kommun, Region Västerbotten\\n")
    ';'
    """
    header = text.split("\n", 1)[0]
    best = max(SEPARATORS, key=header.count)
    return best if header.count(best) else ","


def read_csv(path: Path) -> Document:
    """Read the cases of a CSV file (header row first, see `ingest.readers.columns`)."""
    file = str(path)
    text, notice = decode(read_bytes(path), file, allow_cp1252=True)
    if not text.strip():
        raise read_problem(file, "the file is empty", code="empty")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(text)))
    except csv.Error as exc:
        raise read_problem(file, f"malformed CSV: {exc}", code="syntax") from None
    document = cases_from_rows(rows, file=file, sheet=None, mapping=read_mapping(path))
    if notice:
        document.notices.append(Problem(file, "", None, "encoding", notice))
    return document
