"""Every setting of the bot, read once in main() from the environment and ``.env``.

Each setting is documented once, in ``.env.example``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.logs import LogFormat

# Tokens people leave in place when they copy .env.example.
_PLACEHOLDER_TOKENS = frozenset({"", "changeme", "change-me", "your-token-here", "token"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    discord_token: SecretStr | None = None
    database_path: Path = Path("data/roundup.db")
    # postgresql://USER@HOST:PORT/DB selects PostgreSQL; database_path is then ignored.
    database_url: SecretStr | None = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    dev_guild_id: int | None = Field(default=None, gt=0)
    log_level: str = "INFO"
    log_format: LogFormat = "text"
    digest_grace_hours: float = Field(default=12.0, ge=0, le=24 * 7)
    allow_private_urls: bool = False
    alert_subscription_limit: int = Field(default=25, ge=1, le=100)
    alert_hourly_cap: int = Field(default=6, ge=1, le=60)
    alert_requests_per_second: float = Field(default=47.0, gt=0, le=50)
    # The shortest time between two polls of one feed (a feed may ask for longer).
    feed_poll_seconds: int = Field(default=900, ge=60, le=24 * 3600)
    # Several processes (docs/scaling.md): how long a dead process's work waits, and which
    # of Discord's gateway shards this process connects. SHARD_IDS is "0,2" (comma list).
    lease_seconds: float = Field(default=30.0, ge=5, le=600)
    shard_count: int | None = Field(default=None, ge=1, le=4096)
    shard_ids: str | None = None

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        ids = self.shards
        if ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards)")
        if len(set(ids)) != len(ids):
            raise ValueError(f"SHARD_IDS lists a shard twice: {self.shard_ids}")
        outside = [i for i in ids if not 0 <= i < self.shard_count]
        if outside:
            raise ValueError(
                f"SHARD_IDS {outside} outside SHARD_COUNT={self.shard_count} "
                f"(shard ids run from 0 to {self.shard_count - 1})"
            )
        return self

    @property
    def shards(self) -> list[int] | None:
        """The shard ids SHARD_IDS names, or None (every shard of SHARD_COUNT, or automatic)."""
        if self.shard_ids is None or not self.shard_ids.strip():
            return None
        try:
            return [int(part) for part in self.shard_ids.split(",") if part.strip()]
        except ValueError:
            raise ValueError(
                f"SHARD_IDS must be shard numbers separated by commas, e.g. 0,2 "
                f"(got {self.shard_ids!r})"
            ) from None

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("DATABASE_URL must be a postgresql://USER@HOST:PORT/DB address")
        return value

    @property
    def database_dsn(self) -> str | None:
        """The PostgreSQL address when DATABASE_URL selects it, else None (SQLite)."""
        return None if self.database_url is None else self.database_url.get_secret_value()

    @field_validator("log_format", mode="before")
    @classmethod
    def _lowercase_format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @property
    def has_token(self) -> bool:
        """False when the token is absent or still the placeholder from .env.example."""
        if self.discord_token is None:
            return False
        return self.discord_token.get_secret_value().strip().lower() not in _PLACEHOLDER_TOKENS
