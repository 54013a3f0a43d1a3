"""A run end to end (DESIGN §5): listings as built now → plan against the bindings (and, on the initial
run, the seller's existing products) → guard rails → the calls, each result recorded as it returns.

`run_api` starts a run in this process and executes it; `execute_run` executes a run another caller
started (a worker with a queued run). Neither raises for what goes wrong once the run exists: the run
ends FAILED with the message a merchant needs (an expired connection stops it before anything is sent).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.apis.folders import api_folder
from feedbridge.apis.models import AliExpressApi
from feedbridge.apis.services import get_api
from feedbridge.channels.aliexpress import payloads as p
from feedbridge.channels.protocol import Action, Exporter, Outcome, RemoteStatus, StopRun, Task, TaskResult
from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.db.engine import writes_first
from feedbridge.errors import FeedbridgeError
from feedbridge.listings import columns as c
from feedbridge.listings.services import computed_listings
from feedbridge.projects.models import Project
from feedbridge.sync import plan as pn
from feedbridge.sync.bindings import Sent, bind_matched, bindings_frame, find_binding, live_count
from feedbridge.sync.errors import ApiNotRunnable, RunInProgress
from feedbridge.sync.exporting import open_exporter
from feedbridge.sync.guards import tripped
from feedbridge.sync.matching import Matching, match, remote_frame
from feedbridge.sync.models import IgnoredProduct, RunStatus, SyncRun, Trigger
from feedbridge.sync.runs import (
    RunTakenOver,
    begin_run,
    claim_held,
    claim_queued,
    finish_run,
    is_initial,
    owner_token,
    stop_run,
)
from feedbridge.sync.sending import Progress, Sender
from feedbridge.sync.settings import sync_settings

log = logging.getLogger(__name__)
PLAN_FILE, IGNORED_FILE = "plan.parquet", "ignored.parquet"
# The plan file's columns from the listings, besides the plan's own.
_DETAILS = (p.SKU_CODES, p.ITEM_IDS, p.PAYLOAD, p.CONTENT_HASH, p.PRICE_HASH, p.STOCK_HASH)
_FIRST_PHASE = (Action.RECHECK, Action.TAKE_OFFLINE, Action.DELETE, Action.BRING_ONLINE)
_SECOND_PHASE = (Action.CREATE, Action.UPDATE_CONTENT, Action.UPDATE_PRICE, Action.UPDATE_STOCK)


def _no_progress(step: str, done: int, total: int) -> None:
    pass


def run_folder(settings: Settings, api: AliExpressApi, run_id: int) -> Path:
    """Where a run keeps its plan (with the payloads it sends) and the initial run's products left alone."""
    return api_folder(settings, api) / "runs" / str(run_id)


def run_api(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    api_id: int,
    *,
    trigger: Trigger = Trigger.MANUAL,
    dry_run: bool = False,
    confirm: bool = False,
    progress: Progress = _no_progress,
) -> int:
    """Run the API now, in this process; returns the run's id. `confirm` executes the run the guard rails
    hold (as it was planned), or waives them for a new run when none is held."""
    sessions = writes_first(sessions)
    owner = owner_token()
    lease = timedelta(seconds=ctx.settings.sync_lease_seconds)
    with sessions.begin() as session:
        api = get_api(session, company_id, api_id)
        if not dry_run:
            ensure_runnable(session, api)
        held = confirm and not dry_run and _has_held(session, api.id)
        if held:
            run = claim_held(session, api, owner=owner, now=ctx.now(), lease=lease)
        else:
            run = begin_run(
                session, api, trigger=trigger, dry_run=dry_run, owner=owner, now=ctx.now(), lease=lease
            )
            run.confirmed = confirm
        run_id = run.id
    execute_run(sessions, ctx, company_id, run_id, owner, progress=progress)
    return run_id


def run_queued(
    sessions: sessionmaker[Session], ctx: ConnectionContext, run_id: int, *, progress: Progress = _no_progress
) -> bool:
    """Claim a queued run and execute it in this process; False when another worker took it, its API is
    busy with another run (it stays queued), or its API or project is no longer active (it is cancelled)."""
    sessions = writes_first(sessions)
    owner = owner_token()
    lease = timedelta(seconds=ctx.settings.sync_lease_seconds)
    with sessions.begin() as session:
        queued = session.get(SyncRun, run_id)
        if queued is None or queued.status != RunStatus.QUEUED:
            return False
        api = session.get_one(AliExpressApi, queued.api_id)
        company_id = session.get_one(Project, api.project_id).company_id
        try:
            ensure_runnable(session, api)
        except ApiNotRunnable as error:
            finish_run(queued, RunStatus.CANCELLED, ctx.now(), str(error))
            return False
        try:
            if claim_queued(session, run_id, owner=owner, now=ctx.now(), lease=lease) is None:
                return False
        except RunInProgress:
            return False
    execute_run(sessions, ctx, company_id, run_id, owner, progress=progress)
    return True


def ensure_runnable(session: Session, api: AliExpressApi) -> None:
    if not api.is_active:
        raise ApiNotRunnable(
            api.name, f"it is not active; activate it with `feedbridge apis activate '{api.name}'`"
        )
    project = session.get_one(Project, api.project_id)
    if not project.is_active:
        raise ApiNotRunnable(
            api.name,
            f"its project '{project.name}' is not active; activate it with `feedbridge projects activate '{project.name}'`",
        )


def execute_run(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    run_id: int,
    owner: str,
    *,
    progress: Progress = _no_progress,
) -> None:
    """Plan (unless the run is a confirmed held one), then send; the run ends with its outcome."""
    sessions = writes_first(sessions)
    with sessions() as session:
        run = session.get_one(SyncRun, run_id)
        api = get_api(session, company_id, run.api_id)
        folder = run_folder(ctx.settings, api, run_id)
    try:
        _execute(sessions, ctx, company_id, run, owner, folder, progress)
    except RunTakenOver:
        log.warning("run %s was taken over by another process; this one stops", run_id)
    except (StopRun, FeedbridgeError) as error:
        stop_run(sessions, run_id, RunStatus.FAILED, ctx.now(), str(error))
    except Exception as error:  # a bug must still end the run with a message, not leave it running
        log.exception("run %s failed unexpectedly", run_id)
        message = f"the run failed unexpectedly ({type(error).__name__}: {error}); please report it"
        stop_run(sessions, run_id, RunStatus.FAILED, ctx.now(), message)


@dataclass(frozen=True)
class _Planned:
    frame: pl.DataFrame  # the plan file's rows (every action but UNCHANGED)
    counts: dict[str, int]  # listings per action, UNCHANGED included
    ignored: pl.DataFrame | None  # the initial run's products left alone (None: not an initial run)


def _execute(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    run: SyncRun,
    owner: str,
    folder: Path,
    progress: Progress,
) -> None:
    with open_exporter(sessions, ctx, run.api_id) as exporter:  # an expired connection stops here
        if run.status == RunStatus.RUNNING:  # a held run, confirmed: its plan as it was shown
            planned = _read_plan(folder, run.planned)
        else:
            planned = _plan(sessions, ctx, company_id, run, exporter, folder, progress)
            verdict = _verdict(sessions, ctx, run, planned, exporter)
            if verdict is not None:
                return
        sender = Sender(
            sessions, ctx, run.id, run.api_id, owner, exporter, _sent_from(planned.frame), progress
        )
        sender.counts.update(_uncalled_counts(sessions, run.api_id, planned))
        _record_initial(sessions, ctx, run, planned, sender)
        tasks = _tasks(sessions, run.api_id, planned.frame)
        for phase in (_FIRST_PHASE, _SECOND_PHASE):
            sender.send([task for task in tasks if task.action in phase])
        with sessions.begin() as session:
            done = session.get_one(SyncRun, run.id)
            done.counts, done.calls = dict(sender.counts), exporter.calls()
            finish_run(done, RunStatus.SUCCEEDED, ctx.now())
    _prune_plans(folder.parent, ctx.settings.sync_plans_kept)


def _plan(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    run: SyncRun,
    exporter: Exporter,
    folder: Path,
    progress: Progress,
) -> _Planned:
    computed = computed_listings(sessions, ctx, company_id, run.api_id, progress=progress)
    listings = computed.stored.listings()
    with sessions() as session:
        api = session.get_one(AliExpressApi, run.api_id)
        bindings = bindings_frame(session, run.api_id)
        initial = is_initial(session, run.api_id)
        removal = sync_settings(api.settings).removal
    matching: Matching | None = None
    if initial:
        progress("reading AliExpress products", 0, 1)
        remote = remote_frame(
            exporter.remote_products(lambda done, total: progress("reading AliExpress products", done, total))
        )
        local = listings.select(c.LISTING, p.SKU_CODES).collect()
        matching = match(
            local,
            remote,
            bound_listings=bindings.get_column(c.LISTING),
            bound_products=bindings.get_column(pn.PRODUCT_ID).drop_nulls(),
        )
        bindings = pl.concat([bindings, _matched_bindings(matching.matched)], how="vertical_relaxed")
    progress("planning", 0, 1)
    planned = pn.plan(listings, bindings, removal)
    frame = _with_details(planned.filter(pl.col(pn.ACTION) != Action.UNCHANGED), listings)
    folder.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(folder / PLAN_FILE)
    ignored = matching.ignored if matching is not None else None
    if ignored is not None:
        ignored.write_parquet(folder / IGNORED_FILE)
    counts = pn.action_counts(planned)
    with sessions.begin() as session:
        stored = session.get_one(SyncRun, run.id)
        stored.planned, stored.initial, stored.calls = counts, initial, exporter.calls()
    progress("planning", 1, 1)
    return _Planned(frame, counts, ignored)


def _with_details(planned: pl.DataFrame, listings: pl.LazyFrame) -> pl.DataFrame:
    """The plan's rows with what their calls need of their listings: items, SKU codes and hashes where
    there is a call or a binding to make, and the payload (most of a listing's bytes) only where it is sent."""
    needs = ~pl.col(pn.ACTION).is_in([Action.BLOCKED, Action.UNCHANGED])
    sends = pl.col(pn.ACTION).is_in(pn.SENDS_PAYLOAD) & pl.col(pn.SENDABLE)

    def of(rows: pl.Expr, *columns: str) -> pl.DataFrame:
        wanted = planned.filter(rows).get_column(c.LISTING).unique().implode()
        return listings.select(c.LISTING, *columns).filter(pl.col(c.LISTING).is_in(wanted)).collect()

    details = of(needs, *[name for name in _DETAILS if name != p.PAYLOAD])
    joined = planned.join(details, on=c.LISTING, how="left").join(
        of(sends, p.PAYLOAD), on=c.LISTING, how="left"
    )
    # A listing's other rows (a BIND beside its UPDATE, say) do not carry its payload.
    return joined.with_columns(pl.when(sends).then(pl.col(p.PAYLOAD)).alias(p.PAYLOAD))


def _verdict(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    run: SyncRun,
    planned: _Planned,
    exporter: Exporter,
) -> RunStatus | None:
    """How the run ends before sending anything (a dry run, or a plan the guard rails hold), or None."""
    with sessions.begin() as session:
        stored = session.get_one(SyncRun, run.id)
        api = session.get_one(AliExpressApi, run.api_id)
        stored.counts = _uncalled_counts(sessions, run.api_id, planned)
        stored.calls = exporter.calls()
        if stored.dry_run:
            finish_run(stored, RunStatus.PLANNED, ctx.now(), "a dry run: nothing was sent")
            return RunStatus.PLANNED
        live = (
            live_count(session, run.api_id)
            + planned.frame.filter((pl.col(pn.ACTION) == Action.BIND) & (pl.col(pn.STATUS) == "live")).height
        )
        hold = None if stored.confirmed else tripped(planned.frame, live, sync_settings(api.settings))
        if hold is None:
            stored.status = RunStatus.RUNNING
            return None
        stored.hold = hold
        message = "held by the guard rails: " + "; ".join(hold["reasons"])
        project = session.get_one(Project, api.project_id)
        message += f". Check the plan, then confirm it with `feedbridge run '{api.name}' -p '{project.name}' --confirm`."
        finish_run(stored, RunStatus.HELD, ctx.now(), message)
        return RunStatus.HELD


def _uncalled_counts(sessions: sessionmaker[Session], api_id: int, planned: _Planned) -> dict[str, int]:
    """The counts a run knows before its first call: listings unchanged and blocked, and the products left
    alone (found by this initial run, or by the API's initial run)."""
    if planned.ignored is not None:
        ignored = planned.ignored.height
    else:
        with sessions() as session:
            query = select(func.count()).where(IgnoredProduct.api_id == api_id)
            ignored = int(session.scalar(query) or 0)
    return {
        "unchanged": planned.counts.get(Action.UNCHANGED, 0),
        "blocked": planned.counts.get(Action.BLOCKED, 0),
        "ignored": ignored,
    }


def _record_initial(
    sessions: sessionmaker[Session], ctx: ConnectionContext, run: SyncRun, planned: _Planned, sender: Sender
) -> None:
    """The initial run's bindings to existing products, and the products it leaves alone."""
    if planned.ignored is None:
        return
    bound = planned.frame.filter(pl.col(pn.ACTION) == Action.BIND)
    with sessions.begin() as session:
        session.execute(delete(IgnoredProduct).where(IgnoredProduct.api_id == run.api_id))
        for product in planned.ignored.iter_rows(named=True):
            session.add(
                IgnoredProduct(
                    api_id=run.api_id,
                    product_id=product["product_id"],
                    status=product["raw_status"],
                    title=product["title"],
                    sku_codes=product["sku_codes"],
                )
            )
        for row in bound.iter_rows(named=True):
            status = RemoteStatus.OFFLINE if row[pn.STATUS] == "offline" else RemoteStatus.LIVE
            codes = list(row[p.SKU_CODES] or [])
            bind_matched(session, run.api_id, run.id, row[c.LISTING], row[pn.PRODUCT_ID], status, codes)
    results = [
        TaskResult(Task(row[c.LISTING], Action.BIND, row[pn.PRODUCT_ID]), Outcome.DONE, row[pn.PRODUCT_ID])
        for row in bound.iter_rows(named=True)
    ]
    sender.record_without_call(results)


def _tasks(sessions: sessionmaker[Session], api_id: int, frame: pl.DataFrame) -> list[Task]:
    """The plan's calls; a re-check of a listing no longer in the listings takes its codes from its binding."""
    calls = frame.filter(~pl.col(pn.ACTION).is_in(pn.NO_CALL))
    tasks = []
    with sessions() as session:
        for row in calls.iter_rows(named=True):
            codes = row[p.SKU_CODES]
            if codes is None:
                binding = find_binding(session, api_id, row[c.LISTING])
                codes = binding.sku_codes if binding is not None else []
            tasks.append(
                Task(row[c.LISTING], Action(row[pn.ACTION]), row[pn.PRODUCT_ID], row[p.PAYLOAD], tuple(codes))
            )
    return tasks


def _sent_from(frame: pl.DataFrame) -> Callable[[Task], Sent]:
    """What each listing's tasks send, looked up by listing (only the plan's rows that send are kept)."""
    sending = frame.filter(pl.col(pn.ACTION).is_in(pn.SENDS_PAYLOAD) & pl.col(pn.SENDABLE)).unique(c.LISTING)
    table = {
        row[c.LISTING]: Sent(
            row[p.CONTENT_HASH],
            row[p.PRICE_HASH],
            row[p.STOCK_HASH],
            row[p.LOWEST_PRICE],
            tuple(row[p.SKU_CODES] or ()),
        )
        for row in sending.iter_rows(named=True)
    }

    def sent(task: Task) -> Sent:
        return table.get(task.listing) or Sent(None, None, None, None, task.sku_codes)

    return sent


def _matched_bindings(matched: pl.DataFrame) -> pl.DataFrame:
    return matched.select(
        c.LISTING,
        pl.col("product_id").alias(pn.PRODUCT_ID),
        pl.col("remote_status").alias(pn.STATUS),
        pl.lit(None, pl.String).alias(pn.SENT_CONTENT),
        pl.lit(None, pl.String).alias(pn.SENT_PRICE),
        pl.lit(None, pl.String).alias(pn.SENT_STOCK),
        pl.lit(None, pl.Float64).alias(pn.SENT_LOWEST_PRICE),
        pl.lit(True).alias(pn.MATCHED_NOW),
    )


def _read_plan(folder: Path, counts: dict[str, int]) -> _Planned:
    frame = pl.read_parquet(folder / PLAN_FILE)
    ignored_path = folder / IGNORED_FILE
    return _Planned(frame, counts, pl.read_parquet(ignored_path) if ignored_path.exists() else None)


def _has_held(session: Session, api_id: int) -> bool:
    query = select(SyncRun.id).where(SyncRun.api_id == api_id, SyncRun.status == RunStatus.HELD)
    return session.scalars(query.limit(1)).first() is not None


def _prune_plans(runs: Path, kept: int) -> None:
    """The newest `kept` plans of the API stay; results stay in the database either way."""
    if not runs.exists():
        return
    folders = sorted((f for f in runs.iterdir() if f.name.isdigit()), key=lambda f: int(f.name), reverse=True)
    for old in folders[kept:]:
        shutil.rmtree(old, ignore_errors=True)
