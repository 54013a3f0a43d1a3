"""Snapshot rows in the database and the files they describe: which snapshot is current, where files live.

The database row holds what lists and lookups need (items, ID field, types, current or not); the full
description (statistics, difference, formats) stays in the snapshot's JSON sidecar and is read from there.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from pathlib import Path

import orjson
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from feedbridge.catalog.models import Snapshot
from feedbridge.catalog.retention import delete_snapshot_files
from feedbridge.catalog.snapshots import SnapshotRef, load_snapshot_ref
from feedbridge.config import Settings

SNAPSHOTS_DIR = "snapshots"


def snapshot_directory(settings: Settings, project_id: int) -> Path:
    """`<data dir>/snapshots/<project id>/`: every snapshot of the project, its imports' and merged ones."""
    return settings.data_dir / SNAPSHOTS_DIR / str(project_id)


def snapshot_ref(row: Snapshot) -> SnapshotRef:
    """The snapshot's full description, from its JSON sidecar."""
    return load_snapshot_ref(Path(row.path).with_suffix(".json"))


def current_snapshot(session: Session, project_id: int, import_id: int | None) -> Snapshot | None:
    """The import's last good snapshot; with import_id None, the project's merged items."""
    query = select(Snapshot).where(
        Snapshot.project_id == project_id,
        Snapshot.import_id.is_(None) if import_id is None else Snapshot.import_id == import_id,
        Snapshot.is_current,
    )
    return session.scalars(query).first()


def record_snapshot(session: Session, project_id: int, import_id: int | None, ref: SnapshotRef) -> Snapshot:
    """The row for `ref`, added if new (an unchanged snapshot reuses the previous one's row)."""
    row = session.get(Snapshot, ref.id)
    if row is None:
        row = Snapshot(
            id=ref.id,
            project_id=project_id,
            import_id=import_id,
            path=str(ref.path),
            items=ref.stats.items,
            content_hash=ref.content_hash,
            id_field=ref.id_field,
            field_types={name: t.value for name, t in ref.field_types.items()},
            created_at=ref.created_at,
        )
        session.add(row)
        session.flush()
    return row


def make_current(session: Session, row: Snapshot) -> None:
    """`row` becomes the current snapshot of its import (or of the project's merged items)."""
    owner = Snapshot.import_id.is_(None) if row.import_id is None else Snapshot.import_id == row.import_id
    session.execute(
        update(Snapshot)
        .where(Snapshot.project_id == row.project_id, owner, Snapshot.id != row.id)
        .values(is_current=False)
        .execution_options(synchronize_session="fetch")
    )
    row.is_current = True
    session.flush()


def comparable_previous(previous: SnapshotRef | None, config: str) -> SnapshotRef | None:
    """`previous` for `write_snapshot`, unable to short-circuit when it was made with another configuration.

    write_snapshot reuses the previous snapshot when the items are identical; but a new ID field, type
    override or date format must reach the stored description, so then only the difference is computed.
    """
    if previous is None or previous.extra.get("config") == config:
        return previous
    return dataclasses.replace(previous, content_hash="")


def config_fingerprint(*parts: object) -> str:
    """A short digest of what, besides the items, shapes a snapshot (ID field, types, formats)."""
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


_PENDING_DELETES = "feedbridge.snapshot_files_to_delete"


def delete_files_after_commit(session: Session, rows: Iterable[Snapshot]) -> None:
    """Delete these snapshots' files once the session's transaction commits; forget them if it rolls back.

    Deleting at once would leave rows pointing at missing files if the caller's transaction rolled back.
    """
    if _PENDING_DELETES not in session.info:
        session.info[_PENDING_DELETES] = []
        event.listen(session, "after_commit", _delete_pending)
        event.listen(session, "after_rollback", _forget_pending)
    session.info[_PENDING_DELETES].extend((Path(row.path).parent, row.id) for row in rows)


def _delete_pending(session: Session) -> None:
    pending, session.info[_PENDING_DELETES] = session.info[_PENDING_DELETES], []
    for directory, snapshot_id in pending:
        delete_snapshot_files(directory, [snapshot_id])


def _forget_pending(session: Session) -> None:
    session.info[_PENDING_DELETES] = []
