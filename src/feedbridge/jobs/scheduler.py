"""Queueing runs: the schedules' due runs, and "Run now" from the web. Both only write QUEUED rows; an
executor (jobs.inprocess or jobs.distributed) takes them by id.

An API gets at most one QUEUED run: a schedule that comes due, or a "Run now", while one is already
waiting adds nothing (the waiting run will do the work). A run may be queued while another run of the API
is active; it waits until that one ends (the one-active-run index of sync_runs keeps them apart).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.apis.models import AliExpressApi
from feedbridge.apis.services import get_api
from feedbridge.projects.models import Project
from feedbridge.sync.models import RunStatus, SyncRun, Trigger
from feedbridge.sync.runner import ensure_runnable
from feedbridge.sync.runs import queue_run
from feedbridge.sync.schedules import CLAIM_BATCH, claim_due

log = logging.getLogger(__name__)


def queue_due_runs(sessions: sessionmaker[Session], now: datetime, *, batch: int = CLAIM_BATCH) -> list[int]:
    """Claim every schedule due at `now` and queue one run for each API that has no run waiting yet;
    returns the ids of the runs queued. Each claim and the runs it queues commit together, so any number
    of schedulers may call this at once: every due time is claimed, and queued, once.

    A due API (or project) that is no longer active gets no run; its schedule still moves on."""
    queued: list[int] = []
    while True:
        with sessions.begin() as session:
            due = claim_due(session, now, batch)  # first: on SQLite it takes the write lock
            for api_id in sorted({run.api_id for run in due}):  # rows locked in one order: no deadlock
                _lock_api(session, api_id)
                if not _active(session, api_id):
                    log.info("API %d is due by its schedule but is not active: no run queued", api_id)
                    continue
                if waiting_run(session, api_id) is not None:
                    continue
                queued.append(queue_run(session, api_id, Trigger.SCHEDULE, now).id)
        if len(due) < batch:
            return queued


def queue_manual_run(sessions: sessionmaker[Session], company_id: int, api_id: int, now: datetime) -> int:
    """ "Run now": a run of the company's API for a worker to execute; the run already waiting when there
    is one. Raises ApiNotFound (not this company's API) or ApiNotRunnable (the API or its project is not
    active), so the page can say so at once."""
    with sessions.begin() as session:
        _take_write_lock(session)
        api = get_api(session, company_id, api_id)
        _lock_api(session, api.id)
        ensure_runnable(session, api)
        waiting = waiting_run(session, api.id)
        if waiting is not None:
            return waiting
        return queue_run(session, api.id, Trigger.MANUAL, now).id


def waiting_run(session: Session, api_id: int) -> int | None:
    """The API's oldest QUEUED run, if any."""
    query = select(SyncRun.id).where(SyncRun.api_id == api_id, SyncRun.status == RunStatus.QUEUED)
    return session.scalars(query.order_by(SyncRun.id).limit(1)).first()


def queued_runs(session: Session, limit: int) -> list[tuple[int, int]]:
    """(run id, API id) of the oldest QUEUED runs, oldest first."""
    query = select(SyncRun.id, SyncRun.api_id).where(SyncRun.status == RunStatus.QUEUED)
    return [(run_id, api_id) for run_id, api_id in session.execute(query.order_by(SyncRun.id).limit(limit))]


def _active(session: Session, api_id: int) -> bool:
    query = (
        select(AliExpressApi.id)
        .join(Project, Project.id == AliExpressApi.project_id)
        .where(AliExpressApi.id == api_id, AliExpressApi.is_active, Project.is_active)
    )
    return session.scalar(query) is not None


def _lock_api(session: Session, api_id: int) -> None:
    """Serialise the queuers of one API until commit, so two never both find no run waiting. PostgreSQL:
    FOR NO KEY UPDATE on the API's row (rows that merely refer to it are not held up). SQLite: the
    transaction already holds the database's write lock (claim_due / _take_write_lock)."""
    query = select(AliExpressApi.id).where(AliExpressApi.id == api_id).with_for_update(key_share=True)
    session.execute(query)


def _take_write_lock(session: Session) -> None:
    """On SQLite, take the write lock before the first read, as claim_due does: concurrent queuers then
    wait for each other (busy timeout) instead of failing to upgrade a read lock."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE sync_runs SET id = id WHERE 0"))
