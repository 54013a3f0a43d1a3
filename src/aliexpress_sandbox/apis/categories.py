"""Category APIs (REFERENCE §3.8, §3.11): category tree, attributes, instance JSON Schema, suggestions."""

from __future__ import annotations

from typing import Any

import orjson

from ..call import Call
from ..categories.catalog import category_attributes, children, get_category, path
from ..categories.model import Attribute, Category
from ..categories.permissions import is_permitted
from ..categories.schema import SellerOptions, instance_schema
from ..categories.suggest import rank
from ..errors import business, invalid_parameter
from ..products.codes import CODES
from ..products.model import LANGUAGES, LOCALES, language_of
from ..registry import api
from .account import usable_group_ids

MAX_SUGGESTIONS = 5
SHOW_TYPES = {"single": "list_box", "multi": "check_box", "text": "input"}


def _names_json(category: Category) -> str:
    return orjson.dumps(category.names, option=orjson.OPT_SORT_KEYS).decode()


def _leaf_problem(call: Call, category_id: int) -> tuple[str, str] | None:
    """(code, message) when the seller cannot post in this category, else None."""
    category = get_category(category_id)
    not_leaf = CODES["category_not_leaf"]
    if category is None:
        # The platform answers its non-leaf code for ids it does not know either.
        return not_leaf.sub_code, f"category {category_id} does not exist"
    if not category.is_leaf:
        return not_leaf.sub_code, not_leaf.message.format(category_id=category_id)
    if not is_permitted(call.seller_id, category_id):
        code = CODES["category_not_permitted"]
        return code.sub_code, code.message.format(category_id=category_id)
    return None


def _leaf_attributes(call: Call, category_id: int) -> list[Attribute]:
    problem = _leaf_problem(call, category_id)
    if problem:
        raise business(*problem)
    return category_attributes(category_id)


@api("aliexpress.solution.seller.category.tree.query")
def category_tree(call: Call) -> dict[str, Any]:
    parent_id = call.params.integer("category_id", minimum=0)
    assert parent_id is not None
    only_permitted = call.params.boolean("filter_no_permission", required=True)
    if parent_id and get_category(parent_id) is None:
        raise invalid_parameter("category_id", f"category {parent_id} does not exist")
    found = children(parent_id)
    if only_permitted:
        found = [c for c in found if is_permitted(call.seller_id, c.id)]
    return {
        "is_success": True,
        "children_category_list": [
            {
                "children_category_id": c.id,
                "level": c.level,
                "is_leaf_category": c.is_leaf,
                "multi_language_names": _names_json(c),
            }
            for c in found
        ],
    }


@api("aliexpress.solution.product.schema.get", app_rate=200, seller_rate=25)
def product_schema(call: Call) -> dict[str, Any]:
    category_id = call.params.integer("aliexpress_category_id")
    assert category_id is not None
    problem = _leaf_problem(call, category_id)
    if problem:
        code, message = problem
        return {"result": {"success": False, "error_code": code, "error_message": message, "schema": "{}"}}
    store, seller = call.store, call.seller_id
    freight = store.all(
        "SELECT template_id FROM freight_templates WHERE seller_id = ? ORDER BY rowid", (seller,)
    )
    service = store.all(
        "SELECT template_id FROM service_templates WHERE seller_id = ? ORDER BY rowid", (seller,)
    )
    options = SellerOptions(
        freight_template_ids=[r["template_id"] for r in freight],
        service_template_ids=[r["template_id"] for r in service],
        group_ids=sorted(usable_group_ids(store, seller)),
    )
    category = get_category(category_id)
    assert category is not None
    schema = instance_schema(category, category_attributes(category_id), options)
    return {
        "result": {
            "success": True,
            "error_code": "",
            "error_message": "",
            "schema": orjson.dumps(schema).decode(),
        }
    }


@api("aliexpress.solution.sku.attribute.query")
def sku_attributes(call: Call) -> dict[str, Any]:
    name = "query_sku_attribute_info_request"
    request = call.params.json_object(name)
    assert request is not None
    category_id, merchant_category = request.get("aliexpress_category_id"), request.get("category_id")
    if category_id in (None, ""):
        if merchant_category in (None, ""):
            raise invalid_parameter(name, "aliexpress_category_id and category_id cannot both be empty")
        raise invalid_parameter(name, "the sandbox has no merchant categories; pass aliexpress_category_id")
    try:
        category_id = int(category_id)
    except (TypeError, ValueError):
        raise invalid_parameter(
            name, f"aliexpress_category_id must be a number, got {category_id!r}"
        ) from None
    attributes = _leaf_attributes(call, category_id)
    return {
        "result": {
            "supporting_sku_attribute_list": [
                {
                    "aliexpress_sku_name": a.name,
                    "required": a.required,
                    "support_customized_name": a.customized_name,
                    "support_customized_picture": a.customized_pic,
                    "aliexpress_sku_value_list": [{"aliexpress_sku_value_name": v.name} for v in a.values],
                }
                for a in attributes
                if a.sku
            ],
            "supporting_common_attribute_list": [
                {
                    "aliexpress_common_attribute_name_id": a.id,
                    "aliexpress_common_attribute_name": a.name,
                    "required": a.required,
                    "aliexpress_common_attribute_value_list": [
                        {
                            "aliexpress_common_attribute_value_id": v.id,
                            "aliexpress_common_attribute_value": v.name,
                        }
                        for v in a.values
                    ],
                }
                for a in attributes
                if not a.sku
            ],
        }
    }


def _attribute_path(text: str | None, attributes: list[Attribute]) -> list[tuple[int, int]]:
    """`param2`: `attrId=valueId` steps, as a JSON array or comma-separated; each must exist."""
    if text is None:
        return []
    try:
        steps = orjson.loads(text) if text.lstrip().startswith("[") else text.split(",")
        pairs = [tuple(int(part) for part in str(step).split("=")) for step in steps]
    except (orjson.JSONDecodeError, ValueError):
        raise invalid_parameter("param2", f"expected attrId=valueId steps, got {text!r}") from None
    by_id = {a.id: a for a in attributes}
    for pair in pairs:
        if len(pair) != 2 or pair[0] not in by_id or by_id[pair[0]].value(pair[1]) is None:
            raise invalid_parameter(
                "param2", f"{'='.join(map(str, pair))} is not an attribute value of this category"
            )
    return [(p[0], p[1]) for p in pairs]


@api("aliexpress.category.redefining.getchildattributesresultbypostcateidandpath")
def child_attributes(call: Call) -> dict[str, Any]:
    category_id = call.params.integer("param1")
    assert category_id is not None
    locale = call.params.get("locale")
    if locale is not None and locale not in LOCALES.values():
        raise invalid_parameter("locale", f"expected one of {', '.join(sorted(LOCALES.values()))}")
    if _leaf_problem(call, category_id):
        return {"result": {"success": False, "attributes": []}}
    attributes = category_attributes(category_id)
    # The sandbox's attributes have no child attributes: any valid path leads to none.
    if _attribute_path(call.params.get("param2"), attributes):
        return {"result": {"success": True, "attributes": []}}
    return {
        "result": {
            "success": True,
            "attributes": [
                {
                    "id": a.id,
                    "names": a.names,
                    "required": a.required,
                    "sku": a.sku,
                    "customizedName": a.customized_name,
                    "customizedPic": a.customized_pic,
                    "inputType": "STRING",
                    "attributeShowTypeValue": SHOW_TYPES[a.input_type],
                    "units": list(a.units),
                    "values": [{"id": v.id, "names": v.names} for v in a.values],
                }
                for a in attributes
            ],
        }
    }


@api("aliexpress.solution.product.category.suggest")
def category_suggest(call: Call) -> dict[str, Any]:
    title = call.params.require("title")
    language = language_of(call.params.require("language"))
    if language not in LANGUAGES:
        raise invalid_parameter("language", f"expected one of {' '.join(LANGUAGES)}")
    found = [c for c in rank(title, language) if is_permitted(call.seller_id, c.id)][:MAX_SUGGESTIONS]
    return {
        "suggest_category_list": [
            {
                "id": c.id,
                "name": c.names.get(language, c.name),
                "id_path": [p.id for p in path(c.id)],
                "name_path": [p.names.get(language, p.name) for p in path(c.id)],
            }
            for c in found
        ]
    }
