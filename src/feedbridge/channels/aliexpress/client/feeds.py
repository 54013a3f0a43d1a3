"""Feeds, the asynchronous batch APIs: submit, query, list, invalidate (REFERENCE §3.10, Appendix B)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import orjson
from pydantic import BeforeValidator, Field

from .client import AliExpressClient
from .lists import AeList
from .models import AeRequest, AeResponse, json_object
from .spec import ApiSpec


class FeedOperation(enum.StrEnum):
    PRODUCT_CREATE = "PRODUCT_CREATE"
    PRODUCT_FULL_UPDATE = "PRODUCT_FULL_UPDATE"
    PRODUCT_STOCKS_UPDATE = "PRODUCT_STOCKS_UPDATE"
    PRODUCT_PRICES_UPDATE = "PRODUCT_PRICES_UPDATE"


class FeedStatus(enum.StrEnum):
    QUEUEING = "QUEUEING"
    PROCESSING = "PROCESSING"
    FINISH = "FINISH"


# A lost answer to a PRODUCT_CREATE feed may hide a queued job that will create products: never re-sent.
# The update feeds are absolute (the same content twice gives the same product), so they may be.
FEED_SUBMIT_CREATE = ApiSpec("aliexpress.solution.feed.submit", idempotent=False)
FEED_SUBMIT = ApiSpec("aliexpress.solution.feed.submit")
FEED_QUERY = ApiSpec("aliexpress.solution.feed.query")
FEED_LIST = ApiSpec("aliexpress.solution.feed.list.get")
FEED_INVALIDATE = ApiSpec("aliexpress.solution.feed.invalidate")
MAX_ITEMS = 300
MAX_INVALIDATE = 100
# feed.list.get reads its submitted-time filters in this zone (§3.10).
LIST_ZONE = ZoneInfo("America/Los_Angeles")


class FeedItem(AeRequest):
    item_content_id: str  # the caller's id, unique within one feed
    item_content: dict[str, Any]  # a schema instance, or a stocks/prices update (§3.10)

    def wire(self) -> dict[str, Any]:
        # item_content is a String parameter in the API metadata: JSON inside JSON.
        return {
            "item_content_id": self.item_content_id,
            "item_content": orjson.dumps(self.item_content).decode(),
        }


class FeedItemResult(AeResponse):
    item_content_id: str
    success: bool = False
    product_id: int | None = Field(None, alias="productId")
    error_code: str | None = Field(None, alias="errorCode")
    error_message: str | None = Field(None, alias="errorMessage")


def _execution_result(item: Any) -> Any:
    """Flatten `{item_content_id, item_execution_result: "<JSON string>"}` into one object."""
    if isinstance(item, dict) and "item_execution_result" in item:
        return {**json_object(item["item_execution_result"]), "item_content_id": item.get("item_content_id")}
    return item


class FeedJobResult(AeResponse):
    job_id: int
    total_item_count: int = 0
    success_item_count: int = 0
    results: AeList[Annotated[FeedItemResult, BeforeValidator(_execution_result)]] = Field(
        default_factory=list, alias="result_list"
    )

    @property
    def finished(self) -> bool:
        """Results appear item by item: fewer results than items means the job is still running."""
        return len(self.results) >= self.total_item_count


class FeedJob(AeResponse):
    job_id: int
    operation_type: str
    status: str


class FeedJobPage(AeResponse):
    current_page: int = 1
    page_size: int = 0
    total_count: int = 0
    total_page: int = 0
    jobs: AeList[FeedJob] = Field(default_factory=list, alias="job_list")


class FeedInvalidation(AeResponse):
    successful: AeList[int] = Field(default_factory=list, alias="successful_list")
    failed: AeList[int] = Field(default_factory=list, alias="failed_list")
    # Jobs already running or finished.
    no_need_invalidation: AeList[int] = Field(default_factory=list, alias="no_need_invalidation_list")


def submit_feed(
    client: AliExpressClient, token: str, operation: FeedOperation, items: Sequence[FeedItem]
) -> int:
    """Queue up to 300 items of one operation type and return the job id."""
    if not 1 <= len(items) <= MAX_ITEMS:
        raise ValueError(f"a feed holds 1 to {MAX_ITEMS} items, got {len(items)}")
    spec = FEED_SUBMIT_CREATE if operation is FeedOperation.PRODUCT_CREATE else FEED_SUBMIT
    params = {"operation_type": operation.value, "item_list": [item.wire() for item in items]}
    return int(client.call(spec, params, token=token)["job_id"])


def query_feed(client: AliExpressClient, token: str, job_id: int) -> FeedJobResult:
    return FeedJobResult.model_validate(client.call(FEED_QUERY, {"job_id": job_id}, token=token))


def _list_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("submitted times must be timezone-aware")
    return value.astimezone(LIST_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def list_feeds(
    client: AliExpressClient,
    token: str,
    *,
    operation: FeedOperation | None = None,
    status: FeedStatus | None = None,
    submitted_from: datetime | None = None,
    submitted_to: datetime | None = None,
    page: int = 1,
    page_size: int = 20,
) -> FeedJobPage:
    """One page of the seller's feed jobs, newest first."""
    params = {
        "current_page": page,
        "page_size": page_size,
        "feed_type": operation.value if operation else None,
        "status": status.value if status else None,
        "submitted_time_start": _list_time(submitted_from),
        "submitted_time_end": _list_time(submitted_to),
    }
    return FeedJobPage.model_validate(client.call(FEED_LIST, params, token=token))


def invalidate_feeds(client: AliExpressClient, token: str, job_ids: Sequence[int]) -> FeedInvalidation:
    """Cancel queued jobs (at most 100 per call)."""
    if not 1 <= len(job_ids) <= MAX_INVALIDATE:
        raise ValueError(f"1 to {MAX_INVALIDATE} jobs per call, got {len(job_ids)}")
    body = client.call(FEED_INVALIDATE, {"job_id_list": ";".join(map(str, job_ids))}, token=token)
    return FeedInvalidation.model_validate(body)
