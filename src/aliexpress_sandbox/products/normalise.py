"""Both input vocabularies -> the fields of one internal Draft (REFERENCE §3.1, §3.2, §3.9).

`post_fields` reads a PostProductRequestDto (post and partial edit), `instance_fields` a schema instance
(instance.post, full.update, feed items). Both return only the fields the request gave, keyed by Draft
field name, so an edit can lay them over the stored product; `draft_from` checks the required ones.
Types are coerced here; every rule about values lives in validate.py.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..errors import ApiError
from .codes import fail
from .coerce import array, integer, money, obj, text
from .model import CountryPrice, Draft, ProductAttribute, Sku, SkuAttribute, language_of

# Required Draft fields under the name each vocabulary uses for them: S-META for post, D-SCHEMA's 17
# required first-level fields for instances (as the sandbox's schema.get says; the official samples omit
# product_group_id, the schema requires it).
POST_REQUIRED = {
    "category_id": "aliexpress_category_id",
    "language": "language",
    "subjects": "multi_language_subject_list",
    "images": "main_image_urls_list",
    "skus": "sku_info_list",
    "weight": "weight",
    "package_length": "package_length",
    "package_width": "package_width",
    "package_height": "package_height",
    "inventory_deduction_strategy": "inventory_deduction_strategy",
    "freight_template_id": "freight_template_id",
    "shipping_lead_time": "shipping_lead_time",
    "service_policy_id": "service_policy_id",
}
INSTANCE_REQUIRED = {
    "category_id": "category_id",
    "language": "locale",
    "subjects": "title_multi_language_list",
    "descriptions": "description_multi_language_list",
    "images": "image_url_list",
    "attributes": "category_attributes",
    "skus": "sku_info_list",
    "weight": "package_weight",
    "package_length": "package_length",
    "package_width": "package_width",
    "package_height": "package_height",
    "inventory_deduction_strategy": "inventory_deduction_strategy",
    "freight_template_id": "shipping_template_id",
    "shipping_lead_time": "shipping_preparation_time",
    "service_policy_id": "service_template_id",
    "product_unit": "product_units_type",
    "group_ids": "product_group_id",
}


def _given(request: dict[str, Any], key: str) -> bool:
    return request.get(key) not in (None, "")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def required(field: str, where: str | None = None) -> ApiError:
    """The platform's 'required' validator error, e.g. `040003:productUnit_requiredValidator@post_tip`."""
    error = fail("field_required", field=_camel(field))
    if where:
        error.sub_msg = f"{error.sub_msg} ({where})"
    return error


def draft_from(values: dict[str, Any], required_names: dict[str, str]) -> Draft:
    """A whole Draft from one request's fields; the first missing required field is the error."""
    for name, wire_name in required_names.items():
        if name not in values:
            raise required(wire_name)
    return settle(Draft(**{"attributes": [], "descriptions": {}, **values}))


def settle(draft: Draft) -> Draft:
    """Give the deprecated single-language `subject` / `description` (keyed "") the main language."""
    for texts in (draft.subjects, draft.descriptions):
        if "" in texts:
            texts[draft.language] = texts.pop("")  # type: ignore[assignment]
    return draft


# ---- PostProductRequestDto ---------------------------------------------------------------------------


def post_fields(request: dict[str, Any]) -> dict[str, Any]:
    r: dict[str, Any] = request
    out: dict[str, Any] = {}
    if _given(r, "aliexpress_category_id"):
        out["category_id"] = integer(r["aliexpress_category_id"], "aliexpress_category_id")
    if _given(r, "language"):
        out["language"] = text(r["language"], "language").strip().lower()
    if _given(r, "multi_language_subject_list"):
        out["subjects"] = {
            text(t.get("language"), f"multi_language_subject_list[{i}].language").lower(): text(
                t.get("subject", ""), f"multi_language_subject_list[{i}].subject"
            )
            for i, t in enumerate(_objects(r["multi_language_subject_list"], "multi_language_subject_list"))
        }
    elif _given(r, "subject"):
        # The deprecated single-language title belongs to the main language.
        out["subjects"] = {"": text(r["subject"], "subject")}
    if _given(r, "multi_language_description_list"):
        out["descriptions"] = {
            text(d.get("language"), f"multi_language_description_list[{i}].language").lower(): {
                k: text(d[k], f"multi_language_description_list[{i}].{k}")
                for k in ("web_detail", "mobile_detail")
                if _given(d, k)
            }
            for i, d in enumerate(
                _objects(r["multi_language_description_list"], "multi_language_description_list")
            )
        }
    elif _given(r, "description"):
        out["descriptions"] = {"": {"web_detail": text(r["description"], "description")}}
    if _given(r, "main_image_urls_list"):
        images = array(r["main_image_urls_list"], "main_image_urls_list")
        out["images"] = [text(u, f"main_image_urls_list[{i}]") for i, u in enumerate(images)]
    if _given(r, "attribute_list"):
        out["attributes"] = [
            _post_attribute(a, f"attribute_list[{i}]")
            for i, a in enumerate(_objects(r["attribute_list"], "attribute_list"))
        ]
    if "sku_info_list" in r and r["sku_info_list"] is not None:
        out["skus"] = [_post_sku(s, i) for i, s in enumerate(_objects(r["sku_info_list"], "sku_info_list"))]
    if _given(r, "brand_name"):
        out["brand_name"] = text(r["brand_name"], "brand_name").strip() or None
    if _given(r, "weight"):
        out["weight"] = text(r["weight"], "weight")
    for name in ("package_length", "package_width", "package_height"):
        if _given(r, name):
            out[name] = r[name]  # range and integrality are validation rules (one error code for both)
    for wire, name in (
        ("freight_template_id", "freight_template_id"),
        ("shipping_lead_time", "shipping_lead_time"),
        ("service_policy_id", "service_policy_id"),
        ("product_unit", "product_unit"),
        ("size_chart_id", "size_chart_id"),
    ):
        if _given(r, wire):
            out[name] = integer(r[wire], wire)
    if _given(r, "inventory_deduction_strategy"):
        out["inventory_deduction_strategy"] = text(
            r["inventory_deduction_strategy"], "inventory_deduction_strategy"
        )
    if _given(r, "group_id"):
        out["group_ids"] = [integer(r["group_id"], "group_id")]
    if _given(r, "multi_country_price_configuration"):
        out["country_prices"] = country_prices(r["multi_country_price_configuration"], allow_delete=True)
    return out


def _objects(value: Any, field: str) -> list[dict[str, Any]]:
    return [obj(item, f"{field}[{i}]") for i, item in enumerate(array(value, field))]


def _optional_int(raw: dict[str, Any], key: str, where: str) -> int | None:
    return integer(raw[key], f"{where}.{key}") if _given(raw, key) else None


def _optional_text(raw: dict[str, Any], key: str, where: str) -> str | None:
    return text(raw[key], f"{where}.{key}") if _given(raw, key) else None


def _post_attribute(raw: dict[str, Any], where: str) -> ProductAttribute:
    return ProductAttribute(
        attr_id=_optional_int(raw, "aliexpress_attribute_name_id", where),
        value_id=_optional_int(raw, "aliexpress_attribute_value_id", where),
        name=_optional_text(raw, "attribute_name", where),
        value=_optional_text(raw, "attribute_value", where),
    )


def _sku_common(raw: dict[str, Any], where: str) -> dict[str, Any]:
    for key in ("price", "inventory"):
        if not _given(raw, key):
            raise required(key, f"{where}.{key}")
    return {
        "sku_code": text(raw.get("sku_code") or "", f"{where}.sku_code").strip(),
        "price": money(raw["price"], f"{where}.price"),
        "discount_price": money(raw["discount_price"], f"{where}.discount_price")
        if _given(raw, "discount_price")
        else None,
        "inventory": integer(raw["inventory"], f"{where}.inventory"),
        "ean_code": _optional_text(raw, "ean_code", where),
        "bar_code": _optional_text(raw, "bar_code", where),
    }


def _post_sku(raw: dict[str, Any], index: int) -> Sku:
    where = f"sku_info_list[{index}]"
    attributes = [
        SkuAttribute(
            attr_id=_optional_int(a, "sku_attribute_name_id", f"{where}.sku_attributes_list[{j}]"),
            name=_optional_text(a, "sku_attribute_name", f"{where}.sku_attributes_list[{j}]"),
            value_id=_optional_int(a, "sku_attribute_value_id", f"{where}.sku_attributes_list[{j}]"),
            custom_value=_optional_text(a, "sku_attribute_value", f"{where}.sku_attributes_list[{j}]"),
            # post names the image sku_image_url, edit names it sku_image (REFERENCE §3.2).
            image=_optional_text(a, "sku_image_url", where) or _optional_text(a, "sku_image", where),
        )
        for j, a in enumerate(_objects(raw.get("sku_attributes_list") or [], f"{where}.sku_attributes_list"))
    ]
    return Sku(**_sku_common(raw, where), attributes=attributes)


def country_prices(raw: Any, *, allow_delete: bool) -> list[CountryPrice]:
    """multi_country_price_configuration -> rows; `price_type: delete` (edit only) -> no rows (§6.3)."""
    config = obj(raw, "multi_country_price_configuration")
    price_type = config.get("price_type")
    allowed = ("absolute", "delete") if allow_delete else ("absolute",)
    if price_type not in allowed:
        raise fail("country_price_type", allowed=" or ".join(allowed))
    if price_type == "delete":
        return []
    rows = []
    for i, country in enumerate(_objects(config.get("country_price_list") or [], "country_price_list")):
        where = f"country_price_list[{i}]"
        code = text(country.get("ship_to_country") or "", f"{where}.ship_to_country").upper()
        for j, p in enumerate(
            _objects(country.get("sku_price_by_country_list") or [], f"{where}.sku_price_by_country_list")
        ):
            at = f"{where}.sku_price_by_country_list[{j}]"
            if not _given(p, "price"):
                raise required("price", f"{at}.price")
            rows.append(
                CountryPrice(
                    country=code,
                    sku_code=text(p.get("sku_code") or "", f"{at}.sku_code"),
                    price=money(p["price"], f"{at}.price"),
                    discount_price=money(p["discount_price"], f"{at}.discount_price")
                    if _given(p, "discount_price")
                    else None,
                )
            )
    return rows


# ---- schema instance -----------------------------------------------------------------------------------


def instance_fields(instance: dict[str, Any]) -> dict[str, Any]:
    r: dict[str, Any] = instance
    out: dict[str, Any] = {}
    if _given(r, "category_id"):
        out["category_id"] = integer(r["category_id"], "category_id")
    if _given(r, "locale"):
        out["language"] = language_of(text(r["locale"], "locale"))
    if _given(r, "title_multi_language_list"):
        out["subjects"] = {
            language_of(text(t.get("locale") or "", f"title_multi_language_list[{i}].locale")): text(
                t.get("title", ""), f"title_multi_language_list[{i}].title"
            )
            for i, t in enumerate(_objects(r["title_multi_language_list"], "title_multi_language_list"))
        }
    if _given(r, "description_multi_language_list"):
        out["descriptions"] = {
            language_of(text(d.get("locale") or "", f"description_multi_language_list[{i}].locale")): {
                "web_detail": orjson.dumps(
                    {"version": "2.0.0", "moduleList": array(d.get("module_list") or [], "module_list")}
                ).decode()
            }
            for i, d in enumerate(
                _objects(r["description_multi_language_list"], "description_multi_language_list")
            )
        }
    if _given(r, "image_url_list"):
        images = array(r["image_url_list"], "image_url_list")
        out["images"] = [text(u, f"image_url_list[{i}]") for i, u in enumerate(images)]
    if _given(r, "category_attributes"):
        out["attributes"] = _instance_attributes(obj(r["category_attributes"], "category_attributes"))
    if "sku_info_list" in r and r["sku_info_list"] is not None:
        out["skus"] = [
            _instance_sku(s, i) for i, s in enumerate(_objects(r["sku_info_list"], "sku_info_list"))
        ]
    if _given(r, "brand_name"):
        out["brand_name"] = text(r["brand_name"], "brand_name").strip() or None
    if _given(r, "package_weight"):
        out["weight"] = text(r["package_weight"], "package_weight")
    for name in ("package_length", "package_width", "package_height"):
        if _given(r, name):
            out[name] = r[name]
    for wire, name in (
        ("shipping_template_id", "freight_template_id"),
        ("shipping_preparation_time", "shipping_lead_time"),
        ("service_template_id", "service_policy_id"),
        ("product_units_type", "product_unit"),
        ("size_chart_id", "size_chart_id"),
    ):
        if _given(r, wire):
            out[name] = integer(r[wire], wire)
    if _given(r, "inventory_deduction_strategy"):
        out["inventory_deduction_strategy"] = text(
            r["inventory_deduction_strategy"], "inventory_deduction_strategy"
        )
    if _given(r, "product_group_id"):
        out["group_ids"] = [integer(r["product_group_id"], "product_group_id")]
    if _given(r, "multi_country_price_configuration"):
        out["country_prices"] = country_prices(r["multi_country_price_configuration"], allow_delete=False)
    return out


def _instance_value(raw: Any, where: str) -> dict[str, Any]:
    """`{"value": ...}` (the schema's shape) or, leniently, the bare value."""
    return obj(raw, where) if isinstance(raw, dict) else {"value": raw}


def _instance_attributes(raw: dict[str, Any]) -> list[ProductAttribute]:
    attributes = []
    for name, entry in raw.items():
        entry = _instance_value(entry, f"category_attributes.{name}")
        values = entry.get("value")
        for value in values if isinstance(values, list) else [values]:
            attributes.append(
                ProductAttribute(
                    name=name, value=text(value, f"category_attributes.{name}.value"), by_name=True
                )
            )
    return attributes


def _instance_sku(raw: dict[str, Any], index: int) -> Sku:
    where = f"sku_info_list[{index}]"
    attributes = []
    for name, entry in obj(raw.get("sku_attributes") or {}, f"{where}.sku_attributes").items():
        at = f"{where}.sku_attributes.{name}"
        entry = _instance_value(entry, at)
        if not _given(entry, "value"):
            raise required("value", f"{at}.value")
        attributes.append(
            SkuAttribute(
                name=name,
                value_id=integer(entry["value"], f"{at}.value"),
                custom_value=_optional_text(entry, "alias", at),
                image=_optional_text(entry, "sku_image_url", at),
            )
        )
    return Sku(**_sku_common(raw, where), attributes=attributes)
