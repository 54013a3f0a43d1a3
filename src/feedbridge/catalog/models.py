"""Imports of a project, their runs and the snapshots they wrote (metadata only: items live in Parquet).

An import is a source plus how to read it and how its items join the project's. Each run fetches,
reads and checks the feed and writes an immutable snapshot of that import; accepted runs are merged, in
import order, into the project's snapshot that every later stage reads.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin
from feedbridge.validation import MAX_NAME_LENGTH

MAX_LOCATION_LENGTH = 2000


class MergeMode(StrEnum):
    OVERWRITE = "overwrite"  # the later import's non-empty values replace the project's
    FILL_EMPTY = "fill_empty"  # only fields that are empty in the project are filled
    ADD = "add"  # its rows are added as new items


class RunStatus(StrEnum):
    RUNNING = "running"
    ACCEPTED = "accepted"  # its snapshot is the import's current one
    UNCHANGED = "unchanged"  # the source had not changed: nothing was processed
    HELD = "held"  # suspicious (empty, lost too many items, …): kept aside until accepted explicitly
    FAILED = "failed"  # could not be fetched or read; the previous snapshot stays


class Import(IdMixin, TimestampMixin, Base):
    __tablename__ = "imports"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    # Order among the project's imports: the lowest defines the items, later ones enrich or add.
    position: Mapped[int] = mapped_column(Integer)
    source_kind: Mapped[str] = mapped_column(String(10))  # file | url | upload
    source_location: Mapped[str] = mapped_column(String(MAX_LOCATION_LENGTH))
    source_username: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH))
    source_password_encrypted: Mapped[str | None] = mapped_column(Text)
    # How to read it (format, delimiter, encoding, item element, JSON path, zip member, field types…).
    read_options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unique_id_field: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH))  # None: proposed on each run
    merge_mode: Mapped[str] = mapped_column(String(12), default=MergeMode.OVERWRITE)
    merge_key: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH))  # this import's field to join on
    merge_case_sensitive: Mapped[bool] = mapped_column(default=True)
    # Share of the previous items a run may lose before it is held (None: the setting's default).
    max_drop_share: Mapped[float | None]
    # What the source said last time, for conditional requests.
    fetch_state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ImportRun(IdMixin, Base):
    __tablename__ = "import_runs"

    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # For people: why it failed or was held, with file, line or item and a hint.
    message: Mapped[str | None] = mapped_column(Text)
    snapshot_id: Mapped[str | None] = mapped_column(ForeignKey("snapshots.id"))
    # Fetch facts, detected reading details, statistics, the difference, the ID report, warnings.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Snapshot(CreatedAtMixin, Base):
    """An immutable Parquet file: one import's items (`import_id` set) or the merged project items."""

    __tablename__ = "snapshots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))
    path: Mapped[str] = mapped_column(String(MAX_LOCATION_LENGTH))
    items: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    id_field: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    field_types: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The project's current merged snapshot, or an import's current accepted one.
    is_current: Mapped[bool] = mapped_column(default=False)
