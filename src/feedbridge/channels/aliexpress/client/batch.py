"""Batch operations on existing products: delete, price and stock updates, offline/online, groups
(REFERENCE §3.5-§3.7, §3.14, §3.16). Per-product failures inside a successful answer are returned, never dropped."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from .client import AliExpressClient
from .lists import AeList
from .models import AeRequest, AeResponse, DecimalText, result_error
from .product_requests import MultiCountryPriceConfiguration
from .spec import ApiSpec

BATCH_DELETE = ApiSpec("aliexpress.solution.batch.product.delete")
PRICE_UPDATE = ApiSpec("aliexpress.solution.batch.product.price.update")
STOCK_UPDATE = ApiSpec("aliexpress.solution.batch.product.inventory.update")
OFFLINE = ApiSpec("aliexpress.postproduct.redefining.offlineaeproduct")
ONLINE = ApiSpec("aliexpress.postproduct.redefining.onlineaeproduct")
SET_GROUPS = ApiSpec("aliexpress.postproduct.redefining.setgroups")
MAX_DELETE = 100
MAX_UPDATE_PRODUCTS = 20
MAX_UPDATE_SKUS = 200
MAX_STATUS_CHANGE = 50
MAX_GROUPS = 3
UPDATE_LIST = "mutiple_product_update_list"  # sic: the official parameter name


class SkuPrice(AeRequest):
    sku_code: str
    price: DecimalText
    discount_price: DecimalText | None = None  # left out = the discount is erased (§3.7)


class PriceUpdate(AeRequest):
    product_id: int
    multiple_sku_update_list: list[SkuPrice] = Field(min_length=1, max_length=MAX_UPDATE_SKUS)
    multi_country_price_configuration: MultiCountryPriceConfiguration | None = None


class SkuStock(AeRequest):
    sku_code: str
    inventory: int = Field(ge=0)  # 0 = sold out


class StockUpdate(AeRequest):
    product_id: int
    multiple_sku_update_list: list[SkuStock] = Field(min_length=1, max_length=MAX_UPDATE_SKUS)


class ItemFailure(AeResponse):
    product_id: int | None = None
    code: str | None = Field(None, alias="error_code")
    message: str | None = Field(None, alias="error_message")


class BatchOutcome(AeResponse):
    succeeded: list[int] = Field(default_factory=list)
    failed: list[ItemFailure] = Field(default_factory=list)


class _Synchronized(AeResponse):
    product_id: int | None = None


class _BatchAnswer(AeResponse):
    update_success: bool = False
    update_error_code: str | None = None
    update_error_message: str | None = None
    update_successful_list: AeList[_Synchronized] = Field(default_factory=list)
    update_failed_list: AeList[ItemFailure] = Field(default_factory=list)


class StatusOutcome(AeResponse):
    modify_count: int = 0
    succeeded: list[int] = Field(default_factory=list)
    failed: list[ItemFailure] = Field(default_factory=list)


class _ErrorDetail(AeResponse):
    error_code: str | None = None
    error_message: str | None = None
    product_ids: AeList[int] = Field(default_factory=list)


class _StatusAnswer(AeResponse):
    success: bool = False
    modify_count: int = 0
    error_code: str | None = None
    error_message: str | None = None
    error_details: AeList[_ErrorDetail] = Field(default_factory=list)


def _check_size(name: str, count: int, limit: int) -> None:
    if not 1 <= count <= limit:
        raise ValueError(f"{name} takes 1 to {limit} products per call, got {count}")


def delete_products(client: AliExpressClient, token: str, product_ids: Sequence[int]) -> None:
    """Delete products for good (at most 100 per call)."""
    _check_size(BATCH_DELETE.name, len(product_ids), MAX_DELETE)
    body = client.call(BATCH_DELETE, {"product_ids": list(product_ids)}, token=token)
    if str(body.get("success", "true")).lower() == "false":
        raise result_error(
            BATCH_DELETE.name, body.get("error_code"), body.get("error_message"), "not deleted"
        )


def _batch_update(
    client: AliExpressClient, token: str, spec: ApiSpec, updates: Sequence[PriceUpdate | StockUpdate]
) -> BatchOutcome:
    _check_size(spec.name, len(updates), MAX_UPDATE_PRODUCTS)
    body = client.call(spec, {UPDATE_LIST: [u.wire() for u in updates]}, token=token)
    answer = _BatchAnswer.model_validate(body)
    failed = list(answer.update_failed_list)
    done = {s.product_id for s in answer.update_successful_list} - {f.product_id for f in failed}
    succeeded = [u.product_id for u in updates if u.product_id in done]
    reported = done | {f.product_id for f in failed}
    for update in updates:
        if update.product_id in reported:
            continue
        # `update_success` is true only when every product succeeded (§3.6); otherwise an unlisted product
        # failed with the call's own error.
        if answer.update_success:
            succeeded.append(update.product_id)
        else:
            message = answer.update_error_message or "the platform reported no outcome for this product"
            failed.append(
                ItemFailure(product_id=update.product_id, code=answer.update_error_code, message=message)
            )
    return BatchOutcome(succeeded=succeeded, failed=failed)


def update_prices(client: AliExpressClient, token: str, updates: Sequence[PriceUpdate]) -> BatchOutcome:
    """New SKU prices of up to 20 products (200 SKUs each); each product succeeds or fails on its own."""
    return _batch_update(client, token, PRICE_UPDATE, updates)


def update_stocks(client: AliExpressClient, token: str, updates: Sequence[StockUpdate]) -> BatchOutcome:
    """New SKU stocks of up to 20 products (200 SKUs each); each product succeeds or fails on its own."""
    return _batch_update(client, token, STOCK_UPDATE, updates)


def _change_status(
    client: AliExpressClient, token: str, spec: ApiSpec, product_ids: Sequence[int]
) -> StatusOutcome:
    _check_size(spec.name, len(product_ids), MAX_STATUS_CHANGE)
    body = client.call(spec, {"product_ids": ";".join(map(str, product_ids))}, token=token)
    answer = _StatusAnswer.model_validate(body.get("result") or {})
    failed = [
        ItemFailure(product_id=product_id, code=detail.error_code, message=detail.error_message)
        for detail in answer.error_details
        for product_id in detail.product_ids
    ]
    if not answer.success and not failed:  # the whole call was refused
        raise result_error(spec.name, answer.error_code, answer.error_message, "the status was not changed")
    failed_ids = {f.product_id for f in failed}
    succeeded = [p for p in product_ids if p not in failed_ids]
    return StatusOutcome(modify_count=answer.modify_count, succeeded=succeeded, failed=failed)


def take_offline(client: AliExpressClient, token: str, product_ids: Sequence[int]) -> StatusOutcome:
    """Take up to 50 products off sale; unknown ids come back as failures (090014)."""
    return _change_status(client, token, OFFLINE, product_ids)


def bring_online(client: AliExpressClient, token: str, product_ids: Sequence[int]) -> StatusOutcome:
    """Put up to 50 offline products back on sale; products not offline come back as failures (090015)."""
    return _change_status(client, token, ONLINE, product_ids)


def set_groups(client: AliExpressClient, token: str, product_id: int, group_ids: Sequence[int]) -> None:
    """Put a product in up to 3 groups (leaf groups, or first-level groups without children)."""
    if not 1 <= len(group_ids) <= MAX_GROUPS:
        raise ValueError(f"a product belongs to 1 to {MAX_GROUPS} groups, got {len(group_ids)}")
    params = {"product_id": product_id, "group_ids": ",".join(map(str, group_ids))}
    result = client.call(SET_GROUPS, params, token=token).get("result") or {}
    if result.get("success") is False:
        raise result_error(SET_GROUPS.name, result.get("error_code"), result.get("error_message"), "not set")
