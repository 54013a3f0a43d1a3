"""What each API call declares about itself: its name, its rates, whether it is safe to repeat."""

from __future__ import annotations

from dataclasses import dataclass

# Rate used where the platform documents none (calls per second), conservative on purpose.
DEFAULT_RATE = 10.0


@dataclass(frozen=True)
class ApiSpec:
    name: str
    # Calls per second allowed per app key and per seller (REFERENCE §5.4).
    app_rate: float = DEFAULT_RATE
    seller_rate: float = DEFAULT_RATE
    # Safe to repeat when the answer was lost: reads and absolute updates are; creates are not.
    idempotent: bool = True
    needs_token: bool = True

    @property
    def is_system(self) -> bool:
        """Path-style system interfaces (`/auth/...`) go to `/rest<path>` and answer flat JSON."""
        return self.name.startswith("/")
