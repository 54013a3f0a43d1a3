"""Queueing runs: the schedules' due runs (once per due time, never piled up, also under concurrent
schedulers) and "Run now" (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update

from feedbridge.accounts.services import create_company
from feedbridge.apis.errors import ApiNotFound
from feedbridge.apis.services import deactivate_api
from feedbridge.jobs.scheduler import queue_due_runs, queue_manual_run
from feedbridge.sync.errors import ApiNotRunnable
from feedbridge.sync.models import RunStatus, SyncRun, SyncSchedule
from feedbridge.sync.runs import queue_run
from feedbridge.sync.schedules import set_schedule
from support.connections import OfflineApis

NOW = datetime(2026, 12, 2, 20, 30, tzinfo=UTC)


class Shop(OfflineApis):
    def api(self, *, active: bool = True) -> int:
        return super().api(active=active)

    def runs(self, api_id: int | None = None) -> list[SyncRun]:
        with self.sessions() as session:
            query = select(SyncRun).order_by(SyncRun.id)
            if api_id is not None:
                query = query.where(SyncRun.api_id == api_id)
            return list(session.scalars(query))

    def end_runs(self) -> None:
        """As if a worker had executed every queued run."""
        with self.sessions.begin() as session:
            session.execute(
                update(SyncRun).where(SyncRun.status == RunStatus.QUEUED).values(status=RunStatus.SUCCEEDED)
            )

    def next_due(self, api_id: int) -> datetime | None:
        with self.sessions() as session:
            schedule = session.scalars(select(SyncSchedule).where(SyncSchedule.api_id == api_id)).one()
            due = schedule.next_due_at
            return due if due is None or due.tzinfo else due.replace(tzinfo=UTC)


@pytest.fixture
def shop(engine: Engine) -> Shop:
    return Shop.create(engine)


def test_a_due_schedule_queues_one_run_and_then_none_until_it_is_due_again(shop: Shop) -> None:
    api_id, later = shop.api(), shop.api()
    shop.call(set_schedule, api_id, times=["21:00"], now=NOW)
    shop.call(set_schedule, later, times=["23:00"], now=NOW)

    queued = queue_due_runs(shop.sessions, datetime(2026, 12, 2, 21, 5, tzinfo=UTC))

    runs = shop.runs()
    assert [run.id for run in runs] == queued
    assert [(run.api_id, run.trigger, run.status) for run in runs] == [(api_id, "schedule", "queued")]
    shop.end_runs()
    assert queue_due_runs(shop.sessions, datetime(2026, 12, 2, 22, 59, tzinfo=UTC)) == []
    assert len(shop.runs()) == 1
    assert shop.next_due(api_id) == datetime(2026, 12, 3, 21, tzinfo=UTC)


def test_an_api_with_a_run_waiting_gets_no_second_one(shop: Shop) -> None:
    api_id = shop.api()
    shop.call(set_schedule, api_id, every_hours=1, now=NOW)  # due 21:00, 22:00, ...
    waiting = queue_manual_run(shop.sessions, shop.company_id, api_id, NOW)

    assert queue_due_runs(shop.sessions, datetime(2026, 12, 2, 21, 1, tzinfo=UTC)) == []
    assert queue_due_runs(shop.sessions, datetime(2026, 12, 2, 22, 1, tzinfo=UTC)) == []

    assert [run.id for run in shop.runs(api_id)] == [waiting]
    assert shop.next_due(api_id) == datetime(2026, 12, 2, 23, tzinfo=UTC)  # claimed all the same


def test_a_run_is_queued_behind_an_active_run(shop: Shop) -> None:
    api_id = shop.api()
    with shop.sessions.begin() as session:
        queue_run(session, api_id, "manual", NOW).status = RunStatus.RUNNING  # type: ignore[arg-type]
    shop.call(set_schedule, api_id, times=["21:00"], now=NOW)

    queued = queue_due_runs(shop.sessions, datetime(2026, 12, 2, 21, tzinfo=UTC))

    assert [(run.id in queued, run.status) for run in shop.runs(api_id)] == [
        (False, "running"),
        (True, "queued"),
    ]


def test_an_inactive_api_gets_no_scheduled_run_and_its_schedule_moves_on(shop: Shop) -> None:
    inactive = shop.api(active=False)
    deactivated = shop.api()
    for api_id in (inactive, deactivated):
        shop.call(set_schedule, api_id, times=["21:00"], now=NOW)
    shop.call(deactivate_api, deactivated)

    assert queue_due_runs(shop.sessions, datetime(2026, 12, 2, 21, tzinfo=UTC)) == []

    assert shop.runs() == []
    assert shop.next_due(inactive) == datetime(2026, 12, 3, 21, tzinfo=UTC)


def test_more_due_schedules_than_one_claim_are_all_queued(shop: Shop) -> None:
    ids = [shop.api() for _ in range(5)]
    for api_id in ids:
        shop.call(set_schedule, api_id, times=["21:00"], now=NOW)

    queued = queue_due_runs(shop.sessions, datetime(2026, 12, 2, 21, tzinfo=UTC), batch=2)

    assert len(queued) == 5
    assert sorted(run.api_id for run in shop.runs()) == ids


def test_run_now_queues_once_and_says_why_it_cannot(shop: Shop) -> None:
    api_id, inactive = shop.api(), shop.api(active=False)

    first = queue_manual_run(shop.sessions, shop.company_id, api_id, NOW)
    again = queue_manual_run(shop.sessions, shop.company_id, api_id, NOW + timedelta(minutes=1))

    assert again == first
    assert [(run.trigger, run.status) for run in shop.runs(api_id)] == [("manual", "queued")]
    with pytest.raises(ApiNotRunnable, match=r"API 'AE 2' cannot run: it is not active"):
        queue_manual_run(shop.sessions, shop.company_id, inactive, NOW)
    with shop.sessions.begin() as session:
        other = create_company(session, "Other", "other").id
    with pytest.raises(ApiNotFound):
        queue_manual_run(shop.sessions, other, api_id, NOW)
    assert shop.runs(inactive) == []


def test_concurrent_run_now_clicks_queue_one_run(shop: Shop) -> None:
    api_id = shop.api()
    barrier = threading.Barrier(4)

    def click() -> int:
        barrier.wait()
        return queue_manual_run(shop.sessions, shop.company_id, api_id, NOW)

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = {future.result() for future in [pool.submit(click) for _ in range(4)]}

    assert ids == {run.id for run in shop.runs(api_id)}
    assert len(ids) == 1


def test_concurrent_schedulers_queue_each_due_time_once(shop: Shop) -> None:
    count, rounds = 20, 3
    ids = [shop.api() for _ in range(count)]
    for api_id in ids:
        shop.call(set_schedule, api_id, every_hours=1, now=NOW)

    queued: Counter[int] = Counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for hour in range(1, rounds + 1):
            now = NOW + timedelta(hours=hour)
            barrier = threading.Barrier(2)

            def scheduler(now: datetime = now, barrier: threading.Barrier = barrier) -> list[int]:
                barrier.wait()
                return queue_due_runs(shop.sessions, now)

            both = [future.result() for future in [pool.submit(scheduler) for _ in range(2)]]
            assert not set(both[0]) & set(both[1])
            runs = {run.id: run for run in shop.runs() if run.status == RunStatus.QUEUED}
            assert set(runs) == set(both[0]) | set(both[1])
            assert sorted(run.api_id for run in runs.values()) == ids  # one run per API and due time
            queued.update(run.api_id for run in runs.values())
            shop.end_runs()
    assert queued == Counter({api_id: rounds for api_id in ids})
