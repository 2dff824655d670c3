"""The committed SDL is the schema the server runs."""

from __future__ import annotations

from pathlib import Path

from api.schema import build_schema
from tests.api.conftest import make_settings

SDL = Path(__file__).resolve().parents[2] / "api" / "schema.graphql"


def test_committed_schema_matches_the_code(tmp_path: Path) -> None:
    current = build_schema(make_settings(tmp_path / "unused.db")).as_str() + "\n"
    assert SDL.read_text(encoding="utf-8") == current, (
        "api/schema.graphql is stale: run `.venv/bin/python -m api.schema > api/schema.graphql`"
    )


def test_every_type_and_field_is_described() -> None:
    schema = build_schema(make_settings("unused.db"))._schema
    missing = [
        f"{name}.{field_name}"
        for name, graphql_type in schema.type_map.items()
        if not name.startswith("__") and hasattr(graphql_type, "fields")
        for field_name, field in graphql_type.fields.items()
        if not field.description
    ]
    undescribed_types = [
        name
        for name, graphql_type in schema.type_map.items()
        if not name.startswith("__")
        and name not in ("String", "Int", "Float", "Boolean", "ID")
        and not graphql_type.description
    ]
    arguments = [
        f"{name}.{field_name}({argument_name})"
        for name, graphql_type in schema.type_map.items()
        if not name.startswith("__") and hasattr(graphql_type, "fields")
        for field_name, field in graphql_type.fields.items()
        for argument_name, argument in getattr(field, "args", {}).items()
        if not argument.description
    ]
    assert missing == [] and undescribed_types == [] and arguments == []
