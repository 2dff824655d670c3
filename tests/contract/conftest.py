"""The contract suite runs against every backend and the embedded store opened lazily."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BACKENDS, LAZY, empty_store_location


@pytest.fixture(params=[BACKENDS[0], LAZY, *BACKENDS[1:]])
def backend(request: pytest.FixtureRequest) -> str:
    """embedded, embedded-lazy or neo4j."""
    return str(request.param)


@pytest.fixture
def store_location(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> str:
    """The location of an empty store of each backend."""
    return empty_store_location(request, tmp_path, backend)


@pytest.fixture
def store_is_lazy(backend: str) -> bool:
    """Whether `open_at` opens the embedded store lazily."""
    return backend == LAZY
