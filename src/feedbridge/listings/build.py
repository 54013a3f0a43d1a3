"""The build over all items at once: one row per item (SKU) with every attribute of the channel.

Each attribute is one Polars expression of the item's fields (values.py); attributes with allowed values
are mapped to value ids (valuemaps.py). Category and variant attributes are written only for items whose
category has them. The merchant's own text of mapped and numeric attributes is kept beside the value
(`raw:<key>`), so quality issues and value maps can show what did not read.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from feedbridge.categories.categorize import CATEGORY_ID, CATEGORY_LINE, CATEGORY_SOURCE
from feedbridge.listings import columns as c
from feedbridge.listings.requirements import (
    AttributeSpec,
    CategoryAttribute,
    Choice,
    Kind,
    Requirements,
    all_choices,
    attribute_key,
    variant_key,
)
from feedbridge.listings.spec import Build, Rounding, Value
from feedbridge.listings.valuemaps import explicit_ids, mapped, spellings
from feedbridge.listings.values import Fields, number, rounded, text, text_list, whole
from feedbridge.rules.actions.text import as_text

POSITION = "\x00position"  # the items' row number, when the caller numbered them (pipeline chunks)
_LISTING_CATEGORY = "\x00listing_category"
MAX_ALIAS = 70
ALIAS_FORBIDDEN = r"[{#:=,]"  # characters a variant value's own name may not hold


def build_skus(
    items: pl.LazyFrame,
    build: Build,
    requirements: Requirements,
    *,
    id_field: str,
    unique_id_field: str,
    decimal_marks: Mapping[str, str],
) -> pl.LazyFrame:
    """The SKU frame of the categorized `items` (categories.categorize), in item order."""
    fields = Fields.of(items.collect_schema(), decimal_marks, items)
    keys = identity(build, fields, id_field=id_field, unique_id_field=unique_id_field)
    # A listing is in its first item's category: its variants' attributes are those of that category.
    own = pl.col(CATEGORY_ID)
    first = own.first().over(c.LISTING_INDEX) if build.variants.group_field else own
    items = (
        items.with_columns(*keys).with_columns(c.listing_index()).with_columns(first.alias(_LISTING_CATEGORY))
    )
    category = pl.col(_LISTING_CATEGORY)
    position = pl.col(POSITION) if POSITION in fields.kinds else pl.int_range(pl.len())
    expressions: list[pl.Expr] = [
        position.cast(pl.UInt32).alias(c.POSITION),
        as_text(id_field, fields.kinds).alias(c.ITEM_ID),
        *[pl.col(key.meta.output_name()) for key in keys],
        pl.col(c.LISTING_INDEX),
        category.alias(c.CATEGORY),
        own.alias(c.ITEM_CATEGORY),
        pl.col(CATEGORY_SOURCE).alias(c.CATEGORY_SOURCE),
        pl.col(CATEGORY_LINE).alias(c.CATEGORY_LINE),
    ]
    for spec in requirements.shared:
        expressions += _shared(spec, build.shared.get(spec.key), fields)
    expressions += _images(build, requirements, fields)
    product = requirements.category_attributes(variant=False)
    for attribute_id, value in build.category.items():
        if attribute_id in product:
            expressions += _category_attribute(product[attribute_id], value, fields, category)
    expressions += _variant_attributes(build, requirements, fields, category)
    cents = Rounding(decimals=requirements.spec("price").decimals or 2)
    for price in build.localized_prices:
        expressions.append(rounded(number(price.price, fields), cents).alias(c.country_price(price.country)))
        discount = number(price.discount_price, fields) if price.discount_price else pl.lit(None, pl.Float64)
        expressions.append(rounded(discount, cents).alias(c.country_discount(price.country)))
    return items.select(expressions)


def identity(build: Build, fields: Fields, *, id_field: str, unique_id_field: str) -> list[pl.Expr]:
    """The SKU code, the group and the listing key: a group's items share one listing, any other item
    is one of its own (keyed by its unique ID, so that two items with one SKU code stay two listings;
    by its place among the items where it has none)."""
    sku_code = as_text(unique_id_field, fields.kinds).str.strip_chars()
    item_id = as_text(id_field, fields.kinds)
    row = pl.col(POSITION) if POSITION in fields.kinds else pl.int_range(pl.len())
    group_field = build.variants.group_field
    if group_field and group_field in fields.kinds:
        group = text(Value(field=group_field), fields)
    else:
        group = pl.lit(None, pl.String)
    key = pl.when(group.is_not_null()).then(pl.concat_str(pl.lit("g:"), group))
    return [
        sku_code.alias(c.SKU_CODE),
        group.alias(c.GROUP),
        key.when(item_id.str.contains(r"\S"))
        .then(pl.concat_str(pl.lit("i:"), item_id))
        .otherwise(pl.concat_str(pl.lit("r:"), row.cast(pl.String)))
        .alias(c.LISTING),
    ]


def _shared(spec: AttributeSpec, value: Value | None, fields: Fields) -> list[pl.Expr]:
    if spec.kind in (Kind.URLS, Kind.URL) and spec.key != "variant_image":
        return []  # the images are one column, built by _images
    if value is None:
        empty = pl.lit(None, dtype=_dtype(spec.kind))
        return [empty.alias(spec.key)] + (
            [empty.cast(pl.String).alias(c.raw(spec.key))] if _has_raw(spec) else []
        )
    return _valued(
        spec.key, spec.kind, value, fields, spec.choices, spec.unit, spec.rounds_down, spec.decimals
    )


def _has_raw(spec: AttributeSpec) -> bool:
    return spec.kind.numeric or spec.kind.chosen


def _dtype(kind: Kind) -> pl.DataType:
    if kind is Kind.NUMBER:
        return pl.Float64()
    if kind is Kind.INTEGER:
        return pl.Int64()
    if kind in (Kind.URLS, Kind.CHOICES):
        return pl.List(pl.String)
    return pl.String()


def _valued(
    key: str,
    kind: Kind,
    value: Value,
    fields: Fields,
    choices: tuple[Choice, ...] = (),
    unit: str | None = None,
    rounds_down: bool = False,
    decimals: int | None = None,
) -> list[pl.Expr]:
    """The attribute's value column (and its raw column where values are read or mapped). Numbers are
    rounded as they are sent (to `decimals`, or to whole numbers), so that they are checked as sent."""
    if kind.numeric:
        found = number(value, fields, unit=unit)
        if kind is Kind.INTEGER:
            found = whole(found, down=rounds_down)
        elif decimals is not None:
            found = rounded(found, Rounding(decimals=decimals))
        dtype = pl.Int64() if kind is Kind.INTEGER else pl.Float64()
        return [fields.per_value(value, found, dtype).alias(key), text(value, fields).alias(c.raw(key))]
    if kind is Kind.CHOICE:
        raw = text(value, fields)
        found = fields.per_value(value, chosen(raw, value, choices), pl.String())
        return [found.alias(key), raw.alias(c.raw(key))]
    if kind is Kind.CHOICES:
        raw_list = text_list(value, fields)
        found = fields.per_element(value, raw_list, lambda element: chosen(element, value, choices))
        return [found.list.drop_nulls().alias(key), raw_list.alias(c.raw(key))]
    return [text(value, fields, trim=kind is not Kind.HTML).alias(key)]


def chosen(raw: pl.Expr, value: Value, choices: tuple[Choice, ...]) -> pl.Expr:
    """The allowed value's id for each text: the build's value map first (fields only), then a text that
    is an allowed id itself, then a name of one. Whatever names no allowed value is null: not mapped."""
    explicit = {} if value.static is not None else explicit_ids(value.map, choices)
    by_map = mapped(raw, explicit, {}) if explicit else None
    by_name = mapped(raw, {}, spellings(choices))
    found = pl.coalesce([part for part in (by_map, _allowed(raw, choices), by_name) if part is not None])
    return _allowed(found, choices)


def _allowed(found: pl.Expr, choices: tuple[Choice, ...]) -> pl.Expr:
    """The value id where it is one of the choices (a map may name any id), else null."""
    return pl.when(found.is_in([choice.id for choice in choices])).then(found)


def _images(build: Build, requirements: Requirements, fields: Fields) -> list[pl.Expr]:
    """The main image, then the extra images that are not the main one, cut to the channel's count."""
    main, extra = build.shared.get("main_image"), build.shared.get("extra_images")
    parts = []
    if main is not None:
        parts.append(text_list(main, fields).list.head(1))
    if extra is not None:
        parts.append(text_list(extra, fields))
    limit = requirements.spec("extra_images").max_length or 0
    if not parts:
        empty = pl.lit([], dtype=pl.List(pl.String))
        return [empty.alias(c.IMAGES), pl.lit(0, pl.UInt32).alias(c.IMAGE_COUNT)]
    every = pl.concat_list(parts).list.unique(maintain_order=True)
    return [every.list.head(limit + 1).alias(c.IMAGES), every.list.len().alias(c.IMAGE_COUNT)]


def _category_attribute(
    uses: list[CategoryAttribute], value: Value, fields: Fields, category: pl.Expr
) -> list[pl.Expr]:
    """An attribute for the items whose category has it (null elsewhere)."""
    first = uses[0]
    applies = category.is_in(sorted(_categories_of(uses)))
    found = _valued(attribute_key(first.id), first.kind, value, fields, all_choices(uses))
    return [pl.when(applies).then(expr).otherwise(None).alias(expr.meta.output_name()) for expr in found]


def _categories_of(uses: list[CategoryAttribute]) -> set[int]:
    return {use.category_id for use in uses}


def _variant_attributes(
    build: Build, requirements: Requirements, fields: Fields, category: pl.Expr
) -> list[pl.Expr]:
    variant = requirements.category_attributes(variant=True)
    configured = [(i, v) for i, v in build.variants.attributes.items() if i in variant]
    image = build.shared.get("variant_image")
    image_categories = _image_attribute_by_category(configured, variant)
    expressions: list[pl.Expr] = []
    for attribute_id, value in configured:
        uses = variant[attribute_id]
        applies = category.is_in(sorted(_categories_of(uses)))
        key = variant_key(attribute_id)
        found = _valued(key, uses[0].kind, value, fields, all_choices(uses))
        expressions += [pl.when(applies).then(e).otherwise(None).alias(e.meta.output_name()) for e in found]
        named = _categories_of([u for u in uses if u.custom_names])
        if build.variants.custom_names and value.static is None and uses[0].kind is Kind.CHOICE:
            own_name = _display_name(text(value, fields))
        else:
            own_name = pl.lit(None, pl.String)
        expressions.append(
            pl.when(category.is_in(sorted(named))).then(own_name).otherwise(None).alias(c.alias(attribute_id))
        )
        with_image = sorted(k for k, v in image_categories.items() if v == attribute_id)
        picture = text(image, fields) if image is not None and with_image else pl.lit(None, pl.String)
        expressions.append(
            pl.when(category.is_in(with_image))
            .then(picture)
            .otherwise(None)
            .alias(c.variant_image(attribute_id))
        )
    return expressions


def _image_attribute_by_category(
    configured: list[tuple[int, Value]], variant: dict[int, list[CategoryAttribute]]
) -> dict[int, int]:
    """Per category, the first configured variant attribute that may carry an image per value."""
    found: dict[int, int] = {}
    for attribute_id, _ in configured:
        for use in variant[attribute_id]:
            if use.custom_images:
                found.setdefault(use.category_id, attribute_id)
    return found


def _display_name(raw: pl.Expr) -> pl.Expr:
    """The merchant's word for a variant value, without the characters the marketplace forbids in it and
    cut to its length."""
    cleaned = raw.str.replace_all(ALIAS_FORBIDDEN, " ").str.replace_all(r"\s+", " ").str.strip_chars()
    return cleaned.str.slice(0, MAX_ALIAS).str.strip_chars()
