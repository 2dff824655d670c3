"""Bearer JWTs from a real OpenID Connect provider: signature, issuer, audience and expiry checked, groups mapped.

The provider is mock-oauth2-server on 127.0.0.1 (`oidc_provider`); its tokens carry
the claims of `tests.conftest.PRINCIPALS`.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from api.settings import Settings
from graph.backends import open_store
from tests.api.conftest import CASES, WRITE_KEY, Api, case_input, make_settings
from tests.conftest import oidc_settings
from tests.oidc_local import SHORT_LIVED_ISSUER_ID, LocalOidc

PRIOR = "query($p: String!) { priorWork(problem: $p, first: 3) { edges { node { case { key } } } } }"
PROBLEM = {"p": "Elevene trenger hjelp til å velge utdanningsprogram"}
UPSERT = "mutation($input: UpsertCasesInput!) { upsertCases(input: $input) { ... on UpsertCasesSuccess { created } } }"
PROPOSE = (
    "mutation($text: String!) { proposeNeed(input: {text: $text, confirm: true, first: 0}) "
    "{ created need { key } } }"
)


@pytest.fixture
def server(
    writable_dataset: Path, oidc_provider: LocalOidc, serve: Callable[[Settings], Api]
) -> Callable[..., Api]:
    """Start a server that takes the provider's tokens (and the test keys), with more settings as given."""

    def start(issuer: str | None = None, clock_skew_seconds: int = 60, **overrides: object) -> Api:
        oidc = oidc_settings(issuer or oidc_provider.issuer, clock_skew_seconds=clock_skew_seconds)
        return serve(make_settings(writable_dataset, oidc=oidc, **overrides))

    return start


def _case(case_id: str) -> dict[str, object]:
    return case_input({**CASES[1], "id": case_id, "related": []})


def test_reader_token_reads_when_reads_need_identity(server: Callable[..., Api], oidc_provider: LocalOidc) -> None:
    api = server(require_key_for_reads=True)
    assert api.error(PRIOR, PROBLEM)["extensions"]["code"] == "UNAUTHENTICATED"
    hits = api.data(PRIOR, PROBLEM, key=oidc_provider.token("reader"))["priorWork"]["edges"]
    assert hits[0]["node"]["case"]["key"] == "no-trondelag-karriereveiledning"


def test_token_without_a_mapped_group_is_forbidden(server: Callable[..., Api], oidc_provider: LocalOidc) -> None:
    api = server(require_key_for_reads=True)
    error = api.error(PRIOR, PROBLEM, key=oidc_provider.token("norole"))
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "svc-norole has no group or role that grants read" in error["message"]


def test_reader_may_not_write_and_nothing_is_written(
    server: Callable[..., Api], oidc_provider: LocalOidc, writable_dataset: Path
) -> None:
    api = server()
    error = api.error(UPSERT, {"input": {"cases": [_case("dk-reader-attempt")]}}, key=oidc_provider.token("reader"))
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "svc-reader has read scope; this needs write" in error["message"]
    with open_store(writable_dataset) as store:
        assert store.get("dk-reader-attempt") is None


def test_writes_record_the_person_or_the_key(
    server: Callable[..., Api], oidc_provider: LocalOidc, writable_dataset: Path
) -> None:
    api = server()
    writer = oidc_provider.token("writer")
    assert api.data(UPSERT, {"input": {"cases": [_case("dk-by-person")]}}, key=writer)["upsertCases"]["created"]
    assert api.data(UPSERT, {"input": {"cases": [_case("dk-by-key")]}}, key=WRITE_KEY)["upsertCases"]["created"]
    proposed = api.data(PROPOSE, {"text": "Pårørende trenger én kontaktperson"}, key=oidc_provider.token("proposer"))
    assert proposed["proposeNeed"]["created"] is True
    with open_store(writable_dataset) as store:
        by_person, by_key = store.get("dk-by-person"), store.get("dk-by-key")
        need = store.get(proposed["proposeNeed"]["need"]["key"])
    assert by_person is not None and by_person.props["written_by"] == "person:svc-curator"
    assert by_key is not None and by_key.props["written_by"] == "key:curator"
    assert need is not None and need.props["proposed_by"] == "person:svc-intake"


def test_proposer_may_propose_but_not_write(server: Callable[..., Api], oidc_provider: LocalOidc) -> None:
    api = server()
    proposer = oidc_provider.token("proposer")
    assert api.error(UPSERT, {"input": {"cases": [_case("dk-x")]}}, key=proposer)["extensions"]["code"] == "FORBIDDEN"


def _refused(api: Api, token: str) -> str:
    error = api.error(PRIOR, PROBLEM, key=token)
    assert error["extensions"]["code"] == "UNAUTHENTICATED", error
    message: str = error["message"]
    return message


def test_token_for_another_audience_is_refused(server: Callable[..., Api], oidc_provider: LocalOidc) -> None:
    assert "'aud'" in _refused(server(), oidc_provider.token("elsewhere"))


def test_token_of_another_issuer_is_refused(server: Callable[..., Api], oidc_provider: LocalOidc) -> None:
    assert "not valid" in _refused(server(), oidc_provider.token("writer", issuer_id="someone-else"))


def test_token_with_a_forged_payload_is_refused(server: Callable[..., Api], oidc_provider: LocalOidc) -> None:
    header, payload, signature = oidc_provider.token("reader").split(".")
    claims = _claims(f"{header}.{payload}.{signature}")
    claims["groups"] = ["behovsgraf-curators"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert "signature" in _refused(server(), f"{header}.{forged}.{signature}")


def test_unsigned_token_is_refused(server: Callable[..., Api], oidc_provider: LocalOidc) -> None:
    _, payload, _ = oidc_provider.token("writer").split(".")
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).decode().rstrip("=")
    _refused(server(), f"{header}.{payload}.")


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def test_expired_token_is_refused(server: Callable[..., Api], oidc_provider: LocalOidc) -> None:
    api = server(issuer=f"{oidc_provider.url}/{SHORT_LIVED_ISSUER_ID}", clock_skew_seconds=0)
    api.data(PRIOR, PROBLEM, key=oidc_provider.token("reader", issuer_id=SHORT_LIVED_ISSUER_ID))  # keys fetched
    token = oidc_provider.token("reader", issuer_id=SHORT_LIVED_ISSUER_ID)
    assert api.data(PRIOR, PROBLEM, key=token)["priorWork"]["edges"]
    time.sleep(max(0.0, _claims(token)["exp"] - time.time()) + 1.5)
    assert "expired" in _refused(api, token)
