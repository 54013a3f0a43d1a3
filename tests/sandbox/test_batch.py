"""Batch price/stock updates, delete, online/offline and groups (REFERENCE §3.5-§3.7, §3.14, §3.16, §6.3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.products import BLACK, COLOR, PINK, Shop
from support.wire import Gateway, items

PRICE = "aliexpress.solution.batch.product.price.update"
STOCK = "aliexpress.solution.batch.product.inventory.update"


@pytest.fixture
def shop(gateway: Gateway, token: str, admin: Any) -> Shop:
    admin.post("/behaviour", {"limits": {"enabled": False}, "timings": {"audit_seconds": 0}})
    return Shop.open(gateway, token)


def two_sku_product(shop: Shop, code: str) -> int:
    return shop.post(
        sku_info_list=[
            shop.sku(
                sku_code=f"{code}-P",
                price="20",
                sku_attributes_list=[{"sku_attribute_name_id": COLOR, "sku_attribute_value_id": PINK}],
            ),
            shop.sku(
                sku_code=f"{code}-B",
                price="30",
                discount_price="25",
                sku_attributes_list=[{"sku_attribute_name_id": COLOR, "sku_attribute_value_id": BLACK}],
            ),
        ]
    )


def skus(shop: Shop, product_id: int) -> dict[str, dict[str, Any]]:
    return {s["sku_code"]: s for s in items(shop.info(product_id)["aeop_ae_product_s_k_us"])}


def test_price_update_partial_success(shop: Shop) -> None:
    good, other = two_sku_product(shop, "A"), two_sku_product(shop, "B")
    body = shop.gateway.ok(
        PRICE,
        {
            "mutiple_product_update_list": [
                {
                    "product_id": good,
                    "multiple_sku_update_list": [
                        {"sku_code": "A-P", "price": "21", "discount_price": "18"},
                        {"sku_code": "A-B", "price": "31"},
                    ],
                },
                {"product_id": other, "multiple_sku_update_list": [{"sku_code": "A-P", "price": "5"}]},
                {
                    "product_id": 1005000000000001,
                    "multiple_sku_update_list": [{"sku_code": "X", "price": "5"}],
                },
            ]
        },
        token=shop.token,
    )
    assert body["update_success"] is False
    assert items(body["update_successful_list"]) == [{"product_id": good}]
    failed = {f["product_id"]: f for f in items(body["update_failed_list"])}
    assert failed[other]["error_code"] == "SBX.SKU_NOT_IN_PRODUCT"
    assert failed[1005000000000001]["error_code"] == "090014"
    prices = skus(shop, good)
    assert (prices["A-P"]["sku_price"], prices["A-P"]["sku_discount_price"]) == ("21.00", "18.00")
    # Omitting discount_price erases the discount.
    assert prices["A-B"]["sku_price"] == "31.00" and "sku_discount_price" not in prices["A-B"]
    assert skus(shop, other)["B-P"]["sku_price"] == "20.00"  # the failed product is untouched


def test_all_succeeded_means_update_success(shop: Shop) -> None:
    product_id = two_sku_product(shop, "A")
    body = shop.gateway.ok(
        STOCK,
        {
            "mutiple_product_update_list": [
                {
                    "product_id": product_id,
                    "multiple_sku_update_list": [
                        {"sku_code": "A-P", "inventory": 0},
                        {"sku_code": "A-B", "inventory": 999999},
                    ],
                }
            ]
        },
        token=shop.token,
    )
    assert body["update_success"] is True
    assert items(body["update_failed_list"]) == []
    stock = skus(shop, product_id)
    # Zero is allowed on the batch API: it marks a SKU sold out.
    assert (stock["A-P"]["ipm_sku_stock"], stock["A-P"]["sku_stock"]) == (0, False)
    assert stock["A-B"]["ipm_sku_stock"] == 999999


@pytest.mark.parametrize(
    ("inventory", "code"),
    [(-1, "SBX.INVENTORY_RANGE"), (1_000_000, "SBX.INVENTORY_RANGE"), ("many", "SBX.FIELD_INVALID")],
)
def test_stock_update_rejects(shop: Shop, inventory: Any, code: str) -> None:
    product_id = two_sku_product(shop, "A")
    body = shop.gateway.ok(
        STOCK,
        {
            "mutiple_product_update_list": [
                {
                    "product_id": product_id,
                    "multiple_sku_update_list": [{"sku_code": "A-P", "inventory": inventory}],
                }
            ]
        },
        token=shop.token,
    )
    assert [f["error_code"] for f in items(body["update_failed_list"])] == [code]


def test_batch_sizes_are_limited(shop: Shop) -> None:
    too_many = [{"product_id": 1, "multiple_sku_update_list": [{"sku_code": "X", "inventory": 1}]}] * 21
    error = shop.gateway.error(STOCK, {"mutiple_product_update_list": too_many}, token=shop.token)
    assert error["code"] == "InvalidParameter"
    product_id = two_sku_product(shop, "A")
    rows = [{"sku_code": "A-P", "inventory": 1}] * 201
    body = shop.gateway.ok(
        STOCK,
        {"mutiple_product_update_list": [{"product_id": product_id, "multiple_sku_update_list": rows}]},
        token=shop.token,
    )
    assert "200" in items(body["update_failed_list"])[0]["error_message"]


def country(
    price: str, discount: str | None = None, *, sku: str = "A-P", where: str = "FR"
) -> dict[str, Any]:
    entry = {"sku_code": sku, "price": price, **({"discount_price": discount} if discount else {})}
    return {
        "price_type": "absolute",
        "country_price_list": [{"ship_to_country": where, "sku_price_by_country_list": [entry]}],
    }


@pytest.mark.parametrize(
    ("config", "code"),
    [
        (country("13.99"), "SBX.COUNTRY_PRICE_TOO_LOW"),  # base 20 -> floor 14
        (country("14", "14"), "SBX.COUNTRY_DISCOUNT_INVALID"),
        (country("14", "1.39"), "SBX.COUNTRY_DISCOUNT_INVALID"),  # below 10% of 14
        (country("14", where="XX"), "SBX.COUNTRY_INVALID"),
        (country("30", sku="A-B"), "SBX.COUNTRY_PRICE_SKU"),  # not in this update's SKU list
        ({**country("14"), "price_type": "relative"}, "SBX.COUNTRY_PRICE_TYPE"),
    ],
)
def test_country_price_rules(shop: Shop, config: dict[str, Any], code: str) -> None:
    product_id = two_sku_product(shop, "A")
    body = shop.gateway.ok(
        PRICE,
        {
            "mutiple_product_update_list": [
                {
                    "product_id": product_id,
                    "multiple_sku_update_list": [{"sku_code": "A-P", "price": "20"}],
                    "multi_country_price_configuration": config,
                }
            ]
        },
        token=shop.token,
    )
    assert [f["error_code"] for f in items(body["update_failed_list"])] == [code]


def test_country_prices_are_stored_and_listed(shop: Shop) -> None:
    product_id = two_sku_product(shop, "A")
    shop.gateway.ok(
        PRICE,
        {
            "mutiple_product_update_list": [
                {
                    "product_id": product_id,
                    "multiple_sku_update_list": [{"sku_code": "A-P", "price": "20"}],
                    "multi_country_price_configuration": country("14", "1.40"),
                }
            ]
        },
        token=shop.token,
    )
    config = shop.info(product_id)["multi_country_price_configuration"]
    (fr,) = items(config["country_price_list"])
    assert fr["ship_to_country"] == "FR"
    assert items(fr["sku_price_by_country_list"]) == [
        {"sku_code": "A-P", "price": "14.00", "discount_price": "1.40"}
    ]
    listed = shop.gateway.ok(
        "aliexpress.solution.product.list.get",
        {"aeop_a_e_product_list_query": {"product_status_type": "onSelling", "have_national_quote": "y"}},
        token=shop.token,
    )["result"]
    assert [i["product_id"] for i in items(listed["aeop_a_e_product_display_d_t_o_list"])] == [product_id]


@pytest.fixture
def one_sku_product(shop: Shop) -> int:
    return shop.post(sku_info_list=[shop.sku(sku_code="H-1")])


money = st.decimals(min_value=Decimal("-1"), max_value=Decimal("1000001"), places=2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(price=money, discount=st.none() | money)
def test_price_and_discount_ranges(
    shop: Shop, one_sku_product: int, price: Decimal, discount: Decimal | None
) -> None:
    row: dict[str, Any] = {"sku_code": "H-1", "price": str(price)}
    if discount is not None:
        row["discount_price"] = str(discount)
    body = shop.gateway.ok(
        PRICE,
        {"mutiple_product_update_list": [{"product_id": one_sku_product, "multiple_sku_update_list": [row]}]},
        token=shop.token,
    )
    valid = Decimal("0.01") <= price <= Decimal("999999") and (
        discount is None or Decimal("0.01") <= discount < price
    )
    assert body["update_success"] is valid, body


def test_delete_is_all_or_nothing_and_frees_sku_codes(shop: Shop) -> None:
    first, second = two_sku_product(shop, "A"), two_sku_product(shop, "B")
    error = shop.gateway.error(
        "aliexpress.solution.batch.product.delete",
        {"product_ids": [first, 1005000000000001]},
        token=shop.token,
    )
    assert error["sub_code"] == "090014"
    shop.info(first)  # still there
    body = shop.gateway.ok(
        "aliexpress.solution.batch.product.delete", {"product_ids": [first, second]}, token=shop.token
    )
    assert body["success"] == "true"
    error = shop.gateway.error(
        "aliexpress.solution.product.info.get", {"product_id": first}, token=shop.token
    )
    assert error["sub_code"] == "090014"
    two_sku_product(shop, "A")  # its SKU codes are free again
    error = shop.gateway.error(
        "aliexpress.solution.batch.product.delete", {"product_ids": list(range(101))}, token=shop.token
    )
    assert error["code"] == "InvalidParameter"


def test_offline_and_online(shop: Shop) -> None:
    first, second = two_sku_product(shop, "A"), two_sku_product(shop, "B")
    missing = 1005000000000001
    result = shop.gateway.ok(
        "aliexpress.postproduct.redefining.offlineaeproduct",
        {"product_ids": f"{first};{missing}"},
        token=shop.token,
    )["result"]
    assert (result["success"], result["modify_count"]) == (False, 1)
    (detail,) = items(result["error_details"])
    assert (detail["error_code"], detail["product_ids"]) == ("090014", {"number": [missing]})
    assert shop.info(first)["product_status_type"] == "offline"

    result = shop.gateway.ok(
        "aliexpress.postproduct.redefining.onlineaeproduct",
        {"product_ids": f"{first};{second}"},
        token=shop.token,
    )["result"]
    assert result["modify_count"] == 1
    (detail,) = items(result["error_details"])
    assert (detail["error_code"], detail["product_ids"]) == ("090015", {"number": [second]})
    assert shop.info(first)["product_status_type"] == "onSelling"

    ids = ";".join(str(1005000000000000 + i) for i in range(51))
    error = shop.gateway.error(
        "aliexpress.postproduct.redefining.onlineaeproduct", {"product_ids": ids}, token=shop.token
    )
    assert error["code"] == "InvalidParameter"


def test_set_groups(shop: Shop) -> None:
    product_id = two_sku_product(shop, "A")
    groups = ",".join(str(g) for g in shop.group_ids[:2])
    body = shop.gateway.ok(
        "aliexpress.postproduct.redefining.setgroups",
        {"product_id": product_id, "group_ids": groups},
        token=shop.token,
    )
    assert body["result"]["success"] is True
    info = shop.info(product_id)
    assert info["group_ids"] == {"number": shop.group_ids[:2]}
    error = shop.gateway.error(
        "aliexpress.postproduct.redefining.setgroups",
        {"product_id": product_id, "group_ids": ",".join(map(str, shop.group_ids[:4]))},
        token=shop.token,
    )
    assert error["sub_code"] == "SBX.TOO_MANY_GROUPS"
    error = shop.gateway.error(
        "aliexpress.postproduct.redefining.setgroups",
        {"product_id": product_id, "group_ids": "1"},
        token=shop.token,
    )
    assert error["sub_code"] == "SBX.GROUP_INVALID"
