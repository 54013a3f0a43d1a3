"""Rate limits as the platform enforces them: token buckets per (app, API) and (seller, API), bans, a daily quota.

Buckets and bans follow the sandbox clock, so tests can lift a ban by moving the clock instead of sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .behaviour import Limits
from .clock import GMT8, Clock
from .errors import api_call_limit, app_call_limit
from .registry import Api


@dataclass
class _Bucket:
    tokens: float
    updated: float


class Limiter:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._bans: dict[tuple[str, str, str], float] = {}
        self._daily: dict[tuple[str, str], int] = {}

    def clear(self) -> None:
        self._buckets.clear()
        self._bans.clear()
        self._daily.clear()

    def take(self, scope: str, key: str, api: str, rate: float, ban_seconds: float) -> None:
        """Take one call from the bucket or raise ApiCallLimit (and ban the key for `ban_seconds`)."""
        ident = (scope, key, api)
        now = self.clock.now()
        banned_until = self._bans.get(ident)
        if banned_until is not None:
            if now < banned_until:
                raise api_call_limit(banned_until - now)
            del self._bans[ident]
        capacity = max(1.0, rate)
        bucket = self._buckets.get(ident)
        if bucket is None:
            bucket = self._buckets[ident] = _Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + max(0.0, now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens < 1.0:
            self._bans[ident] = now + ban_seconds
            raise api_call_limit(ban_seconds)
        bucket.tokens -= 1.0

    def count_daily(self, app_key: str, quota: int) -> None:
        """Count one call against the app's quota for the current Beijing-time day."""
        day = datetime.fromtimestamp(self.clock.now(), GMT8).strftime("%Y-%m-%d")
        used = self._daily.get((app_key, day), 0)
        if used >= quota:
            raise app_call_limit()
        self._daily[(app_key, day)] = used + 1


def check_limits(limiter: Limiter, *, limits: Limits, app_key: str, seller_key: str | None, api: Api) -> None:
    """Raise ApiCallLimit / AppCallLimit when this call is over a limit."""
    if limits.daily_quota is not None:
        limiter.count_daily(app_key, limits.daily_quota)
    if not limits.enabled:
        return
    app_rate = limits.app_rates.get(api.name, api.app_rate or limits.default_rate)
    limiter.take("app", app_key, api.name, app_rate, limits.ban_seconds)
    if seller_key is not None:
        seller_rate = limits.seller_rates.get(api.name, api.seller_rate or limits.default_rate)
        limiter.take("seller", seller_key, api.name, seller_rate, limits.ban_seconds)
