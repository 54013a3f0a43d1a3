"""The plan of a run: the API's listings against its bindings, vectorised (DESIGN §5).

One row per listing and action. A listing without a binding is created (unless blocked); a bound one
is updated by the parts whose hash changed — its content (a full update, which sends prices and stock
too), else its price and/or its stock — and left alone when nothing changed. A bound listing that left
the listings (its items left the feed or the rules excluded them) or lost its category is removed by the
API's removal policy; a blocked one (a mandatory quality issue) stays on AliExpress as last sent. A
product taken offline by the policy comes back online when its listing returns. A create whose answer was
lost (binding CREATING) is re-checked by SKU code before anything else happens to it.
"""

from __future__ import annotations

import polars as pl

from feedbridge.channels.aliexpress import payloads as p
from feedbridge.channels.protocol import Action
from feedbridge.listings import columns as c
from feedbridge.sync.models import BindingStatus
from feedbridge.sync.settings import RemovalPolicy

# Actions that send the listing's payload, in the order a listing's actions run.
SENDS_PAYLOAD = (
    Action.CREATE,
    Action.RECHECK,
    Action.UPDATE_CONTENT,
    Action.UPDATE_PRICE,
    Action.UPDATE_STOCK,
)
REMOVALS = (Action.TAKE_OFFLINE, Action.DELETE)
NO_CALL = (Action.UNCHANGED, Action.BLOCKED, Action.BIND)

# The bindings frame (sync.bindings.bindings_frame) and the plan's own columns.
PRODUCT_ID = "product_id"
STATUS = "binding_status"
SENT_CONTENT, SENT_PRICE, SENT_STOCK = "sent_content", "sent_price", "sent_stock"
SENT_LOWEST_PRICE = "sent_lowest_price"
MATCHED_NOW = "matched_now"  # Boolean: bound by this (initial) run's matching
ACTION = "action"
SENDABLE = "sendable"  # Boolean: the listing is in the listings, categorized and not blocked
BINDINGS_SCHEMA = pl.Schema(
    {
        c.LISTING: pl.String,
        PRODUCT_ID: pl.Int64,
        STATUS: pl.String,
        SENT_CONTENT: pl.String,
        SENT_PRICE: pl.String,
        SENT_STOCK: pl.String,
        SENT_LOWEST_PRICE: pl.Float64,
        MATCHED_NOW: pl.Boolean,
    }
)
_LISTING_COLUMNS = (
    c.LISTING, c.POSITION, c.CATEGORY, c.BLOCKED, p.CONTENT_HASH, p.PRICE_HASH, p.STOCK_HASH, p.LOWEST_PRICE,
)  # fmt: skip
PLAN_COLUMNS = (
    c.LISTING,
    ACTION,
    PRODUCT_ID,
    STATUS,
    SENDABLE,
    c.POSITION,
    p.LOWEST_PRICE,
    SENT_LOWEST_PRICE,
)


def plan(listings: pl.LazyFrame, bindings: pl.DataFrame, removal: RemovalPolicy) -> pl.DataFrame:
    """Every action of the run, listing by listing in the listings' order (removals last)."""
    local = listings.select(_LISTING_COLUMNS)
    joined = local.join(bindings.lazy().cast(BINDINGS_SCHEMA), on=c.LISTING, how="full", coalesce=True)
    present = pl.col(c.POSITION).is_not_null()
    sendable = present & pl.col(c.CATEGORY).is_not_null() & ~pl.col(c.BLOCKED)
    status = pl.col(STATUS)
    unbound, creating = status.is_null(), status == BindingStatus.CREATING
    live, offline = status == BindingStatus.LIVE, status == BindingStatus.OFFLINE
    gone = ~present | pl.col(c.CATEGORY).is_null()
    removed = Action.DELETE if removal is RemovalPolicy.DELETE else Action.TAKE_OFFLINE
    # The listing's first action: what happens to it as a whole.
    first = (
        pl.when(creating).then(_lit(Action.RECHECK))
        .when(unbound & sendable).then(_lit(Action.CREATE))
        .when(unbound).then(_lit(Action.BLOCKED))
        .when(live & gone).then(pl.lit(removed))
        .when(offline & gone).then(pl.lit(None, pl.String))  # already removed
        .when(~sendable).then(_lit(Action.BLOCKED))
        .when(offline).then(_lit(Action.BRING_ONLINE))
    )  # fmt: skip
    # Then the parts to send, for a bound listing that stays (or comes back) on AliExpress.
    updating = (live | offline) & sendable
    content = updating & _differs(p.CONTENT_HASH, SENT_CONTENT)
    price = updating & ~content & _differs(p.PRICE_HASH, SENT_PRICE)
    stock = updating & ~content & _differs(p.STOCK_HASH, SENT_STOCK)
    actions = pl.concat_list(
        pl.when(pl.col(MATCHED_NOW).fill_null(False)).then(_lit(Action.BIND)),
        first,
        pl.when(content).then(_lit(Action.UPDATE_CONTENT)),
        pl.when(price).then(_lit(Action.UPDATE_PRICE)),
        pl.when(stock).then(_lit(Action.UPDATE_STOCK)),
        pl.when(live & sendable & ~content & ~price & ~stock).then(_lit(Action.UNCHANGED)),
    ).list.drop_nulls()
    return (
        joined.with_columns(actions.alias(ACTION), sendable.fill_null(False).alias(SENDABLE))
        .explode(ACTION)
        .filter(pl.col(ACTION).is_not_null())
        .sort(c.POSITION, nulls_last=True, maintain_order=True)
        .select(PLAN_COLUMNS)
        .collect()
    )


def _lit(action: Action) -> pl.Expr:
    return pl.lit(action.value)


def _differs(current: str, sent: str) -> pl.Expr:
    return pl.col(sent).is_null() | (pl.col(current) != pl.col(sent))


def action_counts(planned: pl.DataFrame) -> dict[str, int]:
    """Listings per action, every action named (zero where none)."""
    found = dict(planned.group_by(ACTION).len().iter_rows())
    return {action.value: int(found.get(action.value, 0)) for action in Action}
