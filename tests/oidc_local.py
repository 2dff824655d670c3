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
import signal
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import httpx

from tests.local_process import TAIL_LINES, build_tool, free_port
from tests.neo4j_local import unavailable_reason as _jvm_missing

__all__ = ["ISSUER_ID", "SHORT_LIVED_ISSUER_ID", "LocalOidc", "build", "unavailable_reason"]

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "oidc-local" / "oidc-local"
ISSUER_ID = "behovsgraf"
SHORT_LIVED_ISSUER_ID = "short-lived"
"""A second issuer on the same server whose tokens expire after one second."""
BUILD_TIMEOUT = 900.0
"""Seconds; the first build downloads about 25 MB of jars into ~/.m2."""


def unavailable_reason() -> str | None:
    """Why the provider cannot run here (java or mvn missing), or None when it can."""
    return _jvm_missing()


def build() -> None:
    """Fetch mock-oauth2-server and its jars with Maven, unless already there.

    Raises
    ------
    RuntimeError
        The build failed or timed out; the message ends with the tail of its output.
    """
    build_tool(SCRIPT, BUILD_TIMEOUT)


class LocalOidc:
    """One mock-oauth2-server on 127.0.0.1 with interactive login and a token per principal.

    Parameters
    ----------
    data_dir
        Where its configuration and log (`oidc-local.log`) go.
    principals
        Scope name -> claims of the machine token issued for `scope=<name>`.
    token_seconds
        Lifetime of the tokens `ISSUER_ID` issues (`SHORT_LIVED_ISSUER_ID`'s live one second).
    """

    def __init__(self, data_dir: Path, principals: dict[str, dict[str, Any]], *, token_seconds: int = 300) -> None:
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/{ISSUER_ID}"
        self.log_path = self.data_dir / "oidc-local.log"
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
                for issuer_id, seconds in ((ISSUER_ID, token_seconds), (SHORT_LIVED_ISSUER_ID, 1))
            ],
        }
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float = 120) -> None:
        """Spawn the server and return once its discovery document names the expected issuer.

        Raises
        ------
        RuntimeError
            It exited or was not ready within `timeout` seconds; the message ends with the tail of its log.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "config.json"
        config.write_text(json.dumps(self._config), encoding="utf-8")
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [str(SCRIPT), "run", "--port", str(self.port), "--config", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "OIDC_LOCAL_PARENT_PID": str(os.getpid())},
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not self._is_ready():
            code = self._process.poll()
            if code is not None or time.monotonic() > deadline:
                self.stop()
                problem = f"exited with code {code}" if code is not None else f"was not ready after {timeout:.0f} s"
                lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
                tail = "\n".join(lines[-TAIL_LINES:])
                raise RuntimeError(f"the OIDC provider on {self.url} {problem}; log {self.log_path}:\n{tail}")
            time.sleep(0.2)

    def _is_ready(self) -> bool:
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

    def stop(self, timeout: float = 20) -> None:
        """Stop the server (SIGTERM to its process group, then SIGKILL); safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
