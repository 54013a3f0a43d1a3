"""The distributed executor: workers on several machines take run ids from procrastinate, a PostgreSQL job
queue, in feedbridge's own database (procrastinate's tables beside ours; see jobs.queue_schema).

A procrastinate job carries a run id and nothing else. Two tasks:

- `feedbridge.execute_run(run_id)` claims the queued run and executes it (sync.runner.run_queued). Its jobs
  carry `lock="api-<id>"`, so procrastinate never runs two jobs of one API at once (sync_runs' one-active-
  run index still guarantees it), and `queueing_lock="run-<id>"`, so a run waits in the queue once however
  often it is deferred.
- `feedbridge.queue_due_runs`, every minute on whichever worker takes it: queues the schedules' due runs and
  defers them, together with every run still queued without a job waiting (one queued by the web whose
  defer was lost, or one whose API was busy with a run started by hand when its job ran).

A run is a database row first; its job only says "look at run N". Whatever is lost between the two is put
right by the next minute's sweep, and a job for a run that is no longer queued does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.connections.context import ConnectionContext
from feedbridge.db.engine import normalize_url
from feedbridge.jobs.queue_schema import Prepared, prepare_schema
from feedbridge.jobs.scheduler import queue_due_runs, queued_runs
from feedbridge.sync.models import RunStatus, SyncRun
from feedbridge.sync.runner import run_queued

log = logging.getLogger(__name__)

EXECUTE_RUN = "feedbridge.execute_run"
QUEUE_DUE_RUNS = "feedbridge.queue_due_runs"
EVERY_MINUTE = "* * * * *"
# The scheduling job goes before waiting runs when a worker has a free slot.
SCHEDULE_PRIORITY = 10
# Queued runs the minute's sweep looks at (oldest first).
SWEEP_LIMIT = 1000
_RUNTIME = "feedbridge"


@dataclass(frozen=True)
class Runtime:
    """What the tasks of one worker process use: handed to procrastinate's worker as additional context."""

    sessions: sessionmaker[Session]
    ctx: ConnectionContext
    on_run: Callable[[int], None]


def conninfo(database_url: str) -> str:
    """The libpq URI of feedbridge's database (its options, such as a search_path, included)."""
    url = normalize_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("procrastinate needs PostgreSQL")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def prepare(database_url: str) -> Prepared:
    """Create or upgrade procrastinate's tables (idempotent; see jobs.queue_schema)."""
    return prepare_schema(conninfo(database_url))


def create_app(database_url: str, *, connections: int = 4, schedule: bool = True) -> procrastinate.App:
    """A procrastinate App on feedbridge's database with feedbridge's two tasks; `connections` is the
    most its pool opens. Open it (`with app.open():`) to defer from synchronous code. Its workers defer the
    scheduling job every minute unless `schedule` is false (a worker that only executes runs)."""
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(database_url), min_size=1, max_size=max(connections, 2)
    )
    app = procrastinate.App(connector=connector)
    app.task(name=EXECUTE_RUN, pass_context=True)(_execute_run)
    scheduling = app.task(
        name=QUEUE_DUE_RUNS, pass_context=True, queueing_lock=QUEUE_DUE_RUNS, priority=SCHEDULE_PRIORITY
    )(_queue_due_runs)
    if schedule:
        app.periodic(cron=EVERY_MINUTE, periodic_id="schedules")(scheduling)
    return app


def defer(app: procrastinate.App, sessions: sessionmaker[Session], run_ids: Sequence[int]) -> list[int]:
    """A job for each of these runs that is still queued and has none waiting; returns the run ids that
    got one. Call it after the transaction that queued the runs has committed."""
    if not run_ids:
        return []
    with sessions() as session:
        query = select(SyncRun.id, SyncRun.api_id).where(
            SyncRun.id.in_(set(run_ids)), SyncRun.status == RunStatus.QUEUED
        )
        apis = {run_id: api_id for run_id, api_id in session.execute(query.order_by(SyncRun.id))}
    deferred = []
    for run_id, api_id in apis.items():
        job = app.configure_task(EXECUTE_RUN, lock=f"api-{api_id}", queueing_lock=f"run-{run_id}")
        try:
            job.defer(run_id=run_id)
        except AlreadyEnqueued:
            continue
        deferred.append(run_id)
    return deferred


def schedule_and_defer(
    app: procrastinate.App, sessions: sessionmaker[Session], ctx: ConnectionContext
) -> list[int]:
    """The minute's job: queue the due runs, then defer them with every other run still queued; returns
    the ids of the runs this queued."""
    queued = queue_due_runs(sessions, ctx.now())
    with sessions() as session:
        waiting = [run_id for run_id, _ in queued_runs(session, SWEEP_LIMIT)]
    defer(app, sessions, sorted(set(queued) | set(waiting)))
    return queued


def worker_options(
    runtime: Runtime, *, concurrency: int, wait: bool = True, **options: Any
) -> dict[str, Any]:
    """procrastinate's worker options for feedbridge: `concurrency` runs at once; successful jobs are
    deleted (the runs are the record), signals are left to the caller."""
    return {
        "concurrency": concurrency,
        "wait": wait,
        "delete_jobs": "successful",
        "install_signal_handlers": False,
        "additional_context": {_RUNTIME: runtime},
        **options,
    }


def serve(app: procrastinate.App, runtime: Runtime, stop: threading.Event, *, concurrency: int) -> None:
    """Run a procrastinate worker until `stop` is set; the jobs in progress then end before it returns."""
    asyncio.run(_serve(app, worker_options(runtime, concurrency=concurrency), stop))


async def _serve(app: procrastinate.App, options: dict[str, Any], stop: threading.Event) -> None:
    loop = asyncio.get_running_loop()
    async with app.open_async():
        worker = asyncio.create_task(app.run_worker_async(**options))

        def cancel_on_stop() -> None:
            stop.wait()
            with contextlib.suppress(RuntimeError):  # the worker ended by itself: its loop is closed
                loop.call_soon_threadsafe(worker.cancel)

        # A daemon thread: it ends with the process if `stop` is never set after the worker failed.
        threading.Thread(target=cancel_on_stop, name="feedbridge-worker-stop", daemon=True).start()
        try:
            await worker  # cancelled: procrastinate stops fetching and lets the running jobs end
        except asyncio.CancelledError:
            if not stop.is_set():
                raise


def _runtime(context: procrastinate.JobContext) -> Runtime:
    runtime = context.additional_context.get(_RUNTIME)
    if not isinstance(runtime, Runtime):
        raise RuntimeError(
            "feedbridge's jobs run in workers started by `feedbridge worker` (jobs.start_worker)"
        )
    return runtime


def _execute_run(context: procrastinate.JobContext, run_id: int) -> None:
    runtime = _runtime(context)
    if not run_queued(runtime.sessions, runtime.ctx, run_id):
        return
    try:
        runtime.on_run(run_id)
    except Exception:
        log.exception("the on_run callback failed for run %s", run_id)


def _queue_due_runs(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = _runtime(context)
    schedule_and_defer(context.app, runtime.sessions, runtime.ctx)
