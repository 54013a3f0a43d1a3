"""Feed APIs: submit, query, list, invalidate (REFERENCE §3.10, Appendix B)."""

from __future__ import annotations

import math
from typing import Any
from zoneinfo import ZoneInfo

from ..call import Call
from ..clock import parse_in_zone
from ..errors import business, invalid_parameter
from ..feeds import (
    FEEDS_PER_TYPE_PER_DAY,
    MAX_ITEMS,
    OPERATION_TYPES,
    invalidate,
    submit,
    submitted_today,
)
from ..registry import api
from ..store import dumps, loads

# feed.list.get reads its time filters in the America/Los_Angeles zone.
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
STATUSES = ("QUEUEING", "PROCESSING", "FINISH")
MAX_INVALIDATE = 100


def _operation(call: Call, name: str, *, required: bool = True) -> str | None:
    value = call.params.require(name) if required else call.params.get(name)
    if value is not None and value not in OPERATION_TYPES:
        raise invalid_parameter(name, f"must be one of {', '.join(OPERATION_TYPES)}")
    return value


def _items(call: Call) -> list[dict[str, Any]]:
    items = call.params.json("item_list")
    if not isinstance(items, list) or not items:
        raise invalid_parameter(
            "item_list", "expected a non-empty JSON array of {item_content_id, item_content}"
        )
    if len(items) > MAX_ITEMS:
        raise invalid_parameter("item_list", f"at most {MAX_ITEMS} items per feed, got {len(items)}")
    seen: set[str] = set()
    for i, item in enumerate(items):
        if (
            not isinstance(item, dict)
            or not item.get("item_content_id")
            or item.get("item_content") in (None, "")
        ):
            raise invalid_parameter("item_list", f"item {i} needs item_content_id and item_content")
        content_id = str(item["item_content_id"])
        if content_id in seen:
            raise invalid_parameter("item_list", f"item_content_id {content_id!r} appears twice")
        seen.add(content_id)
    return [{"item_content_id": str(i["item_content_id"]), "item_content": i["item_content"]} for i in items]


@api("aliexpress.solution.feed.submit")
def feed_submit(call: Call) -> dict[str, Any]:
    operation = _operation(call, "operation_type")
    assert operation is not None
    items = _items(call)
    if submitted_today(call.sandbox, call.seller_id, operation) >= FEEDS_PER_TYPE_PER_DAY:
        raise business(
            "FEED_SUBMIT_LIMIT",
            f"at most {FEEDS_PER_TYPE_PER_DAY} {operation} feeds per seller in 24 hours; try again later",
        )
    return {"job_id": submit(call.sandbox, call.seller_id, operation, items)}


def _job(call: Call, job_id: int) -> Any:
    job = call.store.one(
        "SELECT * FROM feed_jobs WHERE job_id = ? AND seller_id = ?", (job_id, call.seller_id)
    )
    if job is None:
        raise business("FEED_JOB_NOT_FOUND", f"job {job_id} does not exist for this seller")
    return job


@api("aliexpress.solution.feed.query")
def feed_query(call: Call) -> dict[str, Any]:
    job_id = call.params.integer("job_id")
    assert job_id is not None
    job = _job(call, job_id)
    results = loads(job["results"])
    return {
        "job_id": job_id,
        "total_item_count": len(loads(job["items"])),
        "success_item_count": sum(1 for r in results if r["result"]["success"]),
        "result_list": [
            {"item_content_id": r["item_content_id"], "item_execution_result": dumps(r["result"])}
            for r in results
        ],
    }


@api("aliexpress.solution.feed.list.get")
def feed_list(call: Call) -> dict[str, Any]:
    params = call.params
    page = params.integer("current_page", required=False, minimum=1) or 1
    size = params.integer("page_size", required=False, minimum=1) or 20
    clauses: list[str] = ["seller_id = ?"]
    args: list[object] = [call.seller_id]
    feed_type = _operation(call, "feed_type", required=False)
    if feed_type:
        clauses.append("operation_type = ?")
        args.append(feed_type)
    status = params.get("status")
    if status is not None:
        if status not in STATUSES:
            raise invalid_parameter("status", f"must be one of {', '.join(STATUSES)}")
        clauses.append("status = ?")
        args.append(status)
    for name, op in (("submitted_time_start", ">="), ("submitted_time_end", "<=")):
        text = params.get(name)
        if text is not None:
            try:
                clauses.append(f"submitted_at {op} ?")
                args.append(parse_in_zone(text, LOS_ANGELES))
            except ValueError:
                raise invalid_parameter(name, "expected yyyy-MM-dd HH:mm:ss (America/Los_Angeles)") from None
    where = " AND ".join(clauses)
    row = call.store.one(f"SELECT COUNT(*) AS n FROM feed_jobs WHERE {where}", args)
    total = int(row["n"]) if row else 0
    rows = call.store.all(
        f"SELECT job_id, operation_type, status FROM feed_jobs WHERE {where} ORDER BY job_id DESC LIMIT ? OFFSET ?",
        [*args, size, (page - 1) * size],
    )
    return {
        "current_page": page,
        "page_size": size,
        "total_count": total,
        "total_page": math.ceil(total / size),
        "job_list": [
            {"job_id": r["job_id"], "operation_type": r["operation_type"], "status": r["status"]}
            for r in rows
        ],
    }


@api("aliexpress.solution.feed.invalidate")
def feed_invalidate(call: Call) -> dict[str, Any]:
    text = call.params.require("job_id_list")
    try:
        job_ids = [int(part) for part in text.split(";") if part.strip()]
    except ValueError:
        raise invalid_parameter("job_id_list", "expected job ids separated by ';'") from None
    if not 1 <= len(job_ids) <= MAX_INVALIDATE:
        raise invalid_parameter("job_id_list", f"1 to {MAX_INVALIDATE} job ids")
    return invalidate(call.sandbox, call.seller_id, job_ids)
