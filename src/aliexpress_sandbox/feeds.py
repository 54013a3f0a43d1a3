"""Feed jobs (REFERENCE §3.10): QUEUEING → PROCESSING → FINISH on the sandbox clock, item by item.

Each item goes through exactly the function the synchronous API uses, so a feed item fails or passes
for the same reasons and with the same codes. Jobs advance lazily (before every feed or product read)
and in the background (the app's ticker), so their products appear even when nobody polls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from .errors import ApiError
from .products.service import create_from_instance, full_update_from_instance
from .products.updates import update_price, update_stock
from .registry import tick
from .state import Sandbox
from .store import dumps, loads

Processor = Callable[[Sandbox, int, dict[str, Any]], int]
PROCESSORS: dict[str, Processor] = {
    "PRODUCT_CREATE": create_from_instance,
    "PRODUCT_FULL_UPDATE": full_update_from_instance,
    "PRODUCT_STOCKS_UPDATE": update_stock,
    "PRODUCT_PRICES_UPDATE": update_price,
}
OPERATION_TYPES = tuple(PROCESSORS)
MAX_ITEMS = 300
FEEDS_PER_TYPE_PER_DAY = 300
JOB_ID_BASE = 200000000060000000


def _content(raw: Any) -> dict[str, Any]:
    """item_content is a JSON string per the API docs; the tutorial shows it nested — accept both."""
    value = raw
    if isinstance(raw, str):
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ApiError("InvalidParameter", f"item_content is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ApiError("InvalidParameter", "item_content must be a JSON object")
    return value


def _execute(sandbox: Sandbox, seller_id: int, operation: str, item: dict[str, Any]) -> dict[str, Any]:
    try:
        product_id = PROCESSORS[operation](sandbox, seller_id, _content(item["item_content"]))
    except ApiError as error:
        return {
            "success": False,
            "errorCode": error.sub_code or error.code,
            "errorMessage": error.sub_msg or error.message,
        }
    return {"productId": product_id, "success": True}


def status_of(job: Any, processed: int, now: float) -> str:
    if job["invalidated"] or processed >= len(loads(job["items"])):
        return "FINISH"
    return "QUEUEING" if now < job["start_at"] else "PROCESSING"


@tick
def advance(sandbox: Sandbox) -> None:
    """Process every item whose time has come (item i is due at start_at + (i + 1) × item_seconds)."""
    now = sandbox.clock.now()
    for job in sandbox.store.all(
        "SELECT * FROM feed_jobs WHERE status != 'FINISH' AND start_at <= ?", (now,)
    ):
        items, results = loads(job["items"]), loads(job["results"])
        due = len(items) if job["item_seconds"] <= 0 else int((now - job["start_at"]) / job["item_seconds"])
        due = min(len(items), due)
        for item in items[len(results) : due]:
            results.append(
                {
                    "item_content_id": item["item_content_id"],
                    "result": _execute(sandbox, job["seller_id"], job["operation_type"], item),
                }
            )
        sandbox.store.run(
            "UPDATE feed_jobs SET results = ?, status = ? WHERE job_id = ?",
            (dumps(results), status_of(job, len(results), now), job["job_id"]),
        )


def submit(sandbox: Sandbox, seller_id: int, operation: str, items: list[dict[str, Any]]) -> int:
    timings, now = sandbox.behaviour.timings, sandbox.clock.now()
    start_at = now + timings.feed_queue_seconds
    with sandbox.store.transaction() as conn:
        row = conn.execute("SELECT COALESCE(MAX(job_id), ?) + 1 FROM feed_jobs", (JOB_ID_BASE,)).fetchone()
        job_id = int(row[0])
        conn.execute(
            "INSERT INTO feed_jobs (job_id, seller_id, operation_type, status, submitted_at, start_at, item_seconds,"
            " items, results) VALUES (?, ?, ?, 'QUEUEING', ?, ?, ?, ?, '[]')",
            (job_id, seller_id, operation, now, start_at, timings.feed_item_seconds, dumps(items)),
        )
    return job_id


def submitted_today(sandbox: Sandbox, seller_id: int, operation: str) -> int:
    since = sandbox.clock.now() - 86400
    row = sandbox.store.one(
        "SELECT COUNT(*) AS n FROM feed_jobs WHERE seller_id = ? AND operation_type = ? AND submitted_at > ?",
        (seller_id, operation, since),
    )
    return int(row["n"]) if row else 0


def invalidate(sandbox: Sandbox, seller_id: int, job_ids: list[int]) -> dict[str, list[int]]:
    """Queued jobs are cancelled; jobs already running or finished need no invalidation; others fail."""
    answer: dict[str, list[int]] = {"successful_list": [], "failed_list": [], "no_need_invalidation_list": []}
    for job_id in job_ids:
        job = sandbox.store.one(
            "SELECT * FROM feed_jobs WHERE job_id = ? AND seller_id = ?", (job_id, seller_id)
        )
        if job is None:
            answer["failed_list"].append(job_id)
        elif job["status"] == "QUEUEING" and not job["invalidated"]:
            sandbox.store.run(
                "UPDATE feed_jobs SET invalidated = 1, status = 'FINISH' WHERE job_id = ?", (job_id,)
            )
            answer["successful_list"].append(job_id)
        else:
            answer["no_need_invalidation_list"].append(job_id)
    return answer
