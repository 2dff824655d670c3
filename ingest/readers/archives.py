"""Checks for zip-based formats (xlsx, ods, docx) before any parser opens them.

Members are checked first (total unpacked size and packing ratio), so a small file
cannot unpack to gigabytes in memory; encrypted Office files (OLE containers) are named.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.readers.base import MAX_FILE_BYTES, read_problem

__all__ = ["MAX_RATIO", "MAX_UNPACKED_BYTES", "ZIP_MAGIC", "check_archive"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
"""An archive may unpack to at most this much XML (a 10,000-row sheet unpacks to a few MiB)."""
MAX_RATIO = 200
"""A member packed more than this tightly is a zip bomb (real sheets and documents pack 5-30 times)."""


def check_archive(path: Path, *, kind: str) -> None:
    """Refuse an archive that is too large, encrypted (an OLE container), damaged or a zip bomb."""
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
                file, f"the {kind} is encrypted (password-protected) or in the old binary format; save it unprotected",
                code="encrypted",
            )
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise read_problem(file, f"the {kind} is damaged (not a readable zip archive)", code="file-type") from None
    except OSError as exc:
        raise read_problem(file, f"cannot read the file: {exc.strerror}") from exc
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise read_problem(
            file, f"the {kind} unpacks to {unpacked / 1024 / 1024:.0f} MiB; the limit is "
            f"{MAX_UNPACKED_BYTES / 1024 / 1024:.0f} MiB (a zip bomb?)", code="too-large",
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise read_problem(
                file, f"{member.filename} unpacks {member.file_size // max(member.compress_size, 1)} times its packed "
                f"size; that is a zip bomb, not a {kind}", code="too-large",
            )
