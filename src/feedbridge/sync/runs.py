"""Run rows: starting one (one active run per API), taking over an abandoned one, holding, queueing,
claiming, heartbeats and the end. Services flush; the caller commits.

A run belongs to the process that executes it (`owner`: host, pid and a random token). A run whose owner
is gone — its process no longer exists on this host, or it has not said anything for the lease time — is
abandoned: the next run marks it INTERRUPTED and carries on from the bindings, which hold every result
it recorded.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.apis.models import AliExpressApi
from feedbridge.apis.services import get_api
from feedbridge.projects.models import Project
from feedbridge.sync.errors import NothingHeld, RunInProgress, RunNotFound
from feedbridge.sync.models import ACTIVE_STATUSES, RunStatus, SyncRun, Trigger


class RunTakenOver(Exception):
    """Another process took this run over as abandoned: this one must stop sending."""


def owner_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _process_gone(owner: str | None) -> bool:
    """Whether the owner is a process of this host that no longer exists."""
    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def abandoned(run: SyncRun, now: datetime, lease: timedelta) -> bool:
    silent = run.heartbeat_at is None or now - run.heartbeat_at > lease
    return silent or _process_gone(run.owner)


def active_run(session: Session, api_id: int) -> SyncRun | None:
    query = select(SyncRun).where(SyncRun.api_id == api_id, SyncRun.status.in_(ACTIVE_STATUSES))
    # Read fresh: a run this session loaded before (as QUEUED) may have been claimed by another worker since.
    return session.scalar(query.execution_options(populate_existing=True))


def begin_run(
    session: Session,
    api: AliExpressApi,
    *,
    trigger: Trigger,
    dry_run: bool,
    owner: str,
    now: datetime,
    lease: timedelta,
) -> SyncRun:
    """A new run in PLANNING, owned by `owner`; raises RunInProgress when another one is alive. Held
    runs are superseded: what they planned is planned again from the current data."""
    _take_over_abandoned(session, api, now, lease)
    if not dry_run:
        held = select(SyncRun).where(SyncRun.api_id == api.id, SyncRun.status == RunStatus.HELD)
        for run in session.scalars(held):
            _end(run, RunStatus.CANCELLED, "superseded by a newer run before it was confirmed", now)
    run = SyncRun(
        api_id=api.id,
        trigger=trigger,
        status=RunStatus.PLANNING,
        dry_run=dry_run,
        started_at=now,
        owner=owner,
        heartbeat_at=now,
    )
    return _claimed(session, api, run)


def claim_held(
    session: Session, api: AliExpressApi, *, owner: str, now: datetime, lease: timedelta
) -> SyncRun:
    """The API's held run, confirmed and owned by `owner`, to execute its plan as it was shown."""
    _take_over_abandoned(session, api, now, lease)
    query = select(SyncRun).where(SyncRun.api_id == api.id, SyncRun.status == RunStatus.HELD)
    run = session.scalars(query.order_by(SyncRun.id.desc())).first()
    if run is None:
        raise NothingHeld(api.name)
    run.status, run.confirmed, run.owner, run.heartbeat_at = RunStatus.RUNNING, True, owner, now
    run.message = None  # what held it is kept in `hold`
    return _claimed(session, api, run)


def queue_run(session: Session, api_id: int, trigger: Trigger, now: datetime) -> SyncRun:
    """A run for a worker to execute (a schedule's, or "Run now" from the web)."""
    run = SyncRun(api_id=api_id, trigger=trigger, status=RunStatus.QUEUED, created_at=now)
    session.add(run)
    session.flush()
    return run


def claim_queued(
    session: Session, run_id: int, *, owner: str, now: datetime, lease: timedelta
) -> SyncRun | None:
    """Take a queued run for execution; None when another worker took it or its API is busy."""
    run = session.get(SyncRun, run_id)
    if run is None or run.status != RunStatus.QUEUED:
        return None
    api = session.get_one(AliExpressApi, run.api_id)
    _take_over_abandoned(session, api, now, lease)
    try:
        with session.begin_nested():  # a unique-index refusal: another run of the API is active
            claimed = session.execute(
                update(SyncRun)
                .where(SyncRun.id == run_id, SyncRun.status == RunStatus.QUEUED)
                .values(status=RunStatus.PLANNING, owner=owner, heartbeat_at=now, started_at=now)
                .returning(SyncRun.id)
                .execution_options(synchronize_session=False)
            ).scalar_one_or_none()
    except IntegrityError:
        return None
    if claimed is None:
        return None
    session.refresh(run)
    return run


def heartbeat(
    session: Session, run_id: int, owner: str, now: datetime, *, calls: int, counts: dict[str, int]
) -> None:
    """Say the run is alive (with its progress); raises RunTakenOver when another process took it over."""
    answered = session.execute(
        update(SyncRun)
        .where(SyncRun.id == run_id, SyncRun.owner == owner, SyncRun.status.in_(ACTIVE_STATUSES))
        .values(heartbeat_at=now, calls=calls, counts=counts)
        .returning(SyncRun.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if answered is None:
        raise RunTakenOver(f"run {run_id} was taken over by another process")


def finish_run(run: SyncRun, status: RunStatus, now: datetime, message: str | None = None) -> None:
    _end(run, status, message, now)


def stop_run(
    sessions: sessionmaker[Session], run_id: int, status: RunStatus, now: datetime, message: str
) -> None:
    """End a run that stopped early (an error), unless it already ended or was taken over; commits."""
    with sessions.begin() as session:
        run = session.get_one(SyncRun, run_id)
        if run.status in ACTIVE_STATUSES:
            _end(run, status, message, now)


def get_run(session: Session, company_id: int, run_id: int) -> SyncRun:
    run = session.get(SyncRun, run_id)
    if run is None:
        raise RunNotFound(run_id)
    api = session.get_one(AliExpressApi, run.api_id)
    if session.get_one(Project, api.project_id).company_id != company_id:
        raise RunNotFound(run_id)
    return run


def list_runs(session: Session, company_id: int, api_id: int, limit: int = 50) -> list[SyncRun]:
    api = get_api(session, company_id, api_id)
    query = select(SyncRun).where(SyncRun.api_id == api.id).order_by(SyncRun.id.desc()).limit(limit)
    return list(session.scalars(query))


def last_clear_id(session: Session, api_id: int) -> int:
    query = select(SyncRun.id).where(
        SyncRun.api_id == api_id, SyncRun.trigger == Trigger.CLEAR, SyncRun.status == RunStatus.SUCCEEDED
    )
    return session.scalars(query.order_by(SyncRun.id.desc())).first() or 0


def is_initial(session: Session, api_id: int) -> bool:
    """Whether no run has succeeded since the API was created or cleared: the next one matches products."""
    query = select(SyncRun.id).where(
        SyncRun.api_id == api_id,
        SyncRun.status == RunStatus.SUCCEEDED,
        SyncRun.dry_run.is_(False),
        SyncRun.trigger != Trigger.CLEAR,
        SyncRun.id > last_clear_id(session, api_id),
    )
    return session.scalars(query.limit(1)).first() is None


def _take_over_abandoned(session: Session, api: AliExpressApi, now: datetime, lease: timedelta) -> None:
    current = active_run(session, api.id)
    if current is None:
        return
    if not abandoned(current, now, lease):
        raise RunInProgress(api.name, current.id)
    _end(
        current,
        RunStatus.INTERRUPTED,
        "its process stopped; the next run carried on from what it recorded",
        now,
    )
    session.flush()


def _claimed(session: Session, api: AliExpressApi, run: SyncRun) -> SyncRun:
    session.add(run)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        current = active_run(session, api.id)
        raise RunInProgress(api.name, current.id if current else 0) from None
    return run


def _end(run: SyncRun, status: RunStatus, message: str | None, now: datetime) -> None:
    run.status, run.finished_at, run.owner = status, now, None
    if message is not None:
        run.message = message
