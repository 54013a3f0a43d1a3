"""Batch operations on existing products: delete, price, stock, online/offline, groups (REFERENCE §3.5-§3.7,
§3.14, §3.16)."""

from __future__ import annotations

from typing import Any

from ..call import Call
from ..errors import ApiError, invalid_parameter
from ..products import updates
from ..products.coerce import integer
from ..registry import api

MAX_DELETE = 100
MAX_UPDATE_PRODUCTS = 20
MAX_STATUS_CHANGE = 50


def _id_list(name: str, values: list[Any], limit: int) -> list[int]:
    if not 1 <= len(values) <= limit:
        raise invalid_parameter(name, f"1 to {limit} product ids, got {len(values)}")
    try:
        return [integer(v, name) for v in values]
    except ApiError:
        raise invalid_parameter(name, "product ids must be integers") from None


@api("aliexpress.solution.batch.product.delete")
def batch_delete(call: Call) -> dict[str, Any]:
    raw = call.params.json("product_ids")
    if not isinstance(raw, list):
        raise invalid_parameter("product_ids", "expected a JSON array of product ids")
    updates.delete_products(call.sandbox, call.seller_id, _id_list("product_ids", raw, MAX_DELETE))
    return {"success": "true"}


def _update_list(call: Call) -> list[Any]:
    raw = call.params.json("mutiple_product_update_list")  # sic: the official parameter name
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_UPDATE_PRODUCTS:
        raise invalid_parameter(
            "mutiple_product_update_list", f"a JSON array of 1 to {MAX_UPDATE_PRODUCTS} products"
        )
    return raw


def _batch_result(outcomes: list[updates.Outcome]) -> dict[str, Any]:
    failed = [o for o in outcomes if o.error is not None]
    return {
        # True only when every product succeeded (REFERENCE §3.6).
        "update_success": not failed,
        "update_successful_list": [{"product_id": o.product_id} for o in outcomes if o.error is None],
        "update_failed_list": [
            {
                "product_id": o.product_id,
                "error_code": o.error.sub_code or o.error.code,
                "error_message": o.error.sub_msg or o.error.message,
            }
            for o in failed
            if o.error is not None
        ],
    }


@api("aliexpress.solution.batch.product.price.update")
def batch_price_update(call: Call) -> dict[str, Any]:
    return _batch_result(updates.update_prices(call.sandbox, call.seller_id, _update_list(call)))


@api("aliexpress.solution.batch.product.inventory.update")
def batch_inventory_update(call: Call) -> dict[str, Any]:
    return _batch_result(updates.update_stocks(call.sandbox, call.seller_id, _update_list(call)))


def _semicolon_ids(call: Call) -> list[int]:
    text = call.params.require("product_ids")
    values = [part.strip() for part in text.split(";") if part.strip()]
    return _id_list("product_ids", values, MAX_STATUS_CHANGE)


@api("aliexpress.postproduct.redefining.offlineaeproduct")
def offline(call: Call) -> dict[str, Any]:
    return {"result": updates.change_status(call.sandbox, call.seller_id, _semicolon_ids(call), online=False)}


@api("aliexpress.postproduct.redefining.onlineaeproduct")
def online(call: Call) -> dict[str, Any]:
    return {"result": updates.change_status(call.sandbox, call.seller_id, _semicolon_ids(call), online=True)}


@api("aliexpress.postproduct.redefining.setgroups")
def set_groups(call: Call) -> dict[str, Any]:
    product_id = call.params.integer("product_id")
    assert product_id is not None
    parts = [part.strip() for part in call.params.require("group_ids").split(",") if part.strip()]
    try:
        group_ids = [int(part) for part in parts]
    except ValueError:
        raise invalid_parameter("group_ids", "comma-separated group ids") from None
    updates.set_groups(call.sandbox, call.seller_id, product_id, group_ids)
    return {"result": {"success": True}}
