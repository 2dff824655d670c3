"""The folded lemma and the weight of every word the ranking has read, kept between processes.

Reading one word costs simplemma a whole decoded dictionary of its language (about 0.7 s on
first use in a process) and wordfreq a frequency list, so a cold process whose candidates are
written in five languages paid seconds before it answered. What a word becomes depends only on
the word, its language and the versions of those libraries, so it is kept in the cache folder
(`graph.ranking.cache`) in an SQLite file named by those versions: a later process reads the
words it meets from there, and loads a dictionary only for words no process has read yet.

Concurrent processes share the file: SQLite's WAL lets readers read while one writes, and a row
is the same whoever writes it (`INSERT OR IGNORE`). A file that cannot be opened, read or written
only costs the lemmatising again.

Examples
--------
>>> import pathlib, tempfile
>>> kept = Lexicon(pathlib.Path(tempfile.mkdtemp()) / "words.sqlite")
>>> kept.write("sv", {"skolor": ("skola", 0.4)})
>>> kept.read("sv", ["skolor", "elever"]), kept.read("nb", ["skolor"])
({'skolor': ('skola', 0.4)}, {})
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Collection, Mapping
from importlib import metadata
from pathlib import Path

from graph.ranking.cache import cache_dir

__all__ = ["Lexicon", "lexicon"]

log = logging.getLogger(__name__)

_FORMAT = 1
"""Raised when what a row holds changes (the folding of lemmas, the weight's scale)."""
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS words (lang TEXT NOT NULL, word TEXT NOT NULL, key TEXT NOT NULL, "
    "weight REAL NOT NULL, PRIMARY KEY (lang, word)) WITHOUT ROWID"
)


class Lexicon:
    """Words by language with their folded lemma and weight, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._is_broken = False

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None and not self._is_broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute(_SCHEMA)
                self._conn = conn
            except (sqlite3.Error, OSError) as exc:  # a read-only home only costs the lemmatising
                log.info("cannot keep the lexicon in %s: %s", self.path, exc)
                self._is_broken = True
        return self._conn

    def read(self, lang: str, words: Collection[str]) -> dict[str, tuple[str, float]]:
        """The (key, weight) of those of `words` that were kept for `lang`."""
        if not words:
            return {}
        with self._lock:
            db = self._db()
            if db is None:
                return {}
            try:
                rows = db.execute(
                    "SELECT word, key, weight FROM words WHERE lang = ? AND word IN (SELECT value FROM json_each(?))",
                    (lang, json.dumps(list(words), ensure_ascii=False)),
                ).fetchall()
            except sqlite3.Error as exc:
                log.info("cannot read the lexicon %s: %s", self.path, exc)
                return {}
        return {word: (key, weight) for word, key, weight in rows}

    def write(self, lang: str, found: Mapping[str, tuple[str, float]]) -> None:
        """Keep the (key, weight) of these words of `lang` (rows already kept stay as they are)."""
        if not found:
            return
        with self._lock:
            db = self._db()
            if db is None:
                return
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany(
                        "INSERT OR IGNORE INTO words (lang, word, key, weight) VALUES (?, ?, ?, ?)",
                        [(lang, word, key, weight) for word, (key, weight) in found.items()],
                    )
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:  # busy beyond the timeout, or a full disk: the next reader lemmatises
                log.info("cannot write the lexicon %s: %s", self.path, exc)


def _file_name() -> str:
    versions = [metadata.version(package) for package in ("simplemma", "wordfreq")]
    digest = hashlib.sha256(json.dumps([_FORMAT, versions]).encode()).hexdigest()[:16]
    return f"lexicon-{digest}.sqlite"


_LEXICONS: dict[Path, Lexicon] = {}
_LEXICONS_LOCK = threading.Lock()


def lexicon() -> Lexicon | None:
    """The lexicon in the cache folder (one per folder in a process), or None when no folder is set."""
    folder = cache_dir()
    if folder is None:
        return None
    with _LEXICONS_LOCK:
        found = _LEXICONS.get(folder)
        if found is None:
            found = _LEXICONS[folder] = Lexicon(folder / _file_name())
        return found
