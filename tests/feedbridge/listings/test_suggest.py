"""A first build suggested from the items' field names (Google, Facebook, Shopify, WooCommerce feeds)."""

from __future__ import annotations

from feedbridge.catalog.model import FieldType
from feedbridge.listings.spec import Value, build_data
from feedbridge.listings.suggest import suggested_build

TEXT, LIST = FieldType.TEXT, FieldType.LIST
DEFAULTS = {
    "product_unit": {"static": "100000015"},
    "inventory_deduction": {"static": "payment_success_deduct"},
    "service_policy": {"static": "0"},
}


def fields(*names: str, lists: tuple[str, ...] = ()) -> dict[str, FieldType]:
    return {name: LIST if name in lists else TEXT for name in names}


def test_a_google_or_facebook_feed() -> None:
    names = ("id", "title", "description", "image_link", "additional_image_link", "price", "sale_price",
             "quantity_to_sell_on_facebook", "gtin", "brand", "shipping_weight", "item_group_id", "color")  # fmt: skip
    build = suggested_build(fields(*names))
    assert build_data(build) == {
        "shared": {
            "title": {"field": "title"},
            "description": {"field": "description"},
            "main_image": {"field": "image_link"},
            "extra_images": {"field": "additional_image_link"},
            "price": {"field": "price"},
            "discount_price": {"field": "sale_price"},
            "stock": {"field": "quantity_to_sell_on_facebook"},
            "ean": {"field": "gtin"},
            "brand_name": {"field": "brand"},
            "weight": {"field": "shipping_weight"},
            **DEFAULTS,
        },
        "variants": {"group_field": "item_group_id"},
    }


def test_a_shopify_export() -> None:
    names = ("Handle", "Title", "Body (HTML)", "Vendor", "Variant SKU", "Variant Grams", "Variant Inventory Qty",
             "Variant Price", "Variant Barcode", "Image Src")  # fmt: skip
    build = suggested_build(fields(*names, lists=("Image Src",)))
    shared = build.shared
    assert shared["title"] == Value(field="Title")
    assert shared["description"] == Value(field="Body (HTML)")
    assert shared["brand_name"] == Value(field="Vendor")
    assert shared["price"] == Value(field="Variant Price")
    assert shared["stock"] == Value(field="Variant Inventory Qty")
    assert shared["ean"] == Value(field="Variant Barcode")
    # Grams say their unit in the field name only.
    assert shared["weight"] == Value(field="Variant Grams", unit="g")
    # A list of images gives the main image and the extra ones.
    assert shared["main_image"] == shared["extra_images"] == Value(field="Image Src")
    assert build.variants.group_field == "Handle"


def test_a_text_image_field_is_the_main_image_only() -> None:
    build = suggested_build(fields("Image Src"))
    assert build.shared["main_image"] == Value(field="Image Src")
    assert "extra_images" not in build.shared


def test_a_woocommerce_export() -> None:
    names = (
        "id",
        "name",
        "sku",
        "regular_price",
        "sale_price",
        "stock_quantity",
        "main_image",
        "all_images",
        "parent",
    )
    build = suggested_build(fields(*names))
    assert build.shared["title"] == Value(field="name")
    assert build.shared["price"] == Value(field="regular_price")
    assert build.shared["discount_price"] == Value(field="sale_price")
    assert build.shared["stock"] == Value(field="stock_quantity")
    assert build.shared["main_image"] == Value(field="main_image")
    assert build.shared["extra_images"] == Value(field="all_images")
    assert build.variants.group_field == "parent"


def test_the_best_name_wins_and_the_first_of_equal_spellings() -> None:
    build = suggested_build(fields("name", "Title", "title", "Weight", "shipping weight"))
    assert build.shared["title"] == Value(field="Title")
    assert build.shared["weight"] == Value(field="shipping weight")


def test_nothing_is_guessed_where_no_field_fits() -> None:
    build = suggested_build(fields("sku", "colour", "misc"))
    assert build_data(build) == {"shared": DEFAULTS}


def test_the_accounts_templates_and_groups_are_left_to_the_merchant() -> None:
    build = suggested_build(fields("title", "freight_template", "product_group"))
    assert "freight_template" not in build.shared
    assert "product_group" not in build.shared
