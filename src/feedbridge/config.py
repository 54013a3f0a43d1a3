"""All of feedbridge's settings in one place.

Values come from keyword arguments, then `FEEDBRIDGE_*` environment variables, then a `.env` file in
the working directory, then the defaults below. Tests build `Settings(...)` explicitly;
everything else calls `get_settings()`.
"""

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from feedbridge.errors import FeedbridgeError

ENV_PREFIX = "FEEDBRIDGE_"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["console", "json"]
# Countries whose sellers may list through the API, per the seed's seller-eligibility list (docs/aliexpress.md).
DEFAULT_SELLER_COUNTRIES = ("ES", "FR", "IT", "CN", "TR", "RU")


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
    # Where AliExpress sends the seller back after login; must be registered for the app (docs/aliexpress.md).
    aliexpress_redirect_uri: str = "http://127.0.0.1:8000/connections/aliexpress/callback"
    # ISO country codes; empty accepts every country. Comma-separated in the environment.
    aliexpress_seller_countries: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_SELLER_COUNTRIES)
    )
    token_refresh_margin_hours: float = Field(24.0, gt=0)
    refresh_token_warning_days: int = Field(7, ge=0)
    account_data_max_age_days: float = Field(7.0, gt=0)
    # Feed sources (catalog/sources.py): the largest feed accepted from a URL, an upload or a file.
    feed_max_bytes: int = Field(2 * 1024**3, gt=0)
    download_connect_timeout_seconds: float = Field(10.0, gt=0)
    # Longest silence between two pieces of a download, not a limit on the whole download.
    download_read_timeout_seconds: float = Field(60.0, gt=0)
    # Attempts on timeouts, broken connections and 5xx answers (never on 4xx), with exponential back-off.
    download_max_attempts: int = Field(4, ge=1)
    download_backoff_seconds: float = Field(2.0, ge=0)
    # Feed URLs (and their redirects) whose host is on a loopback, private, link-local, multicast or
    # reserved address are refused, so a feed URL cannot reach into feedbridge's own network; true
    # allows them (a feed served on the local network).
    feed_allow_private_urls: bool = False
    # The same for product image URLs, which a run downloads to upload them to the photobank.
    image_allow_private_urls: bool = False
    # Import safety (catalog/runs.py): a run that loses more than this share of the last good items is held.
    import_max_drop_share: float = Field(0.30, ge=0, le=1)
    # Snapshot retention: the newest N snapshots per import (and the project's merged ones) are kept, plus
    # every current one and every one a held run or a caller still needs.
    snapshots_kept_per_import: int = Field(10, ge=1)
    # Runs (sync/): AliExpress calls in flight at once (the rate limiter still spaces them), and how long a
    # run may stay silent before another process takes it over as abandoned.
    sync_concurrency: int = Field(8, ge=1, le=64)
    sync_lease_seconds: float = Field(300.0, gt=0)
    # Plans (and their payloads) kept per API, newest first; results stay in the database.
    sync_plans_kept: int = Field(20, ge=1)
    # Feed jobs a run may submit per operation type and seller in 24 hours: AliExpress allows 300 and
    # recommends fewer than 150 (REFERENCE §3.10); other tools of the seller count against the same budget.
    sync_feeds_per_day: int = Field(150, ge=0, le=300)
    # Where queued runs execute (jobs/): "inprocess" polls the database; "procrastinate" needs PostgreSQL.
    worker_executor: Literal["inprocess", "procrastinate"] = "inprocess"
    # How often the in-process worker looks for due schedules and queued runs.
    worker_poll_seconds: float = Field(30.0, gt=0)
    # Runs one worker executes at once (each of a different API).
    worker_runs_at_once: int = Field(2, ge=1, le=64)
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

    @field_validator("aliexpress_seller_countries", mode="before")
    @classmethod
    def _country_list(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.replace(",", " ").split() if part]
        if isinstance(value, list | tuple):
            return [str(code).strip().upper() for code in value]
        return value

    @field_validator("aliexpress_seller_countries")
    @classmethod
    def _country_codes(cls, value: list[str]) -> list[str]:
        wrong = [code for code in value if len(code) != 2 or not code.isalpha()]
        if wrong:
            raise ValueError(f"{', '.join(wrong)}: use two-letter ISO country codes such as ES,FR,IT")
        return value

    @field_validator("aliexpress_gateway_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _check_http_url(value, "http://127.0.0.1:8765").rstrip("/")

    @field_validator("aliexpress_redirect_uri")
    @classmethod
    def _redirect_uri(cls, value: str) -> str:
        # Kept exactly as given (trailing slash too): AliExpress compares it with the registered callback.
        return _check_http_url(value, "https://feedbridge.example.com/connections/aliexpress/callback")

    def ensure_data_dir(self) -> Path:
        """Create the data directory (owner-only, it holds the key and the database) and return it."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.data_dir


def _check_http_url(value: str, example: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"must be an http:// or https:// URL such as {example}")
    return value.strip()


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
