"""Retention wired to the database: after an accepted run, old snapshots of the project are pruned.

Kept: the newest `snapshots_kept_per_import` per import (and of the project's merged snapshots), every
current snapshot, every held run's snapshot that can still be accepted, the snapshots of runs the caller
marks protected, and whatever a registered keeper still needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from feedbridge.catalog.models import ImportRun, RunStatus, Snapshot
from feedbridge.catalog.retention import StoredSnapshot, snapshots_to_prune
from feedbridge.catalog.snapshot_rows import delete_files_after_commit
from feedbridge.config import Settings

# (session, project id) → snapshot ids still needed. Bindings do not exist yet: the sync engine registers a
# keeper here for the snapshots its runs and bindings reference, so pruning never removes them.
SnapshotKeeper = Callable[[Session, int], Iterable[str]]
_keepers: list[SnapshotKeeper] = []
MERGED = "project"  # how retention groups the merged snapshots (they belong to no import)


def register_snapshot_keeper(keeper: SnapshotKeeper) -> None:
    if keeper not in _keepers:
        _keepers.append(keeper)


def _acceptable_held(session: Session, project_id: int) -> set[str]:
    """Snapshots of held runs newer than their import's last accepted run (`accept_run` takes only those)."""
    last_accepted = (
        select(ImportRun.import_id, func.max(ImportRun.id).label("last"))
        .where(ImportRun.status == RunStatus.ACCEPTED)
        .group_by(ImportRun.import_id)
        .subquery()
    )
    query = (
        select(ImportRun.snapshot_id)
        .join(Snapshot, Snapshot.id == ImportRun.snapshot_id)
        .outerjoin(last_accepted, last_accepted.c.import_id == ImportRun.import_id)
        .where(
            Snapshot.project_id == project_id,
            ImportRun.status == RunStatus.HELD,
            (last_accepted.c.last.is_(None)) | (ImportRun.id > last_accepted.c.last),
        )
    )
    return {snapshot_id for snapshot_id in session.scalars(query) if snapshot_id}


def prune_snapshots(
    session: Session, settings: Settings, project_id: int, *, protected_runs: Iterable[int] = ()
) -> list[str]:
    """Remove the project's snapshots retention no longer keeps; returns their ids.

    Rows go now; files go when the transaction commits. Runs that pointed at a pruned snapshot keep their
    report (statistics, difference) and lose only the link.
    """
    rows = list(session.scalars(select(Snapshot).where(Snapshot.project_id == project_id)))
    protected = {row.id for row in rows if row.is_current} | _acceptable_held(session, project_id)
    runs = list(protected_runs)
    if runs:
        protected |= set(session.scalars(select(ImportRun.snapshot_id).where(ImportRun.id.in_(runs))))
    for keeper in _keepers:
        protected |= set(keeper(session, project_id))
    stored = [StoredSnapshot(r.id, str(r.import_id) if r.import_id else MERGED, r.created_at) for r in rows]
    doomed = set(
        snapshots_to_prune(stored, keep_per_import=settings.snapshots_kept_per_import, protected=protected)
    )
    if not doomed:
        return []
    session.execute(
        update(ImportRun)
        .where(ImportRun.snapshot_id.in_(doomed))
        .values(snapshot_id=None)
        .execution_options(synchronize_session="fetch")
    )
    pruned = [row for row in rows if row.id in doomed]
    for row in pruned:
        session.delete(row)
    session.flush()
    delete_files_after_commit(session, pruned)
    return [row.id for row in pruned]
