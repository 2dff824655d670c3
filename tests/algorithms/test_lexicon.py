"""Words are kept between processes: read back from the lexicon they have the lemma and weight they would
have been read with, and a lexicon that cannot be kept only costs the reading again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.ranking import language
from graph.ranking.cache import use_cache_dir
from graph.ranking.language import terms
from graph.ranking.lexicon import Lexicon, lexicon

TEXT = "Snöröjningen av gångvägarna tar tid för kommunens entreprenörer"


@pytest.fixture(autouse=True)
def no_cache_afterwards() -> Iterator[None]:
    language._KNOWN.clear()  # words read by earlier tests never reached a lexicon
    yield
    use_cache_dir(None)
    language._KNOWN.clear()


def test_a_second_process_reads_the_words_it_would_have_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_cache_dir(tmp_path)
    read = terms(TEXT, "sv")
    [kept] = tmp_path.glob("lexicon-*.sqlite")
    language._KNOWN.clear()  # what a new process has
    monkeypatch.setattr(language, "_read_word", lambda lower, lang: pytest.fail(f"read {lower!r} again"))
    assert terms(TEXT, "sv") == read and kept.stat().st_size > 0


def test_words_are_kept_per_language(tmp_path: Path) -> None:
    kept = Lexicon(tmp_path / "words.sqlite")
    kept.write("sv", {"skolor": ("skola", 0.4)})
    kept.write("sv", {"skolor": ("other", 9.0)})
    assert kept.read("sv", ["skolor", "elever"]) == {"skolor": ("skola", 0.4)}
    assert kept.read("nb", ["skolor"]) == {}


def test_a_damaged_or_unwritable_lexicon_costs_only_the_reading(tmp_path: Path) -> None:
    expected = terms(TEXT, "sv")
    use_cache_dir(tmp_path)
    found = lexicon()
    assert found is not None
    found.path.write_bytes(b"not a database" * 100)
    language._KNOWN.clear()
    assert terms(TEXT, "sv") == expected
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    use_cache_dir(blocked / "below-a-file")
    language._KNOWN.clear()
    assert terms(TEXT, "sv") == expected
