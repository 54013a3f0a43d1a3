"""The JSON Schema (draft-07) of a schema-post instance (REFERENCE §3.9) for one leaf category and seller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..products.model import LOCALES, PRODUCT_UNITS
from ..products.normalise import INSTANCE_REQUIRED
from .model import Attribute, Category

# REFERENCE §3.8: the 17 required first-level fields, exactly those the instance normaliser requires.
REQUIRED_FIELDS = tuple(INSTANCE_REQUIRED.values())
LOCALE = {"type": "string", "enum": sorted(LOCALES.values())}
# A SKU alias: at most 70 characters, none of `{ # : = ,` (REFERENCE §4).
SKU_ALIAS = {"type": "string", "maxLength": 70, "pattern": "^[^{#:=,]*$"}


@dataclass(frozen=True)
class SellerOptions:
    """What the seller may pick from: ids of freight templates, service templates and product groups."""

    freight_template_ids: list[int]
    service_template_ids: list[int]  # without the default "0", which is always allowed
    group_ids: list[int]


def _enum(ids: list[int]) -> dict[str, Any]:
    return {"type": "string", "enum": [str(i) for i in ids]}


def _integer(minimum: int, maximum: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def _value(attribute: Attribute) -> dict[str, Any]:
    """What `value` holds: a value id as a string, an array of them, or free text."""
    if attribute.input_type == "text":
        return {"type": "string", "minLength": 1}
    ids = {"type": "string", "enum": [str(v.id) for v in attribute.values]}
    if attribute.input_type == "multi":
        return {"type": "array", "items": ids, "minItems": 1, "uniqueItems": True}
    return ids


def _attribute_property(attribute: Attribute) -> dict[str, Any]:
    properties: dict[str, Any] = {"value": _value(attribute)}
    if attribute.customized_name:
        properties["alias"] = SKU_ALIAS
    if attribute.customized_pic:
        properties["sku_image_url"] = {"type": "string", "format": "uri"}
    out: dict[str, Any] = {
        "title": attribute.name,
        "type": "object",
        "properties": properties,
        "required": ["value"],
        "additionalProperties": False,
    }
    if attribute.units:
        out["description"] = f"units: {', '.join(attribute.units)}"
    return out


def _attributes_object(attributes: list[Attribute]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {a.name: _attribute_property(a) for a in attributes},
        "required": [a.name for a in attributes if a.required],
        "additionalProperties": False,
    }


def _sku_item(sku_attributes: list[Attribute]) -> dict[str, Any]:
    price = {"type": "number", "minimum": 0.01, "maximum": 999999}
    properties: dict[str, Any] = {
        "sku_code": {"type": "string", "minLength": 1},
        "price": price,
        "discount_price": price,
        "inventory": _integer(1, 999999),
        "ean_code": {"type": "string"},
        "sku_attributes": _attributes_object(sku_attributes),
    }
    required = ["sku_code", "price", "inventory"]
    if any(a.required for a in sku_attributes):
        required.append("sku_attributes")
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _localized_list(field: str, content: dict[str, Any]) -> dict[str, Any]:
    """title_multi_language_list / description_multi_language_list: one entry per locale."""
    item = {
        "type": "object",
        "required": ["locale", field],
        "properties": {"locale": LOCALE, field: content},
    }
    return {"type": "array", "minItems": 1, "items": item}


def instance_schema(category: Category, attributes: list[Attribute], seller: SellerOptions) -> dict[str, Any]:
    module = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
    size = _integer(1, 700)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"{category.name} ({category.id})",
        "type": "object",
        "required": list(REQUIRED_FIELDS),
        "properties": {
            "title_multi_language_list": _localized_list(
                "title", {"type": "string", "minLength": 1, "maxLength": 218}
            ),
            "description_multi_language_list": _localized_list(
                "module_list", {"type": "array", "items": module}
            ),
            "locale": LOCALE,
            "product_units_type": _enum(list(PRODUCT_UNITS)),
            "category_id": {"type": "integer", "const": category.id},
            "image_url_list": {
                "type": "array",
                "minItems": 1,
                "maxItems": 6,
                "items": {"type": "string", "format": "uri"},
            },
            "brand_name": {"type": "string"},
            "category_attributes": _attributes_object([a for a in attributes if not a.sku]),
            "sku_info_list": {
                "type": "array",
                "minItems": 1,
                "items": _sku_item([a for a in attributes if a.sku]),
            },
            "inventory_deduction_strategy": {
                "type": "string",
                "enum": ["place_order_withhold", "payment_success_deduct"],
            },
            "package_weight": {"type": "number", "minimum": 0.001, "maximum": 500},
            "package_length": size,
            "package_height": size,
            "package_width": size,
            "shipping_preparation_time": _integer(1, 60),
            "shipping_template_id": _enum(seller.freight_template_ids),
            "service_template_id": _enum([0, *seller.service_template_ids]),
            "product_group_id": _enum(seller.group_ids),
            "aliexpress_product_id": {"type": "integer", "description": "full update only"},
        },
    }
