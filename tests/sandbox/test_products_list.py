"""product.list.get: status, paging and filters (REFERENCE §3.4); the admin product endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from support.products import Shop
from support.server import RunningSandbox
from support.wire import Gateway, items

LIST = "aliexpress.solution.product.list.get"


@pytest.fixture
def shop(gateway: Gateway, token: str, admin: Any) -> Shop:
    admin.post("/behaviour", {"limits": {"enabled": False}})
    return Shop.open(gateway, token)


def listing(shop: Shop, **query: Any) -> dict[str, Any]:
    body = shop.gateway.ok(LIST, {"aeop_a_e_product_list_query": query}, token=shop.token)
    result: dict[str, Any] = body["result"]
    return result


def ids(result: dict[str, Any]) -> list[int]:
    return [i["product_id"] for i in items(result.get("aeop_a_e_product_display_d_t_o_list"))]


def test_status_filter_follows_the_audit(shop: Shop, admin: Any) -> None:
    product_id = shop.post()
    assert ids(listing(shop, product_status_type="auditing")) == [product_id]
    assert ids(listing(shop, product_status_type="onSelling")) == []
    admin.post("/clock", {"advance_seconds": 6})
    result = listing(shop, product_status_type="onSelling")
    assert ids(result) == [product_id]
    assert result["success"] is True and result["product_count"] == 1
    (item,) = items(result["aeop_a_e_product_display_d_t_o_list"])
    assert item["subject"] == "Lámpara de mesa"
    assert (item["product_min_price"], item["product_max_price"], item["currency_code"]) == (
        "19.99",
        "19.99",
        "EUR",
    )
    assert ids(listing(shop, product_status_type="auditing")) == []


def test_paging(shop: Shop, admin: Any) -> None:
    admin.post("/behaviour", {"timings": {"audit_seconds": 0}})
    posted = [shop.post() for _ in range(5)]
    pages = [listing(shop, product_status_type="onSelling", page_size=2, current_page=n) for n in (1, 2, 3)]
    assert [p["total_page"] for p in pages] == [3, 3, 3]
    assert [p["current_page"] for p in pages] == [1, 2, 3]
    seen = [pid for page in pages for pid in ids(page)]
    assert sorted(seen) == sorted(posted) and len(seen) == 5
    assert ids(listing(shop, product_status_type="onSelling", page_size=2, current_page=4)) == []


@pytest.mark.parametrize(
    "query",
    [
        {"page_size": 100},
        {"page_size": 0},
        {"current_page": 0},
        {"product_status_type": "sold"},
        {"product_status_type": None},
        {"gmt_create_start": "yesterday"},
        {"have_national_quote": "maybe"},
    ],
)
def test_bad_queries_fail_inside_the_result(shop: Shop, query: dict[str, Any]) -> None:
    result = listing(shop, **{"product_status_type": "onSelling", **query})
    assert result["success"] is False
    assert result["error_code"] and result["error_message"]


def test_filters(shop: Shop, admin: Any) -> None:
    admin.post("/behaviour", {"timings": {"audit_seconds": 0}})
    lamp = shop.post(sku_info_list=[shop.sku(sku_code="LAMP-1")])
    vase = shop.post(
        multi_language_subject_list=[{"language": "es", "subject": "Jarrón 100% cerámica"}],
        group_id=shop.group_ids[1],
    )
    on = {"product_status_type": "onSelling"}
    assert ids(listing(shop, **on, sku_code="LAMP-1")) == [lamp]
    assert ids(listing(shop, **on, subject="table")) == [lamp]  # any language, case-insensitive
    assert ids(listing(shop, **on, subject="100%")) == [vase]  # % is literal, not a wildcard
    assert ids(listing(shop, **on, product_id=vase)) == [vase]
    assert ids(listing(shop, **on, group_id=shop.group_ids[1])) == [vase]
    assert ids(listing(shop, **on, excepted_product_ids=[lamp])) == [vase]
    assert ids(listing(shop, **on, have_national_quote="n")) == [vase, lamp]
    assert (
        ids(
            listing(
                shop, **on, gmt_create_start="2000-01-01 00:00:00", gmt_modified_end="2000-01-01 00:00:00"
            )
        )
        == []
    )
    assert len(ids(listing(shop, **on, gmt_create_start="2000-01-01 00:00:00"))) == 2


def test_admin_listing_status_and_inspection(shop: Shop, admin: Any, sandbox: RunningSandbox) -> None:
    seller_id = sandbox.credentials["seller"]["seller_id"]
    request = shop.post_request(
        main_image_urls_list=["https://cdn.example.com/a.jpg"], sku_info_list=[shop.sku(sku_code="OLD-1")]
    )
    created = admin.post(f"/sellers/{seller_id}/products", request, expect=201)
    assert created["status"] == "onSelling"  # no audit for listings that exist already
    offline = admin.post(
        f"/sellers/{seller_id}/products",
        {**request, "sku_info_list": [shop.sku(sku_code="OLD-2")], "status": "offline"},
        expect=201,
    )
    assert ids(listing(shop, product_status_type="onSelling")) == [created["product_id"]]
    assert ids(listing(shop, product_status_type="offline", ws_display="user_offline")) == [
        offline["product_id"]
    ]
    # Validated like the API (SKU codes stay unique) ...
    error = admin.post(f"/sellers/{seller_id}/products", request, expect=422)
    assert error["code"] == "SBX.SKU_CODE_IN_USE"
    admin.post(f"/sellers/{seller_id}/products", {**request, "status": "auditing"}, expect=422)

    forced = admin.post(f"/products/{created['product_id']}/status", {"status": "editingRequired"})
    assert forced["status"] == "editingRequired"
    assert ids(listing(shop, product_status_type="editingRequired")) == [created["product_id"]]
    admin.post(f"/products/{created['product_id']}/status", {"status": "sold"}, expect=422)
    admin.post("/products/1/status", {"status": "offline"}, expect=404)

    everything = admin.get(f"/sellers/{seller_id}/products")
    assert [(p["status"], p["skus"][0]["sku_code"], p["skus"][0]["price"]) for p in everything] == [
        ("editingRequired", "OLD-1", "19.99"),
        ("offline", "OLD-2", "19.99"),
    ]
