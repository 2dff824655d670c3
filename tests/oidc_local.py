"""A real OpenID Connect provider for tests: NAV's mock-oauth2-server from tools/oidc-local (a JVM on 127.0.0.1).

`tests/conftest.py` builds it once with `build()` and runs one `LocalOidc` per session::

    with LocalOidc(tmp_path / "oidc", PRINCIPALS) as provider:
        token = provider.token("reader")

It signs tokens with its own keys and publishes them at `<issuer>/jwks`. Machine
tokens come from the client-credentials grant: the `scope` asked for picks one of
`principals` (its claims). People sign in on its login page, typing a user name
and the claims (JSON) of their ID token.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx

from tests.local_process import LocalServer, build_tool
from tests.neo4j_local import unavailable_reason as _jvm_missing

__all__ = ["ISSUER_ID", "SHORT_LIVED_ISSUER_ID", "SHORT_LIVED_SECONDS", "LocalOidc", "build", "unavailable_reason"]

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "oidc-local" / "oidc-local"
ISSUER_ID = "behovsgraf"
SHORT_LIVED_ISSUER_ID = "short-lived"
SHORT_LIVED_SECONDS = 10
"""A second issuer on the same server whose tokens expire after SHORT_LIVED_SECONDS."""
BUILD_TIMEOUT = 900.0
"""Seconds; the first build downloads about 25 MB of jars into ~/.m2."""


def unavailable_reason() -> str | None:
    """Why the provider cannot run here (java or mvn missing), or None when it can."""
    return _jvm_missing()


def build() -> None:
    """Fetch the server's jars with Maven unless there; RuntimeError with the output's tail on failure."""
    build_tool(SCRIPT, BUILD_TIMEOUT)


class LocalOidc(LocalServer):
    """One mock-oauth2-server on 127.0.0.1 with interactive login and a token per principal.

    Parameters
    ----------
    data_dir
        Where its configuration and log (`oidc-local.log`) go.
    principals
        Scope name -> claims of the machine token issued for `scope=<name>`.
    token_seconds
        Lifetime of the tokens `ISSUER_ID` issues (`SHORT_LIVED_ISSUER_ID`'s live SHORT_LIVED_SECONDS).
    """

    def __init__(self, data_dir: Path, principals: dict[str, dict[str, Any]], *, token_seconds: int = 300) -> None:
        super().__init__(data_dir, log_name="oidc-local.log")
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/{ISSUER_ID}"
        self.config_path = self.data_dir / "config.json"
        self._config = {
            "interactiveLogin": True,
            "httpServer": "NettyWrapper",
            "tokenCallbacks": [
                {
                    "issuerId": issuer_id,
                    "tokenExpiry": seconds,
                    "requestMappings": [
                        {"requestParam": "scope", "match": name, "claims": claims}
                        for name, claims in principals.items()
                    ],
                }
                for issuer_id, seconds in ((ISSUER_ID, token_seconds), (SHORT_LIVED_ISSUER_ID, SHORT_LIVED_SECONDS))
            ],
        }

    def __str__(self) -> str:
        return f"the OIDC provider on {self.url}"

    def command(self) -> list[str]:
        """tools/oidc-local run on this port with the configuration (written on first use)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(json.dumps(self._config), encoding="utf-8")
        return [str(SCRIPT), "run", "--port", str(self.port), "--config", str(self.config_path)]

    def environment(self) -> dict[str, str]:
        """Stop with this process."""
        return {"OIDC_LOCAL_PARENT_PID": str(os.getpid())}

    def is_ready(self, output: str) -> bool:
        """Its discovery document answers and names the expected issuer (it prints no ready line)."""
        try:
            response = httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=2)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.json().get("issuer") == self.issuer

    def token(self, principal: str, *, issuer_id: str = ISSUER_ID) -> str:
        """A signed access token for `principal` (client-credentials grant with `scope=<principal>`)."""
        response = httpx.post(
            f"{self.url}/{issuer_id}/token",
            data={"grant_type": "client_credentials", "scope": principal},
            auth=("test-client", "test-secret"),
            timeout=10,
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token
