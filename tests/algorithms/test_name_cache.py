"""The name index is kept between processes: read back from the cache it names the same concepts, and a
damaged or unwritable cache only costs the work again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from graph.model import Node, NodeType
from graph.ranking import concepts
from graph.ranking.cache import use_cache_dir
from graph.ranking.concepts import name_index
from graph.ranking.source import ConceptCatalogue


def _catalogue() -> ConceptCatalogue:
    nodes = (
        Node("target-group:foster-children", NodeType.TARGET_GROUP, {"name": "Children in foster care",
             "label_sv": "Familjehemsplacerade barn", "label_nb": "Fosterbarn", "aliases": ["barn i fosterhjem"]}),
        Node("method:interviews", NodeType.METHOD, {"name": "Interviews", "label_sv": "Intervjuer", "label_nb": "Intervjuer"}),
    )
    return ConceptCatalogue(nodes, np.zeros((2, 4), dtype=np.float32), {node.id: i for i, node in enumerate(nodes)})


@pytest.fixture(autouse=True)
def no_cache_afterwards() -> Iterator[None]:
    yield
    use_cache_dir(None)


def test_a_second_process_reads_the_index_it_would_have_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_cache_dir(tmp_path)
    built = name_index(_catalogue())
    [kept] = tmp_path.glob("names-*.json")
    monkeypatch.setattr(concepts, "_build", lambda names: pytest.fail("built again although the cache holds it"))
    read = name_index(_catalogue())  # a new catalogue object: what a new process has
    assert read.by_key == built.by_key and kept.stat().st_size > 0
    assert read.named_in(frozenset({"fosterbarn"})) == {"target-group:foster-children"}


def test_a_damaged_or_unwritable_cache_is_built_again(tmp_path: Path) -> None:
    use_cache_dir(tmp_path)
    built = name_index(_catalogue())
    [kept] = tmp_path.glob("names-*.json")
    kept.write_text("{not json", encoding="utf-8")
    assert name_index(_catalogue()).by_key == built.by_key
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    use_cache_dir(blocked / "below-a-file")
    assert name_index(_catalogue()).by_key == built.by_key
