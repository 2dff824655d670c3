"""Every reason of the evaluation runs reads as the planner's and the cases' own words: no stems, no stop words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from graph.backends.embedded import EmbeddedStore
from graph.ranking import ReasonKind, prior_work
from graph.ranking.documents import sentences
from graph.ranking.embedding import default_embedder
from graph.ranking.language import LANGUAGES, detect_language, is_stop_word, rarity
from graph.ranking.source import source_for
from graph.ranking.words import REASON_WORD_WEIGHT
from ingest.run import ingest_paths
from ingest.vocabulary import DATA_DIR
from tests.conftest import embed

EVAL_FILES = [DATA_DIR / "eval" / name for name in ("dev.yaml", "extra.yaml", "domains.yaml")]
QUERIES = [query for path in EVAL_FILES for query in yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(tmp_path_factory.mktemp("reasons") / "eval.db") as store:
        assert ingest_paths(store, EVAL_FILES).ok
        embed(store)
        yield store


@pytest.mark.slow
def test_no_reason_of_the_evaluation_shows_a_stem_or_a_stop_word(graded: EmbeddedStore) -> None:
    source = source_for(graded, default_embedder())
    seen = 0
    for query in QUERIES:
        problem = query["problem"]
        written = set(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", problem))
        parts = set(sentences(problem)) | {problem.strip()}
        found = prior_work(graded, problem, top=10, lang=query["language"])
        for hit in found.hits:
            doc = source.documents([hit.case.id])[hit.case.id]
            for reason in hit.reasons:
                seen += 1
                if reason.kind is ReasonKind.SENTENCE:
                    assert reason.label in {p.text for p in doc.passages} and reason.problem_part in parts
                elif reason.kind is ReasonKind.WORDS:
                    for word in reason.label.split(", "):
                        assert word in written, (query["id"], word)
                        lower = word.casefold()
                        assert not any(is_stop_word(lower, lang) for lang in LANGUAGES), (query["id"], word)
                        assert rarity(lower, detect_language(problem)) >= REASON_WORD_WEIGHT, (query["id"], word)
                elif reason.kind is ReasonKind.TITLE:
                    assert reason.label == hit.case.label
                else:
                    node = source.node(reason.node_id or "")
                    assert node is not None and reason.label == node.label_in(query["language"])
    assert seen > 10 * len(QUERIES)
