"""Checked SKU rows → one row per listing with its AliExpress payload and the hashes the sync compares.

The payload is a schema instance (REFERENCE §3.9: instance.post, full.update, feed items) or a
PostProductRequestDto (§3.1: product.post, product.edit), serialised once, as text, by Polars. A
listing's product-level values are its first item's; every item is one SKU. The content, price and
stock hashes cover exactly the parts of the payload that the product, price and inventory APIs send,
so a change of price alone changes only the price hash. Hashes are xxh3 (polars-hash), stable across
Polars versions, so bindings stored by one version compare with payloads of the next.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, cast

import polars as pl
import polars_hash  # noqa: F401  (registers the `nchash` expression namespace)

from feedbridge.channels.aliexpress.client.categories import LOCALES
from feedbridge.listings import columns as c
from feedbridge.listings import jsontext as j
from feedbridge.listings.requirements import CategoryAttribute, Kind, Requirements, attribute_key, variant_key
from feedbridge.rules.values import format_number

PAYLOAD = "payload"
CONTENT_HASH, PRICE_HASH, STOCK_HASH = "content_hash", "price_hash", "stock_hash"
ITEM_IDS, SKU_CODES = "item_ids", "sku_codes"
_SKU_CONTENT, _SKU_PRICE, _SKU_STOCK = "\x00sku_content", "\x00sku_price", "\x00sku_stock"
_PRODUCT = "\x00product"  # product-level members (everything but the SKUs and the country prices)
_SKUS, _COUNTRIES = "\x00skus", "\x00countries"
SKU_LEVEL = ("price", "discount_price", "stock", "ean")
# What the sync needs of a listing, in this order (with the listing's issue words after BLOCKED).
LISTING_COLUMNS = (
    c.LISTING,
    c.POSITION,
    c.GROUP,
    c.CATEGORY,
    ITEM_IDS,
    SKU_CODES,
    c.VARIANTS,
    c.BLOCKED,
    PAYLOAD,
    CONTENT_HASH,
    PRICE_HASH,
    STOCK_HASH,
)


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
    prices = [j.member("price", _money("price")), j.member("discount_price", _money("discount_price"))]
    sku_rows = checked.with_columns(
        j.members(_sku_content(_configured(requirements, schema, variant=True), instance)).alias(
            _SKU_CONTENT
        ),
        j.members(prices).alias(_SKU_PRICE),
        j.member("inventory", pl.col("stock")).alias(_SKU_STOCK),
        *[_country_entry(country).alias(_country(country)) for country in countries],
    )
    sku_json = j.obj([pl.col(_SKU_CONTENT), pl.col(_SKU_PRICE), pl.col(_SKU_STOCK)])
    # A listing's own values are its first item's: picking those rows is far cheaper than first() per
    # column in the aggregation, which only gathers what every SKU contributes.
    first_items = sku_rows.filter(pl.col(c.LISTING).is_first_distinct()).select(
        name for name in schema if _product_level(name)
    )
    per_listing = sku_rows.group_by(c.LISTING, maintain_order=True).agg(
        pl.col(c.ITEM_ID).alias(ITEM_IDS),
        pl.col(c.SKU_CODE).alias(SKU_CODES),
        sku_json.str.join(",").alias(_SKUS),
        *[pl.col(name).fill_null("").str.join("|") for name in (_SKU_CONTENT, _SKU_PRICE, _SKU_STOCK)],
        *[pl.col(_country(k)).drop_nulls().str.join(",") for k in countries],
    )
    # Both are in the order of each listing's first item, so they line up row for row.
    listings = pl.concat([first_items, per_listing.drop(c.LISTING)], how="horizontal")
    attributes = _configured(requirements, schema, variant=False)
    product = (_instance_product if instance else _post_product)(requirements, attributes)
    payload = j.obj(
        [
            pl.col(_PRODUCT),
            j.raw_member("sku_info_list", _array(pl.col(_SKUS))),
            j.raw_member("multi_country_price_configuration", _country_configuration()),
        ]
    )
    return (
        listings.with_columns(j.members(product).alias(_PRODUCT), _country_list(countries).alias(_COUNTRIES))
        .with_columns(
            payload.alias(PAYLOAD),
            _hash(pl.concat_str(pl.col(_PRODUCT).fill_null(""), pl.lit("|"), pl.col(_SKU_CONTENT))).alias(
                CONTENT_HASH
            ),
            _hash(pl.concat_str(pl.col(_SKU_PRICE), pl.lit("|"), pl.col(_COUNTRIES))).alias(PRICE_HASH),
            _hash(pl.col(_SKU_STOCK)).alias(STOCK_HASH),
        )
        .select(*LISTING_COLUMNS[:8], pl.col("^listing_issues\\..*$"), *LISTING_COLUMNS[8:])
    )


def _country(country: str) -> str:
    return f"\x00country.{country}"


def _country_list(countries: list[str]) -> pl.Expr:
    """The country_price_list entries of the countries whose prices the listing's SKUs have."""
    entries = [
        pl.when(pl.col(_country(k)) != "").then(
            j.obj(
                [
                    j.constant("ship_to_country", k),
                    j.raw_member("sku_price_by_country_list", _array(pl.col(_country(k)))),
                ]
            )
        )
        for k in countries
    ]
    return pl.concat_str(entries, separator=",", ignore_nulls=True) if entries else pl.lit("")


def _country_configuration() -> pl.Expr:
    """multi_country_price_configuration (§6.3), null when no SKU has a localized price."""
    configuration = j.obj(
        [
            j.constant("price_type", "absolute"),
            j.raw_member("country_price_list", _array(pl.col(_COUNTRIES))),
        ]
    )
    return pl.when(pl.col(_COUNTRIES) != "").then(configuration)


def _hash(text: pl.Expr) -> pl.Expr:
    """xxh3-64 of the text as a decimal string (polars-hash registers `nchash` on expressions)."""
    # The plugin hands column names to Rust as C strings: no NUL in them.
    hashed: pl.Expr = cast(Any, text.alias("text")).nchash.xxh3_64()
    return hashed.cast(pl.String)


def _configured(requirements: Requirements, schema: pl.Schema, *, variant: bool) -> list[CategoryAttribute]:
    """One use of each category (or variant) attribute the SKU frame holds, for its name and kind."""
    key = variant_key if variant else attribute_key
    return [
        uses[0]
        for attribute_id, uses in sorted(requirements.category_attributes(variant=variant).items())
        if key(attribute_id) in schema
    ]


_NOT_PRODUCT = (c.ITEM_ID, c.SKU_CODE, c.CATEGORY_SOURCE, c.CATEGORY_LINE, *SKU_LEVEL)
_NOT_PRODUCT_PREFIXES = (
    "raw:",
    "sku_attribute.",
    "sku_alias.",
    "sku_image.",
    "price.",
    "discount_price.",
    "issues.",
)


def _product_level(name: str) -> bool:
    """Whether a SKU frame column is one value for the whole listing (its first item's)."""
    return name not in _NOT_PRODUCT and not name.startswith(_NOT_PRODUCT_PREFIXES)


def _money(column: str) -> pl.Expr:
    return format_number(pl.col(column), 2)


def _country_entry(country: str) -> pl.Expr:
    price = pl.col(c.country_price(country))
    entry = j.obj([
        j.member("sku_code", pl.col(c.SKU_CODE)),
        j.member("price", format_number(price, 2)),
        j.member("discount_price", format_number(pl.col(c.country_discount(country)), 2)),
    ])  # fmt: skip
    return pl.when(price.is_not_null()).then(entry)


def _has_value(attribute: CategoryAttribute) -> pl.Expr:
    values = pl.col(attribute_key(attribute.id))
    return values.list.len() > 0 if attribute.kind is Kind.CHOICES else values.is_not_null()


def _sku_content(variants: list[CategoryAttribute], instance: bool) -> list[j.Part]:
    found: list[j.Part] = [j.member("sku_code", pl.col(c.SKU_CODE)), j.member("ean_code", pl.col("ean"))]
    if instance:
        entries = [
            pl.when(pl.col(variant_key(a.id)).is_not_null()).then(
                j.raw_member(a.name, j.obj([
                    j.member("value", pl.col(variant_key(a.id))),
                    j.member("alias", pl.col(c.alias(a.id))),
                    j.member("sku_image_url", pl.col(c.variant_image(a.id))),
                ]))
            )
            for a in variants
        ]  # fmt: skip
        present = j.members(entries).is_not_null()
        found.append(pl.when(present).then(j.raw_member("sku_attributes", j.obj(entries))))
    else:
        entries = [
            pl.when(pl.col(variant_key(a.id)).is_not_null()).then(j.obj([
                j.constant("sku_attribute_name_id", a.id),
                j.member("sku_attribute_value_id", pl.col(variant_key(a.id)).cast(pl.Int64, strict=False)),
                j.member("sku_attribute_value", pl.col(c.alias(a.id))),
                j.member("sku_image_url", pl.col(c.variant_image(a.id))),
            ]))
            for a in variants
        ]  # fmt: skip
        # Null when the SKU has no variant attribute, and so is the member.
        found.append(j.raw_member("sku_attributes_list", _array(j.members(entries))))
    return found


def _array(joined: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit("["), joined, pl.lit("]"))


def _description_modules() -> pl.Expr:
    """The description as one HTML module (an empty list when there is none)."""
    html = j.obj(
        [
            j.constant("type", "html"),
            j.raw_member("html", j.obj([j.member("content", pl.col("description"))])),
        ]
    )
    return pl.when(pl.col("description").is_not_null()).then(_array(html)).otherwise(pl.lit("[]"))  # fmt: skip


def _instance_product(requirements: Requirements, attributes: list[CategoryAttribute]) -> list[j.Part]:
    locale = LOCALES[requirements.language]
    title = j.obj([j.constant("locale", locale), j.member("title", pl.col("title"))])
    description = j.obj([j.constant("locale", locale), j.raw_member("module_list", _description_modules())])
    category_attributes = j.obj([
        pl.when(_has_value(a)).then(j.raw_member(a.name, j.obj([j.member("value", pl.col(attribute_key(a.id)))])))
        for a in attributes
    ])  # fmt: skip
    return [
        j.member("category_id", pl.col(c.CATEGORY)),
        j.constant("locale", locale),
        j.raw_member("title_multi_language_list", _array(title)),
        j.raw_member("description_multi_language_list", _array(description)),
        j.member("product_units_type", pl.col("product_unit")),
        j.member("image_url_list", pl.col(c.IMAGES)),
        j.member("brand_name", pl.col("brand_name")),
        j.raw_member("category_attributes", category_attributes),
        j.member("inventory_deduction_strategy", pl.col("inventory_deduction")),
        j.member("package_weight", format_number(pl.col("weight"), 3)),
        j.member("package_length", pl.col("length")),
        j.member("package_width", pl.col("width")),
        j.member("package_height", pl.col("height")),
        j.member("shipping_preparation_time", pl.col("dispatch_time")),
        j.member("shipping_template_id", pl.col("freight_template")),
        j.member("service_template_id", pl.col("service_policy")),
        j.member("product_group_id", pl.col("product_group")),
    ]


def _post_product(requirements: Requirements, attributes: list[CategoryAttribute]) -> list[j.Part]:
    language = requirements.language
    subject = j.obj([j.constant("language", language), j.member("subject", pl.col("title"))])
    detail = j.obj([j.constant("version", "2.0.0"), j.raw_member("moduleList", _description_modules())])
    description = j.obj([j.constant("language", language), j.member("web_detail", detail)])
    entries: list[pl.Expr] = []
    for a in attributes:
        column = pl.col(attribute_key(a.id))
        if a.kind is Kind.TEXT:
            name_id = j.constant("aliexpress_attribute_name_id", a.id)
            entry = j.obj([name_id, j.member("attribute_value", column)])
            entries.append(pl.when(column.is_not_null()).then(pl.concat_list(entry)))
            continue
        ids = pl.col(attribute_key(a.id))
        each = (ids if a.kind is Kind.CHOICES else pl.concat_list(ids)).list.eval(
            pl.concat_str(pl.lit(j.key("aliexpress_attribute_value_id")), pl.element())
        )
        prefix = f"{{{j.key('aliexpress_attribute_name_id')}{a.id},"
        entries.append(each.list.eval(pl.concat_str(pl.lit(prefix), pl.element(), pl.lit("}"))))
    attribute_list = (
        pl.concat_list([e.fill_null(pl.lit([], dtype=pl.List(pl.String))) for e in entries]).list.join(",")
        if entries
        else pl.lit("")
    )
    return [
        j.member("aliexpress_category_id", pl.col(c.CATEGORY)),
        j.constant("language", language),
        j.raw_member("multi_language_subject_list", _array(subject)),
        pl.when(pl.col("description").is_not_null()).then(
            j.raw_member("multi_language_description_list", _array(description))
        ),
        j.member("main_image_urls_list", pl.col(c.IMAGES)),
        pl.when(attribute_list != "").then(j.raw_member("attribute_list", _array(attribute_list))),
        j.member("brand_name", pl.col("brand_name")),
        j.member("weight", format_number(pl.col("weight"), 3)),
        j.member("package_length", pl.col("length")),
        j.member("package_width", pl.col("width")),
        j.member("package_height", pl.col("height")),
        j.member("inventory_deduction_strategy", pl.col("inventory_deduction")),
        j.member("freight_template_id", pl.col("freight_template").cast(pl.Int64, strict=False)),
        j.member("shipping_lead_time", pl.col("dispatch_time")),
        j.member("service_policy_id", pl.col("service_policy").cast(pl.Int64, strict=False)),
        j.member("product_unit", pl.col("product_unit").cast(pl.Int64, strict=False)),
        j.member("group_id", pl.col("product_group").cast(pl.Int64, strict=False)),
    ]
