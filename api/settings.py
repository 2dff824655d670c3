"""Settings from the environment (prefix `BEHOVSGRAF_`) or a `.env` file, with safe defaults."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Everything an operator can set. Each field is read from `BEHOVSGRAF_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="BEHOVSGRAF_", env_file=".env", extra="ignore")

    store: str = Field(
        "data/behovsgraf.db",
        description="Embedded SQLite path, or a Neo4j URL such as bolt://127.0.0.1:7687.",
    )
    neo4j_user: str | None = Field(None, description="Neo4j user name, when the server requires authentication.")
    neo4j_password: SecretStr | None = Field(None, description="Neo4j password.")
    host: str = Field("127.0.0.1", description="Address `behovsgraf serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `behovsgraf serve` listens on.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
