"""Bindings in and out: the planner's frame of an API's bindings, and each task's result written back.

Every result is written in its own transaction as soon as its call returns, so a run killed at any moment
leaves bindings that say exactly what AliExpress has; a create is recorded as CREATING before it is sent,
so a lost answer is looked up by SKU code on the next run instead of being sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from feedbridge.channels.protocol import Action, Outcome, RemoteStatus, TaskResult
from feedbridge.sync import plan as pn
from feedbridge.sync.models import Binding, BindingStatus, Origin, SyncResult


@dataclass(frozen=True)
class Sent:
    """What a task sends of its listing: the hashes and lowest price bindings keep."""

    content_hash: str | None
    price_hash: str | None
    stock_hash: str | None
    lowest_price: float | None
    sku_codes: tuple[str, ...]


def bindings_frame(session: Session, api_id: int) -> pl.DataFrame:
    """The API's bindings in the planner's columns (plan.BINDINGS_SCHEMA)."""
    query = select(
        Binding.listing_key,
        Binding.product_id,
        Binding.status,
        Binding.content_hash,
        Binding.price_hash,
        Binding.stock_hash,
        Binding.price,
    ).where(Binding.api_id == api_id)
    rows = session.execute(query).all()
    schema = {name: kind for name, kind in pn.BINDINGS_SCHEMA.items() if name != pn.MATCHED_NOW}
    return pl.DataFrame(rows, schema=schema, orient="row").with_columns(pl.lit(False).alias(pn.MATCHED_NOW))


def live_count(session: Session, api_id: int) -> int:
    query = select(func.count()).where(Binding.api_id == api_id, Binding.status == BindingStatus.LIVE)
    return int(session.scalar(query) or 0)


def find_binding(session: Session, api_id: int, listing: str) -> Binding | None:
    query = select(Binding).where(Binding.api_id == api_id, Binding.listing_key == listing)
    return session.scalar(query)


def bind_matched(
    session: Session,
    api_id: int,
    run_id: int,
    listing: str,
    product_id: int,
    status: RemoteStatus,
    sku_codes: list[str],
) -> None:
    """The initial run found the listing's product on AliExpress: bound, nothing of it sent yet."""
    session.add(
        Binding(
            api_id=api_id,
            listing_key=listing,
            product_id=product_id,
            sku_codes=sku_codes,
            origin=Origin.MATCHED,
            status=BindingStatus.OFFLINE if status is RemoteStatus.OFFLINE else BindingStatus.LIVE,
            last_run_id=run_id,
        )
    )


def mark_creating(session: Session, api_id: int, run_id: int, listing: str, sent: Sent) -> None:
    """Before a create is sent: if its answer is lost, the next run looks for the product by these codes."""
    binding = find_binding(session, api_id, listing)
    if binding is None:
        binding = Binding(api_id=api_id, listing_key=listing, origin=Origin.CREATED)
        session.add(binding)
    binding.status = BindingStatus.CREATING
    binding.sku_codes = list(sent.sku_codes)
    binding.last_run_id = run_id


def record_result(
    session: Session, api_id: int, run_id: int, result: TaskResult, sent: Sent, now: datetime
) -> None:
    """The task's result row, and its binding brought up to date with what AliExpress now has."""
    task = result.task
    session.add(
        SyncResult(
            run_id=run_id,
            listing_key=task.listing,
            action=task.action,
            outcome=result.outcome,
            product_id=result.product_id,
            error_code=result.error_code,
            error=result.error,
            at=now,
        )
    )
    binding = find_binding(session, api_id, task.listing)
    if binding is None:
        return
    binding.last_run_id = run_id
    if result.outcome is not Outcome.DONE:
        _failed(session, binding, result)
        return
    binding.last_error_code = binding.last_error = None
    _done(session, binding, result, sent, now)


def _failed(session: Session, binding: Binding, result: TaskResult) -> None:
    binding.last_error_code, binding.last_error = result.error_code, result.error
    creating = binding.status == BindingStatus.CREATING
    if creating and result.outcome is Outcome.FAILED and not result.uncertain:
        session.delete(binding)  # AliExpress refused it: no product was made
    elif result.status is RemoteStatus.MISSING:
        session.delete(binding)  # the product was deleted on AliExpress: the next run creates it again


def _done(session: Session, binding: Binding, result: TaskResult, sent: Sent, now: datetime) -> None:
    action = result.task.action
    if action in (Action.CREATE, Action.RECHECK):
        if result.status is RemoteStatus.MISSING or result.product_id is None:
            session.delete(binding)  # nothing was made, and the listing is not to be sent now
            return
        binding.product_id = result.product_id
        binding.status = (
            BindingStatus.OFFLINE if result.status is RemoteStatus.OFFLINE else BindingStatus.LIVE
        )
        if (
            result.found_existing
        ):  # made by an interrupted attempt, perhaps from older data: send it all again
            _sent(binding, Sent(None, None, None, None, sent.sku_codes), now)
        else:
            _sent(binding, sent, now)
    elif action is Action.UPDATE_CONTENT:
        _sent(binding, sent, now)
    elif action is Action.UPDATE_PRICE:
        binding.price_hash, binding.price, binding.last_sent_at = sent.price_hash, sent.lowest_price, now
    elif action is Action.UPDATE_STOCK:
        binding.stock_hash, binding.last_sent_at = sent.stock_hash, now
    elif action is Action.BRING_ONLINE:
        binding.status = BindingStatus.LIVE
    elif action is Action.TAKE_OFFLINE:
        if result.status is RemoteStatus.MISSING:
            session.delete(binding)  # deleted on AliExpress meanwhile
        else:
            binding.status = BindingStatus.OFFLINE
    elif action is Action.DELETE:
        session.delete(binding)


def _sent(binding: Binding, sent: Sent, now: datetime) -> None:
    binding.content_hash, binding.price_hash, binding.stock_hash = (
        sent.content_hash,
        sent.price_hash,
        sent.stock_hash,
    )
    binding.price = sent.lowest_price
    binding.sku_codes = list(sent.sku_codes)
    binding.last_sent_at = now


def clear_bindings(session: Session, api_id: int) -> None:
    session.execute(delete(Binding).where(Binding.api_id == api_id))
