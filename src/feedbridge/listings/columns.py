"""Column names of the built SKU frame (one row per item) and the listing frame (one row per listing).

Shared attributes are columns named by their key (`title`, `price`, …); category and variant attributes
by `attribute.<id>` and `sku_attribute.<id>` (requirements.attribute_key / variant_key).
"""

from __future__ import annotations

import polars as pl

POSITION = "position"  # UInt32: the item's place among the API's items (after the rules)
ITEM_ID = "item_id"  # the project's unique ID of the item
SKU_CODE = "sku_code"  # the API's unique ID field: the SKU code on the marketplace
GROUP = "group"  # the item group value (null: a listing of its own)
LISTING = "listing"  # the listing's key: "g:<group>" for a group, "i:<item id>" for a single item
LISTING_INDEX = "listing_index"  # UInt32: the listing as a small number, for windows over listings
CATEGORY = "category_id"  # Int64: the listing's (its first item's) category, null: uncategorized
ITEM_CATEGORY = "item_category_id"  # Int64: the category lines or AI gave the item itself
CATEGORY_SOURCE = "category_source"  # "line" | "ai" | null
CATEGORY_LINE = "category_line"  # the manual line that categorized the item (1-based)
IMAGES = "images"  # the listing images: main image first, then the extra ones, at most the channel's count
IMAGE_COUNT = "image_count"  # images the item has before the channel's limit cuts them
BLOCKED = "blocked"  # Boolean: the listing has a mandatory issue and is not sent
VARIANTS = "variants"  # UInt32: items (SKUs) in the item's listing


def listing_index() -> pl.Expr:
    """LISTING_INDEX from LISTING: windows over a listing run on a small number, far cheaper than over text."""
    return pl.col(LISTING).cast(pl.Categorical).to_physical().cast(pl.UInt32).alias(LISTING_INDEX)


def issue_word(word: int, *, own: bool) -> str:
    """UInt64 bits of the item's own issues (own) or of its whole listing's (quality.IssueIndex)."""
    return f"{'issues' if own else 'listing_issues'}.{word}"


def raw(key: str) -> str:
    """The merchant's value of an attribute before it was read as a number or mapped to a value id."""
    return f"raw:{key}"


def alias(attribute_id: int) -> str:
    """A variant value's display name (the merchant's own word) for a variant attribute."""
    return f"sku_alias.{attribute_id}"


def variant_image(attribute_id: int) -> str:
    """The image of a variant value, for the variant attribute that carries images."""
    return f"sku_image.{attribute_id}"


def country_price(country: str) -> str:
    return f"price.{country}"


def country_discount(country: str) -> str:
    return f"discount_price.{country}"
