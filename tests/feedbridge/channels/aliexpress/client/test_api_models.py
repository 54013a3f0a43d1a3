"""Request DTOs serialise to the documented field names and values; answers parse in every list shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from feedbridge.channels.aliexpress.client.batch import PriceUpdate, SkuPrice, SkuStock, StockUpdate
from feedbridge.channels.aliexpress.client.feeds import FeedInvalidation, FeedJobResult
from feedbridge.channels.aliexpress.client.product_requests import ProductListQuery

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999"), places=2)
codes = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)
sku_prices = st.builds(SkuPrice, sku_code=codes, price=prices, discount_price=st.none() | prices)
price_updates = st.builds(
    PriceUpdate,
    product_id=st.integers(1, 2**62),
    multiple_sku_update_list=st.lists(sku_prices, min_size=1, max_size=5),
)
stock_updates = st.builds(
    StockUpdate,
    product_id=st.integers(1, 2**62),
    multiple_sku_update_list=st.lists(
        st.builds(SkuStock, sku_code=codes, inventory=st.integers(0, 999999)), min_size=1, max_size=5
    ),
)


def _over_the_wire(update: PriceUpdate | StockUpdate) -> Any:
    return orjson.loads(orjson.dumps(update.wire()))


@given(price_updates)
def test_price_updates_keep_names_and_values(update: PriceUpdate) -> None:
    sent = _over_the_wire(update)
    assert set(sent) == {"product_id", "multiple_sku_update_list"}
    assert sent["product_id"] == update.product_id
    for row, sku in zip(sent["multiple_sku_update_list"], update.multiple_sku_update_list, strict=True):
        assert set(row) == {"sku_code", "price"} | (
            {"discount_price"} if sku.discount_price is not None else set()
        )
        assert isinstance(row["price"], str) and "E" not in row["price"]  # a plain decimal string
        assert (row["sku_code"], Decimal(row["price"])) == (sku.sku_code, sku.price)
        if sku.discount_price is not None:
            assert Decimal(row["discount_price"]) == sku.discount_price


@given(stock_updates)
def test_stock_updates_keep_names_and_values(update: StockUpdate) -> None:
    sent = _over_the_wire(update)
    rows = [(s.sku_code, s.inventory) for s in update.multiple_sku_update_list]
    assert [(r["sku_code"], r["inventory"]) for r in sent["multiple_sku_update_list"]] == rows
    assert set(sent) == {"product_id", "multiple_sku_update_list"}


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.integers(-12, 14).map(lambda h: timezone(timedelta(hours=h))),
)
def test_list_query_times_are_gmt8_text(moment: datetime, zone: timezone) -> None:
    aware = moment.replace(tzinfo=zone)
    sent = ProductListQuery(product_status_type="onSelling", gmt_modified_start=aware).wire()
    assert sent == {"product_status_type": "onSelling", "gmt_modified_start": sent["gmt_modified_start"]}
    back = datetime.strptime(sent["gmt_modified_start"], "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=timezone(timedelta(hours=8))
    )
    assert back == aware
    # Read back through the same type, the text is the same moment.
    parsed = ProductListQuery.model_validate({"product_status_type": "onSelling", **sent})
    assert parsed.gmt_modified_start is not None
    assert parsed.gmt_modified_start.astimezone(UTC) == aware.astimezone(UTC)


def _shapes(item_key: str, values: list[Any]) -> list[Any]:
    """A list as wrapped, simplified, and (with one element) as the element alone, both ways."""
    shapes: list[Any] = [{item_key: values}, values]
    if len(values) == 1:
        shapes += [{item_key: values[0]}, values[0]]
    return shapes


@given(st.lists(st.integers(1, 2**62), max_size=4))
def test_invalidation_lists_in_every_shape(job_ids: list[int]) -> None:
    for shape in _shapes("number", job_ids):
        assert FeedInvalidation.model_validate({"successful_list": shape}).successful == job_ids


@given(
    st.lists(
        st.tuples(codes, st.booleans(), st.integers(1, 2**62)),
        min_size=1,
        max_size=4,
        unique_by=lambda t: t[0],
    )
)
def test_feed_results_in_every_shape(outcomes: list[tuple[str, bool, int]]) -> None:
    rows = [
        {
            "item_content_id": content_id,
            "item_execution_result": orjson.dumps(
                {"success": True, "productId": product_id}
                if ok
                else {"success": False, "errorCode": "E1", "errorMessage": "no"}
            ).decode(),
        }
        for content_id, ok, product_id in outcomes
    ]
    for shape in _shapes("single_item_response_dto", rows):
        job = FeedJobResult.model_validate({"job_id": 1, "total_item_count": len(rows), "result_list": shape})
        assert job.finished
        assert [(r.item_content_id, r.success, r.product_id) for r in job.results] == [
            (c, ok, p if ok else None) for c, ok, p in outcomes
        ]
        assert all(r.error_code == (None if r.success else "E1") for r in job.results)
