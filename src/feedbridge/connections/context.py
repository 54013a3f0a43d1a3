"""What the connection services need besides a database session: settings, keyring, clock, client factory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from feedbridge.channels.aliexpress.client import AliExpressClient, ClientConfig
from feedbridge.channels.aliexpress.client.clock import Clock, SystemClock
from feedbridge.channels.aliexpress.client.limiter import Limiter
from feedbridge.config import Settings
from feedbridge.connections.models import Connection
from feedbridge.encryption import Keyring


@dataclass(frozen=True)
class ConnectionContext:
    settings: Settings
    keyring: Keyring
    # One clock for the services and their clients: tests move it together with the sandbox's clock.
    clock: Clock = field(default_factory=SystemClock)
    limiter: Limiter | None = None

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC)

    @property
    def refresh_margin(self) -> timedelta:
        return timedelta(hours=self.settings.token_refresh_margin_hours)

    @property
    def warning_period(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_warning_days)

    @contextmanager
    def client(self, app_key: str, app_secret: str, gateway_url: str) -> Iterator[AliExpressClient]:
        config = ClientConfig(app_key=app_key, app_secret=app_secret, gateway_url=gateway_url)
        client = AliExpressClient(config, clock=self.clock, limiter=self.limiter)
        try:
            yield client
        finally:
            client.close()

    def client_for(self, connection: Connection) -> AbstractContextManager[AliExpressClient]:
        secret = self.keyring.decrypt(
            connection.app_secret_encrypted, what=f"the app secret of '{connection.label}'"
        )
        return self.client(connection.app_key, secret, connection.gateway_url)

    def access_token(self, connection: Connection) -> str:
        return self.keyring.decrypt(
            connection.access_token_encrypted, what=f"the access token of '{connection.label}'"
        )

    def refresh_token(self, connection: Connection) -> str:
        return self.keyring.decrypt(
            connection.refresh_token_encrypted, what=f"the refresh token of '{connection.label}'"
        )
