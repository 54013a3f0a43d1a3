from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from feedbridge.catalog.model import FieldType
from feedbridge.catalog.retention import StoredSnapshot, delete_snapshot_files, snapshots_to_prune
from feedbridge.catalog.snapshots import write_snapshot

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def stored(import_id: str, *days: int) -> list[StoredSnapshot]:
    return [StoredSnapshot(f"{import_id}-{d}", import_id, T0 + timedelta(days=d)) for d in days]


def test_keeps_the_newest_per_import_and_every_protected_one() -> None:
    snapshots = stored("a", 1, 2, 3, 4, 5) + stored("b", 1, 2)

    assert snapshots_to_prune(snapshots, keep_per_import=2, protected={"a-2"}) == ["a-1", "a-3"]
    assert snapshots_to_prune(snapshots, keep_per_import=5, protected=set()) == []


def test_at_least_one_snapshot_is_kept() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        snapshots_to_prune([], keep_per_import=0, protected=set())


def test_deleting_removes_every_file_of_the_snapshot(tmp_path: Path) -> None:
    ref = write_snapshot(
        tmp_path,
        pl.DataFrame({"id": ["1"]}),
        id_field="id",
        field_types={"id": FieldType.TEXT},
        previous=None,
    )
    keep = write_snapshot(
        tmp_path,
        pl.DataFrame({"id": ["2"]}),
        id_field="id",
        field_types={"id": FieldType.TEXT},
        previous=None,
    )

    assert delete_snapshot_files(tmp_path, [ref.id, "unknown"]) == [ref.id]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in keep.files)
    with pytest.raises(ValueError):
        delete_snapshot_files(tmp_path, ["../x"])
