"""Executes the sync's tasks against AliExpress (the channel half of a run; DESIGN §3, §5).

Creates and content updates send the listing's schema instance (instance.post / full.update) with its
images in the photobank first; price-only and stock-only changes go 20 products per batch call; removals
take 50 products offline or delete 100 per call. Every task gets its own result: a batch answer is split
per product, and a product still in AliExpress's review is DEFERRED to a later run, not failed.

A create is not safe to repeat: when its answer is lost, the product is looked up by SKU code before the
create is sent again, so a listing never becomes two products.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from feedbridge.channels.aliexpress.client import (
    AliExpressClient,
    AliExpressError,
    AuthError,
    InvalidRequest,
    PlatformError,
    TransportError,
    batch,
    feeds,
    products,
)
from feedbridge.channels.aliexpress.client.product_requests import ProductStatus
from feedbridge.channels.aliexpress.images import ImageUnusable, Photobank
from feedbridge.channels.protocol import (
    Action,
    Outcome,
    RemoteProduct,
    RemoteStatus,
    StopRun,
    Task,
    TaskResult,
)

STATUSES: tuple[ProductStatus, ...] = ("onSelling", "auditing", "editingRequired", "offline")
CREATE_ATTEMPTS = 3  # a create whose answer is lost, checked and not found, is sent again this often
FEED_LONGEST_PAUSE = 60.0
FEED_WAIT_SECONDS = 3600.0
_FEED_OPERATION = {
    Action.CREATE: feeds.FeedOperation.PRODUCT_CREATE,
    Action.UPDATE_CONTENT: feeds.FeedOperation.PRODUCT_FULL_UPDATE,
}
_BATCH = {
    Action.UPDATE_PRICE: batch.MAX_UPDATE_PRODUCTS,
    Action.UPDATE_STOCK: batch.MAX_UPDATE_PRODUCTS,
    Action.TAKE_OFFLINE: batch.MAX_STATUS_CHANGE,
    Action.BRING_ONLINE: batch.MAX_STATUS_CHANGE,
    Action.DELETE: batch.MAX_DELETE,
}
PRODUCT_NOT_FOUND = "090014"
NOT_OFFLINE = "090015"
# The platform's code for "under review" is not documented (REFERENCE §3.1); the sandbox's is SBX.PRODUCT_AUDITING.
_REVIEW_WORDS = ("audit", "under review")


@dataclass(frozen=True)
class FeedUse:
    """When creates and content updates go as feed jobs: a run with at least `min_listings` of one of them,
    within `per_day` jobs per operation type and seller in 24 hours."""

    min_listings: int
    per_day: int


class AliExpressExporter:
    def __init__(self, client: AliExpressClient, token: str, photobank: Photobank, feeds: FeedUse) -> None:
        self._client = client
        self._token = token
        self._photobank = photobank
        self._feeds = feeds

    def calls(self) -> int:
        return self._client.calls

    def prepare(self, action: Action, tasks: Sequence[Task]) -> list[list[Task]]:
        """The units of work for `tasks`: one call's worth each (a feed job holds up to 300 listings).
        Before creates whose answer was lost are re-checked, the seller's unfinished feed jobs end, so
        that a product an interrupted feed is still making is found rather than made twice."""
        if action is Action.RECHECK and tasks:
            self._settle_feeds()
        size = _BATCH.get(action, 1)
        units = [list(tasks[start : start + size]) for start in range(0, len(tasks), size)]
        operation = _FEED_OPERATION.get(action)
        if operation is None or len(tasks) < self._feeds.min_listings:
            return units
        jobs = min(self._feed_budget(operation), -(-len(tasks) // feeds.MAX_ITEMS))
        cut = min(len(tasks), jobs * feeds.MAX_ITEMS)
        by_feed = [list(tasks[start : start + feeds.MAX_ITEMS]) for start in range(0, cut, feeds.MAX_ITEMS)]
        return by_feed + [[task] for task in tasks[cut:]]

    def execute(self, action: Action, tasks: Sequence[Task]) -> list[TaskResult]:
        try:
            match action:
                case Action.CREATE | Action.UPDATE_CONTENT if len(tasks) > 1:
                    return self._feed(action, tasks)
                case Action.CREATE | Action.RECHECK | Action.UPDATE_CONTENT:
                    return [self._single(action, task) for task in tasks]
                case Action.UPDATE_PRICE | Action.UPDATE_STOCK:
                    return self._batch_update(action, tasks)
                case Action.TAKE_OFFLINE | Action.BRING_ONLINE:
                    return self._change_status(action, tasks)
                case Action.DELETE:
                    return self._delete(tasks)
        except AuthError as error:
            raise StopRun(
                f"AliExpress refused the seller's authorisation ({error}); reconnect the seller account "
                "(Connect with AliExpress, or `feedbridge connections add LABEL` again) and run again; nothing "
                "more was sent"
            ) from None
        raise ValueError(f"{action} is not sent to AliExpress")

    # Reading the seller's products (the initial run's matching).

    def remote_products(self, progress: Callable[[int, int], None]) -> Iterator[RemoteProduct]:
        summaries = [
            (summary.product_id, status, summary.subject)
            for status in STATUSES
            for summary in products.iter_products(self._client, self._token, status)
        ]
        with ThreadPoolExecutor(max_workers=4) as pool:
            infos = pool.map(lambda s: products.product_info(self._client, self._token, s[0]), summaries)
            for done, ((product_id, status, title), info) in enumerate(zip(summaries, infos, strict=True), 1):
                codes = tuple(sku.sku_code for sku in info.skus if sku.sku_code)
                yield RemoteProduct(product_id, _remote_status(status), title, codes, status)
                progress(done, len(summaries))

    def find_product(self, sku_codes: Sequence[str]) -> tuple[int, RemoteStatus] | None:
        """The seller's product that holds the first SKU code, in any state."""
        if not sku_codes:
            return None
        for status in STATUSES:
            for summary in products.iter_products(self._client, self._token, status, sku_code=sku_codes[0]):
                return summary.product_id, _remote_status(status)
        return None

    # One listing per call.

    def _single(self, action: Action, task: Task) -> TaskResult:
        try:
            if action is Action.RECHECK:
                found = self.find_product(task.sku_codes)
                if found is not None:
                    return TaskResult(task, Outcome.DONE, found[0], found[1], found_existing=True)
                if task.payload is None:  # not sendable any more: there is nothing to create
                    return TaskResult(task, Outcome.DONE, status=RemoteStatus.MISSING)
                return self._create(task)
            if action is Action.CREATE:
                return self._create(task)
            instance = self._instance(task)
            instance["aliexpress_product_id"] = task.product_id
            products.full_update_instance(self._client, self._token, instance)
            return TaskResult(task, Outcome.DONE, product_id=task.product_id)
        except ImageUnusable as error:
            return TaskResult(task, Outcome.FAILED, error_code="IMAGE_UNUSABLE", error=str(error))
        except AuthError:
            raise
        except AliExpressError as error:
            result = _failed(task, error)
            if action is not Action.UPDATE_CONTENT and not isinstance(error, InvalidRequest):
                return replace(result, uncertain=True)
            return result

    def _create(self, task: Task) -> TaskResult:
        instance = self._instance(task)
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                product_id = products.post_instance(self._client, self._token, instance)
                return TaskResult(task, Outcome.DONE, product_id=product_id, status=RemoteStatus.LIVE)
            except (InvalidRequest, AuthError):
                raise
            except AliExpressError:
                # The answer was lost or the platform failed after the request reached it: the product may
                # exist. Look before sending again.
                found = self.find_product(task.sku_codes)
                if found is not None:
                    return TaskResult(task, Outcome.DONE, product_id=found[0], status=found[1])
                if attempt == CREATE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _instance(self, task: Task) -> dict[str, Any]:
        assert task.payload is not None, f"{task.action} of {task.listing} without a payload"
        instance: dict[str, Any] = orjson.loads(task.payload)
        instance["image_url_list"] = [
            self._photobank.url_for(url) for url in instance.get("image_url_list", [])
        ]
        for sku in instance.get("sku_info_list", []):
            for attribute in (sku.get("sku_attributes") or {}).values():
                if attribute.get("sku_image_url"):
                    attribute["sku_image_url"] = self._photobank.url_for(attribute["sku_image_url"])
        return instance

    # Feed jobs (REFERENCE §3.10): up to 300 creates or full updates in one asynchronous job.

    def _feed(self, action: Action, tasks: Sequence[Task]) -> list[TaskResult]:
        results: list[TaskResult] = []
        items: list[feeds.FeedItem] = []
        sent: list[Task] = []
        for task in tasks:
            try:
                instance = self._instance(task)
            except ImageUnusable as error:
                results.append(
                    TaskResult(task, Outcome.FAILED, error_code="IMAGE_UNUSABLE", error=str(error))
                )
                continue
            if action is Action.UPDATE_CONTENT:
                instance["aliexpress_product_id"] = task.product_id
            items.append(feeds.FeedItem(item_content_id=str(len(sent)), item_content=instance))
            sent.append(task)
        if not sent:
            return results
        try:
            job = feeds.submit_feed(self._client, self._token, _FEED_OPERATION[action], items)
            done = self._finished(job)
        except AuthError:
            raise
        except AliExpressError as error:
            # A create job whose answer was lost may still run: its creates are re-checked by the next run.
            uncertain = action is Action.CREATE and not isinstance(error, InvalidRequest)
            return results + [replace(_failed(task, error), uncertain=uncertain) for task in sent]
        outcomes = {item.item_content_id: item for item in done.results}
        for index, task in enumerate(sent):
            item = outcomes.get(str(index))
            if item is not None and item.success:
                product = item.product_id if action is Action.CREATE else task.product_id
                results.append(TaskResult(task, Outcome.DONE, product, RemoteStatus.LIVE))
            else:
                message = item.error_message if item is not None else "the feed job reported nothing for it"
                refusal = InvalidRequest(message or "refused", code=item.error_code if item else None)
                results.append(_failed(task, refusal))
        return results

    def _finished(self, job_id: int) -> feeds.FeedJobResult:
        """The job's results once every item has one, asking after 1 s, 2 s, 4 s … (at most a minute apart)."""
        waited, pause = 0.0, 1.0
        while True:
            result = feeds.query_feed(self._client, self._token, job_id)
            if result.finished:
                return result
            if waited >= FEED_WAIT_SECONDS:
                minutes = FEED_WAIT_SECONDS / 60
                raise PlatformError(f"feed job {job_id} did not finish within {minutes:g} minutes")
            self._client.clock.sleep(pause)
            waited += pause
            pause = min(2 * pause, FEED_LONGEST_PAUSE)

    def _feed_budget(self, operation: feeds.FeedOperation) -> int:
        """Feed jobs of this type still allowed today (the seller's jobs of every tool count)."""
        since = datetime.fromtimestamp(self._client.clock.now(), UTC) - timedelta(days=1)
        page = feeds.list_feeds(
            self._client, self._token, operation=operation, submitted_from=since, page_size=1
        )
        return max(0, self._feeds.per_day - page.total_count)

    def _settle_feeds(self) -> None:
        """Cancel the seller's queued product feeds and wait for the running ones (an interrupted run's)."""
        for operation in _FEED_OPERATION.values():
            for status in (feeds.FeedStatus.QUEUEING, feeds.FeedStatus.PROCESSING):
                page = feeds.list_feeds(
                    self._client, self._token, operation=operation, status=status, page_size=50
                )
                jobs = [job.job_id for job in page.jobs]
                if jobs and status is feeds.FeedStatus.QUEUEING:
                    feeds.invalidate_feeds(self._client, self._token, jobs[: feeds.MAX_INVALIDATE])
                for job in jobs:
                    self._finished(job)

    # Batches.

    def _batch_update(self, action: Action, tasks: Sequence[Task]) -> list[TaskResult]:
        by_product = {task.product_id: task for task in tasks}
        try:
            if action is Action.UPDATE_PRICE:
                outcome = batch.update_prices(self._client, self._token, [_price_update(t) for t in tasks])
            else:
                outcome = batch.update_stocks(self._client, self._token, [_stock_update(t) for t in tasks])
        except AuthError:
            raise
        except AliExpressError as error:
            return [_failed(task, error) for task in tasks]
        results = [TaskResult(by_product[pid], Outcome.DONE, product_id=pid) for pid in outcome.succeeded]
        for failure in outcome.failed:
            task = by_product[failure.product_id]
            refusal = InvalidRequest(failure.message or "refused", code=failure.code)
            results.append(_failed(task, refusal))
        return results

    def _change_status(self, action: Action, tasks: Sequence[Task]) -> list[TaskResult]:
        change = batch.take_offline if action is Action.TAKE_OFFLINE else batch.bring_online
        ids = [task.product_id for task in tasks if task.product_id is not None]
        try:
            outcome = change(self._client, self._token, ids)
        except AuthError:
            raise
        except AliExpressError as error:
            return [_failed(task, error) for task in tasks]
        # Already gone (taking offline) or already online (bringing online): what the task wanted.
        harmless = PRODUCT_NOT_FOUND if action is Action.TAKE_OFFLINE else NOT_OFFLINE
        failures = {f.product_id: f for f in outcome.failed}
        results = []
        for task in tasks:
            failure = failures.get(task.product_id)
            if failure is None or failure.code == harmless:
                gone = failure is not None and action is Action.TAKE_OFFLINE
                status = RemoteStatus.MISSING if gone else None
                results.append(TaskResult(task, Outcome.DONE, product_id=task.product_id, status=status))
            else:
                refusal = InvalidRequest(failure.message or "refused", code=failure.code)
                results.append(_failed(task, refusal))
        return results

    def _delete(self, tasks: Sequence[Task]) -> list[TaskResult]:
        ids = [task.product_id for task in tasks if task.product_id is not None]
        try:
            batch.delete_products(self._client, self._token, ids)
        except AuthError:
            raise
        except AliExpressError as error:
            if not _not_found(error):
                return [_failed(task, error) for task in tasks]
            if len(tasks) == 1:  # already deleted: what the task wanted
                return [TaskResult(tasks[0], Outcome.DONE, tasks[0].product_id, RemoteStatus.MISSING)]
            # The batch is all or nothing: one unknown product refuses it, so each product goes on its own.
            return [result for task in tasks for result in self._delete([task])]
        return [TaskResult(task, Outcome.DONE, product_id=task.product_id) for task in tasks]


def _remote_status(status: str) -> RemoteStatus:
    return RemoteStatus.OFFLINE if status == "offline" else RemoteStatus.LIVE


def _not_found(error: AliExpressError) -> bool:
    return PRODUCT_NOT_FOUND in (error.code, error.sub_code)


def _in_review(error: AliExpressError) -> bool:
    text = f"{error.sub_code or ''} {error.message}".lower()
    return any(word in text for word in _REVIEW_WORDS)


def _failed(task: Task, error: AliExpressError) -> TaskResult:
    outcome = Outcome.DEFERRED if _in_review(error) else Outcome.FAILED
    code = error.sub_code or error.code or type(error).__name__
    if isinstance(error, TransportError):
        code = "NO_ANSWER"
    gone = RemoteStatus.MISSING if _not_found(error) else None  # deleted on AliExpress meanwhile
    return TaskResult(task, outcome, task.product_id, gone, error_code=code, error=error.message)


def _skus(task: Task) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    assert task.payload is not None, f"{task.action} of {task.listing} without a payload"
    instance = orjson.loads(task.payload)
    return instance.get("sku_info_list", []), instance


def _price_update(task: Task) -> batch.PriceUpdate:
    skus, instance = _skus(task)
    prices = [
        batch.SkuPrice.model_validate(
            {"sku_code": sku["sku_code"], "price": sku["price"], "discount_price": sku.get("discount_price")}
        )
        for sku in skus
    ]
    countries = instance.get("multi_country_price_configuration")
    return batch.PriceUpdate.model_validate(
        {
            "product_id": task.product_id,
            "multiple_sku_update_list": prices,
            "multi_country_price_configuration": countries,
        }
    )


def _stock_update(task: Task) -> batch.StockUpdate:
    skus, _ = _skus(task)
    stocks = [batch.SkuStock(sku_code=sku["sku_code"], inventory=int(sku["inventory"])) for sku in skus]
    return batch.StockUpdate(product_id=task.product_id, multiple_sku_update_list=stocks)
