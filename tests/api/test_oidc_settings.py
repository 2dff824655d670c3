"""The `oidc` setting: an https issuer (plain http only on the loopback), read as JSON from the environment."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from api.settings import Oidc, Scope, Settings


@pytest.mark.parametrize("issuer", ["http://login.example.org/tenant", "http://localhost.example.org/", "ftp://x"])
def test_an_issuer_without_tls_off_the_loopback_is_refused(issuer: str) -> None:
    with pytest.raises(ValidationError, match="https:// URL"):
        Oidc(issuer=issuer, client_id="behovsgraf")


def test_the_setting_is_read_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    value = {
        "issuer": "https://login.microsoftonline.com/tenant/v2.0/",
        "client_id": "behovsgraf",
        "roles_claim": "roles",
        "role_scopes": {"Behovsgraf.Write": "write"},
    }
    monkeypatch.setenv("BEHOVSGRAF_OIDC", json.dumps(value))
    oidc = Settings(_env_file=None).oidc  # type: ignore[call-arg]
    assert oidc is not None
    assert oidc.issuer == "https://login.microsoftonline.com/tenant/v2.0"
    assert oidc.role_scopes == {"Behovsgraf.Write": Scope.WRITE}
    assert oidc.expected_audience == "behovsgraf"
