"""Every posting rule of REFERENCE §4 and its code (§5.3 where the reference has one, SBX.* otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from support.products import (
    BLACK,
    BRAND_OEM,
    COLOR,
    NOT_LEAF,
    PINK,
    RESTRICTED,
    SIZE,
    SIZE_M,
    Shop,
    png,
    seller_token,
    upload,
)
from support.server import RunningSandbox
from support.wire import Gateway

Change = Callable[[Shop, dict[str, Any]], None]
PHONES, STORAGE, GB32 = 5090301, 900000013, 900001301


@pytest.fixture
def shop(gateway: Gateway, token: str, admin: Any) -> Shop:
    admin.post("/behaviour", {"limits": {"enabled": False}})
    return Shop.open(gateway, token, images=7)


def two_skus(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> Change:
    def change(shop: Shop, r: dict[str, Any]) -> None:
        r["sku_info_list"] = [shop.sku(sku_attributes_list=first), shop.sku(sku_attributes_list=second)]

    return change


def color(value_id: int, **extra: Any) -> dict[str, Any]:
    return {"sku_attribute_name_id": COLOR, "sku_attribute_value_id": value_id, **extra}


def sku_field(**fields: Any) -> Change:
    return lambda shop, r: r["sku_info_list"][0].update(fields)


def field(**fields: Any) -> Change:
    return lambda shop, r: r.update(fields)


def phone(**sku_attribute: Any) -> Change:
    """A Mobile Phones product whose Storage Capacity SKU attribute allows no custom names or pictures."""

    def change(shop: Shop, r: dict[str, Any]) -> None:
        r["aliexpress_category_id"] = PHONES
        r["attribute_list"] += [
            {"aliexpress_attribute_name_id": 3, "attribute_value": "X1"},
            {"aliexpress_attribute_name_id": 900000011, "aliexpress_attribute_value_id": 900001101},
        ]
        attribute = {"sku_attribute_name_id": STORAGE, "sku_attribute_value_id": GB32, **sku_attribute}
        r["sku_info_list"][0]["sku_attributes_list"] = [attribute]

    return change


CASES: list[tuple[str, Change, str, str]] = [
    ("language", field(language="xx"), "SBX.LANGUAGE_INVALID", "xx"),
    ("unknown category", field(aliexpress_category_id=999), "SBX.CATEGORY_UNKNOWN", "999"),
    ("not a leaf", field(aliexpress_category_id=NOT_LEAF), "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY", "leaf"),
    ("not permitted", field(aliexpress_category_id=RESTRICTED), "SBX.CATEGORY_NOT_PERMITTED", "may not"),
    ("required attribute", lambda s, r: r["attribute_list"].pop(1), "SBX.ATTRIBUTE_REQUIRED", "Origin"),
    ("brand required", lambda s, r: r["attribute_list"].pop(0), "SBX.ATTRIBUTE_REQUIRED", "Brand Name"),
    (
        "value id not allowed",
        lambda s, r: r["attribute_list"][0].update(aliexpress_attribute_value_id=123),
        "SBX.ATTRIBUTE_VALUE_INVALID",
        "Brand Name",
    ),
    (
        "attribute not in category",
        lambda s, r: r["attribute_list"].append(
            {"aliexpress_attribute_name_id": 900000011, "aliexpress_attribute_value_id": 900001101}
        ),
        "SBX.ATTRIBUTE_UNKNOWN",
        "900000011",
    ),
    (
        "text attribute without text",
        lambda s, r: r["attribute_list"].append(
            {"aliexpress_attribute_name_id": 900000041, "aliexpress_attribute_value_id": 4}
        ),
        "SBX.ATTRIBUTE_VALUE_INVALID",
        "Dimensions",
    ),
    (
        "single attribute twice",
        lambda s, r: r["attribute_list"].append(
            {"aliexpress_attribute_name_id": 2, "aliexpress_attribute_value_id": BRAND_OEM}
        ),
        "SBX.ATTRIBUTE_VALUE_INVALID",
        "several",
    ),
    (
        "title too long",
        field(multi_language_subject_list=[{"language": "es", "subject": "x" * 219}]),
        "SBX.TITLE_LENGTH",
        "1-218",
    ),
    (
        "empty second title",
        field(
            multi_language_subject_list=[
                {"language": "es", "subject": "ok"},
                {"language": "en", "subject": " "},
            ]
        ),
        "SBX.TITLE_LENGTH",
        "en",
    ),
    (
        "no main-language title",
        field(multi_language_subject_list=[{"language": "en", "subject": "Lamp"}]),
        "SBX.TITLE_MAIN_LANGUAGE_MISSING",
        "es",
    ),
    (
        "title with <",
        field(multi_language_subject_list=[{"language": "es", "subject": "Lámpara <b>"}]),
        "S00-10-10000-001",
        "7090001:Title:090001",
    ),
    ("seven images", lambda s, r: r.update(main_image_urls_list=s.images[:7]), "SBX.IMAGE_COUNT", "got 7"),
    ("no images", field(main_image_urls_list=[]), "SBX.IMAGE_COUNT", "got 0"),
    (
        "images missing",
        lambda s, r: r.pop("main_image_urls_list"),
        "040003",
        "mainImageUrlsList_requiredValidator",
    ),
    (
        "unknown brand name",
        lambda s, r: r.update(attribute_list=r["attribute_list"][1:], brand_name="Nobody"),
        "SBX.ATTRIBUTE_VALUE_INVALID",
        "Nobody",
    ),
    (
        "image not in photobank",
        field(main_image_urls_list=["https://example.com/a.jpg"]),
        "SBX.IMAGE_NOT_IN_PHOTOBANK",
        "None of your image url in main_image_urls_list existed",
    ),
    ("empty sku list", field(sku_info_list=[]), "SBX.SKU_LIST_EMPTY", "at least one"),
    (
        "more than 200 skus",
        lambda s, r: r.update(sku_info_list=[s.sku() for _ in range(201)]),
        "SBX.TOO_MANY_SKUS",
        "at most 200 SKUs, got 201",
    ),
    ("sku code missing", sku_field(sku_code=""), "F00-00-10007-009", "Field:sku_code is empty"),
    (
        "sku code twice",
        lambda s, r: r["sku_info_list"].append(dict(r["sku_info_list"][0])),
        "F00-00-10007-007",
        "duplicate sku_code",
    ),
    ("price zero", sku_field(price="0"), "SBX.PRICE_RANGE", "0.01-999999"),
    ("price too high", sku_field(price="1000000"), "SBX.PRICE_RANGE", "0.01-999999"),
    ("price three decimals", sku_field(price="1.001"), "SBX.FIELD_INVALID", "decimal places"),
    ("price not a number", sku_field(price="abc"), "SBX.FIELD_INVALID", "price"),
    ("price missing", lambda s, r: r["sku_info_list"][0].pop("price"), "040003", "sku_info_list[0].price"),
    (
        "discount equal to price",
        sku_field(price="10", discount_price="10"),
        "SBX.DISCOUNT_NOT_BELOW_PRICE",
        "",
    ),
    ("inventory zero", sku_field(inventory=0), "SBX.INVENTORY_RANGE", "1-999999"),
    ("inventory too high", sku_field(inventory=1_000_000), "SBX.INVENTORY_RANGE", "1-999999"),
    ("second sku without attributes", two_skus([color(PINK)], []), "SBX.SKU_ATTRIBUTES_REQUIRED", ""),
    (
        "same combination twice",
        two_skus([color(PINK)], [color(PINK, sku_attribute_value="Rosa")]),
        "SBX.SKU_ATTRIBUTES_DUPLICATE",
        "",
    ),
    (
        "sku attribute not in category",
        two_skus([{"sku_attribute_name_id": SIZE, "sku_attribute_value_id": SIZE_M}], [color(PINK)]),
        "F00-00-10007-015",
        "does not exist under this category",
    ),
    (
        "sku attribute name not in category",
        two_skus([color(PINK)], [{"sku_attribute_name": "Talla", "sku_attribute_value_id": SIZE_M}]),
        "F00-00-10007-015",
        "sku_attribute_name",
    ),
    ("sku value id not allowed", two_skus([color(PINK)], [color(12345)]), "SBX.SKU_VALUE_INVALID", "12345"),
    (
        "custom value too long",
        two_skus([color(PINK, sku_attribute_value="x" * 71)], [color(BLACK)]),
        "SBX.SKU_CUSTOM_VALUE_INVALID",
        "70",
    ),
    (
        "custom value with comma",
        two_skus([color(PINK, sku_attribute_value="a,b")], [color(BLACK)]),
        "SBX.SKU_CUSTOM_VALUE_INVALID",
        "70",
    ),
    (
        "custom value not allowed",
        phone(sku_attribute_value="Big"),
        "SBX.SKU_CUSTOM_VALUE_NOT_ALLOWED",
        "Storage",
    ),
    (
        "sku image not allowed",
        phone(sku_image_url="https://example.com/x.jpg"),
        "SBX.SKU_IMAGE_NOT_ALLOWED",
        "",
    ),
    (
        "sku image not in photobank",
        two_skus([color(PINK, sku_image_url="https://example.com/x.jpg")], [color(BLACK)]),
        "SBX.IMAGE_NOT_IN_PHOTOBANK",
        "example.com",
    ),
    ("weight zero", field(weight="0"), "SBX.WEIGHT_RANGE", "0.001-500"),
    ("weight too high", field(weight="500.001"), "SBX.WEIGHT_RANGE", "0.001-500"),
    ("weight missing", lambda s, r: r.pop("weight"), "040003", "040003:weight_requiredValidator@post_tip"),
    ("package zero", field(package_length=0), "SBX.PACKAGE_SIZE_RANGE", "package_length"),
    ("package too big", field(package_width=701), "SBX.PACKAGE_SIZE_RANGE", "package_width"),
    ("package not an integer", field(package_height=10.5), "SBX.PACKAGE_SIZE_RANGE", "package_height"),
    ("lead time zero", field(shipping_lead_time=0), "SBX.LEAD_TIME_RANGE", "1-60"),
    ("lead time 61", field(shipping_lead_time=61), "SBX.LEAD_TIME_RANGE", "1-60"),
    ("default freight template", field(freight_template_id=1000), "SBX.FREIGHT_TEMPLATE_INVALID", "1000"),
    ("service template", field(service_policy_id=12345), "SBX.SERVICE_TEMPLATE_INVALID", "12345"),
    ("unknown group", field(group_id=1), "SBX.GROUP_INVALID", "1"),
    ("deduction strategy", field(inventory_deduction_strategy="never"), "SBX.DEDUCTION_STRATEGY_INVALID", ""),
    ("product unit", field(product_unit=1), "SBX.PRODUCT_UNIT_INVALID", "1"),
    (
        "country price below 70%",
        field(
            multi_country_price_configuration={
                "price_type": "absolute",
                "country_price_list": [
                    {"ship_to_country": "FR", "sku_price_by_country_list": [{"sku_code": "X", "price": "1"}]}
                ],
            }
        ),
        "SBX.COUNTRY_PRICE_SKU",
        "X",
    ),
]


@pytest.mark.parametrize(("change", "sub_code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_post_rejects(shop: Shop, change: Change, sub_code: str, message: str) -> None:
    request = shop.post_request()
    change(shop, request)
    error = shop.post_error(request)
    assert (error["code"], error["msg"]) == ("15", "Remote service error")
    assert error["sub_code"] == sub_code, error
    assert message in error["sub_msg"]


def test_the_valid_base_request_and_its_variants_pass(shop: Shop) -> None:
    shop.post()
    shop.post(
        attribute_list=[
            {"aliexpress_attribute_name_id": 219, "aliexpress_attribute_value_id": 900021901},
            {"attribute_name": "Style note", "attribute_value": "hand made"},
            {"aliexpress_attribute_name_id": 900000041, "attribute_value": "20x20 cm"},
        ],
        brand_name="Acme",
    )
    product_id = shop.post(
        main_image_urls_list=shop.images[:6], multi_language_subject_list=None, subject="Lámpara"
    )
    assert shop.info(product_id)["subject"] == "Lámpara"  # the deprecated subject is the main-language title
    request = shop.post_request()
    phone()(shop, request)
    shop.gateway.ok("aliexpress.solution.product.post", {"post_product_request": request}, token=shop.token)


def test_another_sellers_photobank_image_is_not_ours(
    shop: Shop, admin: Any, gateway: Gateway, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    other = admin.post("/sellers", {"email": "other@sandbox.test", "password": "pw-other"}, expect=201)
    theirs = upload(gateway, seller_token(gateway, http, sandbox.credentials, other), png(seed=99))[
        "photobank_url"
    ]
    error = shop.post_error(shop.post_request(main_image_urls_list=[theirs]))
    assert error["sub_code"] == "SBX.IMAGE_NOT_IN_PHOTOBANK"


def test_a_group_with_children_cannot_hold_products(shop: Shop, gateway: Gateway) -> None:
    tree = gateway.ok("aliexpress.product.productgroups.get", token=shop.token)["result"]["target_list"]
    parent = next(g for g in tree["aeop_ae_product_tree_group"] if g.get("child_group_list"))
    error = shop.post_error(shop.post_request(group_id=parent["group_id"]))
    assert error["sub_code"] == "SBX.GROUP_INVALID"


def test_sku_codes_are_unique_across_the_sellers_products(shop: Shop) -> None:
    shop.post(sku_info_list=[shop.sku(sku_code="SHARED")])
    error = shop.post_error(shop.post_request(sku_info_list=[shop.sku(sku_code="SHARED")]))
    assert error["sub_code"] == "SBX.SKU_CODE_IN_USE"
    assert "SHARED" in error["sub_msg"]


def test_a_seller_forbidden_to_post_gets_000003(shop: Shop, admin: Any, sandbox: RunningSandbox) -> None:
    seller_id = sandbox.credentials["seller"]["seller_id"]
    admin.post(f"/sellers/{seller_id}", {"product_posting_forbidden": True})
    error = shop.post_error(shop.post_request())
    assert error["sub_code"] == "000003"


def test_the_product_limit_answers_150008(shop: Shop, admin: Any) -> None:
    admin.post("/behaviour", {"max_products_per_seller": 1})
    shop.post()
    error = shop.post_error(shop.post_request())
    assert error["sub_code"] == "S00-10-10000-001"
    assert error["sub_msg"].startswith("7150008:150008:")


INSTANCE_CASES: list[tuple[str, Change, str, str]] = [
    (
        "missing Size on a dress",
        lambda s, r: r["sku_info_list"][1]["sku_attributes"].pop("Size"),
        "SBX.SKU_ATTRIBUTE_REQUIRED",
        "Size",
    ),
    (
        "unknown attribute name",
        lambda s, r: r["category_attributes"].update({"Colour of lid": {"value": "1"}}),
        "SBX.ATTRIBUTE_UNKNOWN",
        "Colour of lid",
    ),
    (
        "unknown sku attribute name",
        lambda s, r: r["sku_info_list"][0]["sku_attributes"].update({"Sleeve": {"value": "1"}}),
        "F00-00-10007-015",
        "",
    ),
    (
        "select value that is not an id",
        lambda s, r: r["category_attributes"].update({"Origin": {"value": "Spain"}}),
        "SBX.ATTRIBUTE_VALUE_INVALID",
        "Spain",
    ),
    (
        "missing units",
        lambda s, r: r.pop("product_units_type"),
        "040003",
        "productUnitsType_requiredValidator",
    ),
    ("missing group", lambda s, r: r.pop("product_group_id"), "040003", "productGroupId_requiredValidator"),
    (
        "alias with colon",
        lambda s, r: r["sku_info_list"][0]["sku_attributes"]["Color"].update(alias="a:b"),
        "SBX.SKU_CUSTOM_VALUE_INVALID",
        "",
    ),
    (
        "size picture",
        lambda s, r: r["sku_info_list"][0]["sku_attributes"]["Size"].update(sku_image_url=s.images[0]),
        "SBX.SKU_IMAGE_NOT_ALLOWED",
        "Size",
    ),
]


@pytest.mark.parametrize(
    ("change", "sub_code", "message"), [c[1:] for c in INSTANCE_CASES], ids=[c[0] for c in INSTANCE_CASES]
)
def test_instance_post_rejects(shop: Shop, change: Change, sub_code: str, message: str) -> None:
    instance = shop.instance()
    change(shop, instance)
    error = shop.gateway.error(
        "aliexpress.solution.schema.product.instance.post",
        {"product_instance_request": instance},
        token=shop.token,
    )
    assert error["sub_code"] == sub_code, error
    assert message in error["sub_msg"]
