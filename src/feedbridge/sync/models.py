"""The sync's rows: bindings (local listing ↔ AliExpress product), products left alone, runs, their results,
schedules.

Item data never comes here: a run's plan (one row per listing and action, with the payloads) is a Parquet
file in the run's folder; the database holds what must survive a crash and what people look at.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin

HASH_LENGTH = 20  # an xxh3-64 hash as a decimal string
CODE_LENGTH = 200


class BindingStatus(StrEnum):
    CREATING = "creating"  # a create was sent and its answer is not recorded: re-checked by SKU code
    LIVE = "live"  # on AliExpress and kept in sync (it may be in AliExpress's review)
    OFFLINE = "offline"  # taken offline by the removal policy; brought back online if it returns


class Origin(StrEnum):
    CREATED = "created"  # created by this API
    MATCHED = "matched"  # existed on AliExpress and was bound on the initial run


class Binding(IdMixin, TimestampMixin, Base):
    """One listing of an API and the AliExpress product it is, with the hashes of what was last sent."""

    __tablename__ = "listing_bindings"
    __table_args__ = (UniqueConstraint("api_id", "listing_key"),)

    api_id: Mapped[int] = mapped_column(ForeignKey("aliexpress_apis.id", ondelete="CASCADE"))
    listing_key: Mapped[str] = mapped_column(Text)
    product_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # None while CREATING
    sku_codes: Mapped[list[str]] = mapped_column(JSON)
    origin: Mapped[str] = mapped_column(String(10))  # an Origin
    status: Mapped[str] = mapped_column(String(10))  # a BindingStatus
    # What AliExpress has, as last sent (None: never sent, as for a product just matched).
    content_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    price_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    stock_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    price: Mapped[float | None]  # the lowest SKU price last sent, for the price guard rail
    last_sent_at: Mapped[datetime | None]
    last_run_id: Mapped[int | None]
    last_error_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    last_error: Mapped[str | None] = mapped_column(Text)


class IgnoredProduct(IdMixin, CreatedAtMixin, Base):
    """A product that was on AliExpress before the API's initial run and matched none of its listings:
    never touched by the API (the seed's "AliExpress only" scenario)."""

    __tablename__ = "ignored_products"
    __table_args__ = (UniqueConstraint("api_id", "product_id"),)

    api_id: Mapped[int] = mapped_column(ForeignKey("aliexpress_apis.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))  # AliExpress's status when it was seen
    title: Mapped[str | None] = mapped_column(Text)
    sku_codes: Mapped[list[str]] = mapped_column(JSON)


class Trigger(StrEnum):
    MANUAL = "manual"
    SCHEDULE = "schedule"
    CLEAR = "clear"  # clearing the API: remove every listing it created or bound


class RunStatus(StrEnum):
    QUEUED = "queued"  # waiting for a worker
    PLANNING = "planning"
    RUNNING = "running"
    HELD = "held"  # a guard rail tripped: waits for confirmation, nothing sent
    PLANNED = "planned"  # a dry run: the plan only
    SUCCEEDED = "succeeded"  # every planned call was made (some listings may have failed)
    FAILED = "failed"  # stopped before the end (expired connection, AliExpress down, …)
    INTERRUPTED = "interrupted"  # its process died; the next run continued its work
    CANCELLED = "cancelled"  # a held or queued run that was superseded or cancelled


ACTIVE_STATUSES = (RunStatus.PLANNING, RunStatus.RUNNING)
_ACTIVE_SQL = "status IN ('planning', 'running')"


class SyncRun(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "sync_runs"
    # At most one active run per API, whatever process or machine starts it.
    __table_args__ = (
        Index(
            "ix_sync_runs_one_active_per_api",
            "api_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )

    api_id: Mapped[int] = mapped_column(ForeignKey("aliexpress_apis.id", ondelete="CASCADE"), index=True)
    trigger: Mapped[str] = mapped_column(String(10))  # a Trigger
    status: Mapped[str] = mapped_column(String(12))  # a RunStatus
    dry_run: Mapped[bool] = mapped_column(default=False)
    confirmed: Mapped[bool] = mapped_column(default=False)  # guard rails were waived by a person
    initial: Mapped[bool] = mapped_column(default=False)  # read and matched the seller's products
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Who executes it ("host:pid:token") and when it last said so: a run whose process is gone is taken over.
    owner: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime | None]
    # Listings per planned action, and per outcome as calls return (see sync.counts).
    planned: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    calls: Mapped[int] = mapped_column(default=0)  # AliExpress calls made (reads and writes)
    hold: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the guard rails that tripped
    message: Mapped[str | None] = mapped_column(Text)  # why it failed, was held or cancelled


class SyncResult(IdMixin, Base):
    """What one action on one listing came to; its items are in the run's plan."""

    __tablename__ = "sync_results"

    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True)
    listing_key: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))  # a channels.protocol.Action
    outcome: Mapped[str] = mapped_column(String(10))  # a channels.protocol.Outcome
    product_id: Mapped[int | None] = mapped_column(BigInteger)
    error_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    error: Mapped[str | None] = mapped_column(Text)  # AliExpress's own message
    at: Mapped[datetime]


class SyncSchedule(IdMixin, TimestampMixin, Base):
    """When an API runs by itself: at times of day, or every N hours."""

    __tablename__ = "sync_schedules"

    api_id: Mapped[int] = mapped_column(ForeignKey("aliexpress_apis.id", ondelete="CASCADE"), unique=True)
    times: Mapped[list[str]] = mapped_column(JSON, default=list)  # "HH:MM" in `timezone`
    every_hours: Mapped[int | None]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    enabled: Mapped[bool] = mapped_column(default=True)
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
