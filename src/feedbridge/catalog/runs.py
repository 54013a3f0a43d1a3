"""Running an import end to end, accepting a held run, and listing runs.

A run fetches the feed (an unchanged feed ends here, as an `unchanged` run), reads it into a snapshot
(`pipeline.py`) and applies the safety rules: an accepted snapshot becomes the import's current one and
the project's items are merged again; a held one waits for `accept_run`; a feed that cannot be fetched or
read makes a `failed` run with the merchant-facing message. The previous snapshot stays current unless a
run is accepted. Services flush; the caller commits.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedbridge.catalog.errors import RunNotAcceptable, RunNotFound
from feedbridge.catalog.imports import get_import, import_spec
from feedbridge.catalog.models import Import, ImportRun, RunStatus, Snapshot
from feedbridge.catalog.pipeline import ImportRules, Processed, no_import_rules, process_feed
from feedbridge.catalog.project_items import rebuild_project_snapshot
from feedbridge.catalog.pruning import prune_snapshots
from feedbridge.catalog.retention import delete_snapshot_files
from feedbridge.catalog.snapshot_rows import (
    current_snapshot,
    make_current,
    record_snapshot,
    snapshot_directory,
    snapshot_ref,
)
from feedbridge.catalog.sources import FetchResult, FetchState, SourceKind, fetch
from feedbridge.catalog.spool import Progress
from feedbridge.config import Settings
from feedbridge.encryption import Keyring, load_keyring
from feedbridge.errors import FeedbridgeError

log = logging.getLogger(__name__)
DOWNLOADS_DIR = "downloads"


@dataclass(frozen=True)
class RunProgress:
    """Callbacks for a progress display; each is optional."""

    stage: Callable[[str], None] | None = None  # "fetching", "reading", "merging"
    download: Progress | None = None  # (bytes so far, total or None) while fetching
    parse: Callable[[int, int], None] | None = None  # (bytes of the file read so far, file size)


def _now() -> datetime:
    return datetime.now(UTC)


def start_run(session: Session, company_id: int, import_id: int) -> ImportRun:
    """A run in status `running`, to be executed by `execute_run` (a job may commit it in between)."""
    imp = get_import(session, company_id, import_id)
    run = ImportRun(import_id=imp.id, status=RunStatus.RUNNING, started_at=_now(), report={})
    session.add(run)
    session.flush()
    return run


def run_import(
    session: Session, settings: Settings, company_id: int, import_id: int, **options: Any
) -> ImportRun:
    """Start and execute a run of the import; see `execute_run` for the options."""
    run = start_run(session, company_id, import_id)
    return execute_run(session, settings, company_id, run.id, **options)


def execute_run(
    session: Session,
    settings: Settings,
    company_id: int,
    run_id: int,
    *,
    force: bool = False,
    progress: RunProgress | None = None,
    import_rules: ImportRules = no_import_rules,
    keyring: Keyring | None = None,
    protected_runs: Iterable[int] = (),
) -> ImportRun:
    """Fetch, read, check and record one run. `force` reads the feed even if it has not changed.

    Never raises for a bad feed or source: the run ends `failed` with the message instead.
    """
    run = get_run(session, company_id, run_id)
    imp = get_import(session, company_id, run.import_id)
    progress = progress or RunProgress()
    fetched: FetchResult | None = None
    processed: Processed | None = None
    try:
        with session.begin_nested():  # a failure below leaves no half-recorded run behind
            fetched = _fetch(session, settings, imp, force=force, progress=progress, keyring=keyring)
            if fetched.unchanged:
                _finish_unchanged_source(session, imp, run, fetched)
            else:
                processed = _process(session, settings, imp, fetched, progress, import_rules)
                _record(session, settings, imp, run, fetched, processed, progress, protected_runs)
    except Exception as error:
        if isinstance(error, FeedbridgeError):
            message = str(error)
        else:  # a bug must still end the run with a message, not a traceback
            log.exception("import run failed unexpectedly", extra={"run_id": run.id, "import_id": imp.id})
            message = f"the import failed unexpectedly ({type(error).__name__}: {error}); please report it"
        if processed is not None and not processed.ref.unchanged:  # written, but never recorded
            delete_snapshot_files(processed.ref.path.parent, [processed.ref.id])
        _fail(run, message, fetched)
    finally:
        if fetched is not None and fetched.path and SourceKind(imp.source_kind) is SourceKind.URL:
            fetched.path.unlink(missing_ok=True)  # the download; a file or upload source is the merchant's
    session.flush()
    return run


def _fetch(
    session: Session,
    settings: Settings,
    imp: Import,
    *,
    force: bool,
    progress: RunProgress,
    keyring: Keyring | None,
) -> FetchResult:
    if progress.stage:
        progress.stage("fetching")
    if imp.source_password_encrypted and keyring is None:
        keyring = load_keyring(settings)
    source = import_spec(imp, keyring).source
    previous = None if force or not imp.fetch_state else FetchState(**imp.fetch_state)
    return fetch(
        source,
        into=settings.data_dir / DOWNLOADS_DIR / str(imp.id),
        previous=previous,
        settings=settings,
        progress=progress.download,
    )


def _fetch_report(fetched: FetchResult) -> dict[str, Any]:
    fields = ("size", "sha256", "etag", "last_modified", "final_url", "content_type", "attempts")
    return {name: getattr(fetched, name) for name in fields}


def _finish_unchanged_source(session: Session, imp: Import, run: ImportRun, fetched: FetchResult) -> None:
    last = session.scalars(
        select(ImportRun)
        .where(ImportRun.import_id == imp.id, ImportRun.status.in_([RunStatus.ACCEPTED, RunStatus.HELD]))
        .order_by(ImportRun.id.desc())
    ).first()
    held = last is not None and last.status == RunStatus.HELD
    run.status = RunStatus.UNCHANGED
    run.message = "The feed has not changed since the last run; nothing was processed" + (
        f"; run {last.id} is still held: accept it or fix the feed." if held and last else "."
    )
    current = current_snapshot(session, imp.project_id, imp.id)
    run.snapshot_id = current.id if current else None
    run.report = {"fetch": _fetch_report(fetched)}
    imp.fetch_state = dataclasses.asdict(fetched.state)
    run.finished_at = _now()


def _process(
    session: Session,
    settings: Settings,
    imp: Import,
    fetched: FetchResult,
    progress: RunProgress,
    import_rules: ImportRules,
) -> Processed:
    if progress.stage:
        progress.stage("reading")
    assert fetched.path is not None  # a changed feed is on disk
    size, parse = fetched.path.stat().st_size, progress.parse
    previous = current_snapshot(session, imp.project_id, imp.id)
    spec = import_spec(imp)
    return process_feed(
        fetched.path,
        spec,
        source_name=spec.source.describe(),
        directory=snapshot_directory(settings, imp.project_id),
        previous=snapshot_ref(previous) if previous else None,
        max_drop_share=imp.max_drop_share
        if imp.max_drop_share is not None
        else settings.import_max_drop_share,
        import_rules=import_rules,
        progress=(lambda done: parse(done, size)) if parse else None,
    )


def _record(
    session: Session,
    settings: Settings,
    imp: Import,
    run: ImportRun,
    fetched: FetchResult,
    processed: Processed,
    progress: RunProgress,
    protected_runs: Iterable[int],
) -> None:
    row = record_snapshot(session, imp.project_id, imp.id, processed.ref)
    run.snapshot_id = row.id
    run.report = {"fetch": _fetch_report(fetched), **processed.report}
    imp.fetch_state = dataclasses.asdict(fetched.state)
    if not processed.verdict.accepted:
        run.status, run.message = RunStatus.HELD, processed.verdict.reason
    elif processed.ref.unchanged and current_snapshot(session, imp.project_id, None) is not None:
        run.status = RunStatus.UNCHANGED
        run.message = "The feed's items are the same as in the last good import; the snapshot is kept."
    else:
        run.status = RunStatus.ACCEPTED
        _make_current(session, settings, imp, run, row, progress, protected_runs)
    run.finished_at = _now()


def _make_current(
    session: Session,
    settings: Settings,
    imp: Import,
    run: ImportRun,
    row: Snapshot,
    progress: RunProgress,
    protected_runs: Iterable[int],
) -> None:
    if progress.stage:
        progress.stage("merging")
    make_current(session, row)
    merged = rebuild_project_snapshot(session, settings, imp.project_id)
    if merged is not None:
        report = dict(run.report)
        if imp.id in merged.merges:
            report["merge"] = dataclasses.asdict(merged.merges[imp.id])
        report["merge_problems"] = list(merged.skipped.values())
        report["project_items"] = merged.ref.stats.items
        run.report = report
    prune_snapshots(session, settings, imp.project_id, protected_runs=[run.id, *protected_runs])


def _fail(run: ImportRun, message: str, fetched: FetchResult | None) -> None:
    run.status, run.message, run.snapshot_id = RunStatus.FAILED, message, None
    run.report = {"fetch": _fetch_report(fetched)} if fetched is not None else {}
    run.finished_at = _now()


def accept_run(
    session: Session, settings: Settings, company_id: int, run_id: int, *, protected_runs: Iterable[int] = ()
) -> ImportRun:
    """Make a held run's snapshot current, as if the safety rules had let it through."""
    run = get_run(session, company_id, run_id)
    imp = get_import(session, company_id, run.import_id)
    if run.status != RunStatus.HELD:
        raise RunNotAcceptable(f"run {run.id} is {run.status}, not held; only a held run can be accepted.")
    newer = session.scalar(
        select(ImportRun.id).where(
            ImportRun.import_id == imp.id, ImportRun.status == RunStatus.ACCEPTED, ImportRun.id > run.id
        )
    )
    if newer is not None:
        raise RunNotAcceptable(
            f"run {run.id} is held, but the newer run {newer} was accepted since; run the import again instead."
        )
    row = session.get(Snapshot, run.snapshot_id) if run.snapshot_id else None
    if row is None:
        raise RunNotAcceptable(f"run {run.id} has no snapshot left to accept; run the import again.")
    run.status = RunStatus.ACCEPTED
    run.report = {**run.report, "accepted_by_hand": _now().isoformat()}
    _make_current(session, settings, imp, run, row, RunProgress(), protected_runs)
    session.flush()
    return run


def get_run(session: Session, company_id: int, run_id: int, *, import_id: int | None = None) -> ImportRun:
    """The run (of import `import_id`, when given)."""
    run = session.get(ImportRun, run_id)
    if run is None or (import_id is not None and run.import_id != import_id):
        raise RunNotFound(run_id)
    get_import(session, company_id, run.import_id)  # raises for another company's import
    return run


def list_runs(session: Session, company_id: int, import_id: int, *, limit: int = 20) -> list[ImportRun]:
    """The import's runs, newest first."""
    imp = get_import(session, company_id, import_id)
    query = select(ImportRun).where(ImportRun.import_id == imp.id).order_by(ImportRun.id.desc()).limit(limit)
    return list(session.scalars(query))
