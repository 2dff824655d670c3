"""The reader registry: each file format has its own module, chosen by suffix (and by content where a suffix lies).

Every reader returns a `Document` holding `{"cases": [...]}` in the case-file format,
with a location for each value (a line for YAML, sheet/row/column for spreadsheets),
so that every problem points at the line or the cell.

Examples
--------
>>> sorted(SUFFIXES)
['.csv', '.json', '.ods', '.xlsx', '.yaml', '.yml']
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.readers.base import MAX_FILE_BYTES, Document, Location, ReadError, read_problem
from ingest.readers.csv_cases import read_csv
from ingest.readers.json_cases import read_json
from ingest.readers.sheets import ZIP_MAGIC, read_sheet
from ingest.readers.yaml_cases import MAX_DEPTH, read_yaml

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "READERS", "SUFFIXES", "Document", "Location", "ReadError", "read_document"]

Reader = Callable[[Path], Document]

READERS: dict[str, Reader] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".json": read_json,
    ".xlsx": read_sheet,
    ".ods": read_sheet,
    ".csv": read_csv,
}
SUFFIXES = frozenset(READERS)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(8)
    except OSError as exc:
        raise read_problem(str(path), f"cannot read the file: {exc.strerror}") from exc


def read_document(path: Path) -> Document:
    """Read one file with the reader for its format; `ReadError` naming the file when that is impossible.

    A workbook saved with a `.csv` name is read as a workbook; a `.xlsx` or `.ods` that
    is not a zip archive is refused, saying what it is not.
    """
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(SUFFIXES))
        raise read_problem(str(path), f"unknown file type {path.suffix!r}; use one of {known}", code="file-type")
    head = _head(path)
    if suffix == ".csv" and head.startswith(ZIP_MAGIC):
        return read_sheet(path)
    if suffix in (".xlsx", ".ods") and not head.startswith(ZIP_MAGIC):
        raise read_problem(
            str(path), f"the file is not a {suffix[1:]} workbook (not a zip archive); save it again from the spreadsheet",
            code="file-type",
        )
    return reader(path)
