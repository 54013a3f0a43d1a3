"""The initial run's matching: the seller's existing products against the API's listings, by SKU code.

A product and a listing match when they share SKU codes; each listing takes the product it shares most
codes with (then the lowest product id), and each product goes to one listing. Products already bound
and listings already bound take no part. Products that match nothing are left alone for good (DESIGN §5.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from feedbridge.channels.protocol import RemoteProduct
from feedbridge.listings import columns as c

PRODUCT_ID = "product_id"
REMOTE_STATUS = "remote_status"  # a channels.protocol.RemoteStatus
RAW_STATUS = "raw_status"
TITLE = "title"
SKU_CODES = "sku_codes"
_SHARED = "shared"
REMOTE_SCHEMA = pl.Schema(
    {  # type: ignore[arg-type]  # pl.List(...) is a DataType; the stubs' union misses it
        PRODUCT_ID: pl.Int64,
        REMOTE_STATUS: pl.String,
        RAW_STATUS: pl.String,
        TITLE: pl.String,
        SKU_CODES: pl.List(pl.String),
    }
)


@dataclass(frozen=True)
class Matching:
    matched: pl.DataFrame  # listing, product_id, remote_status
    ignored: pl.DataFrame  # REMOTE_SCHEMA: the products that matched nothing


def remote_frame(found: Iterable[RemoteProduct]) -> pl.DataFrame:
    rows = [(p.product_id, p.status.value, p.raw_status, p.title, list(p.sku_codes)) for p in found]
    return pl.DataFrame(rows, schema=REMOTE_SCHEMA, orient="row")


def match(
    listings: pl.DataFrame, remote: pl.DataFrame, *, bound_listings: pl.Series, bound_products: pl.Series
) -> Matching:
    """`listings` has LISTING and SKU_CODES (a list per listing)."""
    remote = remote.filter(~pl.col(PRODUCT_ID).is_in(bound_products.implode()))
    local = listings.filter(~pl.col(c.LISTING).is_in(bound_listings.implode()))
    shared = (
        local.select(c.LISTING, pl.col(SKU_CODES).alias("code")).explode("code")
        .join(remote.select(PRODUCT_ID, pl.col(SKU_CODES).alias("code")).explode("code"), on="code")
        .group_by(c.LISTING, PRODUCT_ID).agg(pl.len().alias(_SHARED))
        .sort([_SHARED, PRODUCT_ID, c.LISTING], descending=[True, False, False])
    )  # fmt: skip
    # Greedy, best pairs first: a listing keeps its best product, then a product its best listing.
    best = shared.unique(c.LISTING, keep="first", maintain_order=True).unique(
        PRODUCT_ID, keep="first", maintain_order=True
    )
    matched = best.join(remote.select(PRODUCT_ID, REMOTE_STATUS), on=PRODUCT_ID).select(
        c.LISTING, PRODUCT_ID, REMOTE_STATUS
    )
    ignored = remote.join(matched, on=PRODUCT_ID, how="anti")
    return Matching(matched, ignored)
