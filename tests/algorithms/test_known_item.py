"""Known-item search is a property of the scoring: a case's exact title as the problem brings that case first."""

from __future__ import annotations

from pathlib import Path

from graph.backends.embedded import EmbeddedStore
from graph.ranking import ReasonKind, prior_work
from ingest.generate import generate_cases
from ingest.readers.documents import Document
from ingest.run import ingest_documents

GENERATED = 80
"""Enough look-alike titles (the generator combines a few groups and topics) to fail a ranking without the title signal."""


def test_every_case_is_first_for_its_own_title(tmp_path: Path) -> None:
    cases = generate_cases(GENERATED, seed=7)
    with EmbeddedStore(tmp_path / "k.db") as store:
        assert ingest_documents(store, [Document(file="generated", data={"cases": cases})]).ok
        for case in cases:
            found = prior_work(store, case["title"], top=3)
            assert found.hits[0].case.id == case["id"], case["title"]
            assert any(reason.kind is ReasonKind.TITLE for reason in found.hits[0].reasons)
