"""Read YAML case files safely, keeping the line of every value and bounding what aliases expand to.

The YAML is composed into nodes and plain Python values are built from them here, so
no tag can construct an object. Booleans follow YAML 1.2 (`true` and `false` only):
an unquoted `country: NO` stays the string "NO" (the "Norway problem" of YAML 1.1).
Duplicate keys, non-standard tags and deep nesting are refused. Aliases are counted
as they are expanded: the values and characters a document expands to are bounded by
its own size (`EXPANSION_FACTOR`) and absolutely, and the build stops at the first
value past a limit, so a small file cannot make the ingest build gigabytes.

Examples
--------
>>> doc = parse_yaml("cases:\\n  - id: a\\n    country: NO\\n    year: 2013\\n", "x.yaml")
>>> doc.data
{'cases': [{'id': 'a', 'country': 'NO', 'year': 2013}]}
>>> doc.line_of(("cases", 0, "year"))
4
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from ingest.readers.base import Document, Path_, ReadError, read_bytes, read_problem
from ingest.readers.encoding import decode

__all__ = ["EXPANSION_FACTOR", "MAX_CHARACTERS", "MAX_DEPTH", "MAX_VALUES", "parse_yaml", "read_yaml"]

MAX_DEPTH = 32
"""Case files nest four levels deep; anything past this is refused."""
MAX_VALUES = 2_000_000
"""Upper bound on values after expanding YAML aliases (stops "billion laughs" documents)."""
MAX_CHARACTERS = 32 * 1024 * 1024
"""Upper bound on the characters of keys and scalars after expanding aliases."""
EXPANSION_FACTOR = 8
"""A document may expand to at most this many times its own length (plus `_SLACK`), in values and characters."""
_SLACK = 1024 * 1024


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


def read_yaml(path: Path) -> Document:
    """Read and parse one YAML case file; `ReadError` naming the file when that is impossible."""
    text, _ = decode(read_bytes(path), str(path))
    return parse_yaml(text, str(path))


def _yaml_syntax(exc: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """The line to report and a message naming both marks the parser gives.

    The context mark is where the unfinished construct (a quote, a bracket) began, and
    is reported as the line; the problem mark is where the parser noticed.
    """
    context, problem = exc.context_mark, exc.problem_mark
    text = exc.problem or exc.context or "syntax error"
    if problem is not None:
        text += f" at line {problem.line + 1}, column {problem.column + 1}"
    if context is not None and exc.context:
        text += f", {exc.context} that starts at line {context.line + 1}, column {context.column + 1}"
    mark = context or problem
    return (mark.line + 1 if mark else None), text


def parse_yaml(text: str, file: str) -> Document:
    """Parse YAML text into a `Document`; raise `ReadError` on malformed or over-expanding input."""
    if not text.strip():
        raise read_problem(file, "the file is empty", code="empty")
    try:
        root = yaml.compose(text, Loader=_Yaml12Loader)
    except yaml.MarkedYAMLError as exc:
        line, message = _yaml_syntax(exc)
        if "maximum nesting depth" in str(exc.problem):
            raise read_problem(file, f"the YAML is nested too deeply (limit {MAX_DEPTH} levels)", line=line, code="too-deep") from None
        raise read_problem(file, f"malformed YAML: {message}", line=line, code="syntax") from None
    except yaml.YAMLError as exc:
        raise read_problem(file, f"malformed YAML: {exc}", code="syntax") from None
    except RecursionError:
        raise read_problem(file, f"the YAML is nested too deeply (limit {MAX_DEPTH} levels)", code="too-deep") from None
    if root is None:
        raise read_problem(file, "the file holds no data", code="empty")
    document = Document(file=file, data=None)
    budget = EXPANSION_FACTOR * len(text) + _SLACK
    document.data = _Builder(document, min(MAX_VALUES, budget), min(MAX_CHARACTERS, budget)).build(root, (), 0)
    return document


class _Builder:
    """Turns composed YAML nodes into plain values, recording lines and enforcing limits as it goes."""

    def __init__(self, document: Document, max_values: int, max_characters: int) -> None:
        self.document = document
        self.values = 0
        self.characters = 0
        self.max_values = max_values
        self.max_characters = max_characters

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        line = node.start_mark.line + 1
        self.document.lines.setdefault(path, line)
        self.values += 1
        if self.values > self.max_values:
            raise self._expanded(f"too many values (more than {self.max_values:,})", line)
        if depth > MAX_DEPTH:
            raise read_problem(
                self.document.file, f"the YAML is nested too deeply (limit {MAX_DEPTH} levels)", line=line, code="too-deep"
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self._bad_tag(node)
            return [self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            raise self._bad_tag(node)
        value = str(node.value)
        self._count(value, line)
        return self._scalar(node, value)

    def _count(self, text: str, line: int) -> None:
        self.characters += len(text)
        if self.characters > self.max_characters:
            raise self._expanded(f"too many characters (more than {self.max_characters:,})", line)

    def _expanded(self, what: str, line: int) -> ReadError:
        return read_problem(
            self.document.file,
            f"the document expands to {what} through YAML aliases; "
            f"a document may expand to at most {EXPANSION_FACTOR} times its own size",
            line=line,
            code="expansion",
        )

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise self._bad_tag(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise read_problem(
                    self.document.file,
                    "mapping keys must be plain words (merge keys and complex keys are not supported)",
                    line=key_node.start_mark.line + 1,
                    code="syntax",
                )
            key = str(key_node.value)
            self._count(key, key_node.start_mark.line + 1)
            if key in result:
                raise read_problem(
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
        return read_problem(
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
