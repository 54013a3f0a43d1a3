"""SharedLimiter: one schedule in the database for every process, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from feedbridge.channels.aliexpress.client import ClientConfig
from feedbridge.channels.aliexpress.client.limiter import SAFETY_FACTOR
from feedbridge.channels.aliexpress.client.shared_limiter import SharedLimiter
from feedbridge.db.migrate import upgrade
from support.clock import SteppingClock
from support.fixtures import Admin
from support.server import RunningSandbox

WORKER = Path(__file__).with_name("limiter_worker.py")
PROFILE = "aliexpress.solution.merchant.profile.get"
SELLER_RATE = 8
CALLS_PER_WORKER = 16


def test_back_to_back_reservations_are_spaced_by_the_rate(engine: Engine) -> None:
    limiter = SharedLimiter(engine, clock=SteppingClock())
    waits = [limiter.reserve("seller:s:api", 10) for _ in range(4)]
    interval = 1 / (10 * SAFETY_FACTOR)
    assert waits == pytest.approx([0, interval, 2 * interval, 3 * interval])


def test_time_that_passed_counts_and_keys_are_independent(engine: Engine) -> None:
    clock = SteppingClock()
    limiter = SharedLimiter(engine, clock=clock)
    limiter.reserve("seller:a:api", 1)
    assert limiter.reserve("seller:b:api", 1) == 0
    assert limiter.reserve("seller:a:api", 1) > 0
    clock.sleep(5)
    assert limiter.reserve("seller:a:api", 1) == 0


def test_limiters_on_one_database_share_the_schedule(db_url: str, engine: Engine) -> None:
    clock = SteppingClock()
    first, second = SharedLimiter(engine, clock=clock), SharedLimiter(db_url, clock=clock)
    try:
        waits = [limiter.reserve("k", 4) for limiter in (first, second, first, second)]
    finally:
        second.close()
    assert waits == pytest.approx([i / (4 * SAFETY_FACTOR) for i in range(4)])


def test_threads_reserving_at_once_get_distinct_slots(engine: Engine) -> None:
    """The clock stands still, so each wait is its slot: sorted, they are at least 1/rate apart."""
    limiter = SharedLimiter(engine, clock=SteppingClock())
    rate = 50
    with ThreadPoolExecutor(12) as pool:
        waits = sorted(pool.map(lambda _: limiter.reserve("seller:s:api", rate), range(240)))
    assert min(b - a for a, b in itertools.pairwise(waits)) >= 1 / rate


def _run_workers(
    count: int, sandbox: RunningSandbox, config: ClientConfig, token: str, database: str
) -> list[dict[str, Any]]:
    """Start the workers, let them all import and connect, then release them together."""
    env = {
        **os.environ,
        "WORKER_APP_KEY": config.app_key,
        "WORKER_APP_SECRET": config.app_secret,
        "WORKER_TOKEN": token,
    }
    args = [sandbox.base_url, PROFILE, str(SELLER_RATE), str(CALLS_PER_WORKER), database]
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(count)
    ]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = []
    for worker in workers:
        out, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0
        results.append(json.loads(out))
    return results


def test_two_processes_stay_together_under_a_seller_limit(
    db_url: str, sandbox: RunningSandbox, admin: Admin, config: ClientConfig, token: str
) -> None:
    """Each worker alone would keep under 8/s; together they do only because they share the schedule."""
    upgrade(db_url)
    admin.post("/behaviour", {"limits": {"seller_rates": {PROFILE: SELLER_RATE}}})
    results = _run_workers(2, sandbox, config, token, db_url)
    assert results == [{"ok": CALLS_PER_WORKER, "rate_limited": 0}] * 2


def test_two_processes_with_their_own_limiters_are_banned(
    sandbox: RunningSandbox, admin: Admin, config: ClientConfig, token: str
) -> None:
    """The control: the same two workers, each with a LocalLimiter, run into ApiCallLimit together."""
    admin.post("/behaviour", {"limits": {"seller_rates": {PROFILE: SELLER_RATE}}})
    results = _run_workers(2, sandbox, config, token, "local")
    assert sum(result["rate_limited"] for result in results) > 0
