"""Price, stock, status, group and delete operations on existing products (REFERENCE §3.5-§3.7, §3.14, §3.16).

`update_price` / `update_stock` handle one product and raise ApiError, for feed items; the batch APIs call
`update_prices` / `update_stocks`, which collect one Outcome per product (partial success).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..errors import ApiError
from ..state import Sandbox
from . import repository
from .codes import fail
from .coerce import array, integer, money, obj
from .model import Draft
from .normalise import country_prices, required
from .pricing import check_country_prices, check_inventory, check_price
from .service import changeable, existing
from .validate import check_groups

MAX_SKUS_PER_UPDATE = 200


@dataclass(frozen=True)
class Outcome:
    product_id: int | None
    error: ApiError | None = None


def _target(sandbox: Sandbox, seller_id: int, update: dict[str, Any]) -> repository.Product:
    # The batch APIs say product_id; feed items (PRODUCT_PRICES/STOCKS_UPDATE) say aliexpress_product_id.
    key = "product_id" if "product_id" in update else "aliexpress_product_id"
    if update.get(key) in (None, ""):
        raise required("product_id")
    return changeable(sandbox, seller_id, integer(update[key], key))


def _sku_updates(update: dict[str, Any], product: repository.Product) -> list[dict[str, Any]]:
    if update.get("multiple_sku_update_list") in (None, ""):
        raise required("multiple_sku_update_list")
    rows = [obj(row, "multiple_sku_update_list[]") for row in array(update["multiple_sku_update_list"], "x")]
    if not 1 <= len(rows) <= MAX_SKUS_PER_UPDATE:
        raise fail(
            "field_invalid", field="multiple_sku_update_list", why=f"1-{MAX_SKUS_PER_UPDATE} SKUs per product"
        )
    for row in rows:
        code = str(row.get("sku_code") or "")
        if not code:
            raise fail("sku_code_empty")
        if product.draft.sku(code) is None:
            raise fail("sku_not_in_product", sku_code=code, product_id=product.product_id)
    return rows


def update_price(sandbox: Sandbox, seller_id: int, update: dict[str, Any]) -> int:
    """One product of batch.product.price.update (or a PRODUCT_PRICES_UPDATE feed item); all or nothing."""
    product = _target(sandbox, seller_id, update)
    draft = Draft.from_json(product.draft.to_json())
    new_prices: dict[str, str] = {}
    for i, row in enumerate(_sku_updates(update, product)):
        where = f"multiple_sku_update_list[{i}]"
        if row.get("price") in (None, ""):
            raise required("price", f"{where}.price")
        sku = draft.sku(row["sku_code"])
        assert sku is not None
        sku.price = money(row["price"], f"{where}.price")
        # An omitted discount_price erases the discount (REFERENCE §3.7).
        discount = row.get("discount_price")
        sku.discount_price = None if discount in (None, "") else money(discount, f"{where}.discount_price")
        check_price(sku.sku_code, sku.price, sku.discount_price)
        new_prices[sku.sku_code] = sku.price
    if update.get("multi_country_price_configuration") not in (None, ""):
        rows = country_prices(update["multi_country_price_configuration"], allow_delete=False)
        check_country_prices(rows, new_prices, where="in multiple_sku_update_list")
        draft.country_prices = rows
    return _store(sandbox, product, draft)


def update_stock(sandbox: Sandbox, seller_id: int, update: dict[str, Any]) -> int:
    """One product of batch.product.inventory.update (or a PRODUCT_STOCKS_UPDATE item); all or nothing."""
    product = _target(sandbox, seller_id, update)
    draft = Draft.from_json(product.draft.to_json())
    for i, row in enumerate(_sku_updates(update, product)):
        where = f"multiple_sku_update_list[{i}].inventory"
        if row.get("inventory") in (None, ""):
            raise required("inventory", where)
        sku = draft.sku(row["sku_code"])
        assert sku is not None
        sku.inventory = integer(row["inventory"], where)
        # Unlike posting, a stock update may set 0: that is how a seller marks a SKU sold out.
        check_inventory(sku.sku_code, sku.inventory, minimum=0)
    return _store(sandbox, product, draft)


def _store(sandbox: Sandbox, product: repository.Product, draft: Draft) -> int:
    repository.replace(sandbox.store, product, draft, sandbox.clock.now())
    return product.product_id


def _each(
    sandbox: Sandbox, seller_id: int, updates: list[Any], one: Callable[[Sandbox, int, dict[str, Any]], int]
) -> list[Outcome]:
    outcomes = []
    for update in updates:
        product_id = (
            (update.get("product_id") or update.get("aliexpress_product_id"))
            if isinstance(update, dict)
            else None
        )
        try:
            outcomes.append(Outcome(one(sandbox, seller_id, obj(update, "mutiple_product_update_list[]"))))
        except ApiError as error:
            outcomes.append(Outcome(product_id if isinstance(product_id, int) else None, error))
    return outcomes


def update_prices(sandbox: Sandbox, seller_id: int, updates: list[Any]) -> list[Outcome]:
    return _each(sandbox, seller_id, updates, update_price)


def update_stocks(sandbox: Sandbox, seller_id: int, updates: list[Any]) -> list[Outcome]:
    return _each(sandbox, seller_id, updates, update_stock)


def delete_products(sandbox: Sandbox, seller_id: int, product_ids: list[int]) -> None:
    """All or nothing: an unknown (or another seller's) id fails the call and deletes nothing."""
    for product_id in product_ids:
        existing(sandbox, seller_id, product_id)
    repository.delete(sandbox.store, product_ids)


def change_status(
    sandbox: Sandbox, seller_id: int, product_ids: list[int], *, online: bool
) -> dict[str, Any]:
    """online/offlineaeproduct: the products that can change do; the others are listed per error code."""
    failures: dict[tuple[str, str], list[int]] = {}
    changed = []
    for product_id in product_ids:
        try:
            product = existing(sandbox, seller_id, product_id)
            if online and product.status != "offline":
                raise fail("product_not_offline")
        except ApiError as error:
            failures.setdefault((error.sub_code or error.code, error.sub_msg or error.message), []).append(
                product_id
            )
            continue
        if product.status != ("onSelling" if online else "offline"):
            changed.append(product_id)
    now = sandbox.clock.now()
    repository.set_status(sandbox.store, changed, "onSelling" if online else "offline", now)
    details = [
        {"error_code": code, "error_message": message, "product_ids": ids}
        for (code, message), ids in failures.items()
    ]
    result: dict[str, Any] = {"success": not details, "modify_count": len(changed), "error_details": details}
    if details:
        result["error_code"], result["error_message"] = details[0]["error_code"], details[0]["error_message"]
    return result


def set_groups(sandbox: Sandbox, seller_id: int, product_id: int, group_ids: list[int]) -> None:
    product = existing(sandbox, seller_id, product_id)
    check_groups(sandbox.store, seller_id, group_ids)
    repository.replace(
        sandbox.store, product, replace(product.draft, group_ids=group_ids), sandbox.clock.now()
    )
