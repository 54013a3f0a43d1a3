"""Read-only HTML pages: the sellers, and what feedbridge sent each of them (products, SKUs, status, prices)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .categories import catalog
from .clock import format_gmt8
from .products import repository
from .state import Sandbox
from .templating import templates


async def index(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    sellers = sandbox.store.all(
        "SELECT s.seller_id, s.email, s.shop_name, s.country_code, s.currency, COUNT(p.product_id) AS products"
        " FROM sellers s LEFT JOIN products p ON p.seller_id = s.seller_id GROUP BY s.seller_id ORDER BY s.rowid"
    )
    return templates.TemplateResponse(
        request, "index.html", {"sellers": sellers, "now": format_gmt8(sandbox.clock.now())}
    )


async def seller_products(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    seller_id = int(request.path_params["seller_id"])
    seller = sandbox.store.one("SELECT * FROM sellers WHERE seller_id = ?", (seller_id,))
    if seller is None:
        return templates.TemplateResponse(
            request, "oauth_error.html", {"message": f"No seller {seller_id}."}, 404
        )
    status = request.query_params.get("status") or None
    products = [
        p
        for p in repository.for_seller(sandbox.store, seller_id, sandbox.clock.now())
        if status in (None, p.status)
    ]
    rows = []
    for product in reversed(products):
        category = catalog.get_category(product.draft.category_id)
        rows.append(
            {
                "product": product,
                "title": product.draft.subjects.get(product.draft.language)
                or next(iter(product.draft.subjects.values()), ""),
                "category": f"{category.name} ({category.id})"
                if category
                else str(product.draft.category_id),
                "modified": format_gmt8(product.modified_at),
            }
        )
    return templates.TemplateResponse(
        request,
        "products.html",
        {"seller": seller, "rows": rows, "status": status, "statuses": sorted({p.status for p in products})},
    )


routes = [Route("/", index), Route("/sellers/{seller_id:int}", seller_products)]
