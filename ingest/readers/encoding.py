"""Decode the bytes of a text file: UTF-8 (with or without BOM); say clearly what anything else looks like.

UTF-16 is recognised with or without a byte-order mark (mostly-Latin text in UTF-16
has a NUL byte in every other position). Windows-1252 (cp1252, what Nordic Excel
writes as "CSV") is refused for case files and decoded with a notice for sheets.

Examples
--------
>>> decode("år".encode("utf-8-sig"), "a.yaml")
('år', None)
>>> decode("år;ö".encode("cp1252"), "a.csv", allow_cp1252=True)[1]
'the file is Windows-1252 (cp1252), not UTF-8; read as cp1252'
>>> utf16_order("cases".encode("utf-16-le"))
'little-endian'
"""

from __future__ import annotations

from ingest.readers.base import read_problem

__all__ = ["decode", "utf16_order"]

_SAMPLE = 4096


def utf16_order(raw: bytes) -> str | None:
    """'little-endian' or 'big-endian' when the bytes look like UTF-16 without (or with) a BOM, else None."""
    if raw.startswith(b"\xff\xfe"):
        return "little-endian"
    if raw.startswith(b"\xfe\xff"):
        return "big-endian"
    sample = raw[:_SAMPLE]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sum(1 for byte in sample[0 : 2 * pairs : 2] if byte == 0)
    odd = sum(1 for byte in sample[1 : 2 * pairs : 2] if byte == 0)
    if odd >= 0.6 * pairs and even <= 0.05 * pairs:
        return "little-endian"
    if even >= 0.6 * pairs and odd <= 0.05 * pairs:
        return "big-endian"
    return None


def decode(raw: bytes, file: str, *, allow_cp1252: bool = False) -> tuple[str, str | None]:
    """The text of `raw` and a notice when it was not UTF-8; `ReadError` when it cannot be read as text."""
    order = utf16_order(raw)
    if order:
        bom = "with" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "without"
        raise read_problem(
            file, f"the file is UTF-16 ({order}, {bom} a byte-order mark); save it as UTF-8", code="encoding"
        )
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            guess = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise read_problem(file, f"the file is not UTF-8 (byte {exc.start})", line=line, code="encoding") from None
        if allow_cp1252:
            return guess, "the file is Windows-1252 (cp1252), not UTF-8; read as cp1252"
        lines = guess.splitlines()
        text_line = lines[line - 1] if len(lines) >= line else ""
        raise read_problem(
            file,
            f"the file is not UTF-8; it looks like Windows-1252 (cp1252) text such as {text_line.strip()[:60]!r}. "
            "Save it as UTF-8 and ingest it again",
            line=line,
            code="encoding",
        ) from None
