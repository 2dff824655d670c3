"""Settings from the environment (prefix `BEHOVSGRAF_`) or a `.env` file, with safe defaults.

Lists and API keys are given as JSON, for example
`BEHOVSGRAF_API_KEYS='[{"name": "intake", "key": "...", "scope": "propose"}]'`;
`BEHOVSGRAF_CORS_ORIGINS` also takes a comma-separated list.
"""

from __future__ import annotations

import json
import os
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graph.backends import is_neo4j_location
from ingest.vocabulary import DATA_DIR

__all__ = ["ApiKey", "Oidc", "Scope", "Settings", "get_settings"]

MIN_KEY_LENGTH = 24
"""API keys shorter than this are refused: they are guessable or placeholders."""
MIN_KEY_DISTINCT_CHARACTERS = 8
"""Keys such as `xxxxxxxx…` or `aaaaaaaa…` are placeholders, not secrets."""


class Scope(str, Enum):
    """What an API key may do; each scope includes the ones before it."""

    READ = "read"
    PROPOSE = "propose"
    WRITE = "write"

    def includes(self, other: Scope) -> bool:
        """Whether a key with this scope may do what `other` allows."""
        order = list(Scope)
        return order.index(self) >= order.index(other)


class ApiKey(BaseModel):
    """One API key: a name for the logs, the secret and its scope."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64, description="Shown in logs instead of the key.")
    key: SecretStr = Field(description=f"The secret, at least {MIN_KEY_LENGTH} characters.")
    scope: Scope = Field(Scope.READ, description="read, propose (store proposed needs) or write (ingest, delete).")

    @field_validator("key")
    @classmethod
    def _long_enough(cls, key: SecretStr) -> SecretStr:
        secret = key.get_secret_value()
        if len(secret) < MIN_KEY_LENGTH:
            raise ValueError(f"an API key needs at least {MIN_KEY_LENGTH} characters")
        if not secret.isprintable() or any(character.isspace() for character in secret):
            raise ValueError("an API key may not contain spaces or other white space (it is sent in a header)")
        if len(set(secret)) < MIN_KEY_DISTINCT_CHARACTERS:
            raise ValueError(f"an API key needs at least {MIN_KEY_DISTINCT_CHARACTERS} different characters")
        return key


class Oidc(BaseModel):
    """Sign-in with an OpenID Connect provider (Entra ID, ID-porten, Keycloak ...) and its bearer JWTs.

    `role_scopes` maps the values of the `roles_claim` (groups, app roles) to the
    scope they grant; a person whose claim holds none of them may sign in but do nothing.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: str = Field(description="The issuer URL; its /.well-known/openid-configuration is read at first use.")
    client_id: str = Field(min_length=1, description="This app's client id at the provider.")
    client_secret: SecretStr | None = Field(None, description="The client secret (confidential clients).")
    audience: str | None = Field(None, description="The `aud` bearer JWTs must carry; the client id when unset.")
    scopes: str = Field("openid profile email", description="Scopes asked for at sign-in.")
    roles_claim: str = Field(
        "groups", description="The claim holding groups or roles; a dotted path for nested claims (realm_access.roles)."
    )
    role_scopes: dict[str, Scope] = Field(
        default_factory=dict, description="Group or role value -> read, propose or write."
    )
    person_claims: tuple[str, ...] = Field(
        ("preferred_username", "email", "sub"), description="Claims naming a person in writes, first present wins."
    )
    redirect_url: str | None = Field(
        None, description="The public URL of /auth/callback (behind a proxy); taken from the request when unset."
    )
    clock_skew_seconds: int = Field(60, ge=0, le=600, description="Leeway for exp, nbf and iat.")

    @field_validator("issuer")
    @classmethod
    def _http_url(cls, issuer: str) -> str:
        url = urlsplit(issuer)
        is_local = url.scheme == "http" and url.hostname in ("127.0.0.1", "localhost")
        if not (url.scheme == "https" and url.hostname) and not is_local:
            raise ValueError("the issuer must be an https:// URL (plain http only on 127.0.0.1 or localhost)")
        return issuer.rstrip("/")

    @property
    def expected_audience(self) -> str:
        """The audience of bearer JWTs."""
        return self.audience or self.client_id


class Settings(BaseSettings):
    """Everything an operator can set. Each field is read from `BEHOVSGRAF_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="BEHOVSGRAF_", env_file=".env", extra="ignore")

    store: str = Field(
        "data/behovsgraf.db",
        description="Embedded SQLite path, or a Neo4j URL such as bolt://127.0.0.1:7687.",
    )
    data_dir: Path = Field(
        DATA_DIR,
        description="Folder with vocabulary/ and reference/ (the checkout's data/; set it where the package is installed).",
    )
    neo4j_user: str | None = Field(None, description="Neo4j user name, when the server requires authentication.")
    neo4j_password: SecretStr | None = Field(None, description="Neo4j password.")
    host: str = Field("127.0.0.1", description="Address `behovsgraf serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `behovsgraf serve` listens on.")
    api_keys: list[ApiKey] = Field(
        default_factory=list,
        description="API keys as a JSON list of {name, key, scope}; none by default, so nothing can be written.",
    )
    require_key_for_reads: bool = Field(
        False, description="Refuse queries without a valid API key (any scope); reads are open by default."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins whose browser pages may call the API (comma-separated or JSON); none by default.",
    )
    graphiql: bool = Field(True, description="Serve the GraphiQL explorer at /graphql to browsers.")
    default_page_size: int = Field(20, ge=1, le=100, description="Page size of lists when `first` is not given.")
    max_page_size: int = Field(100, ge=1, le=100, description="Largest `first` a list accepts.")
    max_query_depth: int = Field(10, ge=3, le=50, description="Deepest nesting of fields a query may have.")
    max_query_tokens: int = Field(2000, ge=100, le=100_000, description="Most tokens a query document may have.")
    max_query_cost: int = Field(
        20_000, ge=100, le=10_000_000, description="Most objects a query may ask for, nested pages multiplied."
    )
    max_aliases: int = Field(15, ge=0, le=1000, description="Most field aliases a query may use, fragments written out.")
    max_fragment_spreads: int = Field(
        200, ge=0, le=100_000, description="Most fragment spreads a query may have once its fragments are written out."
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, le=64 * 1_048_576, description="Largest request body accepted, in bytes."
    )
    watch_store: str | None = Field(
        None,
        description="SQLite file of watches, matches and the webhook outbox; beside an embedded store by default "
        "(`graph.db` -> `graph.watches.db`), `data/watches.db` with Neo4j.",
    )
    watches: bool = Field(True, description="Run watch matching and deliveries in `behovsgraf serve`.")
    allow_private_webhooks: bool = Field(
        False, description="Let watches call webhooks on private, loopback or reserved addresses (intranet receivers)."
    )
    embed_in_background: bool = Field(
        True, description="Embed new and changed cases, needs and concepts in a background thread after each write."
    )
    max_neighbourhood_nodes: int = Field(
        300, ge=10, le=5000, description="Most nodes a `neighbourhood` query returns before it is cut."
    )
    oidc: Oidc | None = Field(
        None, description="OpenID Connect sign-in and bearer JWTs, as JSON; off when unset (API keys only)."
    )
    session_ttl_seconds: int = Field(
        8 * 3600, ge=60, le=7 * 24 * 3600, description="How long a page session lasts after sign-in."
    )
    session_cookie_secure: bool = Field(
        True, description="Mark the session cookie Secure (browsers still send it to http://127.0.0.1)."
    )
    rate_limit_per_key: int = Field(
        600, ge=0, le=1_000_000, description="Requests a minute per API key or signed-in person; 0 turns it off."
    )
    rate_limit_per_address: int = Field(
        300, ge=0, le=1_000_000, description="Requests a minute per client address without a key; 0 turns it off."
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="The address users reach this Behovsgraf at; JSON-LD exports name their context and IRIs under it.",
    )
    backup_dir: str = Field(
        "data/backups", description="Where `import` puts the backup it takes before it replaces the graph."
    )
    cache_dir: str = Field(
        default_factory=lambda: str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "behovsgraf"),
        description=(
            "Where derived data that is slow to make (the vocabulary's lemmatised names, the lexicon of words read) "
            "is kept; safe to delete."
        ),
    )

    @property
    def watch_store_path(self) -> Path:
        """Where the watch store lives."""
        if self.watch_store:
            return Path(self.watch_store)
        if is_neo4j_location(self.store):
            return Path("data/watches.db")
        path = Path(self.store)
        return path.with_name(f"{path.stem}.watches.db")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _default_page_fits(self) -> Settings:
        if self.default_page_size > self.max_page_size:
            raise ValueError("default_page_size cannot be larger than max_page_size")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
