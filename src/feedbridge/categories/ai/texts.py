"""What the categorizer reads of an item: the configured fields' text, or the usual ones the items have.

One Polars expression over all items: fields joined by " | ", a description cut to its start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import polars as pl

from feedbridge.categories.ai.settings import AiSettings, ai_settings
from feedbridge.categories.services import CategorizedItems
from feedbridge.errors import InvalidInput

# Field names (lower case, letters only) read by default, in this order, and those read only in part.
TEXT_FIELDS = (
    "title", "name", "productname", "producttitle", "brand", "brandname", "vendor", "producttype", "type",
    "category", "productcategory", "googleproductcategory", "description", "bodyhtml", "aboutproduct",
)  # fmt: skip
_LONG = {"description", "bodyhtml", "aboutproduct"}
# Fields whose value names a kind of product: review entries are grouped by the first one present.
PATTERN_FIELDS = ("producttype", "type", "category", "productcategory", "googleproductcategory")


def _plain(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.split(":")[-1].lower())


def text_fields(fields: Sequence[str], settings: AiSettings) -> list[str]:
    """The fields to read: the configured ones (each must exist), else the usual ones present."""
    if settings.text_fields is not None:
        missing = [name for name in settings.text_fields if name not in fields]
        if missing:
            raise InvalidInput(
                "text_fields",
                f"the items have no field {missing[0]!r}; fields: {', '.join(fields)} "
                "(`feedbridge categories settings API --text-fields ...` changes them).",
            )
        return list(settings.text_fields)
    by_plain: dict[str, str] = {}
    for name in fields:
        by_plain.setdefault(_plain(name), name)
    return [by_plain[plain] for plain in TEXT_FIELDS if plain in by_plain]


def pattern_field(fields: Sequence[str]) -> str | None:
    """The field that names the kind of product, if the items have one."""
    by_plain = {_plain(name): name for name in reversed(fields)}
    return next((by_plain[plain] for plain in PATTERN_FIELDS if plain in by_plain), None)


def item_text(fields: Sequence[str], schema: pl.Schema, settings: AiSettings) -> pl.Expr:
    """The text of each item, from `fields` (list fields are joined)."""
    parts = []
    for name in fields:
        value = pl.col(name)
        if isinstance(schema[name], pl.List):
            value = value.list.eval(pl.element().cast(pl.String)).list.join(" ")
        value = value.cast(pl.String)
        if _plain(name) in _LONG:
            value = value.str.slice(0, settings.description_chars)
        parts.append(value)
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts, separator=" | ", ignore_nulls=True).fill_null("")


def id_and_text(found: CategorizedItems, api_settings: dict[str, Any]) -> list[pl.Expr]:
    """`item_id` (the unique ID as text) and `text` (what the categorizer reads, by the API's AI
    settings) of an API's categorized items."""
    options = ai_settings(api_settings)
    fields = text_fields(found.items.items.collect_schema().names(), options)
    return [
        pl.col(found.items.id_field).cast(pl.String).alias("item_id"),
        item_text(fields, found.frame.collect_schema(), options).alias("text"),
    ]
