"""Read case files (YAML or JSON) safely, keeping the line of every value.

The YAML reader composes the document into nodes and builds plain Python values
itself, so no tag can construct an object. Booleans follow YAML 1.2 (`true` and
`false` only): an unquoted `country: NO` stays the string "NO" (the "Norway
problem" of YAML 1.1). Duplicate keys, non-standard tags, deep nesting, alias
bombs, oversized files and non-UTF-8 text are refused with a clear message.

Examples
--------
>>> doc = parse_text("cases:\\n  - id: a\\n    country: NO\\n    year: 2013\\n", "x.yaml")
>>> doc.data
{'cases': [{'id': 'a', 'country': 'NO', 'year': 2013}]}
>>> doc.line_of(("cases", 0, "year"))
4
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest.report import Problem

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "Document", "ReadError", "parse_text", "read_document"]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger files are refused; split them (a case file of 16 MiB holds tens of thousands of cases)."""
MAX_DEPTH = 32
"""Case files nest four levels deep; anything past this is refused."""
MAX_VALUES = 2_000_000
"""Upper bound on values after expanding YAML aliases (stops "billion laughs" documents)."""

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}

Path_ = tuple[str | int, ...]


class ReadError(Exception):
    """A file cannot be read at all; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(slots=True)
class Document:
    """A parsed file: its data and the line (1-based) of each value, by path."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's C parser and composer (nodes still carry their marks) when PyYAML was built with it:
pure-Python composing was three quarters of the time of a large ingest."""


class _Yaml12Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """Safe loader whose booleans are YAML 1.2's: only true/false in their usual cases."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


def _problem(file: str, message: str, *, line: int | None = None, code: str = "unreadable") -> ReadError:
    return ReadError(Problem(file=file, path="", line=line, code=code, message=message))


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is dropped); other encodings get a message saying what they look like."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _problem(file, "the file is UTF-16; save it as UTF-8", code="encoding")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            guess = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise _problem(file, f"the file is not UTF-8 (byte {exc.start})", line=line, code="encoding") from None
        text_line = guess.splitlines()[line - 1] if guess.splitlines() else ""
        raise _problem(
            file,
            f"the file is not UTF-8; it looks like Windows-1252 (cp1252) text such as {text_line.strip()[:60]!r}. "
            "Save it as UTF-8 and ingest it again",
            line=line,
            code="encoding",
        ) from None


def read_document(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse one case file; raise `ReadError` naming the file when that is impossible."""
    file = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise _problem(file, f"unknown file type {path.suffix!r}; use .yaml, .yml or .json", code="file-type")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _problem(
                file,
                f"the file is {size / 1024 / 1024:.1f} MiB; the limit is {max_bytes / 1024 / 1024:.0f} MiB. "
                "Split it into several files",
                code="too-large",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _problem(file, f"cannot read the file: {exc.strerror}") from exc
    return parse_text(_decode(raw, file), file, kind=kind)


def parse_text(text: str, file: str, *, kind: str = "yaml") -> Document:
    """Parse YAML or JSON text into a `Document`; raise `ReadError` on malformed input."""
    if not text.strip():
        raise _problem(file, "the file is empty", code="empty")
    if kind == "json":
        return _parse_json(text, file)
    try:
        root = yaml.compose(text, Loader=_Yaml12Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        if "maximum nesting depth" in str(exc.problem):
            raise _problem(file, f"the YAML is nested too deeply (limit {MAX_DEPTH} levels)", line=line, code="too-deep") from None
        raise _problem(file, f"malformed YAML: {exc.problem or exc.context}", line=line, code="syntax") from None
    except yaml.YAMLError as exc:
        raise _problem(file, f"malformed YAML: {exc}", code="syntax") from None
    except RecursionError:
        raise _problem(file, f"the YAML is nested too deeply (limit {MAX_DEPTH} levels)", code="too-deep") from None
    if root is None:
        raise _problem(file, "the file holds no data", code="empty")
    document = Document(file=file, data=None)
    document.data = _Builder(document).build(root, (), 0)
    return document


class _Builder:
    """Turns composed YAML nodes into plain values, recording lines and enforcing limits."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.values = 0

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        file = self.document.file
        line = node.start_mark.line + 1
        self.document.lines.setdefault(path, line)
        self.values += 1
        if self.values > MAX_VALUES:
            raise _problem(file, "the document expands to too many values (YAML aliases?)", line=line, code="too-large")
        if depth > MAX_DEPTH:
            raise _problem(file, f"the YAML is nested too deeply (limit {MAX_DEPTH} levels)", line=line, code="too-deep")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self._bad_tag(node)
            return [self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            raise self._bad_tag(node)
        return self._scalar(node, str(node.value))

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise self._bad_tag(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise _problem(
                    self.document.file,
                    "mapping keys must be plain words (merge keys and complex keys are not supported)",
                    line=key_node.start_mark.line + 1,
                    code="syntax",
                )
            key = str(key_node.value)
            if key in result:
                raise _problem(
                    self.document.file,
                    f"the key {key!r} appears twice in the same mapping",
                    line=key_node.start_mark.line + 1,
                    code="duplicate-key",
                )
            result[key] = self.build(value_node, (*path, key), depth + 1)
            self.document.lines[(*path, key)] = key_node.start_mark.line + 1
        return result

    @staticmethod
    def _scalar(node: yaml.ScalarNode, value: str) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":
            return value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            try:
                return int(value.replace("_", ""), 0)
            except ValueError:
                return value
        if tag == "tag:yaml.org,2002:float":
            try:
                return float(value.replace("_", ""))
            except ValueError:
                return value
        return _timestamp(value)

    def _bad_tag(self, node: yaml.Node) -> ReadError:
        return _problem(
            self.document.file,
            f"the YAML tag {node.tag!r} is not allowed; case files hold plain text, numbers and lists",
            line=node.start_mark.line + 1,
            code="tag",
        )


def _timestamp(value: str) -> str:
    """An unquoted date stays text in ISO form (`2017-10-05`)."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return value


def _parse_json(text: str, file: str) -> Document:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ValueError(f"the key {key!r} appears twice in the same object")
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise _problem(file, f"malformed JSON: {exc.msg}", line=exc.lineno, code="syntax") from None
    except ValueError as exc:
        raise _problem(file, str(exc), code="duplicate-key") from None
    except RecursionError:
        raise _problem(file, "the JSON is nested too deeply", code="too-deep") from None
    if _depth(data) > MAX_DEPTH:
        raise _problem(file, f"the JSON is nested too deeply (limit {MAX_DEPTH} levels)", code="too-deep")
    return Document(file=file, data=data)


def _depth(value: Any) -> int:
    stack = [(value, 0)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest
