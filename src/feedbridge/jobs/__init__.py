"""Where runs execute. Runs are database rows (sync.models.SyncRun); executors only move run ids:

- `inprocess` (the default, SQLite or PostgreSQL on one machine): jobs.inprocess.Worker polls the database
  for due schedules and queued runs and executes them in its own threads;
- `procrastinate` (PostgreSQL, workers on several machines): jobs.distributed, procrastinate's job queue
  in the same database.

`start_worker` runs the configured one until asked to stop; `notify_queued` tells it about runs just
queued (jobs.scheduler.queue_manual_run), which the in-process worker finds by itself at its next poll.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.channels.aliexpress.client.clock import Clock, SystemClock
from feedbridge.channels.aliexpress.client.limiter import Limiter, LocalLimiter
from feedbridge.channels.aliexpress.client.shared_limiter import SharedLimiter
from feedbridge.config import ConfigError, Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.db.database import open_database
from feedbridge.db.engine import normalize_url
from feedbridge.encryption import load_keyring
from feedbridge.jobs.inprocess import Worker
from feedbridge.jobs.scheduler import queue_due_runs, queue_manual_run

__all__ = ["Worker", "notify_queued", "queue_due_runs", "queue_manual_run", "start_worker"]

log = logging.getLogger(__name__)


def _nothing(run_id: int) -> None:
    pass


def check_executor(settings: Settings) -> None:
    """Raise ConfigError when the configured executor cannot work with the configured database."""
    sqlite = normalize_url(settings.database_url).get_backend_name() == "sqlite"
    if settings.worker_executor == "procrastinate" and sqlite:
        raise ConfigError(
            "FEEDBRIDGE_WORKER_EXECUTOR=procrastinate needs PostgreSQL, and FEEDBRIDGE_DATABASE_URL is a SQLite "
            "database. Set FEEDBRIDGE_DATABASE_URL=postgresql://user:password@host:5432/feedbridge, or use "
            "FEEDBRIDGE_WORKER_EXECUTOR=inprocess (the default) to run everything on this machine."
        )


def start_worker(
    settings: Settings,
    stop: threading.Event,
    *,
    on_run: Callable[[int], None] | None = None,
    clock: Clock | None = None,
) -> None:
    """Execute queued and scheduled runs with `settings.worker_executor` until `stop` is set (blocks; call
    it from the main thread or a thread of its own). `on_run(run_id)` is called, from a worker thread,
    after each run this worker executed has ended (read the run's row for its outcome). The database is
    migrated first; with procrastinate, its tables are created or upgraded too. Once `stop` is set no new
    run starts and the runs in progress end before this returns. Raises ConfigError when the executor does
    not fit the database."""
    check_executor(settings)
    database = open_database(settings)
    clock = clock or SystemClock()
    ctx = ConnectionContext(settings, load_keyring(settings), clock, _limiter(database.engine, clock))
    callback = on_run or _nothing
    try:
        if settings.worker_executor == "inprocess":
            Worker(database.sessions, ctx, on_run=callback).serve(stop)
            return
        from feedbridge.jobs import distributed

        distributed.prepare(settings.database_url)
        app = distributed.create_app(settings.database_url, connections=settings.worker_runs_at_once + 4)
        runtime = distributed.Runtime(database.sessions, ctx, callback)
        distributed.serve(app, runtime, stop, concurrency=settings.worker_runs_at_once)
    finally:
        database.engine.dispose()


def _limiter(engine: Engine, clock: Clock) -> Limiter:
    """One AliExpress rate budget for every run of this worker: on PostgreSQL shared with every other
    worker through the database; on SQLite kept in this process, since a limiter in the same file would
    wait for the write lock a run holds while it refreshes a token (docs/architecture.md, rules for
    platform calls)."""
    if engine.dialect.name == "sqlite":
        return LocalLimiter(clock)
    return SharedLimiter(engine, clock=clock)


def notify_queued(settings: Settings, sessions: sessionmaker[Session], run_ids: Sequence[int]) -> None:
    """Tell the executor about runs just queued (after their transaction committed). A no-op for the
    in-process worker. With procrastinate, a failure is only logged: the run stays queued and the
    scheduling job of the next minute defers it."""
    if settings.worker_executor != "procrastinate" or not run_ids:
        return
    from feedbridge.jobs import distributed

    try:
        with distributed.create_app(settings.database_url, connections=1).open() as app:
            distributed.defer(app, sessions, run_ids)
    except Exception as error:
        log.warning(
            "runs %s are queued but could not be deferred now (%s); the next minute's scheduling "
            "job defers them",
            list(run_ids),
            error,
        )
