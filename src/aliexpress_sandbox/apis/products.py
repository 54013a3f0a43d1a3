"""Product posting, editing and reading (REFERENCE §3.1-§3.4, §3.9); the rules live in ..products."""

from __future__ import annotations

from typing import Any

from ..call import Call
from ..errors import ApiError
from ..products import repository, service
from ..products.listing import list_products
from ..products.render import product_info
from ..registry import api

# Documented rates (REFERENCE §5.4): schema post/update 200 per app and 25 per seller; info.get 80 per
# second (no separate seller rate is documented, so a single seller may use all of it).
SCHEMA_APP_RATE, SCHEMA_SELLER_RATE = 200, 25
INFO_RATE = 80


def _request(call: Call, name: str) -> dict[str, Any]:
    value = call.params.json_object(name)
    assert value is not None
    return value


@api("aliexpress.solution.product.post")
def product_post(call: Call) -> dict[str, Any]:
    product_id = service.create_from_post(
        call.sandbox, call.seller_id, _request(call, "post_product_request")
    )
    return {"result": {"product_id": product_id}}


@api("aliexpress.solution.product.edit")
def product_edit(call: Call) -> dict[str, Any]:
    product_id = service.edit_from_post(call.sandbox, call.seller_id, _request(call, "edit_product_request"))
    return {"result": {"product_id": product_id}}


@api(
    "aliexpress.solution.schema.product.instance.post",
    app_rate=SCHEMA_APP_RATE,
    seller_rate=SCHEMA_SELLER_RATE,
)
def instance_post(call: Call) -> dict[str, Any]:
    instance = _request(call, "product_instance_request")
    return {"result": {"product_id": service.create_from_instance(call.sandbox, call.seller_id, instance)}}


@api(
    "aliexpress.solution.schema.product.full.update", app_rate=SCHEMA_APP_RATE, seller_rate=SCHEMA_SELLER_RATE
)
def full_update(call: Call) -> dict[str, Any]:
    instance = _request(call, "schema_full_update_request")
    # Top-level product_id, as the official metadata says (one SDK mock nests it in `result`).
    return {"product_id": service.full_update_from_instance(call.sandbox, call.seller_id, instance)}


@api("aliexpress.solution.product.info.get", app_rate=INFO_RATE, seller_rate=INFO_RATE)
def info_get(call: Call) -> dict[str, Any]:
    product_id = call.params.integer("product_id")
    assert product_id is not None
    product = service.existing(call.sandbox, call.seller_id, product_id)
    return {"result": product_info(product, repository.seller_currency(call.store, call.seller_id))}


@api("aliexpress.solution.product.list.get")
def list_get(call: Call) -> dict[str, Any]:
    query = _request(call, "aeop_a_e_product_list_query")
    try:
        return {"result": list_products(call.sandbox, call.seller_id, query)}
    except ApiError as error:
        # list.get reports a bad query inside its result (REFERENCE §1.6(f)), not as an error envelope.
        message = error.sub_msg or error.message
        code = error.sub_code or error.code
        return {
            "result": {"success": False, "error_code": code, "error_message": message, "error_msg": message}
        }
