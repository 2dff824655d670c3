"""Read workbooks (.xlsx, .ods) with calamine, refusing zip bombs and encrypted files before opening them."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from ingest.readers.archives import ZIP_MAGIC, check_archive
from ingest.readers.base import Document, ReadError, read_problem
from ingest.readers.columns import cases_from_rows, read_mapping

__all__ = ["ZIP_MAGIC", "read_sheet"]

def read_sheet(path: Path) -> Document:
    """Read the cases of a workbook's sheet (the mapping's `sheet`, else the first)."""
    file = str(path)
    check_archive(path, kind="workbook")
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
