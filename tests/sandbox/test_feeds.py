"""Feed jobs: asynchronous QUEUEING → PROCESSING → FINISH, per-item results validated like the sync APIs."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from support.products import Shop, seller_token
from support.server import RunningSandbox
from support.wire import Gateway, items

SUBMIT, QUERY = "aliexpress.solution.feed.submit", "aliexpress.solution.feed.query"
LIST, INVALIDATE = "aliexpress.solution.feed.list.get", "aliexpress.solution.feed.invalidate"


@pytest.fixture
def shop(gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox) -> Shop:
    http.post(sandbox.base_url + "/_admin/clock", json={"frozen": True})
    http.post(
        sandbox.base_url + "/_admin/behaviour",
        json={
            "timings": {"feed_queue_seconds": 10, "feed_item_seconds": 1, "audit_seconds": 0},
            "limits": {"enabled": False},
        },
    )
    return Shop.open(gateway, token)


def advance(http: httpx.Client, sandbox: RunningSandbox, seconds: float) -> None:
    http.post(sandbox.base_url + "/_admin/clock", json={"advance_seconds": seconds})


def submit(shop: Shop, operation: str, contents: list[Any]) -> int:
    item_list = [
        {"item_content_id": f"item-{i}", "item_content": c if isinstance(c, str) else json.dumps(c)}
        for i, c in enumerate(contents)
    ]
    body = shop.gateway.ok(SUBMIT, {"operation_type": operation, "item_list": item_list}, token=shop.token)
    return int(body["job_id"])


def query(shop: Shop, job_id: int) -> dict[str, Any]:
    return shop.gateway.ok(QUERY, {"job_id": job_id}, token=shop.token)


def results(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["item_content_id"]: json.loads(r["item_execution_result"]) for r in items(answer["result_list"])
    }


def status(shop: Shop, job_id: int) -> str:
    jobs = items(shop.gateway.ok(LIST, {}, token=shop.token)["job_list"])
    return next(j["status"] for j in jobs if j["job_id"] == job_id)


def test_create_job_moves_through_its_states_item_by_item(
    shop: Shop, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    broken = shop.instance()
    broken["sku_info_list"][0]["sku_code"] = ""
    sync_error = shop.gateway.error(
        "aliexpress.solution.schema.product.instance.post",
        {"product_instance_request": broken},
        token=shop.token,
    )
    job_id = submit(shop, "PRODUCT_CREATE", [shop.instance(), broken, shop.instance()])

    first = query(shop, job_id)
    assert first["total_item_count"] == 3 and first["success_item_count"] == 0
    assert items(first.get("result_list")) == [] and status(shop, job_id) == "QUEUEING"

    advance(http, sandbox, 11)
    assert list(results(query(shop, job_id))) == ["item-0"] and status(shop, job_id) == "PROCESSING"

    advance(http, sandbox, 2)
    done = query(shop, job_id)
    outcome = results(done)
    assert status(shop, job_id) == "FINISH" and done["success_item_count"] == 2
    assert outcome["item-1"]["success"] is False
    assert outcome["item-1"]["errorCode"] == sync_error["sub_code"]
    assert outcome["item-1"]["errorMessage"] == sync_error["sub_msg"]
    for key in ("item-0", "item-2"):
        assert outcome[key]["success"] is True
        assert shop.info(outcome[key]["productId"])["category_id"] == shop.instance()["category_id"]


def test_update_operations(shop: Shop, http: httpx.Client, sandbox: RunningSandbox) -> None:
    product_id = shop.post()
    sku_code = items(shop.info(product_id)["aeop_ae_product_s_k_us"])[0]["sku_code"]
    stock = {
        "aliexpress_product_id": product_id,
        "multiple_sku_update_list": [{"sku_code": sku_code, "inventory": 42}],
    }
    price = {
        "aliexpress_product_id": product_id,
        "multiple_sku_update_list": [{"sku_code": sku_code, "price": 15, "discount_price": 12}],
    }
    missing = {
        "aliexpress_product_id": 1005000000000001,
        "multiple_sku_update_list": [{"sku_code": sku_code, "inventory": 1}],
    }
    stock_job = submit(shop, "PRODUCT_STOCKS_UPDATE", [stock, missing])
    price_job = submit(shop, "PRODUCT_PRICES_UPDATE", [json.dumps(price)])
    advance(http, sandbox, 20)
    assert [r["success"] for r in results(query(shop, stock_job)).values()] == [True, False]
    assert results(query(shop, price_job))["item-0"] == {"productId": product_id, "success": True}
    sku = items(shop.info(product_id)["aeop_ae_product_s_k_us"])[0]
    assert sku["ipm_sku_stock"] == 42
    assert float(sku["sku_price"]) == 15 and float(sku["sku_discount_price"]) == 12


def test_full_update_replaces_the_product(shop: Shop, http: httpx.Client, sandbox: RunningSandbox) -> None:
    job = submit(shop, "PRODUCT_CREATE", [shop.instance()])
    advance(http, sandbox, 12)
    product_id = results(query(shop, job))["item-0"]["productId"]
    update = shop.instance(
        aliexpress_product_id=product_id,
        title_multi_language_list=[{"locale": "es_ES", "title": "Vestido largo"}],
    )
    job = submit(shop, "PRODUCT_FULL_UPDATE", [update])
    advance(http, sandbox, 12)
    assert results(query(shop, job))["item-0"]["success"] is True
    titles = items(shop.info(product_id)["multi_language_subject_list"])
    assert [t["subject"] for t in titles] == ["Vestido largo"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        (
            {
                "operation_type": "PRODUCT_DELETE",
                "item_list": [{"item_content_id": "a", "item_content": "{}"}],
            },
            "operation_type",
        ),
        ({"operation_type": "PRODUCT_CREATE", "item_list": []}, "item_list"),
        (
            {
                "operation_type": "PRODUCT_CREATE",
                "item_list": [{"item_content_id": "a", "item_content": "{}"}] * 2,
            },
            "appears twice",
        ),
        (
            {
                "operation_type": "PRODUCT_CREATE",
                "item_list": [{"item_content_id": str(i), "item_content": "{}"} for i in range(301)],
            },
            "at most 300",
        ),
        ({"operation_type": "PRODUCT_CREATE", "item_list": "not json"}, "item_list"),
    ],
)
def test_invalid_submissions(shop: Shop, params: dict[str, Any], fragment: str) -> None:
    error = shop.gateway.error(SUBMIT, params, token=shop.token)
    assert error["code"] == "InvalidParameter" and fragment in error["msg"]


def test_unparseable_item_content_fails_that_item_only(
    shop: Shop, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    job = submit(shop, "PRODUCT_CREATE", ["{broken", shop.instance()])
    advance(http, sandbox, 13)
    outcome = results(query(shop, job))
    assert outcome["item-0"]["success"] is False and "JSON" in outcome["item-0"]["errorMessage"]
    assert outcome["item-1"]["success"] is True


def test_three_hundred_feeds_per_type_per_day(
    shop: Shop, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    stock = [{"aliexpress_product_id": 1, "multiple_sku_update_list": [{"sku_code": "x", "inventory": 1}]}]
    for _ in range(300):
        submit(shop, "PRODUCT_STOCKS_UPDATE", stock)
    error = shop.gateway.error(
        SUBMIT,
        {
            "operation_type": "PRODUCT_STOCKS_UPDATE",
            "item_list": [{"item_content_id": "a", "item_content": json.dumps(stock[0])}],
        },
        token=shop.token,
    )
    assert error["sub_code"] == "FEED_SUBMIT_LIMIT"
    submit(shop, "PRODUCT_PRICES_UPDATE", stock)  # another operation type has its own count
    advance(http, sandbox, 86401)
    submit(shop, "PRODUCT_STOCKS_UPDATE", stock)


def test_invalidate(shop: Shop, http: httpx.Client, sandbox: RunningSandbox) -> None:
    finished = submit(shop, "PRODUCT_CREATE", [shop.instance()])
    advance(http, sandbox, 12)
    queued = submit(shop, "PRODUCT_CREATE", [shop.instance()])
    answer = shop.gateway.ok(INVALIDATE, {"job_id_list": f"{queued};{finished};123"}, token=shop.token)
    assert items(answer["successful_list"]) == [queued]
    assert items(answer["no_need_invalidation_list"]) == [finished]
    assert items(answer["failed_list"]) == [123]
    advance(http, sandbox, 60)
    cancelled = query(shop, queued)
    assert status(shop, queued) == "FINISH" and items(cancelled.get("result_list")) == []
    error = shop.gateway.error(
        INVALIDATE, {"job_id_list": ";".join(str(i) for i in range(101))}, token=shop.token
    )
    assert error["code"] == "InvalidParameter"


def test_list_filters_and_pages(shop: Shop, http: httpx.Client, sandbox: RunningSandbox) -> None:
    stock = [{"aliexpress_product_id": 1, "multiple_sku_update_list": [{"sku_code": "x", "inventory": 1}]}]
    stock_jobs = [submit(shop, "PRODUCT_STOCKS_UPDATE", stock) for _ in range(3)]
    advance(http, sandbox, 11)
    price_job = submit(shop, "PRODUCT_PRICES_UPDATE", stock)
    by_type = shop.gateway.ok(LIST, {"feed_type": "PRODUCT_STOCKS_UPDATE", "page_size": 2}, token=shop.token)
    assert by_type["total_count"] == 3 and by_type["total_page"] == 2
    assert {j["job_id"] for j in items(by_type["job_list"])} < set(stock_jobs)
    queued = shop.gateway.ok(LIST, {"status": "QUEUEING"}, token=shop.token)
    assert [j["job_id"] for j in items(queued["job_list"])] == [price_job]
    error = shop.gateway.error(LIST, {"submitted_time_start": "yesterday"}, token=shop.token)
    assert error["code"] == "InvalidParameter"


def test_jobs_are_private_to_their_seller(
    shop: Shop, gateway: Gateway, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    job = submit(shop, "PRODUCT_CREATE", [shop.instance()])
    other = http.post(
        sandbox.base_url + "/_admin/sellers", json={"email": "b@sandbox.test", "password": "p"}
    ).json()
    other_token = seller_token(gateway, http, sandbox.credentials, other)
    assert gateway.error(QUERY, {"job_id": job}, token=other_token)["sub_code"] == "FEED_JOB_NOT_FOUND"
    assert items(gateway.ok(LIST, {}, token=other_token).get("job_list")) == []
