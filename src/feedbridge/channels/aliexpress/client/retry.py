"""The one retry decision: what to do after a failed attempt (REFERENCE §5.4, §1.7)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .errors import AliExpressError, RateLimited, TransportError
from .spec import ApiSpec


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    max_total_seconds: float = 120.0
    base_delay: float = 0.5
    max_delay: float = 30.0
    # Bans are waited out exactly as the platform names them, plus this margin.
    ban_margin: float = 0.05


def retry_delay(
    policy: RetryPolicy,
    spec: ApiSpec,
    error: AliExpressError,
    attempt: int,
    elapsed: float,
    rng: random.Random,
) -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None to give up and raise `error`.

    A call that is not safe to repeat (a create) is retried only when its request certainly never reached
    the platform (no connection, or a ban/quota answer, which the platform gives before doing anything);
    if the answer to a create was lost, the caller must re-check by SKU code instead.
    """
    if not error.retryable or attempt >= policy.max_attempts:
        return None
    if not spec.idempotent and not _never_executed(error):
        return None
    if isinstance(error, RateLimited):
        delay = error.ban_seconds + policy.ban_margin
    else:
        # Exponential back-off with full jitter.
        delay = rng.uniform(0, min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1)))
    if elapsed + delay > policy.max_total_seconds:
        return None
    return delay


def _never_executed(error: AliExpressError) -> bool:
    return isinstance(error, RateLimited) or (isinstance(error, TransportError) and not error.sent)
