"""`feedbridge worker`: execute scheduled and queued runs until stopped (Ctrl-C or SIGTERM)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from feedbridge.apis.models import AliExpressApi
from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.db.database import Database, open_database
from feedbridge.encryption import load_keyring
from feedbridge.jobs import Worker, check_executor, start_worker
from feedbridge.sync.models import SyncRun
from feedbridge.sync.results import COUNTS


def worker(
    ctx: typer.Context,
    once: Annotated[
        bool,
        typer.Option(
            "--once", help="Execute what is due and queued now, then stop (for cron; in-process only)."
        ),
    ] = False,
) -> None:
    """Execute due schedules and queued runs until stopped; a line per run as it ends (docs/running.md)."""
    settings: Settings = ctx.obj
    check_executor(settings)
    database = open_database(settings)
    if once:
        context = ConnectionContext(settings, load_keyring(settings))
        executed = Worker(
            database.sessions, context, on_run=lambda run_id: _report(database, run_id)
        ).run_once()
        typer.echo(f"{len(executed)} run(s) executed.")
        return
    stop = threading.Event()

    def stop_on(signum: int, frame: FrameType | None) -> None:
        typer.echo("Stopping: no new run starts; the runs in progress finish first.")
        stop.set()

    signal.signal(signal.SIGINT, stop_on)
    signal.signal(signal.SIGTERM, stop_on)
    typer.echo(
        f"Worker started ({settings.worker_executor}); it looks for due and queued runs every "
        f"{settings.worker_poll_seconds:g} s. Stop it with Ctrl-C."
    )
    start_worker(settings, stop, on_run=lambda run_id: _report(database, run_id))
    typer.echo("Worker stopped.")


def _report(database: Database, run_id: int) -> None:
    with database.sessions() as session:
        run = session.get_one(SyncRun, run_id)
        api = session.get_one(AliExpressApi, run.api_id)
        counts = ", ".join(
            f"{run.counts[name]} {name.replace('_', ' ')}" for name in COUNTS if run.counts.get(name)
        )
        line = f"run {run.id} of API '{api.name}' ({run.trigger}): {run.status}"
        typer.echo(f"{line}; {counts or 'nothing to do'}; {run.calls} AliExpress calls")
        if run.message:
            typer.echo(f"  {run.message}")
