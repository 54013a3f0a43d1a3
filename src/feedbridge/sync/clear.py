"""Clear API (DESIGN §5.4): delete from AliExpress every product the API created or bound, then forget
them. Products the API never created or bound are untouched.

It is a run of its own (trigger CLEAR), so it has results, progress and the one-run-per-API rule. The API
is deactivated first, so that no schedule brings the listings back; its next run is an initial run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.apis.services import get_api
from feedbridge.channels.protocol import Action, StopRun, Task
from feedbridge.connections.context import ConnectionContext
from feedbridge.db.engine import writes_first
from feedbridge.errors import FeedbridgeError
from feedbridge.sync.bindings import Sent
from feedbridge.sync.errors import WrongApiName
from feedbridge.sync.exporting import open_exporter
from feedbridge.sync.models import Binding, BindingStatus, IgnoredProduct, Origin, RunStatus, SyncRun, Trigger
from feedbridge.sync.runs import RunTakenOver, begin_run, finish_run, owner_token, stop_run
from feedbridge.sync.sending import Progress, Sender


@dataclass(frozen=True)
class ClearPreview:
    api: str
    created: int  # listings the API created
    matched: int  # products it bound on its initial run
    unconfirmed: int  # creates whose answer was lost: deleted if AliExpress has them

    @property
    def total(self) -> int:
        return self.created + self.matched + self.unconfirmed


def clear_preview(session: Session, company_id: int, api_id: int) -> ClearPreview:
    api = get_api(session, company_id, api_id)
    query = (
        select(Binding.origin, Binding.status, func.count())
        .where(Binding.api_id == api.id)
        .group_by(Binding.origin, Binding.status)
    )
    counted = {(origin, status): int(n) for origin, status, n in session.execute(query)}
    creating = sum(n for (_, status), n in counted.items() if status == BindingStatus.CREATING)
    created = sum(n for (origin, _), n in counted.items() if origin == Origin.CREATED) - creating
    matched = sum(n for (origin, _), n in counted.items() if origin == Origin.MATCHED)
    return ClearPreview(api.name, created, matched, creating)


def clear_api(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    api_id: int,
    *,
    typed_name: str,
    progress: Progress = lambda step, done, total: None,
) -> int:
    """Delete the API's listings from AliExpress; `typed_name` must be the API's name. Returns the run."""
    sessions = writes_first(sessions)
    owner = owner_token()
    with sessions.begin() as session:
        api = get_api(session, company_id, api_id)
        if " ".join(typed_name.split()) != api.name:
            raise WrongApiName(api.name)
        api.is_active = False
        lease = timedelta(seconds=ctx.settings.sync_lease_seconds)
        run = begin_run(
            session, api, trigger=Trigger.CLEAR, dry_run=False, owner=owner, now=ctx.now(), lease=lease
        )
        run.status = RunStatus.RUNNING
        run_id = run.id
    try:
        _clear(sessions, ctx, api_id, run_id, owner, progress)
    except RunTakenOver:
        pass
    except (StopRun, FeedbridgeError) as error:
        stop_run(sessions, run_id, RunStatus.FAILED, ctx.now(), str(error))
    return run_id


def _clear(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    api_id: int,
    run_id: int,
    owner: str,
    progress: Progress,
) -> None:
    def nothing_sent(task: Task) -> Sent:
        return Sent(None, None, None, None, task.sku_codes)

    with open_exporter(sessions, ctx, api_id) as exporter:
        sender = Sender(sessions, ctx, run_id, api_id, owner, exporter, nothing_sent, progress)
        # Creates whose answer was lost first: found ones are bound, and deleted below with the rest.
        sender.send(_tasks(sessions, api_id, Action.RECHECK, Binding.status == BindingStatus.CREATING))
        sender.send(_tasks(sessions, api_id, Action.DELETE, Binding.product_id.is_not(None)))
        with sessions.begin() as session:
            left = session.scalar(select(func.count()).where(Binding.api_id == api_id)) or 0
            session.execute(delete(IgnoredProduct).where(IgnoredProduct.api_id == api_id))
            run = session.get_one(SyncRun, run_id)
            run.counts, run.calls = dict(sender.counts), exporter.calls()
            if left:
                message = (
                    f"{left} listing(s) could not be deleted (see the errors); clear the API again to retry"
                )
                finish_run(run, RunStatus.FAILED, ctx.now(), message)
            else:
                finish_run(run, RunStatus.SUCCEEDED, ctx.now())


def _tasks(sessions: sessionmaker[Session], api_id: int, action: Action, *where: object) -> list[Task]:
    with sessions() as session:
        bindings = session.scalars(select(Binding).where(Binding.api_id == api_id, *where))  # type: ignore[arg-type]
        return [Task(b.listing_key, action, b.product_id, None, tuple(b.sku_codes)) for b in bindings]
