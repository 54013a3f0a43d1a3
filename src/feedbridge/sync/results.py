"""What a run did, for people: its summary, its errors per listing and per item (an error on one variant
is every variant's, as AliExpress takes or refuses a product whole), a CSV of them, and the state of each
listing of an API (its binding)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedbridge.apis.models import AliExpressApi
from feedbridge.apis.services import get_api
from feedbridge.channels.aliexpress import payloads as p
from feedbridge.channels.protocol import Outcome
from feedbridge.config import Settings
from feedbridge.listings import columns as c
from feedbridge.sync.explanations import explain
from feedbridge.sync.models import Binding, SyncResult, SyncRun
from feedbridge.sync.runner import PLAN_FILE, run_folder
from feedbridge.sync.runs import get_run

# The columns of the errors table, one row per item of a listing whose call failed (or was deferred).
ERROR_COLUMNS = (
    "listing", "item_id", "sku_code", "action", "outcome", "product_id", "error_code", "error", "explanation",
    "fix", "retried",
)  # fmt: skip
_FAILED_SCHEMA = {
    "listing": pl.String, "action": pl.String, "outcome": pl.String, "product_id": pl.Int64,
    "error_code": pl.String, "error": pl.String, "explanation": pl.String, "fix": pl.String, "retried": pl.Boolean,
}  # fmt: skip
# The counts every summary shows, in this order (docs/running.md explains each).
COUNTS = (
    "created", "content_updated", "price_updated", "stock_updated", "removed", "brought_online", "bound",
    "unchanged", "ignored", "blocked", "deferred", "failed",
)  # fmt: skip


@dataclass(frozen=True)
class RunSummary:
    run: SyncRun
    api: str

    @property
    def duration(self) -> timedelta | None:
        if self.run.started_at is None or self.run.finished_at is None:
            return None
        return self.run.finished_at - self.run.started_at

    def counts(self) -> dict[str, int]:
        return {name: int(self.run.counts.get(name, 0)) for name in COUNTS}


def run_summary(session: Session, company_id: int, run_id: int) -> RunSummary:
    run = get_run(session, company_id, run_id)
    return RunSummary(run, session.get_one(AliExpressApi, run.api_id).name)


def run_errors(
    session: Session, settings: Settings, company_id: int, run_id: int, *, code: str | None = None
) -> pl.DataFrame:
    """Every item of every listing whose call failed or was deferred in the run, with the error explained;
    `code` keeps one error code."""
    run = get_run(session, company_id, run_id)
    query = select(SyncResult).where(
        SyncResult.run_id == run_id, SyncResult.outcome.in_([Outcome.FAILED, Outcome.DEFERRED])
    )
    if code is not None:
        query = query.where(SyncResult.error_code == code)
    rows = []
    for result in session.scalars(query.order_by(SyncResult.id)):
        explanation = explain(result.error_code, result.error)
        rows.append(
            (result.listing_key, result.action, result.outcome, result.product_id, result.error_code,
             result.error, explanation.text, explanation.fix, explanation.retried)
        )  # fmt: skip
    failed = pl.DataFrame(rows, schema=_FAILED_SCHEMA, orient="row")
    items = _plan_items(run_folder(settings, session.get_one(AliExpressApi, run.api_id), run_id))
    # A listing that left the feed has no items any more: it is shown once, by its key.
    joined = failed.join(items, on="listing", how="left")
    return joined.select(ERROR_COLUMNS)


def _plan_items(folder: Path) -> pl.DataFrame:
    """Each listing's items and SKU codes from the run's plan (empty when the plan was pruned)."""
    schema = {"listing": pl.String, "item_id": pl.String, "sku_code": pl.String}
    path = folder / PLAN_FILE
    if not path.exists():
        return pl.DataFrame(schema=schema)
    plan = pl.read_parquet(path, columns=[c.LISTING, p.ITEM_IDS, p.SKU_CODES]).unique(c.LISTING)
    return (
        plan.filter(pl.col(p.ITEM_IDS).is_not_null())
        .explode(p.ITEM_IDS, p.SKU_CODES)
        .select(
            pl.col(c.LISTING).alias("listing"),
            pl.col(p.ITEM_IDS).cast(pl.String).alias("item_id"),
            pl.col(p.SKU_CODES).cast(pl.String).alias("sku_code"),
        )
    )


def write_errors_csv(errors: pl.DataFrame, path: Path) -> None:
    errors.write_csv(path)


@dataclass(frozen=True)
class ListingState:
    listing: str
    product_id: int | None
    status: str
    origin: str
    last_sent_at: datetime | None
    last_error_code: str | None
    last_error: str | None


def listing_states(
    session: Session,
    company_id: int,
    api_id: int,
    *,
    status: str | None = None,
    with_errors: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> tuple[int, list[ListingState]]:
    """(how many there are, one page of them): each listing the API created or bound, with its last error."""
    api = get_api(session, company_id, api_id)
    where = [Binding.api_id == api.id]
    if status is not None:
        where.append(Binding.status == status)
    if with_errors:
        where.append(Binding.last_error_code.is_not(None))
    total = int(session.scalar(select(func.count()).select_from(Binding).where(*where)) or 0)
    query = select(Binding).where(*where).order_by(Binding.listing_key)
    bindings = session.scalars(query.offset((page - 1) * page_size).limit(page_size))
    return total, [
        ListingState(
            b.listing_key, b.product_id, b.status, b.origin, b.last_sent_at, b.last_error_code, b.last_error
        )
        for b in bindings
    ]
