"""API keys: writes need write scope, reads can be made key-only, keys never leak."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.settings import Settings
from tests.api.conftest import KEYS, PROPOSE_KEY, READ_KEY, WRITE_KEY, Api, global_id, make_settings

DELETE = "mutation($id: ID!) { deleteNode(id: $id) { key } }"
UPSERT = 'mutation { upsertCases(input: {cases: [{id: "se-x", title: "X", language: "sv"}]}) { ... on UpsertCasesSuccess { created } } }'
MISSING = {"id": global_id("Case", "no-such-case")}


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ("not-a-configured-key-at-all-xx", "UNAUTHENTICATED"),
        (READ_KEY, "FORBIDDEN"),
        (PROPOSE_KEY, "FORBIDDEN"),
    ],
)
def test_writes_need_a_key_with_write_scope(api: Api, key: str | None, code: str) -> None:
    for query, variables in ((DELETE, MISSING), (UPSERT, None)):
        error = api.error(query, variables, key=key)
        assert error["extensions"]["code"] == code
        assert "write" in error["message"] or "not valid" in error["message"]


def test_a_write_key_passes_the_check(api: Api) -> None:
    error = api.error(DELETE, MISSING, key=WRITE_KEY)
    assert error["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("header", ["Basic d3JpdGU6a2V5", "Bearer", "Token " + WRITE_KEY])
def test_malformed_authorization_is_refused_even_for_reads(api: Api, header: str) -> None:
    response = api.post("{ stats { nodeTotal } }", headers={"Authorization": header})
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_reads_are_open_by_default(api: Api) -> None:
    assert api.data("{ stats { nodeTotal } }")["stats"]["nodeTotal"] > 0


def test_reads_can_require_a_key(serve: Callable[[Settings], Api], dataset: Path) -> None:
    closed = serve(make_settings(dataset, require_key_for_reads=True))
    for query in ("{ stats { nodeTotal } }", '{ priorWork(problem: "elever") { totalCount } }'):
        error = closed.error(query)
        assert error["extensions"]["code"] == "UNAUTHENTICATED" and "API key" in error["message"]
        assert closed.data(query, key=READ_KEY)
        assert closed.data(query, key=WRITE_KEY)
    assert closed.error("{ stats { nodeTotal } }", key="x" * 30)["extensions"]["code"] == "UNAUTHENTICATED"


def test_keys_appear_in_no_response_and_no_log(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = [
        api.post(query, variables, key=key).text
        for key in (READ_KEY, PROPOSE_KEY, WRITE_KEY, WRITE_KEY[:-1])
        for query, variables in ((DELETE, MISSING), ("{ stats { nodeTotal } }", None))
    ]
    secrets = [str(entry["key"]) for entry in KEYS]
    assert caplog.records
    for secret in secrets:
        assert secret not in caplog.text and secret[:-1] not in caplog.text
        assert all(secret not in body and secret[:-1] not in body for body in bodies)


@pytest.mark.parametrize(
    "keys",
    [
        [{"name": "short", "key": "guessable", "scope": "write"}],
        [{"name": "typo", "key": "x" * 30, "scope": "admin"}],
        [{"name": "extra", "key": "x" * 30, "scope": "read", "role": "write"}],
    ],
)
def test_settings_refuse_weak_or_unknown_keys(keys: list[dict[str, str]]) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, api_keys=keys)


def test_settings_read_keys_and_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "intake-9f3Kq7Lm2Xw8Rt5Vb1Nc"
    monkeypatch.setenv("BEHOVSGRAF_API_KEYS", '[{"name": "intake", "key": "%s", "scope": "propose"}]' % secret)
    monkeypatch.setenv("BEHOVSGRAF_CORS_ORIGINS", "https://intra.example.se, https://skjema.example.no")
    monkeypatch.setenv("BEHOVSGRAF_REQUIRE_KEY_FOR_READS", "true")
    settings = Settings(_env_file=None)
    assert [(key.name, key.scope.value) for key in settings.api_keys] == [("intake", "propose")]
    assert settings.cors_origins == ["https://intra.example.se", "https://skjema.example.no"]
    assert settings.require_key_for_reads is True
    assert secret not in repr(settings)


def test_a_server_without_keys_says_how_to_configure_one(
    serve: Callable[[Settings], Api], dataset: Path
) -> None:
    keyless = serve(make_settings(dataset, api_keys=[]))
    for key in (None, "a-key-this-server-never-heard-of"):
        error = keyless.error(UPSERT, key=key)
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert "This server has no API keys configured: set BEHOVSGRAF_API_KEYS" in error["message"]
        assert '"scope": "write"' in error["message"]


def test_a_server_with_keys_does_not_tell_how_to_configure_them(api: Api) -> None:
    error = api.error(UPSERT, key="a-key-this-server-never-heard-of")
    assert error["message"] == (
        "The API key is not valid. Send `Authorization: Bearer <key>` with a key configured on this server."
    )
