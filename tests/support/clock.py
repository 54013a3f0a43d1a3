"""A clock for client tests that never really sleeps."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from support.fixtures import Admin


class SteppingClock:
    """A client clock that never really sleeps: each wait is recorded and moves this clock on.

    Given the sandbox's admin API, it moves the sandbox clock by the same amount, so limiter spacing and
    ban waits look, to the sandbox, exactly as if the client had slept.
    """

    def __init__(self, admin: Admin | None = None) -> None:
        self.waits: list[float] = []
        self._admin = admin
        self._start = time.time()
        self._elapsed = 0.0

    def now(self) -> float:
        return self._start + self._elapsed

    def monotonic(self) -> float:
        return self._elapsed

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self.waits.append(seconds)
        self._elapsed += seconds
        if self._admin is not None:
            self._admin.post("/clock", {"advance_seconds": seconds})
