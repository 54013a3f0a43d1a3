"""Shopify product CSV exports: one row per variant, with product fields and all images on every row.

A Shopify export is not one row per item. Each product (`Handle`) spans several rows: the first holds
the product fields (Title, Body (HTML), Vendor, Tags, Option names, SEO, Google Shopping, Status, …)
and the first variant; each further variant has a row of its own with the product fields left empty;
images beyond those rows come as image-only rows (Handle, Image Src, Image Position, Image Alt Text).
Many stores leave `Variant SKU` empty or repeat it, so no column of the raw export is a unique ID.

`normalise_shopify` turns such a frame into one row per variant (file order), all Polars expressions:

- image rows are folded into their product: `Image Src`, `Image Position` and `Image Alt Text` become
  lists of every image of the handle, in Image Position order (file order where it is missing), on
  every variant of the product; `Variant Image` stays per variant;
- product fields empty on a variant row are filled from the handle's first row that has them;
  variant fields (Variant …, Option1–3 Value, Cost per item, per-market prices, variant metafields)
  are never filled — a missing variant value stays missing rather than borrowing another variant's;
- a new `id` column: `Variant SKU` where it is filled and unique in the file, else
  `<Handle>-<option values>` (option values slugified: lower case, runs of anything but letters and
  digits become `-`), else `<Handle>` (a single-variant product, option `Default Title`); a made-up ID
  that still collides gets the variant's 1-based position in its product appended (`-2`);
- a new `item_group_id` column = `Handle`, so the variants of a product form one item group.

A row is a variant when it has an `Option1 Value`, a `Variant Price` or a `Variant SKU`; a handle with
no such row keeps its first row as its one item, so no product is ever lost.
"""

from __future__ import annotations

import re

import polars as pl

from feedbridge.catalog.model import RawFeed, is_empty

__all__ = ["SHOPIFY_LAYOUT", "is_shopify_export", "normalise_shopify"]

SHOPIFY_LAYOUT = "shopify"

# Columns every layout of the export has (the 46/47-column samples and the current 63+-column one).
_REQUIRED = ("handle", "title", "option1 value", "image src")
_VARIANT_DATA = ("option1 value", "variant price", "variant sku")  # one of them filled: a variant row
_IMAGE_COLUMNS = ("image src", "image position", "image alt text")
_OPTION_VALUES = ("option1 value", "option2 value", "option3 value")
_NO_OPTION = "default title"  # Shopify's option value for a product without options

# Product-level columns (lower case), filled onto every variant. Anything not matched here or by
# `_PRODUCT_PATTERN` stays per row.
_PRODUCT_COLUMNS = frozenset(
    {
        "title",
        "body (html)",
        "vendor",
        "product category",
        "standard product type",
        "custom product type",
        "type",
        "tags",
        "published",
        "option1 name",
        "option2 name",
        "option3 name",
        "option1 linked to",
        "option2 linked to",
        "option3 linked to",
        "gift card",
        "seo title",
        "seo description",
        "status",
    }
)
_PRODUCT_PATTERN = re.compile(
    r"^(google shopping / |included / )"  # Google Shopping fields; market inclusion is per product
    r"|\(product\.metafields\.",  # product metafields, e.g. "Farbe (product.metafields.shopify.color-pattern)"
    re.IGNORECASE,
)

_ROW = "__shopify_row"
_GROUP = "__shopify_group"
_VARIANT = "__shopify_variant"


def _by_name(columns: list[str]) -> dict[str, str]:
    """Lower-case name → the column's name as written (the first, if two differ only in case)."""
    found: dict[str, str] = {}
    for column in columns:
        found.setdefault(column.lower(), column)
    return found


def is_shopify_export(schema: pl.Schema) -> bool:
    """True for a Shopify product export: Handle, Title, Option1 Value, Image Src and a variant column."""
    names = _by_name(schema.names())
    return (
        all(name in names for name in _REQUIRED)
        and any(name in names for name in ("variant sku", "variant price"))
        and all(schema[names[name]] == pl.String for name in (*_REQUIRED, *_VARIANT_DATA) if name in names)
    )


def _filled(column: str) -> pl.Expr:
    return ~is_empty(column, pl.String())


def _is_product_column(name: str) -> bool:
    lowered = name.lower()
    return lowered in _PRODUCT_COLUMNS or bool(_PRODUCT_PATTERN.search(name))


def normalise_shopify(feed: RawFeed) -> RawFeed:
    """`feed` with one row per variant and `id`/`item_group_id` columns if it is a Shopify export;
    any other feed is returned unchanged. Such exports are CSV files read into memory: the reshaping is eager."""
    if not is_shopify_export(feed.frame.collect_schema()):
        return feed
    frame = feed.frame.collect()
    if not frame.height:
        return feed
    names = _by_name(frame.columns)
    handle = names["handle"]
    images = [names[n] for n in _IMAGE_COLUMNS if n in names and frame.schema[names[n]] == pl.String]
    product = [
        c for c in frame.columns if _is_product_column(c) and frame.schema[c] == pl.String and c not in images
    ]

    has_variant_data = pl.any_horizontal([_filled(names[n]) for n in _VARIANT_DATA if n in names])
    work = frame.with_row_index(_ROW).with_columns(
        # Rows without a Handle cannot belong to a product: each is a group of its own.
        pl.when(_filled(handle))
        .then(pl.col(handle))
        .otherwise(pl.format("\x00{}", pl.col(_ROW)))
        .alias(_GROUP)
    )
    work = work.with_columns(
        (
            has_variant_data | (~has_variant_data.any().over(_GROUP) & pl.col(_GROUP).is_first_distinct())
        ).alias(_VARIANT)
    )

    # Per product: the first filled value of each product column, and the lists of its images.
    src = names["image src"]
    has_image = _filled(src)
    image_lists = [pl.col(c).filter(has_image) for c in images]
    if "image position" in names and names["image position"] in images:
        # Image Position order; images without a position keep their file order after the others.
        position = pl.col(names["image position"]).str.strip_chars().cast(pl.Int64, strict=False)
        image_lists = [
            c.sort_by(position.filter(has_image), nulls_last=True, maintain_order=True) for c in image_lists
        ]
    per_product = work.group_by(_GROUP).agg(
        *[pl.col(c).filter(_filled(c)).first().alias(c) for c in product], *image_lists
    )
    variants = work.filter(pl.col(_VARIANT)).join(
        per_product, on=_GROUP, how="left", suffix="__product", maintain_order="left"
    )
    variants = variants.with_columns(
        # A row's own value first, else the product's; a field empty on every row stays as it was.
        *[pl.coalesce(pl.when(_filled(c)).then(c), f"{c}__product", c).alias(c) for c in product],
        *[pl.col(f"{c}__product").alias(c) for c in images],
    )

    ids, generated = _ids(variants, names)
    out = variants.with_columns(ids, pl.col(handle).alias("item_group_id")).select(
        "id", "item_group_id", *[c for c in frame.columns if c not in ("id", "item_group_id")]
    )

    folded = frame.height - out.height
    products = int(work.select(pl.col(_GROUP).n_unique()).item())
    details = feed.details | {
        "layout": SHOPIFY_LAYOUT,
        "layout rows": f"{frame.height} rows → {out.height} variants of {products} products"
        + (f"; {folded} image rows folded into their product's {src!r} list" if folded else ""),
    }
    warnings = list(feed.warnings)
    if "id" in frame.columns or "item_group_id" in frame.columns:
        warnings.append(
            "the Shopify export's own 'id'/'item_group_id' columns were replaced by generated ones"
        )
    if generated:
        warnings.append(
            f"{generated} of {out.height} variants have no unique 'Variant SKU' (empty or repeated); their "
            "'id' is made from 'Handle' and the option values, and changes if those change — give every "
            "variant its own SKU for stable IDs"
        )
    return RawFeed(frame=out.lazy(), format=feed.format, details=details, warnings=warnings)


def _ids(variants: pl.DataFrame, names: dict[str, str]) -> tuple[pl.Expr, int]:
    """The `id` expression for the variant rows and how many of them do not use their SKU."""
    handle = pl.when(_filled(names["handle"])).then(pl.col(names["handle"]))
    if "variant sku" in names:
        sku = names["variant sku"]
        unique_sku = _filled(sku) & (pl.len().over(sku) == 1)
    else:
        sku, unique_sku = names["handle"], pl.lit(False)
    values = [
        pl.when(
            _filled(names[n]) & (pl.col(names[n]).str.strip_chars().str.to_lowercase() != _NO_OPTION)
        ).then(pl.col(names[n]))
        for n in _OPTION_VALUES
        if n in names
    ]
    slug = (
        pl.concat_str(values, separator="-", ignore_nulls=True)
        .str.to_lowercase()
        .str.replace_all(r"[^\p{L}\p{N}]+", "-")
        .str.strip_chars("-")
    )
    made = pl.when(slug != "").then(pl.concat_str(handle, slug, separator="-")).otherwise(handle)
    first = pl.when(unique_sku).then(pl.col(sku)).otherwise(made)
    ordinal = (pl.int_range(pl.len()) + 1).over(_GROUP).cast(pl.String)
    # A made-up ID equal to another row's (two variants with the same options, or one that spells
    # another variant's SKU) gets the variant's position in its product; a unique SKU keeps its ID.
    ids = (
        pl.when(~unique_sku & (pl.len().over(first) > 1))
        .then(pl.concat_str(made, ordinal, separator="-"))
        .otherwise(first)
        .fill_null("")
        .alias("id")
    )
    generated = int(variants.select((~unique_sku).sum()).item())
    return ids, generated
