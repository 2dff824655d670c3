"""Hostile and broken case files: each gets a clear problem naming file, field and line, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.backends.embedded import EmbeddedStore
from graph.model import NodeType
from ingest.readers.documents import MAX_FILE_BYTES
from ingest.report import IngestReport
from ingest.run import ingest_paths
from tests.ingest.conftest import case_yaml

Write = Callable[[str, str | bytes], Path]


def ingest_rejected(store: EmbeddedStore, *paths: Path) -> IngestReport:
    """Ingest, and check that it was rejected and left the store untouched."""
    report = ingest_paths(store, list(paths))
    assert not report.ok
    assert not report.written
    assert store.revision() == 0
    assert list(store.find(NodeType.CASE)) == []
    return report


def only_problem(report: IngestReport) -> str:
    assert len(report.problems) == 1, report.problems
    return str(report.problems[0])


def test_malformed_yaml_names_the_file_and_line(store: EmbeddedStore, write: Write) -> None:
    path = write("bad.yaml", "cases:\n" + case_yaml("se-a") + "  - id: se-b\n    title: [unclosed\n")
    message = only_problem(ingest_rejected(store, path))
    assert message.startswith(f"{path}:")
    assert "malformed YAML" in message
    assert report_line(message) >= 12


def report_line(message: str) -> int:
    return int(message.split(":")[1])


def test_wrong_types_are_listed_with_field_paths(store: EmbeddedStore, write: Write) -> None:
    path = write(
        "types.yaml",
        "cases:\n"
        "  - id: se-a\n    title: A\n    language: sv\n    year: nineteen\n"
        "    organisations: [{name: SKR, role: boss}]\n    methods: tjänstedesign\n",
    )
    report = ingest_rejected(store, path)
    found = {(p.path, p.line) for p in report.problems}
    assert ("cases[0].year", 5) in found
    assert ("cases[0].organisations[0].role", 6) in found
    assert ("cases[0].methods", 7) in found
    assert report.rejected_cases == ["se-a"]


def test_unknown_key_gets_a_did_you_mean(store: EmbeddedStore, write: Write) -> None:
    path = write("typo.yaml", "cases:\n  - id: se-a\n    title: A\n    language: sv\n    sumary: Text\n")
    message = only_problem(ingest_rejected(store, path))
    assert message == f"{path}:5: cases[0].sumary: unknown field 'sumary'; did you mean 'summary'?"


def test_duplicate_ids_across_files_name_both_files(store: EmbeddedStore, write: Write) -> None:
    first = write("a.yaml", "cases:\n" + case_yaml("se-same"))
    second = write("b.yaml", "cases:\n" + case_yaml("se-other") + case_yaml("se-same"))
    message = only_problem(ingest_rejected(store, first, second))
    assert message.startswith(f"{second}:")
    assert f"first in {first}:2" in message


def test_cp1252_text_gets_a_clear_message(store: EmbeddedStore, write: Write) -> None:
    text = "cases:\n" + case_yaml("se-a", "Skolnärvaro för nyanlända i Ängelholm")
    path = write("ansi.yaml", text.encode("cp1252"))
    message = only_problem(ingest_rejected(store, path))
    assert "not UTF-8" in message and "Windows-1252" in message and "Skolnärvaro" in message


def test_empty_file(store: EmbeddedStore, write: Write) -> None:
    path = write("empty.yaml", "\n  \n")
    assert "empty" in only_problem(ingest_rejected(store, path))


def test_file_without_cases(store: EmbeddedStore, write: Write) -> None:
    path = write("nocases.yaml", "kases: []\n")
    assert "expected a top-level `cases:` list" in only_problem(ingest_rejected(store, path))


def test_a_50_mb_file_is_refused_before_parsing(store: EmbeddedStore, write: Write) -> None:
    chunk = case_yaml("se-x") * 100
    path = write("huge.yaml", "cases:\n" + chunk * (50 * 1024 * 1024 // len(chunk) + 1))
    assert path.stat().st_size > 50 * 1024 * 1024 > MAX_FILE_BYTES
    message = only_problem(ingest_rejected(store, path))
    assert "the limit is 16 MiB" in message and "Split it" in message


def test_deeply_nested_yaml(store: EmbeddedStore, write: Write) -> None:
    path = write("deep.yaml", "cases:\n" + "  - id: se-a\n    title: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in only_problem(ingest_rejected(store, path))


def test_alias_bomb(store: EmbeddedStore, write: Write) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]" for i in range(1, 9)]
    path = write("bomb.yaml", "\n".join(lines) + "\ncases: *a8\n")
    report = ingest_rejected(store, path)
    assert "expands to too many" in only_problem(report)
    assert report.problems[0].code == "expansion"


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!custom {{x: 1}}",
        "!!binary aGVsbG8=",
    ],
)
def test_yaml_tags_build_nothing(store: EmbeddedStore, write: Write, tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    path = write("tags.yaml", "cases:\n  - id: se-a\n    title: " + tag.format(marker=marker) + "\n    language: sv\n")
    message = only_problem(ingest_rejected(store, path))
    assert "is not allowed" in message and ":3:" in message
    assert not marker.exists()


def test_norway_problem_unquoted_no_is_norway(store: EmbeddedStore, write: Write) -> None:
    path = write("no.yaml", "cases:\n  - id: no-a\n    title: A\n    language: nb\n    country: NO\n    year: 2020\n")
    report = ingest_paths(store, [path])
    assert report.ok, report.problems
    assert store.get("no-a").props["country"] == "NO"  # type: ignore[union-attr]


def test_norway_problem_boolean_country_gets_a_hint(store: EmbeddedStore, write: Write) -> None:
    data = {"cases": [{"id": "no-a", "title": "A", "language": "nb", "country": False}]}
    path = write("no.json", json.dumps(data))
    message = only_problem(ingest_rejected(store, path))
    assert 'write country: "NO"' in message


def test_huge_values_are_refused_per_field(store: EmbeddedStore, write: Write) -> None:
    path = write(
        "long.yaml",
        "cases:\n  - id: se-a\n    title: " + "x" * 400 + "\n    language: sv\n    methods: [" + ", ".join(["m"] * 300) + "]\n",
    )
    report = ingest_rejected(store, path)
    messages = {p.path: p.message for p in report.problems}
    assert messages["cases[0].title"] == "is too long: 400 characters where at most 300 are allowed"
    assert messages["cases[0].methods"] == "has too many items: at most 200 are allowed"


def test_control_characters_and_bad_ids(store: EmbeddedStore, write: Write) -> None:
    data = {"cases": [{"id": "Se A/../x", "title": "A\u0000B", "language": "xx"}]}
    path = write("bad.json", json.dumps(data))
    messages = {p.path: p.message for p in ingest_rejected(store, path).problems}
    assert "not a valid case id" in messages["cases[0].id"]
    assert messages["cases[0].title"] == "text may not contain control characters"
    assert messages["cases[0].language"].startswith("must be 'sv', 'nb', 'nn', 'da' or 'en'")


def test_one_bad_file_among_good_ones_writes_nothing(store: EmbeddedStore, write: Write) -> None:
    good = write("good.yaml", "cases:\n" + case_yaml("se-a"))
    bad = write("bad.yaml", b"cases:\n  - id: se-b\n    title: \xff\xfe\n")
    report = ingest_rejected(store, good, bad)
    assert [p.file for p in report.problems] == [str(bad)]


def test_partial_loads_the_valid_cases_and_lists_the_rejected(store: EmbeddedStore, write: Write) -> None:
    good = write("good.yaml", "cases:\n" + case_yaml("se-a") + "  - id: se-b\n    title: B\n    language: xx\n")
    report = ingest_paths(store, [good], partial=True)
    assert report.written and not report.ok
    assert report.rejected_cases == ["se-b"]
    assert [n.id for n in store.find(NodeType.CASE)] == ["se-a"]


def test_related_case_must_exist(store: EmbeddedStore, write: Write) -> None:
    path = write("rel.yaml", "cases:\n  - id: se-a\n    title: A\n    language: sv\n    related: [{id: se-missing}]\n")
    message = only_problem(ingest_rejected(store, path))
    assert "no case has the id 'se-missing'" in message and "cases[0].related[0].id" in message


def test_partial_never_writes_a_rejected_case_nor_cases_relating_to_it(store: EmbeddedStore, write: Write) -> None:
    path = write(
        "rel.yaml",
        "cases:\n"
        + case_yaml("se-a")
        + "  - id: se-b\n    title: B\n    language: sv\n    organisations: [Ny organisation]\n    year: 1800\n"
        + "  - id: se-c\n    title: C\n    language: sv\n    related: [{id: se-b}]\n",
    )
    report = ingest_paths(store, [path], partial=True)
    assert report.written
    assert sorted(report.rejected_cases) == ["se-b", "se-c"]
    assert [n.id for n in store.find(NodeType.CASE)] == ["se-a"]
