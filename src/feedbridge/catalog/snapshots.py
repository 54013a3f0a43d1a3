"""Immutable Parquet snapshots: one per import run, with statistics and the difference to the previous one.

A snapshot is `<directory>/<id>.parquet` (the items exactly as read: text and lists of text) and
`<directory>/<id>.json` (its metadata: field types, statistics, difference). Both are written to a temporary
file and renamed into place, then made read-only; the JSON is written last, so a snapshot without it is
incomplete and never used.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from feedbridge.catalog.diff import (
    HASH_COLUMN,
    HASH_VERSION,
    MAX_EXAMPLES,
    SnapshotDiff,
    content_hash,
    diff_hashes,
    item_hashes,
    row_hash,
)
from feedbridge.catalog.fields import TypeProblem, column_formats, type_problems
from feedbridge.catalog.identity import IdReport
from feedbridge.catalog.model import FieldType, Frame, collect
from feedbridge.catalog.profile import Profile, profile_columns

PARQUET_COMPRESSION = "zstd"
PARQUET_COMPRESSION_LEVEL = 1  # fast; snapshots are written on every run
# A streaming sink holds a row group until it is written: small groups keep that memory small.
SNAPSHOT_ROW_GROUP_ROWS = 20_000


@dataclass(frozen=True)
class SnapshotStats:
    items: int
    fields: tuple[str, ...]
    empties: dict[str, int]  # per field: items where it is empty
    id_report: IdReport | None  # what enforcing the unique ID dropped (None: not enforced)
    type_problems: dict[str, TypeProblem]  # per field: values that do not read as its type

    @property
    def id_field_present(self) -> bool:
        return self.id_report is not None and self.id_report.id_field in self.fields


@dataclass(frozen=True)
class SnapshotRef:
    """Where a snapshot is and what it holds; stored as the JSON sidecar (and by the services in the DB)."""

    id: str
    path: Path
    created_at: datetime
    content_hash: str
    id_field: str
    field_types: dict[str, FieldType]
    formats: dict[str, str]  # how date and number fields are read: date format or decimal mark
    stats: SnapshotStats
    diff: SnapshotDiff | None
    unchanged: bool = False  # same content as the previous snapshot, whose file this run reuses
    hash_version: str = HASH_VERSION  # how the item hashes beside the snapshot were made
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def metadata_path(self) -> Path:
        return self.path.with_suffix(".json")

    @property
    def hashes_path(self) -> Path:
        """(ID, hash) per item, for the difference the next snapshot reports."""
        return self.path.with_suffix(".hashes.parquet")

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.path, self.hashes_path, self.metadata_path)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["created_at"] = self.created_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SnapshotRef:
        stats = dict(data["stats"])
        report = stats.get("id_report")
        stats["id_report"] = (
            IdReport(**{**report, "duplicate_ids": tuple(tuple(d) for d in report["duplicate_ids"])})
            if report
            else None
        )
        stats["fields"] = tuple(stats["fields"])
        stats["type_problems"] = {
            name: TypeProblem(p["count"], tuple(p["examples"])) for name, p in stats["type_problems"].items()
        }
        diff = data.get("diff")
        return cls(
            id=data["id"],
            path=Path(data["path"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            content_hash=data["content_hash"],
            id_field=data["id_field"],
            field_types={name: FieldType(t) for name, t in data["field_types"].items()},
            formats=dict(data["formats"]),
            stats=SnapshotStats(**stats),
            diff=_diff_from_dict(diff) if diff else None,
            unchanged=bool(data.get("unchanged", False)),
            hash_version=str(data.get("hash_version", "")),
            extra=dict(data.get("extra", {})),
        )


def _diff_from_dict(data: dict[str, Any]) -> SnapshotDiff:
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return SnapshotDiff(**values)


def new_snapshot_id(now: datetime | None = None) -> str:
    """Sortable by time, unique: 20250101T120000123456Z-1a2b3c."""
    return f"{(now or datetime.now(UTC)).strftime('%Y%m%dT%H%M%S%fZ')}-{secrets.token_hex(3)}"


def snapshot_stats(
    frame: Frame,
    field_types: dict[str, FieldType],
    *,
    id_report: IdReport | None,
    formats: dict[str, str],
    profile: Profile,
) -> SnapshotStats:
    return SnapshotStats(
        items=profile.rows,
        fields=tuple(frame.lazy().collect_schema().names()),
        empties=dict(profile.empties),
        id_report=id_report,
        type_problems=type_problems(frame, field_types, formats=formats, profile=profile),
    )


def write_snapshot(
    directory: Path,
    frame: Frame,
    *,
    id_field: str,
    field_types: dict[str, FieldType],
    previous: SnapshotRef | None,
    id_report: IdReport | None = None,
    date_formats: dict[str, str] | None = None,
    max_examples: int = MAX_EXAMPLES,
    extra: dict[str, Any] | None = None,
    profile: Profile | None = None,
) -> SnapshotRef:
    """Store `frame` (one row per item, unique by `id_field`) as a new snapshot and describe it.

    With `previous` (the last good snapshot), the result carries the difference to it; when the content is
    identical, nothing is written and the previous snapshot is returned with `unchanged=True`. A lazy
    `frame` is read in a few streaming passes and written with a streaming sink, never held whole;
    `profile` is its profile, when already known.
    """
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    profile = profile or profile_columns(lazy)
    formats = column_formats(lazy, field_types, date_formats, profile=profile)
    stats = snapshot_stats(lazy, field_types, id_report=id_report, formats=formats, profile=profile)
    has_ids = schema.get(id_field) == pl.String
    hashes = item_hashes(lazy, id_field) if has_ids else collect(lazy.select(row_hash(schema)))
    digest = content_hash(lazy, hashes.get_column(HASH_COLUMN))
    if previous is not None and previous.content_hash == digest and previous.path.exists():
        same = SnapshotDiff(previous.id, 0, 0, 0, profile.rows)
        return replace(previous, stats=stats, diff=same, unchanged=True)
    diff = None
    if previous is not None and has_ids:
        before = _previous_hashes(previous, id_field)
        if before is not None:
            diff = diff_hashes(hashes, before, id_field, previous_id=previous.id, max_examples=max_examples)
    directory.mkdir(parents=True, exist_ok=True)
    snapshot_id = new_snapshot_id()
    ref = SnapshotRef(
        id=snapshot_id,
        path=directory / f"{snapshot_id}.parquet",
        created_at=datetime.now(UTC),
        content_hash=digest,
        id_field=id_field,
        field_types=dict(field_types),
        formats=formats,
        stats=stats,
        diff=diff,
        extra=dict(extra or {}),
    )
    write_atomically(
        ref.path,
        lambda tmp: lazy.sink_parquet(tmp, row_group_size=SNAPSHOT_ROW_GROUP_ROWS, **_PARQUET_OPTIONS),
    )
    if has_ids:
        write_atomically(ref.hashes_path, lambda tmp: hashes.write_parquet(tmp, **_PARQUET_OPTIONS))
    write_atomically(ref.metadata_path, lambda tmp: tmp.write_bytes(orjson.dumps(ref.to_dict())))
    return ref


def _previous_hashes(previous: SnapshotRef, id_field: str) -> pl.DataFrame | None:
    """(ID, hash) per item of the previous snapshot: stored beside it, or computed from it when the stored
    ones were made differently (another Polars version) or by another ID field."""
    stored = previous.hashes_path
    if previous.hash_version == HASH_VERSION and previous.id_field == id_field and stored.exists():
        return pl.read_parquet(stored)
    before = read_snapshot(previous)
    schema = before.collect_schema()
    if schema.get(id_field) != pl.String:
        return None
    return before.select(pl.col(id_field), row_hash(schema)).collect()


_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": PARQUET_COMPRESSION,
    "compression_level": PARQUET_COMPRESSION_LEVEL,
}


def write_atomically(path: Path, write: Any) -> None:
    """`write(tmp)` a file beside `path`, then put it in place in one step (read-only), synced to disk."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        tmp.chmod(0o444)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_snapshot(ref: SnapshotRef) -> pl.LazyFrame:
    """The snapshot's items, lazily (select columns and filter before collecting)."""
    return pl.scan_parquet(ref.path)


def load_snapshot_ref(metadata_path: Path) -> SnapshotRef:
    """A snapshot's description from its JSON sidecar."""
    return SnapshotRef.from_dict(orjson.loads(metadata_path.read_bytes()))
