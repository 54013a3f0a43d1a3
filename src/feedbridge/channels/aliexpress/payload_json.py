"""The JSON shapes of a listing for AliExpress, as Polars expressions over the checked SKU frame.

Two vocabularies (REFERENCE §3.9 field correspondence): the schema instance (instance.post, full.update,
feed items) and the PostProductRequestDto (product.post, product.edit). `product` gives a listing's own
members (over its first item's row), `sku` one SKU object; members whose value is null are left out.
Value ids, codes and numbers are written without escaping (jsontext.token / number); text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from feedbridge.channels.aliexpress.client.categories import LOCALES
from feedbridge.listings import columns as c
from feedbridge.listings import jsontext as j
from feedbridge.listings.requirements import CategoryAttribute, Kind, attribute_key, variant_key
from feedbridge.rules.values import format_number

DETAIL_VERSION = "2.0.0"  # of the description "detail" document (§3.17)


def money(column: str) -> pl.Expr:
    """A price as the platform takes it: a decimal string with two places."""
    return j.token(format_number(pl.col(column), 2))


def _when_text(column: str, json: pl.Expr) -> pl.Expr:
    return pl.when(pl.col(column).is_not_null()).then(json)


def _description_modules() -> pl.Expr:
    """The description as one HTML module (an empty list when there is none)."""
    module = j.struct({"type": pl.lit("html"), "html": pl.struct(pl.col("description").alias("content"))})
    return pl.when(pl.col("description").is_not_null()).then(j.array(module)).otherwise(pl.lit("[]"))


def _choice_value(attribute: CategoryAttribute, column: str) -> pl.Expr:
    values = pl.col(column)
    if attribute.kind is Kind.TEXT:
        return j.value(values)
    return j.tokens(values) if attribute.kind is Kind.CHOICES else j.token(values)


def _has_value(attribute: CategoryAttribute, column: str) -> pl.Expr:
    values = pl.col(column)
    return values.list.len() > 0 if attribute.kind is Kind.CHOICES else values.is_not_null()


Writer = Callable[[pl.Expr], pl.Expr]


def _weight(column: pl.Expr) -> pl.Expr:
    return j.token(format_number(column, 3))


# The listing's own values both vocabularies carry under other names (REFERENCE §3.9's correspondence):
# column, instance member and how it is written, product.post member and how it is written.
SCALARS: tuple[tuple[str, str, Writer, str, Writer], ...] = (
    ("brand_name", "brand_name", j.value, "brand_name", j.value),
    ("product_unit", "product_units_type", j.token, "product_unit", j.number),
    ("inventory_deduction", "inventory_deduction_strategy", j.token, "inventory_deduction_strategy", j.token),
    ("weight", "package_weight", _weight, "weight", _weight),
    ("length", "package_length", j.number, "package_length", j.number),
    ("width", "package_width", j.number, "package_width", j.number),
    ("height", "package_height", j.number, "package_height", j.number),
    ("dispatch_time", "shipping_preparation_time", j.number, "shipping_lead_time", j.number),
    ("freight_template", "shipping_template_id", j.token, "freight_template_id", j.number),
    ("service_policy", "service_template_id", j.token, "service_policy_id", j.number),
    ("product_group", "product_group_id", j.token, "group_id", j.number),
)


def product(attributes: list[CategoryAttribute], language: str, *, instance: bool) -> list[j.Part]:
    """The listing's own members, in the instance or the product.post vocabulary."""
    parts = _instance_product(attributes, language) if instance else _post_product(attributes, language)
    scalars: list[j.Part] = []
    for column, instance_name, instance_write, post_name, post_write in SCALARS:
        name, write = (instance_name, instance_write) if instance else (post_name, post_write)
        scalars.append(j.member(name, write(pl.col(column))))
    return [*parts, *scalars]


def _instance_product(attributes: list[CategoryAttribute], language: str) -> list[j.Part]:
    locale = LOCALES[language]
    title = j.struct({"locale": pl.lit(locale), "title": pl.col("title")})
    description = j.wrapped(
        f"[{{{j.constant('locale', locale)},{j.key('module_list')}", _description_modules(), "}]"
    )
    category_attributes = j.obj([
        pl.when(_has_value(a, attribute_key(a.id))).then(
            j.wrapped(f"{j.key(a.name)}{{{j.key('value')}", _choice_value(a, attribute_key(a.id)), "}")
        )
        for a in attributes
    ])  # fmt: skip
    return [
        j.member("category_id", j.number(pl.col(c.CATEGORY))),
        j.constant("locale", locale),
        _when_text("title", j.member("title_multi_language_list", j.array(title))),
        j.member("description_multi_language_list", description),
        j.member("image_url_list", j.value(pl.col(c.IMAGES))),
        j.member("category_attributes", category_attributes),
    ]


def _post_product(attributes: list[CategoryAttribute], language: str) -> list[j.Part]:
    subject = j.struct({"language": pl.lit(language), "subject": pl.col("title")})
    detail = j.obj([j.constant("version", DETAIL_VERSION), j.member("moduleList", _description_modules())])
    description = j.obj([j.constant("language", language), j.member("web_detail", j.value(detail))])
    entries: list[pl.Expr] = []
    for a in attributes:
        column = attribute_key(a.id)
        name_id = j.constant("aliexpress_attribute_name_id", a.id)
        if a.kind is Kind.TEXT:
            text = j.obj([name_id, j.member("attribute_value", j.value(pl.col(column)))])
            entries.append(_when_text(column, text))
            continue
        ids = pl.col(column) if a.kind is Kind.CHOICES else pl.concat_list(pl.col(column)).list.drop_nulls()
        prefix = "{" + name_id + "," + j.key("aliexpress_attribute_value_id")
        entries.append(
            pl.when(ids.list.len() > 0).then(
                pl.concat_str(pl.lit(prefix), ids.list.join("}," + prefix), pl.lit("}"))
            )
        )
    return [
        j.member("aliexpress_category_id", j.number(pl.col(c.CATEGORY))),
        j.constant("language", language),
        _when_text("title", j.member("multi_language_subject_list", j.array(subject))),
        _when_text("description", j.member("multi_language_description_list", j.array(description))),
        j.member("main_image_urls_list", j.value(pl.col(c.IMAGES))),
        pl.when(j.present(entries)).then(j.member("attribute_list", j.array(j.members(entries)))),
    ]


def sku(variants: list[CategoryAttribute], *, instance: bool) -> pl.Expr:
    """One SKU object: its code, prices, stock, EAN and variant attributes."""
    return j.obj([
        j.member("sku_code", j.value(pl.col(c.SKU_CODE))),
        j.member("price", money("price")),
        j.member("discount_price", money("discount_price")),
        j.member("inventory", j.number(pl.col("stock"))),
        j.member("ean_code", j.value(pl.col("ean"))),
        _sku_attributes(variants) if instance else _sku_attributes_list(variants),
    ])  # fmt: skip


def _sku_attributes(variants: list[CategoryAttribute]) -> pl.Expr:
    entries = [
        pl.when(pl.col(variant_key(a.id)).is_not_null()).then(
            j.member(a.name, j.obj([
                j.member("value", j.token(pl.col(variant_key(a.id)))),
                j.member("alias", j.value(pl.col(c.alias(a.id)))),
                j.member("sku_image_url", j.value(pl.col(c.variant_image(a.id)))),
            ]))
        )
        for a in variants
    ]  # fmt: skip
    return pl.when(j.present(entries)).then(j.member("sku_attributes", j.obj(entries)))


def _sku_attributes_list(variants: list[CategoryAttribute]) -> pl.Expr:
    entries = [
        pl.when(pl.col(variant_key(a.id)).is_not_null()).then(j.obj([
            j.constant("sku_attribute_name_id", a.id),
            j.member("sku_attribute_value_id", j.number(pl.col(variant_key(a.id)))),
            j.member("sku_attribute_value", j.value(pl.col(c.alias(a.id)))),
            j.member("sku_image_url", j.value(pl.col(c.variant_image(a.id)))),
        ]))
        for a in variants
    ]  # fmt: skip
    return pl.when(j.present(entries)).then(j.member("sku_attributes_list", j.array(j.members(entries))))


def country_entry(country: str) -> pl.Expr:
    """One SKU's price for buyers in `country`, or null when it has none there."""
    price = pl.col(c.country_price(country))
    entry = j.obj([
        j.member("sku_code", j.value(pl.col(c.SKU_CODE))),
        j.member("price", money(c.country_price(country))),
        j.member("discount_price", money(c.country_discount(country))),
    ])  # fmt: skip
    return pl.when(price.is_not_null()).then(entry)


def country_configuration(countries: list[str], entries: dict[str, str]) -> pl.Expr:
    """multi_country_price_configuration (§6.3) over the listing's joined country entries (column per
    country in `entries`); null when no SKU has a localized price."""
    listed = [
        pl.when(pl.col(entries[k]) != "").then(
            j.obj([j.constant("ship_to_country", k), j.member("sku_price_by_country_list", j.array(pl.col(entries[k])))])
        )
        for k in countries
    ]  # fmt: skip
    configuration = j.obj(
        [j.constant("price_type", "absolute"), j.member("country_price_list", j.array(j.members(listed)))]
    )
    return pl.when(j.present(listed)).then(configuration)
