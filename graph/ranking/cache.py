"""Where the ranking keeps derived data that is slow to make, between processes (set by `api` from its settings).

Nothing is kept on disk until a folder is set: library use and tests compute everything in
the process. The data is derived, keyed by what it is made from, and safe to delete.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["cache_dir", "use_cache_dir"]

_FOLDER: list[Path | None] = [None]


def use_cache_dir(folder: Path | None) -> None:
    """Keep derived data in `folder` from now on (None: keep nothing on disk)."""
    _FOLDER[0] = folder


def cache_dir() -> Path | None:
    """The folder derived data is kept in, or None."""
    return _FOLDER[0]
