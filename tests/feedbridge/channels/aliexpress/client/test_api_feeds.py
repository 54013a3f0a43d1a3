"""Feed submit, query, list and invalidate (REFERENCE §3.10); jobs advance on the sandbox clock only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, InvalidRequest
from feedbridge.channels.aliexpress.client.feeds import (
    FeedItem,
    FeedOperation,
    FeedStatus,
    invalidate_feeds,
    list_feeds,
    query_feed,
    submit_feed,
)
from feedbridge.channels.aliexpress.client.products import product_info
from support.fixtures import Admin
from support.products import DRESSES, NOT_LEAF, Shop

ITEM_SECONDS = 10.0


@pytest.fixture(autouse=True)
def slow_jobs(admin: Admin) -> None:
    """Only the test moves the sandbox clock (besides the client's short limiter waits): jobs wait 1 s in
    the queue, then take 10 s per item."""
    admin.post("/clock", {"frozen": True})
    admin.post("/behaviour", {"timings": {"feed_queue_seconds": 1, "feed_item_seconds": ITEM_SECONDS}})


def test_a_feed_with_a_failing_item(
    any_client: AliExpressClient, seller_token: str, shop: Shop, admin: Admin
) -> None:
    items = [
        FeedItem(item_content_id="good", item_content=shop.instance()),
        FeedItem(item_content_id="bad", item_content=shop.instance(category_id=NOT_LEAF)),
    ]
    job_id = submit_feed(any_client, seller_token, FeedOperation.PRODUCT_CREATE, items)
    queued = query_feed(any_client, seller_token, job_id)
    assert (queued.job_id, queued.total_item_count, queued.results, queued.finished) == (job_id, 2, [], False)

    admin.post("/clock", {"advance_seconds": 1 + ITEM_SECONDS})
    first = query_feed(any_client, seller_token, job_id)
    assert [r.item_content_id for r in first.results] == ["good"] and not first.finished

    admin.post("/clock", {"advance_seconds": ITEM_SECONDS})
    done = query_feed(any_client, seller_token, job_id)
    assert done.finished and done.success_item_count == 1
    good, bad = done.results
    assert good.success and good.product_id and good.error_code is None
    assert product_info(any_client, seller_token, good.product_id).category_id == DRESSES
    assert not bad.success and bad.product_id is None
    assert bad.error_code == "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY" and bad.error_message


def test_list_and_invalidate(
    api_client: AliExpressClient, seller_token: str, shop: Shop, admin: Admin
) -> None:
    stock = {"aliexpress_product_id": 1, "multiple_sku_update_list": [{"sku_code": "A", "inventory": 1}]}
    item = [FeedItem(item_content_id="1", item_content=stock)]
    older = submit_feed(api_client, seller_token, FeedOperation.PRODUCT_STOCKS_UPDATE, item)
    admin.post("/clock", {"advance_seconds": 1 + ITEM_SECONDS})
    newer = submit_feed(api_client, seller_token, FeedOperation.PRODUCT_STOCKS_UPDATE, item)
    create = submit_feed(
        api_client,
        seller_token,
        FeedOperation.PRODUCT_CREATE,
        [FeedItem(item_content_id="x", item_content=shop.instance())],
    )

    page = list_feeds(api_client, seller_token, operation=FeedOperation.PRODUCT_STOCKS_UPDATE)
    assert page.total_count == 2 and [j.job_id for j in page.jobs] == [newer, older]
    assert [j.status for j in page.jobs] == ["QUEUEING", "FINISH"]
    queued = list_feeds(api_client, seller_token, status=FeedStatus.QUEUEING, page_size=1)
    assert (queued.total_count, queued.total_page, len(queued.jobs)) == (2, 2, 1)
    recent = list_feeds(api_client, seller_token, submitted_from=datetime.now(UTC) + timedelta(seconds=3))
    assert {j.job_id for j in recent.jobs} == {newer, create}

    outcome = invalidate_feeds(api_client, seller_token, [newer, older, 42])
    assert (outcome.successful, outcome.no_need_invalidation, outcome.failed) == ([newer], [older], [42])
    (single,) = invalidate_feeds(api_client, seller_token, [create]).successful
    assert single == create


def test_feed_sizes(api_client: AliExpressClient, seller_token: str) -> None:
    items = [FeedItem(item_content_id=str(i), item_content={}) for i in range(301)]
    with pytest.raises(ValueError, match="300"):
        submit_feed(api_client, seller_token, FeedOperation.PRODUCT_CREATE, items)
    with pytest.raises(ValueError, match="100"):
        invalidate_feeds(api_client, seller_token, list(range(101)))


def test_unknown_job(api_client: AliExpressClient, seller_token: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        query_feed(api_client, seller_token, 7)
    assert raised.value.sub_code == "FEED_JOB_NOT_FOUND"
