"""What the sync asks of a marketplace channel, whatever the marketplace (DESIGN §3).

The sync decides what happens to each listing (an Action) and hands the channel's exporter Tasks; the
exporter groups them into the calls its platform takes, makes them, and answers one TaskResult per
task. It also reads the seller's existing products for the initial run's matching.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Action(StrEnum):
    CREATE = "create"
    RECHECK = "recheck"  # a create whose answer was lost: found by SKU code, else created again
    BIND = "bind"  # initial run: bound to the marketplace product that has the listing's SKU codes
    BRING_ONLINE = "bring_online"
    UPDATE_CONTENT = "update_content"
    UPDATE_PRICE = "update_price"
    UPDATE_STOCK = "update_stock"
    TAKE_OFFLINE = "take_offline"
    DELETE = "delete"
    UNCHANGED = "unchanged"
    BLOCKED = "blocked"  # a mandatory quality issue: not sent (a bound listing stays as last sent)


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    DEFERRED = "deferred"  # the marketplace is still reviewing the product: tried again by a later run


class RemoteStatus(StrEnum):
    """A product's state on the marketplace, as far as the sync cares."""

    LIVE = "live"  # on sale, in review, or waiting for edits
    OFFLINE = "offline"
    MISSING = "missing"  # not there (deleted, or never created)


@dataclass(frozen=True)
class Task:
    listing: str
    action: Action
    product_id: int | None = None
    payload: str | None = None  # the listing's payload as JSON text (None: not sendable now)
    sku_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskResult:
    task: Task
    outcome: Outcome
    product_id: int | None = None  # the product the task created or found
    status: RemoteStatus | None = None  # what the product's state is now, where the task learnt it
    # RECHECK: the product was already there (made by an earlier, interrupted attempt whose payload may
    # be older than this run's).
    found_existing: bool = False
    # A failed create that may still have made the product (its answer was lost): check before repeating.
    uncertain: bool = False
    error_code: str | None = None
    error: str | None = None  # the marketplace's own words


@dataclass(frozen=True)
class RemoteProduct:
    product_id: int
    status: RemoteStatus
    title: str | None
    sku_codes: tuple[str, ...]
    raw_status: str  # the marketplace's own word for its state


class StopRun(Exception):
    """The run cannot go on (the seller's authorisation was refused): nothing more may be sent."""


class Exporter(Protocol):
    def calls(self) -> int:
        """Calls made to the marketplace so far."""

    def prepare(self, action: Action, tasks: Sequence[Task]) -> list[list[Task]]:
        """`tasks` of one action as units of work (each one call's worth, or one listing's calls), after
        whatever must come first (an interrupted run's work still in flight at the marketplace ends)."""

    def execute(self, action: Action, tasks: Sequence[Task]) -> list[TaskResult]:
        """One unit of work; one result per task. Raises StopRun when nothing more can be sent."""

    def remote_products(self, progress: Callable[[int, int], None]) -> Iterator[RemoteProduct]:
        """Every product of the seller, whatever its state, with its SKU codes."""
