"""The procrastinate executor on PostgreSQL: its schema prepared once, runs deferred by id and executed
once by a worker, the minute's scheduling job, and start_worker with it. Workers here run with
`wait=False`: they take every job available, then return."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import procrastinate
import psycopg
import pytest
from sqlalchemy import func, select

from feedbridge.jobs import distributed as d
from feedbridge.jobs import notify_queued, start_worker
from feedbridge.jobs.queue_schema import MARK_PREFIX, Prepared, migrations, pending, schema_mark
from feedbridge.jobs.scheduler import queue_manual_run
from feedbridge.sync.models import RunStatus, SyncResult, Trigger
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

WAIT = 120  # only reached when a test fails


@pytest.fixture
def shop(connected_shop: ConnectedShop) -> ConnectedShop:
    if connected_shop.settings.database_url.startswith("sqlite"):
        pytest.skip(
            "procrastinate needs PostgreSQL: set FEEDBRIDGE_TEST_DATABASE_URL (SQLite uses jobs.inprocess)"
        )
    d.prepare(connected_shop.settings.database_url)
    return connected_shop


def _app(shop: ConnectedShop) -> procrastinate.App:
    return d.create_app(shop.settings.database_url, schedule=False)


def _work(app: procrastinate.App, shop: ConnectedShop, reported: list[int]) -> None:
    """One worker that takes every job available (and the jobs those defer), then returns."""
    runtime = d.Runtime(shop.sessions, shop.ctx, reported.append)
    app.run_worker(**d.worker_options(runtime, concurrency=1, wait=False, listen_notify=False))


def _jobs(shop: ConnectedShop) -> list[tuple[str, Any, str]]:
    with psycopg.connect(d.conninfo(shop.settings.database_url)) as connection:
        rows = connection.execute(
            "SELECT task_name, args, status::text FROM procrastinate_jobs ORDER BY id"
        ).fetchall()
    return [(name, args, status) for name, args, status in rows]


def test_a_deferred_run_is_executed_once(shop: ConnectedShop, images: ImageServer) -> None:
    seller = new_seller(shop)
    _, api_id = ready_api(shop, seller, feed(lamp("D-L1", images.base_url), lamp("D-L2", images.base_url)))
    run_id = queue_manual_run(shop.sessions, shop.company_id, api_id, shop.ctx.now())
    app, reported = _app(shop), list[int]()

    with app.open():
        assert d.defer(app, shop.sessions, [run_id]) == [run_id]
        assert d.defer(app, shop.sessions, [run_id]) == []  # already waiting in the queue
    assert _jobs(shop) == [(d.EXECUTE_RUN, {"run_id": run_id}, "todo")]
    _work(app, shop, reported)

    assert reported == [run_id]
    run = run_row(shop, run_id)
    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.counts["created"] == 2
    with shop.sessions() as session:
        assert session.scalar(select(func.count()).where(SyncResult.run_id == run_id)) == 2
    assert set(by_sku(products_of(shop, seller))) == {"D-L1", "D-L2"}
    assert _jobs(shop) == []  # done, and deleted: the run is the record
    with app.open():
        assert d.defer(app, shop.sessions, [run_id]) == []  # no longer queued: nothing to do


def test_the_scheduling_job_queues_and_defers_due_runs(shop: ConnectedShop, images: ImageServer) -> None:
    seller = new_seller(shop)
    _, api_id = ready_api(shop, seller, feed(lamp("P-L1", images.base_url)))
    shop.call(set_schedule, api_id, every_hours=1, now=shop.ctx.now() - timedelta(hours=2))
    scheduled = d.create_app(shop.settings.database_url)
    [periodic] = scheduled.periodic_registry.periodic_tasks.values()
    assert (periodic.task.name, periodic.cron) == (d.QUEUE_DUE_RUNS, d.EVERY_MINUTE)
    app, reported = _app(shop), list[int]()

    with app.open():  # the job as procrastinate's periodic deferrer defers it every minute
        app.configure_task(d.QUEUE_DUE_RUNS).defer(timestamp=0)
    _work(app, shop, reported)

    assert len(reported) == 1
    run = run_row(shop, reported[0])
    assert (run.api_id, run.trigger, run.status) == (api_id, Trigger.SCHEDULE, RunStatus.SUCCEEDED), (
        run.message
    )
    assert set(by_sku(products_of(shop, seller))) == {"P-L1"}
    with app.open():  # the next minute: nothing due, nothing queued
        assert d.schedule_and_defer(app, shop.sessions, shop.ctx) == []
    assert _jobs(shop) == []
    shop.call(remove_schedule, api_id)  # the module's other tests share the shop and its clock


def test_the_scheduling_job_defers_runs_queued_without_a_job(
    shop: ConnectedShop, images: ImageServer
) -> None:
    seller = new_seller(shop)
    _, api_id = ready_api(shop, seller, feed(lamp("R-L1", images.base_url)))
    run_id = queue_manual_run(shop.sessions, shop.company_id, api_id, shop.ctx.now())  # its defer was lost
    app, reported = _app(shop), list[int]()

    with app.open():
        assert d.schedule_and_defer(app, shop.sessions, shop.ctx) == []  # nothing due...
    assert _jobs(shop) == [(d.EXECUTE_RUN, {"run_id": run_id}, "todo")]  # ...but the waiting run is deferred
    _work(app, shop, reported)

    assert reported == [run_id]
    assert run_row(shop, run_id).status == RunStatus.SUCCEEDED


def test_start_worker_with_procrastinate(shop: ConnectedShop, images: ImageServer) -> None:
    seller = new_seller(shop)
    _, api_id = ready_api(shop, seller, feed(lamp("X-L1", images.base_url)))
    settings = shop.settings.model_copy(update={"worker_executor": "procrastinate"})
    stop, ran = threading.Event(), threading.Event()
    reported: list[int] = []

    def on_run(run_id: int) -> None:
        reported.append(run_id)
        ran.set()

    thread = threading.Thread(
        target=start_worker, args=(settings, stop), kwargs={"on_run": on_run, "clock": shop.ctx.clock}
    )
    thread.start()
    try:
        run_id = queue_manual_run(shop.sessions, shop.company_id, api_id, shop.ctx.now())
        notify_queued(settings, shop.sessions, [run_id])  # "Run now" from the web
        assert ran.wait(WAIT)
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive()
    assert reported == [run_id]
    assert run_row(shop, run_id).status == RunStatus.SUCCEEDED
    assert set(by_sku(products_of(shop, seller))) == {"X-L1"}


# --- procrastinate's schema ------------------------------------------------------------------------


@pytest.fixture
def fresh_schema() -> Iterator[str]:
    """A database URL on a new, empty PostgreSQL schema."""
    base = os.environ.get("FEEDBRIDGE_TEST_DATABASE_URL")
    if not base:
        pytest.skip("procrastinate needs PostgreSQL: set FEEDBRIDGE_TEST_DATABASE_URL")
    name = f"test_{uuid.uuid4().hex[:12]}"
    info = d.conninfo(base)
    with psycopg.connect(info, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(info, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{name}" CASCADE')


def test_the_schema_is_created_once_even_by_workers_starting_together(fresh_schema: str) -> None:
    barrier = threading.Barrier(3)
    outcomes: list[Prepared] = []

    def start() -> None:
        barrier.wait()
        outcomes.append(d.prepare(fresh_schema))

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted([Prepared.CREATED, Prepared.CURRENT, Prepared.CURRENT])
    assert d.prepare(fresh_schema) == Prepared.CURRENT
    with psycopg.connect(d.conninfo(fresh_schema)) as connection:
        assert schema_mark(connection) == migrations()[-1]


def test_a_schema_marked_older_gets_the_newer_migrations_and_one_made_by_hand_is_left_alone(
    fresh_schema: str,
) -> None:
    shipped = migrations()
    assert shipped == sorted(shipped) and shipped[-1].endswith(".sql")
    assert pending(shipped[-1], shipped) == []
    assert pending(shipped[-3], shipped) == shipped[-2:]
    d.prepare(fresh_schema)
    info = d.conninfo(fresh_schema)
    # As if created by a procrastinate one migration older. The last migration replaces a trigger and its
    # function (DROP IF EXISTS, then CREATE), so it applies again to the current schema.
    with psycopg.connect(info, autocommit=True) as connection:
        connection.execute(f"COMMENT ON TABLE procrastinate_jobs IS '{MARK_PREFIX}{shipped[-2]}'")

    assert d.prepare(fresh_schema) == Prepared.UPGRADED

    with psycopg.connect(info, autocommit=True) as connection:
        assert schema_mark(connection) == shipped[-1]
        trigger = (
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'procrastinate_jobs'::regclass "
            "AND tgname = 'procrastinate_trigger_status_events_update_v1'"
        )
        assert connection.execute(trigger).fetchone() == (1,)
        connection.execute("COMMENT ON TABLE procrastinate_jobs IS NULL")  # as `procrastinate schema --apply`
    assert d.prepare(fresh_schema) == Prepared.UNMANAGED
