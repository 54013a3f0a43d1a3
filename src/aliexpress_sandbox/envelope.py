"""Response envelopes (REFERENCE §1.6 and Appendix A).

Handlers return plain dicts with plain lists. This module turns them into what the gateway sends:
non-simplified `/sync` bodies wrap each list in an object keyed by its item type, `simplify=true`
keeps plain arrays, `/rest` (system APIs) answers flat JSON.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError

# List field -> item type key, as seen in non-simplified AliExpress responses.
LIST_ITEM_KEYS: dict[str, str] = {
    "result_list": "single_item_response_dto",
    "job_list": "batch_operation_job_dto",
    "children_category_list": "category_info",
    "aeop_a_e_product_display_d_t_o_list": "item_display_dto",
    "aeop_ae_product_s_k_us": "global_aeop_ae_product_sku",
    "aeop_s_k_u_property_list": "global_aeop_sku_property",
    "aeop_ae_product_propertys": "global_aeop_ae_product_property",
    "aeop_a_e_videos": "global_aeop_ae_video",
    "multi_language_subject_list": "global_subject",
    "multi_language_description_list": "global_description",
    "country_price_list": "single_country_price_dto",
    "sku_price_by_country_list": "single_sku_price_by_country_dto",
    "update_failed_list": "synchronize_product_response_dto",
    "update_successful_list": "synchronize_product_response_dto",
    "supporting_sku_attribute_list": "supported_sku_attribute_dto",
    "aliexpress_sku_value_list": "sku_value_simplified_info_dto",
    "supporting_common_attribute_list": "supported_common_attribute_dto",
    "aliexpress_common_attribute_value_list": "common_attribute_value_info_dto",
    "aeop_freight_template_d_t_o_list": "aeopfreighttemplatedtolist",
    "target_list": "aeop_ae_product_tree_group",
    "child_group_list": "aeop_ae_product_tree_group",
    "template_list": "templatelist",
    "suggest_category_list": "suggest_category_dto",
    "error_details": "error_detail",
    "successful_list": "number",
    "failed_list": "number",
    "no_need_invalidation_list": "number",
}


def _item_key(field: str, items: list[Any]) -> str:
    if field in LIST_ITEM_KEYS:
        return LIST_ITEM_KEYS[field]
    if items and all(isinstance(i, bool | int | float) for i in items):
        return "number"
    if all(isinstance(i, str) for i in items):
        return "string"
    # The Java SDK's fallback: the list name minus its trailing "s".
    return field[:-1] if field.endswith("s") else field


def wrap_lists(value: Any, *, single_as_object: bool = False, field: str = "") -> Any:
    """Apply the non-simplified list wrapping recursively."""
    if isinstance(value, dict):
        return {k: wrap_lists(v, single_as_object=single_as_object, field=k) for k, v in value.items()}
    if isinstance(value, list):
        items = [wrap_lists(i, single_as_object=single_as_object, field="") for i in value]
        key = _item_key(field, value)
        # The XML-to-JSON quirk some consumers meet: a one-element list delivered as the element itself.
        return {key: items[0] if single_as_object and len(items) == 1 else items}
    return value


def sync_success(
    api_name: str, body: dict[str, Any], request_id: str, *, simplify: bool, quirk: bool
) -> dict[str, Any]:
    if simplify:
        return {**body, "request_id": request_id}
    wrapped = wrap_lists(body, single_as_object=quirk)
    return {f"{api_name.replace('.', '_')}_response": {**wrapped, "request_id": request_id}}


def rest_success(body: dict[str, Any], request_id: str) -> dict[str, Any]:
    return {**body, "code": "0", "request_id": request_id}


def sync_error(error: ApiError, request_id: str, trace_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"type": error.type, "code": error.code, "msg": error.message}
    if error.sub_code is not None:
        body["sub_code"] = error.sub_code
    if error.sub_msg is not None:
        body["sub_msg"] = error.sub_msg
    body["request_id"] = request_id
    body["_trace_id_"] = trace_id
    return {"error_response": body}


def rest_error(error: ApiError, request_id: str, trace_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"type": error.type, "code": error.code, "message": error.message}
    if error.sub_code is not None:
        body["sub_code"] = error.sub_code
        body["sub_msg"] = error.sub_msg
    body["request_id"] = request_id
    body["_trace_id_"] = trace_id
    return body
