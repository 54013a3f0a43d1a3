"""Posting, reading, editing and auditing products over the wire (REFERENCE §3.1-§3.3, §3.9)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from support.products import BEIGE, COLOR, DRESSES, HOME, PINK, SIZE, SIZE_M, Shop, seller_token
from support.server import RunningSandbox
from support.wire import Gateway, items


@pytest.fixture
def shop(gateway: Gateway, token: str, admin: Any) -> Shop:
    admin.post("/behaviour", {"limits": {"enabled": False}})
    return Shop.open(gateway, token)


def end_audit(admin: Any) -> None:
    admin.post("/clock", {"advance_seconds": 6})  # audit_seconds defaults to 5


def test_post_then_info_get_shows_the_product_under_review(shop: Shop) -> None:
    product_id = shop.post(
        sku_info_list=[
            shop.sku(sku_code="LAMP-1", price="19.99", discount_price="14.99", inventory=3, ean_code="1")
        ]
    )
    assert re.fullmatch(r"1005\d{12}", str(product_id))
    info = shop.info(product_id)
    assert info["product_id"] == product_id
    assert info["product_status_type"] == "auditing"
    assert info["category_id"] == HOME
    assert {s["locale"]: s["subject"] for s in items(info["multi_language_subject_list"])} == {
        "es_ES": "Lámpara de mesa",
        "en_US": "Table lamp",
    }
    (sku,) = items(info["aeop_ae_product_s_k_us"])
    assert sku["sku_code"] == "LAMP-1"
    assert (sku["sku_price"], sku["sku_discount_price"], sku["ipm_sku_stock"]) == ("19.99", "14.99", 3)
    assert sku["id"] == "<none>"
    assert sku["currency_code"] == "EUR"
    assert info["image_u_r_ls"] == ";".join(shop.images[:2])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", info["gmt_create"])
    properties = {p["attr_name_id"]: p for p in items(info["aeop_ae_product_propertys"])}
    assert properties[2]["attr_value"] == "OEM"
    assert info["freight_template_id"] == shop.freight_template_id
    assert info["gross_weight"] == "0.500"
    assert info["delivery_time"] == 3


def test_audit_ends_when_the_sandbox_clock_passes_it(shop: Shop, admin: Any) -> None:
    product_id = shop.post()
    assert shop.info(product_id)["product_status_type"] == "auditing"
    end_audit(admin)
    assert shop.info(product_id)["product_status_type"] == "onSelling"


@pytest.mark.parametrize(
    ("api", "param", "body"),
    [
        ("aliexpress.solution.product.edit", "edit_product_request", lambda pid, shop: {"product_id": pid}),
        (
            "aliexpress.solution.schema.product.full.update",
            "schema_full_update_request",
            lambda pid, shop: shop.instance(aliexpress_product_id=pid),
        ),
        (
            "aliexpress.solution.batch.product.price.update",
            "mutiple_product_update_list",
            lambda pid, shop: [
                {"product_id": pid, "multiple_sku_update_list": [{"sku_code": "A-1", "price": "5"}]}
            ],
        ),
    ],
)
def test_changes_during_audit_are_rejected(shop: Shop, api: str, param: str, body: Any) -> None:
    product_id = shop.post(sku_info_list=[shop.sku(sku_code="A-1")])
    response = shop.gateway.call(api, {param: body(product_id, shop)}, token=shop.token).json()
    text = str(response)
    assert "SBX.PRODUCT_AUDITING" in text


def test_info_get_of_unknown_or_foreign_product_is_a_business_error(
    shop: Shop, admin: Any, gateway: Gateway, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    error = gateway.error(
        "aliexpress.solution.product.info.get", {"product_id": 1005000000000001}, token=shop.token
    )
    assert (error["code"], error["sub_code"]) == ("15", "090014")
    other = admin.post("/sellers", {"email": "other@sandbox.test", "password": "pw-other"}, expect=201)
    other_shop = Shop.open(gateway, seller_token(gateway, http, sandbox.credentials, other), images=1)
    foreign = other_shop.post()
    error = gateway.error("aliexpress.solution.product.info.get", {"product_id": foreign}, token=shop.token)
    assert error["sub_code"] == "090014"


def test_edit_changes_only_the_given_fields_and_replaces_skus(shop: Shop, admin: Any) -> None:
    product_id = shop.post(sku_info_list=[shop.sku(sku_code="OLD-1")])
    end_audit(admin)
    new_skus = [
        {
            "sku_code": "NEW-1",
            "price": "10",
            "inventory": 1,
            "sku_attributes_list": [
                {
                    "sku_attribute_name_id": COLOR,
                    "sku_attribute_value_id": BEIGE,
                    "sku_attribute_value": "Arena",
                    "sku_image": shop.images[2],
                }
            ],
        },
        {
            "sku_code": "NEW-2",
            "price": "12.5",
            "inventory": 2,
            "sku_attributes_list": [{"sku_attribute_name_id": COLOR, "sku_attribute_value_id": PINK}],
        },
    ]
    request = {"product_id": product_id, "weight": "1.25", "sku_info_list": new_skus}
    body = shop.gateway.ok(
        "aliexpress.solution.product.edit", {"edit_product_request": request}, token=shop.token
    )
    assert body["result"]["product_id"] == product_id
    info = shop.info(product_id)
    assert info["gross_weight"] == "1.250"
    assert info["package_length"] == 20  # untouched
    assert info["subject"] == "Lámpara de mesa"
    skus = {s["sku_code"]: s for s in items(info["aeop_ae_product_s_k_us"])}
    assert set(skus) == {"NEW-1", "NEW-2"}
    assert skus["NEW-1"]["id"] == f"{COLOR}:{BEIGE}"
    (prop,) = items(skus["NEW-1"]["aeop_s_k_u_property_list"])
    assert prop == {
        "sku_property_id": COLOR,
        "property_value_id": BEIGE,
        "property_value_definition_name": "Arena",
        "sku_image": shop.images[2],
    }
    assert skus["NEW-2"]["sku_price"] == "12.50"
    # The old SKU code is free again.
    shop.post(sku_info_list=[shop.sku(sku_code="OLD-1")])


def test_edit_cannot_change_the_main_language(shop: Shop, admin: Any) -> None:
    product_id = shop.post()
    end_audit(admin)
    error = shop.gateway.error(
        "aliexpress.solution.product.edit",
        {"edit_product_request": {"product_id": product_id, "language": "en"}},
        token=shop.token,
    )
    assert error["sub_code"] == "SBX.FIELD_INVALID"


def test_instance_post_and_full_update(shop: Shop, admin: Any) -> None:
    body = shop.gateway.ok(
        "aliexpress.solution.schema.product.instance.post",
        {"product_instance_request": shop.instance()},
        token=shop.token,
    )
    product_id = body["result"]["product_id"]
    info = shop.info(product_id)
    assert info["category_id"] == DRESSES
    skus = items(info["aeop_ae_product_s_k_us"])
    assert sorted(s["id"] for s in skus) == sorted(
        [f"{COLOR}:{BEIGE};{SIZE}:{SIZE_M}", f"{COLOR}:{PINK};{SIZE}:{SIZE_M}"]
    )
    materials = [
        p["attr_value_id"] for p in items(info["aeop_ae_product_propertys"]) if p["attr_name_id"] == 10
    ]
    assert sorted(materials) == [47, 49]
    assert info["group_id"] == shop.group_ids[0]
    assert "html" in info["detail"]

    end_audit(admin)
    update = shop.instance(
        aliexpress_product_id=product_id,
        title_multi_language_list=[
            {"locale": "es_ES", "title": "Vestido largo"},
            {"locale": "fr_FR", "title": "Robe longue"},
        ],
    )
    body = shop.gateway.ok(
        "aliexpress.solution.schema.product.full.update",
        {"schema_full_update_request": update},
        token=shop.token,
    )
    assert body["product_id"] == product_id
    info = shop.info(product_id)
    assert info["subject"] == "Vestido largo"
    assert {s["locale"] for s in items(info["multi_language_subject_list"])} == {"es_ES", "fr_FR"}
    assert info["product_status_type"] == "onSelling"


def test_full_update_of_unknown_product(shop: Shop) -> None:
    error = shop.gateway.error(
        "aliexpress.solution.schema.product.full.update",
        {"schema_full_update_request": shop.instance(aliexpress_product_id=1005000000000009)},
        token=shop.token,
    )
    assert error["sub_code"] == "090014"


def test_non_simplified_lists_are_wrapped(shop: Shop) -> None:
    product_id = shop.post()
    info = shop.info(product_id)
    assert list(info["aeop_ae_product_s_k_us"]) == ["global_aeop_ae_product_sku"]
    assert list(info["multi_language_subject_list"]) == ["global_subject"]
