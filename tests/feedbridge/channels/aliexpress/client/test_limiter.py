"""LocalLimiter: calls of one key are spaced 1/rate apart (with the safety factor), keys are independent."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest

from feedbridge.channels.aliexpress.client.limiter import SAFETY_FACTOR, LocalLimiter
from support.clock import SteppingClock


def test_back_to_back_reservations_are_spaced_by_the_rate() -> None:
    limiter = LocalLimiter(SteppingClock())
    waits = [limiter.reserve("seller:s:api", 10) for _ in range(4)]
    interval = 1 / (10 * SAFETY_FACTOR)
    assert waits == pytest.approx([0, interval, 2 * interval, 3 * interval])


def test_time_that_passed_counts() -> None:
    clock = SteppingClock()
    limiter = LocalLimiter(clock)
    limiter.reserve("k", 2)
    clock.sleep(5)
    assert limiter.reserve("k", 2) == 0


def test_keys_do_not_share_a_budget() -> None:
    limiter = LocalLimiter(SteppingClock())
    limiter.reserve("seller:a:api", 1)
    assert limiter.reserve("seller:b:api", 1) == 0
    assert limiter.reserve("seller:a:api", 1) > 0


def test_threads_get_distinct_slots() -> None:
    limiter = LocalLimiter(SteppingClock())
    with ThreadPoolExecutor(8) as pool:
        waits = sorted(pool.map(lambda _: limiter.reserve("k", 20), range(200)))
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert min(gaps) >= 1 / 20
