"""Admin endpoints for products: pre-existing listings, inspection, forced statuses (under /_admin)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .admin_http import json_object, problem
from .errors import ApiError
from .products import repository, service
from .products.model import STATUSES
from .state import Sandbox

# Listings made "outside the API" are already through review.
LISTING_STATUSES = ("onSelling", "offline")


def _seller_exists(sandbox: Sandbox, seller_id: int) -> bool:
    return sandbox.store.one("SELECT 1 FROM sellers WHERE seller_id = ?", (seller_id,)) is not None


def _view(product: repository.Product) -> dict[str, Any]:
    return {
        "product_id": product.product_id,
        "seller_id": product.seller_id,
        "status": product.status,
        "created_at": product.created_at,
        "modified_at": product.modified_at,
        **product.draft.to_json(),
    }


async def seller_products(request: Request) -> JSONResponse:
    """GET: every product of the seller (SKUs, status, prices). POST: a listing that exists already."""
    sandbox: Sandbox = request.app.state.sandbox
    seller_id = int(request.path_params["seller_id"])
    if not _seller_exists(sandbox, seller_id):
        return problem(404, f"no seller {seller_id}")
    if request.method == "GET":
        products = repository.for_seller(sandbox.store, seller_id, sandbox.clock.now())
        return JSONResponse([_view(p) for p in products])
    body = await json_object(request)
    if isinstance(body, JSONResponse):
        return body
    status = body.pop("status", "onSelling")
    if status not in LISTING_STATUSES:
        return problem(422, f"status must be one of {', '.join(LISTING_STATUSES)}")
    try:
        product_id = service.create_listing(sandbox, seller_id, body, status=status)
    except ApiError as error:
        return problem(422, error.sub_msg or error.message, code=error.sub_code or error.code)
    product = repository.get(sandbox.store, seller_id, product_id, sandbox.clock.now())
    assert product is not None
    return JSONResponse(_view(product), status_code=201)


async def product_status(request: Request) -> JSONResponse:
    """Force a status (e.g. editingRequired, as the platform's review may); `auditing` restarts the review."""
    sandbox: Sandbox = request.app.state.sandbox
    product_id = int(request.path_params["product_id"])
    row = sandbox.store.one("SELECT seller_id FROM products WHERE product_id = ?", (product_id,))
    if row is None:
        return problem(404, f"no product {product_id}")
    body = await json_object(request)
    if isinstance(body, JSONResponse):
        return body
    status = body.get("status")
    if status not in STATUSES:
        return problem(422, f"status must be one of {', '.join(STATUSES)}")
    now = sandbox.clock.now()
    audit_until = now + sandbox.behaviour.timings.audit_seconds if status == "auditing" else 0.0
    repository.set_status(sandbox.store, [product_id], status, now, audit_until=audit_until)
    product = repository.get(sandbox.store, row["seller_id"], product_id, now)
    assert product is not None
    return JSONResponse(_view(product))


routes = [
    Route("/sellers/{seller_id:int}/products", seller_products, methods=["GET", "POST"]),
    Route("/products/{product_id:int}/status", product_status, methods=["POST"]),
]
