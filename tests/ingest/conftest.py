"""Fixtures for ingest tests: an empty embedded store and a helper to write case files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graph.backends.embedded import EmbeddedStore

CASE = """\
  - id: {id}
    title: {title}
    language: sv
    country: SE
    organisations:
      - {{name: "Sveriges Kommuner och Landsting (SKL)", type: association, role: owner}}
    methods: [tjänstedesign, intervjuer]
    target_groups: [elever]
    needs: ["Eleverna behöver veta vad utbildningarna leder till"]
    topics: [utdanning]
"""


def case_yaml(case_id: str, title: str = "Ett fall") -> str:
    """One valid case as a YAML list item."""
    return CASE.format(id=case_id, title=title)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """An empty embedded store."""
    with EmbeddedStore(tmp_path / "store.db") as opened:
        yield opened


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file under tmp_path/files and return its path."""

    def writer(name: str, content: str | bytes) -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return writer
