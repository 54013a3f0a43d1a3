"""Which old snapshots to delete: keep the newest N per import and every one still referenced."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class StoredSnapshot:
    id: str
    import_id: str
    created_at: datetime


def snapshots_to_prune(
    snapshots: Iterable[StoredSnapshot], *, keep_per_import: int, protected: set[str]
) -> list[str]:
    """IDs of snapshots beyond the newest `keep_per_import` of their import and not in `protected` (those a
    run or binding references, and each import's last good snapshot), oldest first."""
    if keep_per_import < 1:
        raise ValueError(f"keep_per_import must be at least 1, not {keep_per_import}")
    by_import: dict[str, list[StoredSnapshot]] = {}
    for snapshot in snapshots:
        by_import.setdefault(snapshot.import_id, []).append(snapshot)
    prune: list[StoredSnapshot] = []
    for group in by_import.values():
        newest_first = sorted(group, key=lambda s: (s.created_at, s.id), reverse=True)
        prune.extend(s for s in newest_first[keep_per_import:] if s.id not in protected)
    return [s.id for s in sorted(prune, key=lambda s: (s.created_at, s.id))]


def delete_snapshot_files(directory: Path, snapshot_ids: Iterable[str]) -> list[str]:
    """Delete the files of these snapshots (items, hashes, metadata); returns the IDs that had files."""
    deleted: list[str] = []
    for snapshot_id in snapshot_ids:
        if "/" in snapshot_id or "\\" in snapshot_id or snapshot_id.startswith("."):
            raise ValueError(f"not a snapshot id: {snapshot_id!r}")
        found = False
        for suffix in (".json", ".hashes.parquet", ".parquet"):  # metadata first: no half snapshot is used
            with contextlib.suppress(FileNotFoundError):
                (directory / f"{snapshot_id}{suffix}").unlink()
                found = True
        if found:
            deleted.append(snapshot_id)
    return deleted
