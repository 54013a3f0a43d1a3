"""Products as the read APIs answer them: GlobalAeopFindProductResultDto, ItemDisplayDto."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..categories import catalog
from ..clock import format_gmt8
from .model import LOCALES, Draft, ProductAttribute, Sku
from .repository import Product

# What info.get shows as the SKU id of a product without SKU attributes.
NO_SKU_PROPERTIES = "<none>"


def _locale(language: str) -> str:
    return LOCALES.get(language, language)


def _attribute_names(category_id: int) -> dict[int, Any]:
    return {a.id: a for a in catalog.category_attributes(category_id)}


def _property(given: ProductAttribute, known: dict[int, Any]) -> dict[str, Any]:
    attribute = known.get(given.attr_id) if given.attr_id is not None else None
    value = attribute.value(given.value_id) if attribute is not None and given.value_id is not None else None
    return {
        "attr_name_id": given.attr_id if given.attr_id is not None else -1,
        "attr_value_id": given.value_id if given.value_id is not None else -1,
        "attr_name": attribute.name if attribute is not None else given.name,
        "attr_value": given.value or (value.name if value is not None else ""),
    }


def _sku(sku: Sku, currency: str, known: dict[int, Any]) -> dict[str, Any]:
    properties = []
    for a in sku.attributes:
        attribute = known.get(a.attr_id) if a.attr_id is not None else None
        value = attribute.value(a.value_id) if attribute is not None and a.value_id is not None else None
        entry: dict[str, Any] = {"sku_property_id": a.attr_id, "property_value_id": a.value_id}
        entry["property_value_definition_name"] = a.custom_value or (value.name if value is not None else "")
        if a.image:
            entry["sku_image"] = a.image
        properties.append(entry)
    rendered: dict[str, Any] = {
        "id": sku.property_id or NO_SKU_PROPERTIES,
        "sku_code": sku.sku_code,
        "sku_price": sku.price,
        "ipm_sku_stock": sku.inventory,
        "sku_stock": sku.inventory > 0,
        "currency_code": currency,
        "aeop_s_k_u_property_list": properties,
    }
    if sku.discount_price is not None:
        rendered["sku_discount_price"] = sku.discount_price
    if sku.ean_code:
        rendered["ean_code"] = sku.ean_code
    if sku.bar_code:
        rendered["barcode"] = sku.bar_code
    return rendered


def country_price_configuration(draft: Draft) -> dict[str, Any]:
    countries: dict[str, list[dict[str, Any]]] = {}
    for row in draft.country_prices:
        price = {"sku_code": row.sku_code, "price": row.price}
        if row.discount_price is not None:
            price["discount_price"] = row.discount_price
        countries.setdefault(row.country, []).append(price)
    return {
        "price_type": "absolute",
        "country_price_list": [
            {"ship_to_country": country, "sku_price_by_country_list": prices}
            for country, prices in countries.items()
        ],
    }


def product_info(product: Product, currency: str) -> dict[str, Any]:
    draft = product.draft
    known = _attribute_names(draft.category_id)
    main_description = draft.descriptions.get(draft.language, {})
    result: dict[str, Any] = {
        "product_id": product.product_id,
        "category_id": draft.category_id,
        "product_status_type": product.status,
        "subject": draft.subjects[draft.language],
        "multi_language_subject_list": [
            {"locale": _locale(k), "subject": v} for k, v in draft.subjects.items()
        ],
        "detail": main_description.get("web_detail", ""),
        "mobile_detail": main_description.get("mobile_detail", ""),
        "multi_language_description_list": [
            {"locale": _locale(k), **v} for k, v in draft.descriptions.items()
        ],
        "image_u_r_ls": ";".join(draft.images),
        "aeop_ae_product_s_k_us": [_sku(sku, currency, known) for sku in draft.skus],
        "aeop_ae_product_propertys": [_property(a, known) for a in draft.attributes],
        "currency_code": currency,
        "product_price": min_price(draft),
        "gross_weight": draft.weight,
        "package_length": draft.package_length,
        "package_width": draft.package_width,
        "package_height": draft.package_height,
        "package_type": False,
        "lot_num": 1,
        "is_pack_sell": False,
        "delivery_time": draft.shipping_lead_time,
        "freight_template_id": draft.freight_template_id,
        "promise_template_id": draft.service_policy_id,
        "reduce_strategy": draft.inventory_deduction_strategy,
        "group_ids": draft.group_ids,
        "owner_member_id": str(product.seller_id),
        "owner_member_seq": product.seller_id,
        "gmt_create": format_gmt8(product.created_at),
        "gmt_modified": format_gmt8(product.modified_at),
    }
    optional = {"product_unit": draft.product_unit, "sizechart_id": draft.size_chart_id}
    result.update({k: v for k, v in optional.items() if v is not None})
    if draft.group_ids:
        result["group_id"] = draft.group_ids[0]
    if draft.country_prices:
        result["multi_country_price_configuration"] = country_price_configuration(draft)
    return result


def min_price(draft: Draft) -> str:
    return min((sku.price for sku in draft.skus), key=Decimal)


def list_item(product: Product, currency: str) -> dict[str, Any]:
    draft = product.draft
    item: dict[str, Any] = {
        "product_id": product.product_id,
        "subject": draft.subjects[draft.language],
        "image_u_r_ls": ";".join(draft.images),
        "product_min_price": min_price(draft),
        "product_max_price": max((sku.price for sku in draft.skus), key=Decimal),
        "currency_code": currency,
        "freight_template_id": draft.freight_template_id,
        "owner_member_id": str(product.seller_id),
        "owner_member_seq": product.seller_id,
        "gmt_create": format_gmt8(product.created_at),
        "gmt_modified": format_gmt8(product.modified_at),
        "src": "isv",
    }
    if draft.group_ids:
        item["group_id"] = draft.group_ids[0]
    if product.status == "offline":
        item["ws_display"] = "user_offline"
    return item
