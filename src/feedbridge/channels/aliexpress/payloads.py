"""Checked SKU rows → one row per listing with its AliExpress payload and the hashes the sync compares.

The payload (payload_json.py: a schema instance or a PostProductRequestDto) is serialised once, as text,
by Polars. A listing's own values are its first item's; every item is one SKU. The content, price and
stock hashes cover what the product, price and inventory APIs send: the values that go into those parts
(with the payload format and language), so a change of price alone changes only the price hash. They
are xxh3 over polars-hash's stable row encoding, the same across Polars versions, so bindings stored by
one version compare with listings of the next; PAYLOAD_VERSION changes them when the payload does.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, cast

import polars as pl
import polars_hash as plh

from feedbridge.channels.aliexpress import payload_json as shape
from feedbridge.listings import columns as c
from feedbridge.listings import jsontext as j
from feedbridge.listings.requirements import CategoryAttribute, Requirements, attribute_key, variant_key

PAYLOAD_VERSION = 1  # bump when the payload of the same values changes, so that every listing is sent again
PAYLOAD = "payload"
CONTENT_HASH, PRICE_HASH, STOCK_HASH = "content_hash", "price_hash", "stock_hash"
ITEM_IDS, SKU_CODES = "item_ids", "sku_codes"
LOWEST_PRICE = "lowest_price"  # Float64: the listing's lowest SKU price, for the sync's price guard rail
# Working columns, named unlike any column of the SKU frame (and without NUL, which polars-hash's plugin
# cannot pass on to Rust).
_SKUS = "~skus"
_SKU_CONTENT, _SKU_PRICE, _SKU_STOCK = "~sku_content", "~sku_price", "~sku_stock"
SKU_LEVEL = ("price", "discount_price", "stock", "ean", "variant_image")
# Columns of the SKU frame that describe the listing rather than go into its payload.
_NOT_SENT = (
    c.LISTING,
    c.POSITION,
    c.GROUP,
    c.VARIANTS,
    c.BLOCKED,
    c.IMAGE_COUNT,
    c.CATEGORY_SOURCE,
    c.CATEGORY_LINE,
    c.ITEM_CATEGORY,
    c.LISTING_INDEX,
)
# What the sync needs of a listing, in this order (with the listing's issue words after BLOCKED).
LISTING_COLUMNS = (
    c.LISTING, c.POSITION, c.GROUP, c.CATEGORY, ITEM_IDS, SKU_CODES, c.VARIANTS, c.BLOCKED,
    PAYLOAD, CONTENT_HASH, PRICE_HASH, STOCK_HASH, LOWEST_PRICE,
)  # fmt: skip


class PayloadFormat(StrEnum):
    INSTANCE = "instance"  # schema.product.instance.post / full.update / feed
    POST = "post"  # solution.product.post / edit


def listing_payloads(
    checked: pl.LazyFrame, requirements: Requirements, fmt: PayloadFormat = PayloadFormat.INSTANCE
) -> pl.LazyFrame:
    """One row per listing, in the order of their first items."""
    schema = checked.collect_schema()
    instance = fmt is PayloadFormat.INSTANCE
    countries = sorted(name.removeprefix("price.") for name in schema if name.startswith("price."))
    country_columns = {k: f"~country.{k}" for k in countries}
    sku_parts = _sku_parts(schema)
    skus = checked.with_columns(
        shape.sku(_configured(requirements, schema, variant=True), instance=instance).alias(_SKUS),
        *[shape.country_entry(k).alias(column) for k, column in country_columns.items()],
        *[_hash(columns).alias(name) for name, columns in sku_parts.items()],
    )
    product_columns = [name for name in schema if _product_level(name)]
    # A listing's own values are its first item's: picking those rows is far cheaper than first() per
    # column in the aggregation, which only gathers what every SKU contributes.
    first_items = checked.filter(pl.col(c.LISTING).is_first_distinct()).select(
        *_NOT_SENT, pl.col(r"^listing_issues\..*$"), *product_columns
    )
    per_listing = skus.group_by(c.LISTING, maintain_order=True).agg(
        pl.col(c.ITEM_ID).alias(ITEM_IDS),
        pl.col(c.SKU_CODE).alias(SKU_CODES),
        pl.col("price").min().cast(pl.Float64).alias(LOWEST_PRICE),
        pl.col(_SKUS).str.join(","),
        *[pl.col(column).str.join(",") for column in country_columns.values()],  # nulls are left out
        *[pl.col(name) for name in sku_parts],
    )
    # Both are in the order of each listing's first item, so they line up row for row.
    listings = pl.concat([first_items, per_listing.drop(c.LISTING)], how="horizontal")
    attributes = _configured(requirements, schema, variant=False)
    payload = [
        *shape.product(attributes, requirements.language, instance=instance),
        j.member("sku_info_list", j.array(pl.col(_SKUS))),
        j.member(
            "multi_country_price_configuration", shape.country_configuration(countries, country_columns)
        ),
    ]
    version = pl.lit(f"{PAYLOAD_VERSION} {fmt.value} {requirements.language}")
    sent = [name for name in product_columns if name not in _NOT_SENT]
    return listings.with_columns(
        j.obj(payload).alias(PAYLOAD),
        _hash([version, *sent, _SKU_CONTENT]).alias(CONTENT_HASH),
        _hash([_SKU_PRICE]).alias(PRICE_HASH),
        _hash([_SKU_STOCK]).alias(STOCK_HASH),
    ).select(*LISTING_COLUMNS[:8], pl.col(r"^listing_issues\..*$"), *LISTING_COLUMNS[8:])


def _sku_parts(schema: pl.Schema) -> dict[str, list[str]]:
    """Per part of a SKU the API that sends it (content, price, stock), the columns that go into it."""
    variant = [n for n in schema if n.startswith(("sku_attribute.", "sku_alias.", "sku_image."))]
    localized = [n for n in schema if n.startswith(("price.", "discount_price."))]
    return {
        _SKU_CONTENT: [c.SKU_CODE, "ean", *variant],
        _SKU_PRICE: [c.SKU_CODE, "price", "discount_price", *localized],
        _SKU_STOCK: [c.SKU_CODE, "stock"],
    }


def _hash(columns: Sequence[str | pl.Expr]) -> pl.Expr:
    """xxh3-64 of the values, as a decimal string (polars-hash registers `nchash` on expressions).

    Each non-null value is hashed with its column's name and the hashes are combined by XOR, so a listing's
    hash depends on its own values only: a column that other listings brought into the frame (a variant
    attribute, another category's attribute) and that is null here leaves it as it was.
    """
    terms = []
    for column in columns:
        expr = pl.col(column) if isinstance(column, str) else column
        name = column if isinstance(column, str) else expr.meta.output_name()
        hashed = cast(Any, plh.hash_rows([pl.lit(name), expr]).alias("row")).nchash.xxh3_64()
        terms.append(pl.when(expr.is_not_null()).then(hashed).otherwise(pl.lit(0, pl.UInt64)))
    return functools.reduce(operator.xor, terms).cast(pl.String)


def _configured(requirements: Requirements, schema: pl.Schema, *, variant: bool) -> list[CategoryAttribute]:
    """One use of each category (or variant) attribute the SKU frame holds, for its name and kind."""
    key = variant_key if variant else attribute_key
    return [
        uses[0]
        for attribute_id, uses in sorted(requirements.category_attributes(variant=variant).items())
        if key(attribute_id) in schema
    ]


_NOT_PRODUCT = (c.ITEM_ID, c.SKU_CODE, *SKU_LEVEL, *_NOT_SENT)
_NOT_PRODUCT_PREFIXES = (
    "raw:", "sku_attribute.", "sku_alias.", "sku_image.", "price.", "discount_price.", "issues.", "listing_issues.",
)  # fmt: skip


def _product_level(name: str) -> bool:
    """Whether a SKU frame column is one value for the whole listing that goes into its payload."""
    return name not in _NOT_PRODUCT and not name.startswith(_NOT_PRODUCT_PREFIXES)
