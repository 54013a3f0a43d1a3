"""WooCommerce native product exports: group each variation with its parent product.

The native export/import layout (`ID, Type, SKU, Name, …, Parent, …`) has one row per product and per
variation already, and `ID` is unique, so rows are left as they are. What it lacks is an item group:
a variation names its parent in `Parent`, either as `id:<ID>` or by the parent's SKU (WooCommerce
writes the SKU when the parent has one). `normalise_woocommerce` adds an `item_group_id` column that
holds the parent's `ID` for every row with a `Parent` (the reference as written when it names no row
of the file), and stays empty for every other row — simple products, and the variable parent rows
themselves, which are not purchasable items (an import rule on `Type` can leave them out).

Exports without any `Parent` value, and other WooCommerce shapes (the REST-API dumps with `id` and
`parent_id`, the import layout without `ID`), are returned unchanged: their fields already identify and
group the items.
"""

from __future__ import annotations

import polars as pl

from feedbridge.catalog.model import RawFeed, is_empty

__all__ = ["WOOCOMMERCE_LAYOUT", "normalise_woocommerce"]

WOOCOMMERCE_LAYOUT = "woocommerce"
_COLUMNS = ("ID", "Type", "SKU", "Parent")  # as WooCommerce writes them (English export)
_PARENT = "__woocommerce_parent"  # the Parent reference, trimmed
_PARENT_ID = "__woocommerce_parent_id"  # the ID of the row whose SKU it names


def _filled(column: str) -> pl.Expr:
    return ~is_empty(column, pl.String())


def normalise_woocommerce(feed: RawFeed) -> RawFeed:
    """`feed` with an `item_group_id` column if it is a WooCommerce native export with variations;
    any other feed is returned unchanged."""
    schema = feed.frame.collect_schema()
    if "item_group_id" in schema or not all(schema.get(c) == pl.String for c in _COLUMNS):
        return feed
    frame = feed.frame.collect()  # such exports are CSV files read into memory: the grouping is eager
    if not frame.height or not frame.select(_filled("Parent").any()).item():
        return feed
    parent = pl.col("Parent").str.strip_chars()
    by_sku = (
        frame.filter(_filled("SKU") & _filled("ID"))
        .select(pl.col("SKU").str.strip_chars().alias(_PARENT), pl.col("ID").alias(_PARENT_ID))
        .unique(_PARENT, keep="first", maintain_order=True)
    )
    grouped = (
        frame.with_columns(parent.alias(_PARENT))
        .join(by_sku, on=_PARENT, how="left", maintain_order="left")
        .with_columns(
            pl.when(~_filled("Parent"))
            .then(pl.lit(""))
            .when(parent.str.contains(r"^id:\s*\d+$"))
            .then(parent.str.extract(r"(\d+)$"))
            .otherwise(pl.coalesce(_PARENT_ID, _PARENT))
            .alias("item_group_id")
        )
        .select(*frame.columns, "item_group_id")
    )
    variations = int(grouped.select((pl.col("item_group_id") != "").sum()).item())
    groups = int(
        grouped.select(pl.col("item_group_id").filter(pl.col("item_group_id") != "").n_unique()).item()
    )
    details = feed.details | {
        "layout": WOOCOMMERCE_LAYOUT,
        "layout rows": f"{variations} variations grouped under {groups} parent products by 'Parent'",
    }
    return RawFeed(frame=grouped.lazy(), format=feed.format, details=details, warnings=list(feed.warnings))
