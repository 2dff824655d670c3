"""Read workbooks (.xlsx, .ods) with calamine, refusing zip bombs and encrypted files before opening them.

A workbook is a zip archive of XML; its members are checked first (total unpacked size
and packing ratio), so a small file cannot unpack to gigabytes in memory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from ingest.readers.base import MAX_FILE_BYTES, Document, ReadError, read_problem
from ingest.readers.columns import cases_from_rows, read_mapping

__all__ = ["MAX_RATIO", "MAX_UNPACKED_BYTES", "ZIP_MAGIC", "read_sheet"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
"""A workbook may unpack to at most this much XML (a 10,000-row sheet unpacks to a few MiB)."""
MAX_RATIO = 200
"""A member packed more than this tightly is a zip bomb, not a sheet (real sheets pack 5-30 times)."""


def _check_archive(path: Path) -> None:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise read_problem(
                file, f"the file is {size / 1024 / 1024:.1f} MiB; the limit is {MAX_FILE_BYTES / 1024 / 1024:.0f} MiB",
                code="too-large",
            )
        with path.open("rb") as handle:
            head = handle.read(4)
        if head == OLE_MAGIC:
            raise read_problem(
                file, "the workbook is encrypted (password-protected) or an old .xls; save it unprotected as .xlsx",
                code="encrypted",
            )
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise read_problem(file, "the workbook is damaged (not a readable zip archive)", code="file-type") from None
    except OSError as exc:
        raise read_problem(file, f"cannot read the file: {exc.strerror}") from exc
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise read_problem(
            file, f"the workbook unpacks to {unpacked / 1024 / 1024:.0f} MiB; the limit is "
            f"{MAX_UNPACKED_BYTES / 1024 / 1024:.0f} MiB (a zip bomb?)", code="too-large",
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise read_problem(
                file, f"{member.filename} unpacks {member.file_size // max(member.compress_size, 1)} times its packed "
                "size; that is a zip bomb, not a sheet", code="too-large",
            )


def read_sheet(path: Path) -> Document:
    """Read the cases of a workbook's sheet (the mapping's `sheet`, else the first)."""
    file = str(path)
    _check_archive(path)
    mapping = read_mapping(path)
    try:
        workbook = CalamineWorkbook.from_path(file)
        try:
            name = str(mapping.get("sheet") or workbook.sheet_names[0])
            if name not in workbook.sheet_names:
                raise read_problem(file, f"no sheet {name!r}; the workbook has {', '.join(workbook.sheet_names)}", code="invalid")
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except ReadError:
        raise
    except PasswordError:
        raise read_problem(file, "the workbook is password-protected; save it unprotected", code="encrypted") from None
    except (CalamineError, IndexError, ValueError) as exc:
        raise read_problem(file, f"the workbook cannot be read: {exc}", code="file-type") from None
    return cases_from_rows(rows, file=file, sheet=name, mapping=mapping)
