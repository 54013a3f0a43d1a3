"""aliexpress.solution.product.list.get: the ItemListQuery filters and paging (REFERENCE §3.4)."""

from __future__ import annotations

import math
from typing import Any

from ..clock import parse_gmt8
from ..state import Sandbox
from .codes import fail
from .coerce import array, integer, text
from .model import STATUSES
from .render import list_item
from .repository import EFFECTIVE_STATUS, from_row, seller_currency

DEFAULT_PAGE_SIZE = 20
PAGE_SIZE_LIMIT = 100  # page_size must be below this
WS_DISPLAY = ("expire_offline", "user_offline", "violate_offline", "punish_offline", "degrade_offline")
TIME_FILTERS = {
    "gmt_create_start": "created_at >= ?",
    "gmt_create_end": "created_at <= ?",
    "gmt_modified_start": "modified_at >= ?",
    "gmt_modified_end": "modified_at <= ?",
}


def _where(sandbox: Sandbox, seller_id: int, query: dict[str, Any]) -> tuple[str, list[Any]]:
    status = query.get("product_status_type")
    if status in (None, ""):
        raise fail("field_required", field="productStatusType")
    if status not in STATUSES:
        raise fail("field_invalid", field="product_status_type", why=f"must be one of {', '.join(STATUSES)}")
    clauses = ["seller_id = ?", f"{EFFECTIVE_STATUS} = ?"]
    args: list[Any] = [seller_id, sandbox.clock.now(), status]

    def given(key: str) -> bool:
        return query.get(key) not in (None, "")

    if given("product_id"):
        clauses.append("product_id = ?")
        args.append(integer(query["product_id"], "product_id"))
    if given("sku_code"):
        clauses.append(
            "product_id IN (SELECT product_id FROM product_skus WHERE seller_id = ? AND sku_code = ?)"
        )
        args += [seller_id, text(query["sku_code"], "sku_code")]
    if given("subject"):
        subject = text(query["subject"], "subject")
        if len(subject) > 128:
            raise fail("field_invalid", field="subject", why="at most 128 characters")
        clauses.append("subject LIKE ? ESCAPE '\\'")
        escaped = subject.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        args.append(f"%{escaped}%")
    if given("group_id"):
        clauses.append("EXISTS (SELECT 1 FROM json_each(products.data, '$.group_ids') WHERE value = ?)")
        args.append(integer(query["group_id"], "group_id"))
    for key, clause in TIME_FILTERS.items():
        if given(key):
            try:
                args.append(parse_gmt8(text(query[key], key)))
            except ValueError:
                raise fail("field_invalid", field=key, why="expected yyyy-MM-dd HH:mm:ss (GMT+8)") from None
            clauses.append(clause)
    if given("excepted_product_ids"):
        excluded = [integer(i, "excepted_product_ids") for i in array(query["excepted_product_ids"], "x")]
        clauses.append(f"product_id NOT IN ({', '.join('?' * len(excluded))})" if excluded else "1")
        args += excluded
    if given("have_national_quote"):
        flag = text(query["have_national_quote"], "have_national_quote").lower()
        if flag not in ("y", "n"):
            raise fail("field_invalid", field="have_national_quote", why="must be y or n")
        clauses.append("has_national_quote = ?")
        args.append(int(flag == "y"))
    if given("ws_display"):
        reason = text(query["ws_display"], "ws_display")
        if reason not in WS_DISPLAY:
            raise fail("field_invalid", field="ws_display", why=f"must be one of {', '.join(WS_DISPLAY)}")
        # Sellers (and the sandbox) take products offline only by hand: the one reason there is.
        clauses.append("status = 'offline'" if reason == "user_offline" else "0")
    return " AND ".join(clauses), args


def list_products(sandbox: Sandbox, seller_id: int, query: dict[str, Any]) -> dict[str, Any]:
    where, args = _where(sandbox, seller_id, query)
    page = integer(query.get("current_page", 1), "current_page")
    size = integer(query.get("page_size", DEFAULT_PAGE_SIZE), "page_size")
    if page < 1:
        raise fail("field_invalid", field="current_page", why="must be at least 1")
    if not 1 <= size < PAGE_SIZE_LIMIT:
        raise fail("field_invalid", field="page_size", why=f"must be 1-{PAGE_SIZE_LIMIT - 1}")
    store = sandbox.store
    total_row = store.one(f"SELECT COUNT(*) AS n FROM products WHERE {where}", args)
    total = int(total_row["n"]) if total_row else 0
    rows = store.all(
        f"SELECT *, {EFFECTIVE_STATUS} AS effective FROM products WHERE {where}"
        " ORDER BY created_at DESC, product_id DESC LIMIT ? OFFSET ?",
        [sandbox.clock.now(), *args, size, (page - 1) * size],
    )
    currency = seller_currency(store, seller_id)
    items = [list_item(from_row(r), currency) for r in rows]
    return {
        "success": True,
        "product_count": total,
        "total_page": math.ceil(total / size),
        "current_page": page,
        "aeop_a_e_product_display_d_t_o_list": items,
    }
