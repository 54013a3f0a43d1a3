"""Guard rails: a plan that would remove or re-price a large share of the live listings waits for a person.

A feed that arrives half empty, or a rule that divides every price by 100, must not reach AliExpress
unseen. The shares are of the listings live on AliExpress before the run (DESIGN §5, docs/running.md).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from feedbridge.channels.aliexpress import payloads as p
from feedbridge.channels.protocol import Action
from feedbridge.listings import columns as c
from feedbridge.sync import plan as pn
from feedbridge.sync.settings import SyncSettings


def tripped(planned: pl.DataFrame, live: int, settings: SyncSettings) -> dict[str, Any] | None:
    """What the plan would do beyond the API's guard rails (None: nothing, or guard rails are off)."""
    if not settings.guard_rails or live == 0:
        return None
    removed = planned.filter(pl.col(pn.ACTION).is_in([Action.TAKE_OFFLINE, Action.DELETE])).height
    old, new = pl.col(pn.SENT_LOWEST_PRICE), pl.col(p.LOWEST_PRICE)
    repriced = (
        planned.filter(
            pl.col(pn.ACTION).is_in([Action.UPDATE_CONTENT, Action.UPDATE_PRICE])
            & (old > 0)
            & ((new - old).abs() / old > settings.max_price_change)
        )
        .get_column(c.LISTING)
        .n_unique()
    )
    reasons = []
    if removed >= settings.guard_min_listings and removed / live > settings.max_removed_share:
        reasons.append(
            f"it would remove {removed} of {live} live listings ({removed / live:.0%}; the limit is "
            f"{settings.max_removed_share:.0%})"
        )
    if repriced >= settings.guard_min_listings and repriced / live > settings.max_repriced_share:
        reasons.append(
            f"it would change the price of {repriced} of {live} live listings by more than "
            f"{settings.max_price_change:.0%} ({repriced / live:.0%}; the limit is {settings.max_repriced_share:.0%})"
        )
    if not reasons:
        return None
    return {"reasons": reasons, "live": live, "removed": removed, "repriced": repriced}
