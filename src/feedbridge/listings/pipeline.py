"""From categorized items to listings ready to send: build, quality, payloads and hashes, in one go.

A pure function of (items, build, requirements): no database, no network. The services gather its
inputs (the API's items after the rules, categories, the account's requirements) and keep its result.

Items are built CHUNK_ITEMS at a time, each chunk holding whole listings (items are dealt to chunks by
their listing), so memory follows the chunk rather than the catalogue. Only what later steps need of
each item is kept (ITEM_COLUMNS and its issues); preview rebuilds the few items a page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from feedbridge.channels.aliexpress.checks import checks as aliexpress_checks
from feedbridge.channels.aliexpress.checks import repeated_sku_codes
from feedbridge.channels.aliexpress.payloads import PayloadFormat, listing_payloads
from feedbridge.listings import columns as c
from feedbridge.listings.build import POSITION, build_skus, identity
from feedbridge.listings.quality import IssueIndex, QualitySummary, apply_checks, summarise
from feedbridge.listings.requirements import Requirements
from feedbridge.listings.spec import Build
from feedbridge.listings.values import Fields

CHUNK_ITEMS = 250_000
# What the listing set keeps of each item (with its issue words).
ITEM_COLUMNS = (
    c.POSITION, c.ITEM_ID, c.SKU_CODE, c.GROUP, c.LISTING, c.CATEGORY, c.ITEM_CATEGORY, c.CATEGORY_SOURCE,
    c.CATEGORY_LINE, c.VARIANTS, c.BLOCKED,
)  # fmt: skip
_CHUNK = "\x00chunk"


@dataclass(frozen=True)
class ListingSet:
    items: pl.DataFrame  # one row per item, in item order: ITEM_COLUMNS and the issue words
    listings: (
        pl.DataFrame
    )  # one row per listing, in the order of their first items (payloads.LISTING_COLUMNS)
    issues: IssueIndex  # how the issue words read
    summary: QualitySummary


@dataclass(frozen=True)
class Excluded:
    """What the rules excluded, for the summary."""

    items: int
    before_rules: pl.LazyFrame | None = None  # the items before the rules, to find the excluded listings


def make_listings(
    items: pl.LazyFrame,
    build: Build,
    requirements: Requirements,
    *,
    id_field: str,
    unique_id_field: str,
    decimal_marks: Mapping[str, str],
    excluded: Excluded,
    fmt: PayloadFormat = PayloadFormat.INSTANCE,
    chunk_items: int = CHUNK_ITEMS,
    sink: Callable[[pl.DataFrame], None] | None = None,
) -> ListingSet:
    """`items` are categorized (categories.categorize); `sink` receives each chunk's checked SKU rows
    (every attribute, raw values and issues) before they are dropped."""
    frame = items.with_row_index(POSITION).collect()
    fields = Fields.of(frame.schema, decimal_marks)
    keys = frame.select(identity(build, fields, id_field=id_field, unique_id_field=unique_id_field))
    chunks = max(1, -(-frame.height // chunk_items))
    checks = aliexpress_checks(requirements, _sku_schema(frame, build, requirements, id_field, unique_id_field,
                                                         decimal_marks), repeated_sku_codes(keys.lazy()))  # fmt: skip
    if chunks > 1:
        frame = frame.with_columns((keys.get_column(c.LISTING).hash(seed=0) % chunks).alias(_CHUNK))
    kept_items, kept_listings = [], []
    for chunk in range(chunks):
        part = frame.lazy() if chunks == 1 else frame.lazy().filter(pl.col(_CHUNK) == chunk).drop(_CHUNK)
        skus = build_skus(
            part,
            build,
            requirements,
            id_field=id_field,
            unique_id_field=unique_id_field,
            decimal_marks=decimal_marks,
        )
        checked = apply_checks(skus, checks).collect()
        kept_listings.append(listing_payloads(checked.lazy(), requirements, fmt).collect())
        kept_items.append(
            checked.select(*ITEM_COLUMNS, pl.col(r"^issues\..*$"), pl.col(r"^listing_issues\..*$"))
        )
        if sink is not None:
            sink(checked)
        del checked
    del frame
    found = pl.concat(kept_items).sort(c.POSITION)
    listings = pl.concat(kept_listings).sort(c.POSITION)
    summary = summarise(
        found,
        checks,
        excluded_items=excluded.items,
        excluded_listings=_excluded_listings(
            excluded, build, id_field, unique_id_field, decimal_marks, listings
        ),
    )
    return ListingSet(found, listings, IssueIndex.of(checks), summary)


def _sku_schema(
    frame: pl.DataFrame,
    build: Build,
    requirements: Requirements,
    id_field: str,
    unique_id_field: str,
    decimal_marks: Mapping[str, str],
) -> pl.Schema:
    """The SKU frame's columns (the same for every chunk), without building anything."""
    empty = frame.head(0).lazy()
    return build_skus(
        empty,
        build,
        requirements,
        id_field=id_field,
        unique_id_field=unique_id_field,
        decimal_marks=decimal_marks,
    ).collect_schema()


def _excluded_listings(
    excluded: Excluded,
    build: Build,
    id_field: str,
    unique_id_field: str,
    decimal_marks: Mapping[str, str],
    listings: pl.DataFrame,
) -> int:
    """Listings of the items before the rules that have no item left after them."""
    if not excluded.items or excluded.before_rules is None:
        return 0
    before = excluded.before_rules
    fields = Fields.of(before.collect_schema(), decimal_marks)
    if unique_id_field not in fields.kinds:
        return 0
    listing = identity(build, fields, id_field=id_field, unique_id_field=unique_id_field)[-1]
    keys = before.select(listing).unique()
    gone = keys.join(listings.lazy().select(c.LISTING), on=c.LISTING, how="anti")
    return int(gone.select(pl.len()).collect().item())
