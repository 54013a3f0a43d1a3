"""The in-process executor end to end against the sandbox: queued and scheduled runs, two workers on the
same runs, and start_worker's loop (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedbridge.config import ConfigError, Settings
from feedbridge.jobs import start_worker
from feedbridge.jobs.inprocess import Worker
from feedbridge.jobs.scheduler import queue_manual_run
from feedbridge.sync.models import ACTIVE_STATUSES, RunStatus, SyncResult, SyncRun, Trigger
from feedbridge.sync.runs import queue_run
from feedbridge.sync.schedules import remove_schedule, set_schedule
from support.shop import ConnectedShop
from support.sync import (
    ImageServer,
    by_sku,
    feed,
    lamp,
    new_seller,
    products_of,
    ready_api,
    run_row,
)

# Long enough for a run against the local sandbox on a slow machine; only reached when a test fails.
WAIT = 120


def _results(shop: ConnectedShop, run_id: int) -> int:
    with shop.sessions() as session:
        return session.scalar(select(func.count()).where(SyncResult.run_id == run_id)) or 0


def _ready(shop: ConnectedShop, images: ImageServer, prefix: str, count: int = 1) -> tuple[int, object]:
    seller = new_seller(shop)
    rows = [lamp(f"{prefix}-L{n}", images.base_url) for n in range(1, count + 1)]
    _, api_id = ready_api(shop, seller, feed(*rows))
    return api_id, seller


def test_run_once_executes_a_queued_run_end_to_end(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    _, api_id = ready_api(shop, seller, feed(lamp("Q-L1", images.base_url), lamp("Q-L2", images.base_url)))
    run_id = queue_manual_run(shop.sessions, shop.company_id, api_id, shop.ctx.now())
    reported: list[int] = []

    executed = Worker(shop.sessions, shop.ctx, on_run=reported.append).run_once()

    assert executed == reported == [run_id]
    run = run_row(shop, run_id)
    assert (run.status, run.trigger) == (RunStatus.SUCCEEDED, Trigger.MANUAL), run.message
    assert run.counts["created"] == 2
    assert set(by_sku(products_of(shop, seller))) == {"Q-L1", "Q-L2"}
    assert Worker(shop.sessions, shop.ctx).run_once() == []  # nothing left to do


def test_run_once_queues_and_executes_a_due_schedule(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    _, api_id = ready_api(shop, seller, feed(lamp("S-L1", images.base_url)))
    # Set two hours ago, every hour: due within the last hour.
    shop.call(set_schedule, api_id, every_hours=1, now=shop.ctx.now() - timedelta(hours=2))

    executed = Worker(shop.sessions, shop.ctx).run_once()

    assert len(executed) == 1
    run = run_row(shop, executed[0])
    assert (run.api_id, run.trigger, run.status) == (api_id, "schedule", RunStatus.SUCCEEDED), run.message
    assert set(by_sku(products_of(shop, seller))) == {"S-L1"}
    assert Worker(shop.sessions, shop.ctx).run_once() == []  # the schedule's next time is still to come
    shop.call(remove_schedule, api_id)  # the module's other tests share the shop and its clock


def test_two_workers_execute_each_run_once_and_one_api_at_a_time(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    apis = [_ready(shop, images, f"W{n}", count=2) for n in range(3)]
    runs = [queue_manual_run(shop.sessions, shop.company_id, api_id, shop.ctx.now()) for api_id, _ in apis]
    # A second run of the first API, queued behind its first (as after a run the first was busy with).
    with shop.sessions.begin() as session:
        second = queue_run(session, apis[0][0], Trigger.MANUAL, shop.ctx.now()).id
    workers = [Worker(shop.sessions, shop.ctx, runs_at_once=2) for _ in range(2)]
    barrier = threading.Barrier(2)

    def work(worker: Worker) -> list[int]:
        barrier.wait()
        return worker.run_once()

    with ThreadPoolExecutor(max_workers=2) as pool:
        executed = [future.result() for future in [pool.submit(work, worker) for worker in workers]]

    everything = executed[0] + executed[1]
    assert sorted(everything) == sorted([*runs, second])  # each run executed, by one worker only
    for run_id, (_, seller) in zip(runs, apis, strict=True):
        run = run_row(shop, run_id)
        assert run.status == RunStatus.SUCCEEDED, run.message
        assert run.counts["created"] == 2 and _results(shop, run_id) == 2
        assert len(products_of(shop, seller)) == 2  # nothing created twice
    first, then = run_row(shop, runs[0]), run_row(shop, second)
    assert then.status == RunStatus.SUCCEEDED, then.message
    assert (
        then.counts.get("created", 0) == 0 and then.counts["unchanged"] == 2
    )  # after the first, not beside it
    assert first.finished_at is not None and then.started_at is not None
    assert then.started_at >= first.finished_at
    with shop.sessions() as session:
        assert session.scalar(select(func.count()).where(SyncRun.status.in_(ACTIVE_STATUSES))) == 0


def test_start_worker_executes_queued_runs_until_stopped(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    api_id, _ = _ready(shop, images, "SW")
    run_id = queue_manual_run(shop.sessions, shop.company_id, api_id, shop.ctx.now())
    stop, ran = threading.Event(), threading.Event()
    reported: list[int] = []

    def on_run(finished: int) -> None:
        reported.append(finished)
        ran.set()

    thread = threading.Thread(
        target=start_worker, args=(shop.settings, stop), kwargs={"on_run": on_run, "clock": shop.ctx.clock}
    )
    thread.start()
    try:
        assert ran.wait(WAIT)
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive()  # stopped without waiting out its poll interval
    assert reported == [run_id]
    assert run_row(shop, run_id).status == RunStatus.SUCCEEDED


def test_procrastinate_is_refused_on_sqlite() -> None:
    settings = Settings(database_url="sqlite:///ignored.db", worker_executor="procrastinate")
    with pytest.raises(ConfigError, match=r"needs PostgreSQL.*FEEDBRIDGE_WORKER_EXECUTOR=inprocess"):
        start_worker(settings, threading.Event())
