"""Creating and changing products: the one path that the synchronous APIs, feed items and admin share.

Each function validates the whole product exactly as the platform would and raises ApiError (a business
error from codes.py) at the first broken rule; nothing is stored unless the whole product is valid.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..state import Sandbox
from . import repository
from .codes import fail
from .coerce import integer
from .model import Draft
from .normalise import (
    INSTANCE_REQUIRED,
    POST_REQUIRED,
    draft_from,
    instance_fields,
    post_fields,
    required,
    settle,
)
from .validate import Context, validate


def create_from_post(sandbox: Sandbox, seller_id: int, request: dict[str, Any]) -> int:
    """aliexpress.solution.product.post: a PostProductRequestDto -> the new product id (status auditing)."""
    return _create(sandbox, seller_id, post_fields(request), POST_REQUIRED)


def create_from_instance(sandbox: Sandbox, seller_id: int, instance: dict[str, Any]) -> int:
    """schema.product.instance.post and feed PRODUCT_CREATE items: a schema instance -> the new product id."""
    return _create(sandbox, seller_id, instance_fields(instance), INSTANCE_REQUIRED)


def edit_from_post(sandbox: Sandbox, seller_id: int, request: dict[str, Any]) -> int:
    """aliexpress.solution.product.edit: only given fields change; a given sku_info_list replaces all SKUs."""
    if request.get("product_id") in (None, ""):
        raise required("product_id")
    product_id = integer(request["product_id"], "product_id")
    product = _changeable(sandbox, seller_id, product_id)
    values = post_fields(request)
    if "skus" in values and "country_prices" not in values:
        # Country prices of SKUs that the new list drops go with them.
        codes = {sku.sku_code for sku in values["skus"]}
        values["country_prices"] = [row for row in product.draft.country_prices if row.sku_code in codes]
    copy = Draft.from_json(product.draft.to_json())
    return _save_change(sandbox, product, settle(replace(copy, **values)))


def full_update_from_instance(sandbox: Sandbox, seller_id: int, instance: dict[str, Any]) -> int:
    """schema.product.full.update and feed PRODUCT_FULL_UPDATE items: the instance replaces the product."""
    if instance.get("aliexpress_product_id") in (None, ""):
        raise required("aliexpress_product_id")
    product_id = integer(instance["aliexpress_product_id"], "aliexpress_product_id")
    product = _changeable(sandbox, seller_id, product_id)
    return _save_change(sandbox, product, draft_from(instance_fields(instance), INSTANCE_REQUIRED))


def create_listing(sandbox: Sandbox, seller_id: int, request: dict[str, Any], *, status: str) -> int:
    """Admin: a product that already exists on AliExpress (made outside the API): any image URL, no audit."""
    store = sandbox.store
    draft = validate(
        draft_from(post_fields(request), POST_REQUIRED), Context(store, seller_id, photobank_only=False)
    )
    return repository.insert(store, seller_id, draft, status=status, audit_until=0.0, now=sandbox.clock.now())


def _create(sandbox: Sandbox, seller_id: int, values: dict[str, Any], required_names: dict[str, str]) -> int:
    store = sandbox.store
    _check_may_post(sandbox, seller_id)
    if repository.count(store, seller_id) >= sandbox.behaviour.max_products_per_seller:
        raise fail("too_many_products")
    draft = validate(draft_from(values, required_names), Context(store, seller_id))
    now = sandbox.clock.now()
    # New products are reviewed first; the review ends by itself when the sandbox clock passes audit_until.
    audit_until = now + sandbox.behaviour.timings.audit_seconds
    return repository.insert(store, seller_id, draft, status="auditing", audit_until=audit_until, now=now)


def _check_may_post(sandbox: Sandbox, seller_id: int) -> None:
    row = sandbox.store.one("SELECT posting_forbidden FROM sellers WHERE seller_id = ?", (seller_id,))
    if row is None or row["posting_forbidden"]:
        raise fail("posting_forbidden")


def existing(sandbox: Sandbox, seller_id: int, product_id: int) -> repository.Product:
    """The seller's product or the platform's 'product does not exist' error."""
    product = repository.get(sandbox.store, seller_id, product_id, sandbox.clock.now())
    if product is None:
        raise fail("product_not_found")
    return product


def changeable(sandbox: Sandbox, seller_id: int, product_id: int) -> repository.Product:
    """Like `existing`, but a product under review cannot be changed (REFERENCE §3.1)."""
    product = existing(sandbox, seller_id, product_id)
    if product.status == "auditing":
        raise fail("product_auditing", product_id=product_id)
    return product


def _changeable(sandbox: Sandbox, seller_id: int, product_id: int) -> repository.Product:
    _check_may_post(sandbox, seller_id)
    return changeable(sandbox, seller_id, product_id)


def _save_change(sandbox: Sandbox, product: repository.Product, draft: Draft) -> int:
    if draft.language != product.draft.language:
        raise fail("field_invalid", field="language", why="the main language cannot change after upload")
    store = sandbox.store
    validate(draft, Context(store, product.seller_id, product_id=product.product_id))
    repository.replace(store, product, draft, sandbox.clock.now())
    return product.product_id
