"""One running sandbox: its settings, store, clock and behaviour, loaded from and saved to its SQLite file."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from .behaviour import Behaviour
from .clock import Clock
from .faults import FaultInjector
from .limits import Limiter
from .settings import SandboxSettings
from .store import Store


@dataclass(frozen=True)
class TokenGrant:
    seller_id: int
    app_key: str
    expires_at: float


class Sandbox:
    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self.store = Store(settings.database_path)
        self.clock = Clock(float(self.store.get_meta("clock_offset", 0.0)))
        self.behaviour = Behaviour.model_validate(self.store.get_meta("behaviour", {}))
        self.limiter = Limiter(self.clock)
        self.faults = FaultInjector()
        # Access tokens are checked on every call; keep them in memory, the store stays the truth.
        self._grants: dict[str, TokenGrant] = {}
        self._load_grants()

    def _load_grants(self) -> None:
        self._grants = {
            row["access_token"]: TokenGrant(row["seller_id"], row["app_key"], row["access_expires_at"])
            for row in self.store.all("SELECT access_token, seller_id, app_key, access_expires_at FROM tokens")
        }

    def grant_for(self, access_token: str) -> TokenGrant | None:
        return self._grants.get(access_token)

    def remember_grant(self, access_token: str, grant: TokenGrant) -> None:
        self._grants[access_token] = grant

    def save_behaviour(self) -> None:
        self.store.set_meta("behaviour", self.behaviour.model_dump())

    def move_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.store.set_meta("clock_offset", self.clock.offset_seconds)

    def reset(self) -> None:
        """Forget everything and seed again, as on a first start."""
        from .seed import seed_if_empty

        self.store.reset()
        self.clock.offset_seconds = 0.0
        self.behaviour = Behaviour()
        self.limiter.clear()
        self._grants.clear()
        seed_if_empty(self)

    def new_request_id(self) -> str:
        return secrets.token_hex(12)

    def close(self) -> None:
        self.store.close()
