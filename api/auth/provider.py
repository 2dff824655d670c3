"""The OpenID Connect provider: its discovery document, its signing keys (JWKS) and token checks.

Both documents are fetched on first use and cached; the keys are fetched again when
a token names a key id not seen yet (the provider rotated its keys), at most once
every `REFRESH_SECONDS`. A token is valid when its signature checks against the
provider's keys with an asymmetric algorithm, and `iss`, `aud` and `exp` (and the
`nonce` of an ID token) are what they must be.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx2
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from api.settings import Oidc

__all__ = ["ALGORITHMS", "Provider", "ProviderUnavailable", "TokenInvalid"]

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
"""Only asymmetric signatures: a token signed with a shared secret or none is refused."""
CACHE_SECONDS = 3600.0
REFRESH_SECONDS = 30.0
TIMEOUT_SECONDS = 10.0


class ProviderUnavailable(Exception):
    """The provider could not be reached or sent something that is not a valid document."""


class TokenInvalid(Exception):
    """A token that is not valid; the message says why, in words fit for the caller."""


class Provider:
    """One configured provider; safe to share between requests of one event loop."""

    def __init__(self, oidc: Oidc) -> None:
        self.oidc = oidc
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = 0.0
        self._lock = asyncio.Lock()

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with httpx2.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
                response = await client.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx2.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"{url}: {exc}") from exc
        if not isinstance(document, dict):
            raise ProviderUnavailable(f"{url}: not a JSON object")
        return document

    async def metadata(self) -> dict[str, Any]:
        """The discovery document, whose `issuer` must be the configured one.

        Raises
        ------
        ProviderUnavailable
            It cannot be fetched, or names another issuer.
        """
        async with self._lock:
            if self._metadata is None or time.monotonic() - self._metadata_at > CACHE_SECONDS:
                document = await self._get_json(f"{self.oidc.issuer}/.well-known/openid-configuration")
                if str(document.get("issuer", "")).rstrip("/") != self.oidc.issuer:
                    raise ProviderUnavailable(f"the discovery document names issuer {document.get('issuer')!r}")
                for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if not isinstance(document.get(name), str):
                        raise ProviderUnavailable(f"the discovery document has no {name}")
                self._metadata, self._metadata_at = document, time.monotonic()
            return self._metadata

    async def _key_set(self, *, refresh: bool) -> KeySet:
        metadata = await self.metadata()
        async with self._lock:
            age = time.monotonic() - self._keys_at
            if self._keys is not None and age < CACHE_SECONDS and not (refresh and age > REFRESH_SECONDS):
                return self._keys
            document = await self._get_json(metadata["jwks_uri"])
            try:
                keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, ValueError, TypeError, KeyError) as exc:
                raise ProviderUnavailable(f"the provider's JWKS cannot be read: {exc}") from exc
            self._keys, self._keys_at = keys, time.monotonic()
            log.info("fetched %d signing keys of %s", len(keys.keys), self.oidc.issuer)
            return keys

    async def verify(self, token: str, *, audience: str, nonce: str | None = None) -> dict[str, Any]:
        """The claims of `token` once its signature, issuer, audience, expiry (and nonce) check out.

        Raises
        ------
        TokenInvalid
            Why the token is not valid.
        ProviderUnavailable
            The provider's keys cannot be fetched.
        """
        try:
            decoded = jwt.decode(token, await self._key_set(refresh=False), algorithms=ALGORITHMS)
        except InvalidKeyIdError:
            try:
                decoded = jwt.decode(token, await self._key_set(refresh=True), algorithms=ALGORITHMS)
            except JoseError as exc:
                raise TokenInvalid(f"the token is not signed by the provider's keys ({exc.error})") from exc
        except JoseError as exc:
            raise TokenInvalid(f"the token's signature or form is not valid ({exc.error})") from exc
        except ValueError as exc:
            raise TokenInvalid("the token is not a JWT") from exc
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": self.oidc.issuer},
            "aud": {"essential": True, "value": audience},
            "exp": {"essential": True},
        }
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        registry = jwt.JWTClaimsRegistry(leeway=self.oidc.clock_skew_seconds, **options)
        try:
            registry.validate(decoded.claims)
        except ExpiredTokenError as exc:
            raise TokenInvalid("the token has expired") from exc
        except JoseError as exc:
            raise TokenInvalid(f"the token's claims are not valid: {exc.description}") from exc
        return dict(decoded.claims)
