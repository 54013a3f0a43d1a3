"""All of feedbridge's settings in one place.

Values come from keyword arguments, then `FEEDBRIDGE_*` environment variables, then a `.env` file in
the working directory, then the defaults below. Tests build `Settings(...)` explicitly;
everything else calls `get_settings()`.
"""

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from feedbridge.errors import FeedbridgeError

ENV_PREFIX = "FEEDBRIDGE_"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["console", "json"]


class ConfigError(FeedbridgeError):
    """The environment or `.env` file holds a value feedbridge cannot use."""


def default_data_dir() -> Path:
    # XDG base-directory spec: a relative XDG_DATA_HOME is invalid and must be ignored.
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "feedbridge"


def _default_database_url(data: dict[str, Any]) -> str:
    return f"sqlite:///{data['data_dir'] / 'feedbridge.db'}"


def _default_secret_key_file(data: dict[str, Any]) -> Path:
    return Path(data["data_dir"]) / "secret.key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    # Defaults that depend on data_dir are computed from it, so moving data_dir moves them too.
    # repr=False: a PostgreSQL URL may carry a password; use db.engine.display_url() to show it.
    database_url: str = Field(default_factory=_default_database_url, repr=False)
    secret_key_file: Path = Field(default_factory=_default_secret_key_file)
    secret_key: SecretStr | None = None
    aliexpress_gateway_url: str = "http://127.0.0.1:8765"
    log_level: LogLevel = "INFO"
    log_format: LogFormat = "console"

    @field_validator("data_dir", "secret_key_file", mode="after")
    @classmethod
    def _expand_user(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("aliexpress_gateway_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL such as http://127.0.0.1:8765")
        return value.strip().rstrip("/")

    def ensure_data_dir(self) -> Path:
        """Create the data directory (owner-only, it holds the key and the database) and return it."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.data_dir


def _describe(error: ValidationError) -> str:
    lines = [
        f"  {ENV_PREFIX}{str(issue['loc'][0]).upper()}: {issue['msg']}"
        if issue["loc"]
        else f"  {issue['msg']}"
        for issue in error.errors(include_url=False)
    ]
    return "Invalid configuration (environment or .env file):\n" + "\n".join(lines)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests call `get_settings.cache_clear()` after changing env."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None
