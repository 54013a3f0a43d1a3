"""A first build from the items' field names, so that a new API starts mapped where the fields say what
they hold (Google Shopping, Shopify, WooCommerce and Facebook names), with AliExpress's usual defaults
for what no feed carries. Everything suggested can be changed; nothing is guessed where no field fits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from feedbridge.catalog.model import FieldType
from feedbridge.listings.spec import Build, Value, Variants

# Attribute key -> field names that hold it, best first (compared without case and punctuation).
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "name", "product name", "product title"),
    "description": ("description", "body html", "body", "long description", "product description"),
    "main_image": ("image link", "image", "image src", "main image", "image url", "images"),
    "extra_images": ("additional image link", "additional images", "all images", "gallery"),
    "price": ("price", "variant price", "regular price", "selling price"),
    "discount_price": ("sale price",),
    "stock": ("quantity", "stock", "stock quantity", "inventory", "variant inventory qty", "quantity to sell on facebook"),
    "ean": ("gtin", "ean", "barcode", "variant barcode", "upc", "upc ean code"),
    "brand_name": ("brand", "vendor", "brand name", "manufacturer"),
    "weight": ("shipping weight", "weight", "product weight", "variant grams"),
    "length": ("length", "package length", "shipping length"),
    "width": ("width", "package width", "shipping width"),
    "height": ("height", "package height", "shipping height"),
}  # fmt: skip
GROUP_FIELDS = ("item group id", "parent sku", "parent id", "handle", "parent")
# Defaults every AliExpress listing needs and feeds rarely carry.
STATIC_DEFAULTS = {
    "product_unit": "100000015",  # piece/pieces
    "inventory_deduction": "payment_success_deduct",
    "service_policy": "0",  # the seller's default service policy
}
UNITS = {"variant grams": "g"}  # fields whose values are in a unit they do not write


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _field_for(names: Sequence[str], fields: dict[str, str]) -> str | None:
    return next((fields[name] for name in names if name in fields), None)


def suggested_build(fields: Mapping[str, FieldType]) -> Build:
    """Shared attributes from the fields whose names say what they hold, and the usual static defaults.
    A list field of images (a Shopify export's `Image Src`) gives the extra images too when no field
    holds only those. The account's freight template and product group are for the merchant to pick."""
    by_plain = {_plain(name): name for name in reversed(list(fields))}
    values: dict[str, Value] = {}
    for key, names in FIELD_NAMES.items():
        field = _field_for(names, by_plain)
        if field is not None:
            values[key] = Value(field=field, unit=UNITS.get(_plain(field)))
    main = values.get("main_image")
    if "extra_images" not in values and main is not None and fields.get(main.field or "") is FieldType.LIST:
        values["extra_images"] = main
    values.update({key: Value(static=value) for key, value in STATIC_DEFAULTS.items()})
    return Build(shared=values, variants=Variants(group_field=_field_for(GROUP_FIELDS, by_plain)))
