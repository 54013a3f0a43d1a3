"""Client-side rate limiting: stay under the platform's rates instead of running into its bans.

A limiter spaces calls of one key (`app:<app key>:<api>` or `seller:<seller>:<api>`) at least 1/rate
seconds apart, with a safety factor for clock and network jitter. `LocalLimiter` serves the threads of one
process; `feedbridge.channels.aliexpress.client.shared_limiter.SharedLimiter` keeps the schedule in the
database, so processes on one machine (SQLite) or many (PostgreSQL) share one budget.
"""

from __future__ import annotations

import threading
from typing import Protocol

from .clock import Clock

# Use at most this share of a documented rate: the platform's own bucket must never run dry.
SAFETY_FACTOR = 0.95


class Limiter(Protocol):
    def reserve(self, key: str, rate: float) -> float:
        """Book the next slot for `key` and return how many seconds to wait until it."""


class LocalLimiter:
    def __init__(self, clock: Clock, safety_factor: float = SAFETY_FACTOR) -> None:
        self._clock = clock
        self._factor = safety_factor
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, key: str, rate: float) -> float:
        interval = 1.0 / (rate * self._factor)
        with self._lock:
            now = self._clock.monotonic()
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + interval
        return slot - now
