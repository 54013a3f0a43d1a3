"""Product posting, editing and reading: product.post/edit, schema instance post/full update, info.get,
list.get (REFERENCE §3.1-§3.4, §3.9). Request DTOs are in product_requests, answers in product_models."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from .client import AliExpressClient
from .models import AeResponse, result_error
from .product_models import ProductInfo, ProductPage, ProductSummary
from .product_requests import EditProductRequest, PostProductRequest, ProductListQuery, ProductStatus
from .spec import ApiSpec

# Creates are not safe to repeat (a lost answer may hide a product): the caller re-checks by SKU code.
PRODUCT_POST = ApiSpec("aliexpress.solution.product.post", idempotent=False)
PRODUCT_EDIT = ApiSpec("aliexpress.solution.product.edit")
INSTANCE_POST = ApiSpec(
    "aliexpress.solution.schema.product.instance.post", app_rate=200, seller_rate=25, idempotent=False
)
FULL_UPDATE = ApiSpec("aliexpress.solution.schema.product.full.update", app_rate=200, seller_rate=25)
PRODUCT_INFO = ApiSpec("aliexpress.solution.product.info.get", app_rate=80, seller_rate=80)
PRODUCT_LIST = ApiSpec("aliexpress.solution.product.list.get")
MAX_PAGE_SIZE = 99  # page_size must be below 100 (§3.4)

Instance = Mapping[str, Any] | BaseModel


class _ProductId(AeResponse):
    product_id: int


class _ListResult(ProductPage):
    success: bool = False
    error_code: str | None = None
    error_message: str | None = None
    error_msg: str | None = None


def _instance(instance: Instance) -> Mapping[str, Any]:
    if isinstance(instance, BaseModel):
        return instance.model_dump(mode="json", by_alias=True, exclude_none=True)
    return instance


def _result_product_id(body: Mapping[str, Any]) -> int:
    # full.update answers product_id at the top (official metadata), one SDK mock nests it in `result`.
    return _ProductId.model_validate(body.get("result") or body).product_id


def post_product(client: AliExpressClient, token: str, request: PostProductRequest) -> int:
    """Create a product (it goes into review) and return its id."""
    body = client.call(PRODUCT_POST, {"post_product_request": request.wire()}, token=token)
    return _result_product_id(body)


def edit_product(client: AliExpressClient, token: str, request: EditProductRequest) -> int:
    """Change the given fields of a product; a given sku_info_list replaces all its SKUs."""
    body = client.call(PRODUCT_EDIT, {"edit_product_request": request.wire()}, token=token)
    return _result_product_id(body)


def post_instance(client: AliExpressClient, token: str, instance: Instance) -> int:
    """Create a product from a schema instance (§3.9) and return its id."""
    body = client.call(INSTANCE_POST, {"product_instance_request": _instance(instance)}, token=token)
    return _result_product_id(body)


def full_update_instance(client: AliExpressClient, token: str, instance: Instance) -> int:
    """Overwrite the product named by the instance's `aliexpress_product_id`."""
    body = client.call(FULL_UPDATE, {"schema_full_update_request": _instance(instance)}, token=token)
    return _result_product_id(body)


def product_info(client: AliExpressClient, token: str, product_id: int) -> ProductInfo:
    body = client.call(PRODUCT_INFO, {"product_id": product_id}, token=token)
    return ProductInfo.model_validate(body.get("result") or {})


def list_products(client: AliExpressClient, token: str, query: ProductListQuery) -> ProductPage:
    """One page of the seller's products; a refused query (reported inside the result) raises InvalidRequest."""
    body = client.call(PRODUCT_LIST, {"aeop_a_e_product_list_query": query.wire()}, token=token)
    result = _ListResult.model_validate(body.get("result") or {})
    if not result.success:
        message = result.error_message or result.error_msg
        raise result_error(PRODUCT_LIST.name, result.error_code, message, "the product list was refused")
    return result


def iter_products(
    client: AliExpressClient,
    token: str,
    status: ProductStatus,
    *,
    page_size: int = MAX_PAGE_SIZE,
    **filters: Any,
) -> Iterator[ProductSummary]:
    """Every product with `status` (and the ProductListQuery `filters`), page after page."""
    page = 1
    while True:
        query = ProductListQuery(
            product_status_type=status, current_page=page, page_size=page_size, **filters
        )
        found = list_products(client, token, query)
        yield from found.products
        if page >= found.total_page or not found.products:
            return
        page += 1
