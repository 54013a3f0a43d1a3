"""AliExpress's quality checks over the built SKU frame (REFERENCE §3.1, §3.9, §4, §6.3).

Every mandatory check is a rule AliExpress enforces when a product is posted: a listing with a mandatory
issue would be refused for that reason, so it is not sent. Optional checks report what AliExpress accepts
but sells worse (recommended attributes, doubtful SKU codes or EANs), or values that are left out of the
listing so that it is accepted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import polars as pl

from feedbridge.catalog.parsing import gtin_check_digit_valid, is_url
from feedbridge.channels.aliexpress.schema import BRAND_ATTRIBUTE_ID, MAX_IMAGES
from feedbridge.listings import columns as c
from feedbridge.listings.quality import Check, Fix, Severity
from feedbridge.listings.requirements import (
    AttributeSpec,
    CategoryAttribute,
    Kind,
    Level,
    Requirements,
    attribute_key,
    variant_key,
)

MANDATORY, OPTIONAL = Severity.MANDATORY, Severity.OPTIONAL
LEGACY_SKU_CODE = r"^[0-9A-Za-z_\-.]{1,20}$"  # older AliExpress rule: half-width letters and digits, ≤ 20
COUNTRY_PRICE_FLOOR = 0.7  # of the base price (§6.3)
COUNTRY_DISCOUNT_FLOOR = 0.1  # of the country price


def checks(
    requirements: Requirements, schema: pl.Schema, repeated_codes: Collection[str] = ()
) -> list[Check]:
    """Every check for SKU frames with `schema` (build.build_skus), in the order issues are listed.

    `repeated_codes` are the listing-and-SKU-code keys (`repeated_code_key`) whose SKU code another item
    has first: found over all items at once (repeated_sku_codes), since a frame may hold part of them.
    """
    found = [*_identity_checks(repeated_codes), *_category_checks(requirements)]
    for spec in requirements.shared:
        found += _shared_checks(spec, schema)
    found += _image_checks(requirements, schema)
    found += _price_checks(schema)
    found += _attribute_checks(requirements, schema)
    found += _variant_checks(requirements, schema)
    return found


def _present(schema: pl.Schema, name: str) -> bool:
    return name in schema


def _empty(schema: pl.Schema, name: str) -> pl.Expr:
    if name not in schema:
        return pl.lit(True)
    if isinstance(schema[name], pl.List):
        return pl.col(name).list.len().fill_null(0) == 0
    return pl.col(name).is_null()


def repeated_code_key() -> pl.Expr:
    return pl.concat_str(pl.col(c.LISTING), pl.lit("\x1f"), pl.col(c.SKU_CODE))


def repeated_sku_codes(skus: pl.LazyFrame) -> list[str]:
    """Keys (repeated_code_key) of the items whose SKU code an earlier item has, in another listing or
    earlier in the same one: the items a seller's products cannot take (codes are once per seller).
    Every item of a listing that repeats a code within itself is one of them."""
    code = pl.col(c.SKU_CODE)
    repeated = (
        skus.select(c.LISTING, c.SKU_CODE).with_row_index("row").filter(code.is_duplicated() & code.ne(""))
    )
    first = pl.col(c.LISTING).sort_by("row").first().over(c.SKU_CODE)
    within = pl.len().over(c.SKU_CODE, c.LISTING) > 1
    keys = repeated.filter((pl.col(c.LISTING) != first) | within).select(repeated_code_key())
    return keys.collect().to_series().unique().to_list()


def _identity_checks(repeated_codes: Collection[str]) -> list[Check]:
    code = pl.col(c.SKU_CODE)
    known = code.is_not_null() & (code != "")
    repeated = repeated_code_key().is_in(sorted(repeated_codes)) if repeated_codes else pl.lit(False)
    return [
        Check("missing:sku_code", MANDATORY, "sku_code", "SKU code",
              "The item has no value in the API's unique ID field, which becomes its SKU code.",
              Fix.SHOW_SOURCE, ~known),
        Check("sku_code_duplicate", MANDATORY, "sku_code", "SKU code",
              "Another item has the same SKU code: AliExpress needs each SKU code once per seller (the "
              "first listing with the code is sent, the others are not). Make the unique ID field unique.",
              Fix.SHOW_SOURCE, repeated),
        Check("sku_code_format", OPTIONAL, "sku_code", "SKU code",
              "The SKU code has spaces, other characters than letters, digits, - _ . or more than 20 "
              "characters; AliExpress's older tools reject such codes.",
              Fix.SHOW_SOURCE, known & ~code.str.contains(LEGACY_SKU_CODE)),
    ]  # fmt: skip


def _category_checks(requirements: Requirements) -> list[Check]:
    category = pl.col(c.CATEGORY)
    return [
        Check("missing:category", MANDATORY, "category", "Category",
              "The item has no AliExpress category: add a category line (or accept a suggestion) for it.",
              Fix.SET_CATEGORIES, category.is_null()),
        Check("category_not_allowed", MANDATORY, "category", "Category",
              "The category is not a leaf category the seller may post in; pick a leaf category from the tree.",
              Fix.SET_CATEGORIES,
              category.is_not_null() & ~category.is_in(sorted(requirements.permitted_leaves))),
        Check("variant_category_differs", OPTIONAL, "category", "Category",
              "The item's own category differs from its listing's: a listing is in its first item's "
              "category, so the item is listed there. Give the group's items one category.",
              Fix.SET_CATEGORIES, pl.col(c.ITEM_CATEGORY).ne_missing(category)),
    ]  # fmt: skip


def _shared_checks(spec: AttributeSpec, schema: pl.Schema) -> list[Check]:
    if spec.kind in (Kind.URL, Kind.URLS):
        return []  # images: _image_checks
    key, label = spec.key, spec.label
    value, raw = pl.col(key), pl.col(c.raw(key))
    mandatory = spec.level is Level.MANDATORY
    found: list[Check] = []
    if mandatory:
        found.append(Check(f"missing:{key}", MANDATORY, key, label,
                           f"{label} is empty or could not be read; map it in the build.",
                           Fix.VIEW_IN_BUILD, _empty(schema, key)))  # fmt: skip
    elif spec.level is Level.RECOMMENDED:
        found.append(Check(f"recommended:{key}", OPTIONAL, key, label,
                           f"{label} is missing; AliExpress recommends it.", Fix.VIEW_IN_BUILD,
                           _empty(schema, key)))  # fmt: skip
    # A wrong value of an optional attribute is left out; of a mandatory one, it blocks the listing.
    severity, clears, left_out = (MANDATORY, None, "") if mandatory else (OPTIONAL, key, "; it is left out")
    if spec.kind.numeric and _present(schema, c.raw(key)):
        unit = f" in {spec.unit}" if spec.unit else ""
        found.append(Check(f"invalid:{key}", OPTIONAL, key, label, f"{label} does not read as a number{unit}.",
                           Fix.VIEW_ITEMS, raw.is_not_null() & value.is_null()))  # fmt: skip
    if spec.minimum is not None or spec.maximum is not None:
        low = value < spec.minimum if spec.minimum is not None else pl.lit(False)
        high = value > spec.maximum if spec.maximum is not None else pl.lit(False)
        bounds = f"{_number(spec.minimum)}-{_number(spec.maximum)}{' ' + spec.unit if spec.unit else ''}"
        found.append(Check(f"range:{key}", severity, key, label, f"{label} must be {bounds}{left_out}.",
                           Fix.VIEW_ITEMS, low | high, clears))  # fmt: skip
    if spec.kind is Kind.CHOICE and _present(schema, c.raw(key)):
        found.append(Check(f"not_mapped:{key}", OPTIONAL, key, label,
                           f"{label}: the item's value is not one of the values your AliExpress account offers; "
                           "add it to the value map.", Fix.VIEW_IN_BUILD, raw.is_not_null() & value.is_null()))  # fmt: skip
    if spec.max_length is not None and spec.kind in (Kind.TEXT, Kind.HTML):
        found.append(Check(f"too_long:{key}", MANDATORY, key, label,
                           f"{label} is longer than {spec.max_length} characters; shorten it with a rule "
                           "(rule template cap_title).", Fix.VIEW_ITEMS,
                           value.str.len_chars() > spec.max_length))  # fmt: skip
    if key == "title":
        found.append(Check("title_characters", MANDATORY, key, label,
                           "The title holds < or >: AliExpress refuses them in titles; remove the HTML.",
                           Fix.VIEW_ITEMS, value.str.contains("[<>]")))  # fmt: skip
    if key == "ean":
        found.append(Check("ean_invalid", OPTIONAL, key, label,
                           "The EAN/GTIN is not 8, 12, 13 or 14 digits with a valid check digit.",
                           Fix.VIEW_ITEMS, value.is_not_null() & ~gtin_check_digit_valid(value)))  # fmt: skip
    return found


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _image_checks(requirements: Requirements, schema: pl.Schema) -> list[Check]:
    images = pl.col(c.IMAGES)
    invalid = images.list.eval(~is_url(pl.element())).list.any()
    found = [
        Check("missing:main_image", MANDATORY, "main_image", "Main image",
              "The item has no image; map the main image in the build.", Fix.VIEW_IN_BUILD,
              images.list.len() == 0),
        Check("image_url_invalid", MANDATORY, "main_image", "Images",
              "An image is not an absolute http(s) URL, so it cannot be uploaded to AliExpress.",
              Fix.VIEW_ITEMS, invalid),
        Check("recommended:extra_images", OPTIONAL, "extra_images", "Extra images",
              "The item has one image; AliExpress recommends up to 5 more (map the extra images).",
              Fix.VIEW_IN_BUILD, images.list.len() == 1),
        Check("images_capped", OPTIONAL, "extra_images", "Extra images",
              f"The item has more than {MAX_IMAGES} images; only the first {MAX_IMAGES} are sent.",
              Fix.VIEW_ITEMS, pl.col(c.IMAGE_COUNT) > MAX_IMAGES),
    ]  # fmt: skip
    for attribute_id in requirements.category_attributes(variant=True):
        column = c.variant_image(attribute_id)
        if _present(schema, column):
            found.append(Check(f"left_out:{column}", OPTIONAL, "variant_image", "Variant image",
                               "The variant image is not an absolute http(s) URL; it is left out.",
                               Fix.VIEW_ITEMS, pl.col(column).is_not_null() & ~is_url(pl.col(column)),
                               column))  # fmt: skip
    return found


def _price_checks(schema: pl.Schema) -> list[Check]:
    price, discount = pl.col("price"), pl.col("discount_price")
    found = [
        Check("discount_not_below_price", OPTIONAL, "discount_price", "Discount price",
              "The discount price is not below the price; it is left out.", Fix.VIEW_ITEMS,
              discount >= price, "discount_price"),
    ]  # fmt: skip
    countries = sorted(name.removeprefix("price.") for name in schema if name.startswith("price."))
    if countries:
        low = pl.any_horizontal(
            pl.col(c.country_price(country)) < price * COUNTRY_PRICE_FLOOR for country in countries
        )
        bad_discount = pl.any_horizontal(
            (pl.col(c.country_discount(k)) >= pl.col(c.country_price(k)))
            | (pl.col(c.country_discount(k)) < pl.col(c.country_price(k)) * COUNTRY_DISCOUNT_FLOOR)
            for k in countries
        )
        found += [
            Check("country_price_low", MANDATORY, "localized_prices", "Localized price",
                  "A localized price is below 70% of the price, which AliExpress refuses.",
                  Fix.VIEW_IN_BUILD, low),
            Check("country_discount_invalid", MANDATORY, "localized_prices", "Localized discount price",
                  "A localized discount price is not below its localized price, or below 10% of it.",
                  Fix.VIEW_IN_BUILD, bad_discount),
        ]  # fmt: skip
    return found


def _by_level(uses: Iterable[CategoryAttribute], level: Level) -> list[int]:
    return sorted({use.category_id for use in uses if use.level is level})


def _not_allowed(uses: list[CategoryAttribute], column: str, kind: Kind) -> pl.Expr:
    """True where the value is not allowed in the listing's category (categories grouped by their values)."""
    groups: dict[frozenset[str], list[int]] = {}
    for use in uses:
        if use.choices:
            groups.setdefault(frozenset(choice.id for choice in use.choices), []).append(use.category_id)
    category, value = pl.col(c.CATEGORY), pl.col(column)
    parts = []
    for allowed, categories in groups.items():
        ids = sorted(allowed)
        if kind is Kind.CHOICES:
            outside = value.list.eval(~pl.element().is_in(ids)).list.any()
        else:
            outside = value.is_not_null() & ~value.is_in(ids)
        parts.append(category.is_in(sorted(categories)) & outside)
    return pl.any_horizontal(parts) if parts else pl.lit(False)


def _brand_named(uses: list[CategoryAttribute]) -> pl.Expr:
    """Whether brand_name names a brand the seller may use (then the Brand Name attribute may be empty)."""
    names = sorted(
        {name.casefold() for use in uses for choice in use.choices for name in choice.names.values()}
    )
    return pl.col("brand_name").str.to_lowercase().is_in(names).fill_null(False)


def _attribute_checks(requirements: Requirements, schema: pl.Schema) -> list[Check]:
    found: list[Check] = []
    category = pl.col(c.CATEGORY)
    for attribute_id, uses in requirements.category_attributes(variant=False).items():
        key, label = attribute_key(attribute_id), uses[0].name
        empty = _empty(schema, key)
        if attribute_id == BRAND_ATTRIBUTE_ID:
            empty = empty & ~_brand_named(uses)
        mandatory, recommended = _by_level(uses, Level.MANDATORY), _by_level(uses, Level.RECOMMENDED)
        brand = (
            " (or choose the no-brand value, or set a brand you may use)"
            if attribute_id == BRAND_ATTRIBUTE_ID
            else ""
        )
        found.append(Check(f"missing:{key}", MANDATORY, key, label,
                           f"{label} is required in the listing's category and is empty or not mapped; map it "
                           f"in the build{brand}.", Fix.VIEW_IN_BUILD, category.is_in(mandatory) & empty))  # fmt: skip
        found.append(Check(f"recommended:{key}", OPTIONAL, key, label,
                           f"{label} is missing; AliExpress recommends it in the listing's category.",
                           Fix.VIEW_IN_BUILD, category.is_in(recommended) & empty))  # fmt: skip
        found += _value_checks(key, label, uses, schema, always_blocking=False)
    return found


def _value_checks(
    key: str, label: str, uses: list[CategoryAttribute], schema: pl.Schema, *, always_blocking: bool
) -> list[Check]:
    """Unmapped values (never sent) and values the category does not allow (blocking where the attribute
    is mandatory, left out elsewhere)."""
    if not _present(schema, key) or not uses[0].kind.chosen:
        return []
    value, raw = pl.col(key), pl.col(c.raw(key))
    if uses[0].kind is Kind.CHOICES:
        unmapped = raw.list.len() != value.list.len()
    else:
        unmapped = raw.is_not_null() & value.is_null()
    found = [
        Check(f"not_mapped:{key}", OPTIONAL, key, label,
              f"{label}: a value of the item is not mapped to one of AliExpress's values, so it is not "
              "sent; add it to the value map.", Fix.VIEW_IN_BUILD, unmapped),
    ]  # fmt: skip
    allowed_sets = {frozenset(choice.id for choice in use.choices) for use in uses}
    if len(allowed_sets) < 2:
        return found  # the build keeps only allowed values: every category allows the same ones
    outside = _not_allowed(uses, key, uses[0].kind)
    # Variant values are never left out (the variants would lose what tells them apart); product
    # attributes are, where the category does not require them.
    blocking = None if always_blocking else pl.col(c.CATEGORY).is_in(_by_level(uses, Level.MANDATORY))
    found.append(Check(f"not_allowed:{key}", MANDATORY, key, label,
                       f"{label}: the value is not allowed in the listing's category; map it to an allowed value.",
                       Fix.VIEW_IN_BUILD, outside if blocking is None else outside & blocking))  # fmt: skip
    if blocking is not None:
        found.append(Check(f"left_out:{key}", OPTIONAL, key, label,
                           f"{label}: the value is not allowed in the listing's category, so it is left out.",
                           Fix.VIEW_IN_BUILD, outside & ~blocking, key))  # fmt: skip
    return found


def _variant_checks(requirements: Requirements, schema: pl.Schema) -> list[Check]:
    found: list[Check] = []
    category = pl.col(c.CATEGORY)
    several = pl.len().over(c.LISTING_INDEX) > 1
    keys = []
    for attribute_id, uses in sorted(requirements.category_attributes(variant=True).items()):
        key, label = variant_key(attribute_id), uses[0].name
        empty = _empty(schema, key)
        if _present(schema, key):
            keys.append(key)
        found.append(Check(f"missing:{key}", MANDATORY, key, label,
                           f"{label} is a required variant attribute in the listing's category; map it in the "
                           "variants tab.", Fix.VIEW_IN_BUILD,
                           category.is_in(_by_level(uses, Level.MANDATORY)) & empty))  # fmt: skip
        found.append(Check(f"recommended:{key}", OPTIONAL, key, label,
                           f"{label} tells the variants of the listing apart; map it in the variants tab.",
                           Fix.VIEW_IN_BUILD,
                           several & category.is_in(_by_level(uses, Level.RECOMMENDED)) & empty))  # fmt: skip
        found += _value_checks(key, label, uses, schema, always_blocking=True)
    combination = (
        pl.concat_str([pl.col(key) for key in keys], separator="\x1f", ignore_nulls=True)
        if keys
        else pl.lit("")
    )
    none = pl.all_horizontal(pl.col(key).is_null() for key in keys) if keys else pl.lit(True)
    found += [
        Check("variant_attributes_missing", MANDATORY, "variants", "Variant attributes",
              "The listing has several variants and this one has no variant attribute (such as colour or "
              "size); map the variant attributes.", Fix.VIEW_IN_BUILD, several & none),
        Check("variant_duplicate", MANDATORY, "variants", "Variant attributes",
              "Two variants of the listing have the same variant attribute values; AliExpress needs each "
              "combination once. Map the attributes that tell them apart.", Fix.VIEW_IN_BUILD,
              several & ~none & _combination_repeats(combination)),
        Check("too_many_variants", MANDATORY, "variants", "Variants",
              f"The listing has more than {requirements.max_variants} variants, more than AliExpress accepts "
              "in one product; split the item group.", Fix.VIEW_ITEMS,
              pl.len().over(c.LISTING_INDEX) > requirements.max_variants),
    ]  # fmt: skip
    return found


def _combination_repeats(combination: pl.Expr) -> pl.Expr:
    return combination.is_duplicated().over(c.LISTING_INDEX)
