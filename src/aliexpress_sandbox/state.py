"""One running sandbox: its settings, store, clock and behaviour, loaded from and saved to its SQLite file."""

from __future__ import annotations

import secrets
from collections import Counter
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
        self.clock = Clock(self.store.get_meta("clock_offset", 0.0), self.store.get_meta("clock_frozen_at"))
        self.behaviour = Behaviour.model_validate(self.store.get_meta("behaviour", {}))
        self.limiter = Limiter(self.clock)
        self.faults = FaultInjector(self.behaviour.faults.seed)
        # Calls that got past authentication and the rate limits, per (seller id or None, API): a diagnostic
        # for tests that must know which APIs a client used (kept in memory; a restart starts at zero).
        self.calls: Counter[tuple[int | None, str]] = Counter()
        # Access tokens are checked on every call; keep them in memory, the store stays the truth.
        self._grants: dict[str, TokenGrant] = {}
        self._load_grants()

    def _load_grants(self) -> None:
        self._grants = {
            row["access_token"]: TokenGrant(row["seller_id"], row["app_key"], row["access_expires_at"])
            for row in self.store.all(
                "SELECT access_token, seller_id, app_key, access_expires_at FROM tokens"
            )
        }

    def grant_for(self, access_token: str) -> TokenGrant | None:
        return self._grants.get(access_token)

    def remember_grant(self, access_token: str, grant: TokenGrant) -> None:
        self._grants[access_token] = grant

    def save_behaviour(self) -> None:
        self.store.set_meta("behaviour", self.behaviour.model_dump())
        self.faults.reseed(self.behaviour.faults.seed)
        self.limiter.clear()

    def set_clock(self, *, advance_seconds: float = 0.0, frozen: bool | None = None) -> None:
        if frozen is True:
            self.clock.freeze()
        elif frozen is False:
            self.clock.unfreeze()
        self.clock.advance(advance_seconds)
        self.store.set_meta("clock_offset", self.clock.offset_seconds)
        self.store.set_meta("clock_frozen_at", self.clock.frozen_at)

    def reset(self) -> None:
        """Forget everything and seed again, as on a first start."""
        from .seed import seed_if_empty

        self.store.reset()
        self.clock = Clock()
        self.limiter = Limiter(self.clock)
        self.behaviour = Behaviour()
        self.faults.reseed(None)
        self._grants.clear()
        self.calls.clear()
        seed_if_empty(self)

    def new_request_id(self) -> str:
        return secrets.token_hex(12)

    def close(self) -> None:
        self.store.close()
