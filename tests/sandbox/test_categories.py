"""The category APIs over real HTTP: tree, schema, SKU attributes, child attributes, suggestions."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aliexpress_sandbox.categories.catalog import all_categories, path
from support.wire import Gateway, items

TREE = "aliexpress.solution.seller.category.tree.query"
SCHEMA = "aliexpress.solution.product.schema.get"
SKU = "aliexpress.solution.sku.attribute.query"
CHILD_ATTRIBUTES = "aliexpress.category.redefining.getchildattributesresultbypostcateidandpath"
SUGGEST = "aliexpress.solution.product.category.suggest"
# REFERENCE §3.8: the 17 required first-level fields of an instance.
REQUIRED_FIELDS = (
    "title_multi_language_list",
    "description_multi_language_list",
    "locale",
    "product_units_type",
    "category_id",
    "image_url_list",
    "category_attributes",
    "sku_info_list",
    "inventory_deduction_strategy",
    "package_weight",
    "package_length",
    "package_height",
    "package_width",
    "shipping_preparation_time",
    "shipping_template_id",
    "service_template_id",
    "product_group_id",
)
NOT_LEAF = "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY"
SHOE_LEAF = next(c.id for c in all_categories() if c.is_leaf and path(c.id)[0].id == 322)
DRESSES = 200003482  # Apparel & Accessories > Women > Dresses


def tree(gateway: Gateway, token: str, parent: int, *, only_permitted: bool = False) -> list[dict[str, Any]]:
    body = gateway.ok(TREE, {"category_id": parent, "filter_no_permission": only_permitted}, token=token)
    assert body["is_success"] is True
    return items(body["children_category_list"])


def test_roots_are_level_one_with_names_as_a_json_string(gateway: Gateway, token: str) -> None:
    roots = {c["children_category_id"]: c for c in tree(gateway, token, 0)}
    assert {3, 44, 322, 509} <= set(roots)
    assert {c["level"] for c in roots.values()} == {1}
    assert not any(roots[i]["is_leaf_category"] for i in (3, 44, 322, 509))
    apparel = roots[3]["multi_language_names"]
    assert isinstance(apparel, str)
    assert json.loads(apparel)["en"] == "Apparel & Accessories"
    assert json.loads(apparel)["de"] == "Bekleidung & Accessoires"


def test_mobile_phones_is_a_translated_leaf_child(gateway: Gateway, token: str) -> None:
    phones = next(c for c in tree(gateway, token, 44) if c["children_category_id"] == 5090301)
    assert phones["level"] == 2 and phones["is_leaf_category"] is True
    names = json.loads(phones["multi_language_names"])
    assert names["en"] == "Mobile Phones" and names["fr"] == "Téléphones mobiles" and "in" in names
    assert tree(gateway, token, 5090301) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choices=st.lists(st.integers(min_value=0, max_value=10_000), min_size=6, max_size=6))
def test_any_walk_down_the_tree_is_consistent(
    gateway: Gateway, token: str, admin: Any, choices: list[int]
) -> None:
    """From the roots to a leaf: each step one level deeper, leaves (and only leaves) have no children."""
    admin.post("/behaviour", {"limits": {"enabled": False}})
    parent, depth = 0, 0
    for choice in choices:
        found = tree(gateway, token, parent)
        assert found, f"{parent} is not a leaf, so it has children"
        assert {c["level"] for c in found} == {depth + 1}
        step = found[choice % len(found)]
        parent, depth = step["children_category_id"], depth + 1
        if step["is_leaf_category"]:
            assert tree(gateway, token, parent) == []
            return
    raise AssertionError("the tree is at most six levels deep")


def test_filter_no_permission_hides_restricted_categories(gateway: Gateway, token: str) -> None:
    every_root = {c["children_category_id"] for c in tree(gateway, token, 0)}
    permitted_roots = {c["children_category_id"] for c in tree(gateway, token, 0, only_permitted=True)}
    assert every_root - permitted_roots == {200001075, 201169612, 205965401, 201520802}
    beauty = {c["children_category_id"] for c in tree(gateway, token, 66, only_permitted=True)}
    assert 200003045 not in beauty and 200003045 in {
        c["children_category_id"] for c in tree(gateway, token, 66)
    }


def test_tree_query_rejects_unknown_parents_and_missing_flags(gateway: Gateway, token: str) -> None:
    unknown = gateway.error(TREE, {"category_id": 123, "filter_no_permission": False}, token=token)
    assert unknown["code"] == "InvalidParameter" and "123" in unknown["msg"]
    missing = gateway.error(TREE, {"category_id": 0}, token=token)
    assert missing["code"] == "MissingParameter" and "filter_no_permission" in missing["msg"]


def test_simplified_and_wrapped_shapes(gateway: Gateway, token: str) -> None:
    params = {"category_id": 509, "filter_no_permission": True}
    simple = gateway.call(TREE, params, token=token, simplify=True).json()
    assert isinstance(simple["children_category_list"], list) and simple["is_success"] is True
    wrapped = gateway.call(TREE, params, token=token).json()[
        "aliexpress_solution_seller_category_tree_query_response"
    ]
    assert wrapped["children_category_list"]["category_info"] == simple["children_category_list"]


def _schema(gateway: Gateway, token: str, category_id: int) -> dict[str, Any]:
    result = gateway.ok(SCHEMA, {"aliexpress_category_id": category_id}, token=token)["result"]
    assert result["success"] is True, result
    assert isinstance(result["schema"], str)
    schema: dict[str, Any] = json.loads(result["schema"])
    return schema


def test_schema_of_a_leaf_lists_the_required_fields_and_the_sellers_options(
    gateway: Gateway, token: str
) -> None:
    schema = _schema(gateway, token, DRESSES)
    assert schema["$schema"].startswith("http://json-schema.org/draft-07")
    assert set(schema["required"]) == set(REQUIRED_FIELDS)
    props = schema["properties"]
    assert props["category_id"]["const"] == DRESSES and "brand_name" in props

    freight = gateway.ok("aliexpress.freight.redefining.listfreighttemplate", token=token)
    freight_ids = [str(t["template_id"]) for t in items(freight["aeop_freight_template_d_t_o_list"])]
    assert props["shipping_template_id"]["enum"] == freight_ids
    promise = gateway.ok(
        "aliexpress.postproduct.redefining.querypromisetemplatebyid", {"template_id": -1}, token=token
    )
    service_ids = [str(t["id"]) for t in items(promise["result"]["template_list"])]
    assert props["service_template_id"]["enum"] == service_ids and "0" in service_ids
    groups = gateway.ok("aliexpress.product.productgroups.get", token=token)["result"]
    leaf_groups = {
        str(child["group_id"])
        for g in items(groups["target_list"])
        for child in items(g.get("child_group_list"))
    }
    assert leaf_groups and leaf_groups <= set(props["product_group_id"]["enum"])

    attributes = props["category_attributes"]
    assert {"Brand Name", "Origin", "Material"} <= set(attributes["required"])
    assert "201512802" in attributes["properties"]["Brand Name"]["properties"]["value"]["enum"]
    material = attributes["properties"]["Material"]["properties"]["value"]
    assert material["type"] == "array" and "47" in material["items"]["enum"]
    sku = props["sku_info_list"]["items"]["properties"]["sku_attributes"]
    assert {"Color", "Size"} <= set(sku["required"])
    assert {"value", "alias", "sku_image_url"} <= set(sku["properties"]["Color"]["properties"])
    assert "771" in sku["properties"]["Color"]["properties"]["value"]["enum"]


def test_schema_of_a_non_leaf_or_unknown_category_fails_inside_the_result(
    gateway: Gateway, token: str
) -> None:
    for category_id in (509, 123):
        result = gateway.ok(SCHEMA, {"aliexpress_category_id": category_id}, token=token)["result"]
        assert result["success"] is False and result["error_code"] == NOT_LEAF
        assert str(category_id) in result["error_message"]


def test_sku_attribute_query_lists_sku_and_common_attributes(gateway: Gateway, token: str) -> None:
    request = {"query_sku_attribute_info_request": {"aliexpress_category_id": SHOE_LEAF}}
    result = gateway.ok(SKU, request, token=token)["result"]
    sku = {a["aliexpress_sku_name"]: a for a in items(result["supporting_sku_attribute_list"])}
    assert set(sku) == {"Color", "Shoe Size"}
    assert (
        sku["Color"]["support_customized_name"] is True and sku["Color"]["support_customized_picture"] is True
    )
    sizes = [v["aliexpress_sku_value_name"] for v in items(sku["Shoe Size"]["aliexpress_sku_value_list"])]
    assert sizes[:2] == ["35", "36"]
    common = {
        a["aliexpress_common_attribute_name_id"]: a for a in items(result["supporting_common_attribute_list"])
    }
    assert common[2]["aliexpress_common_attribute_name"] == "Brand Name" and common[2]["required"] is True
    seasons = items(common[281]["aliexpress_common_attribute_value_list"])
    assert {
        "aliexpress_common_attribute_value_id": 366077,
        "aliexpress_common_attribute_value": "Summer",
    } in seasons


def test_sku_attribute_query_errors(gateway: Gateway, token: str) -> None:
    empty = gateway.error(SKU, {"query_sku_attribute_info_request": {}}, token=token)
    assert empty["code"] == "InvalidParameter"
    not_leaf = gateway.error(
        SKU, {"query_sku_attribute_info_request": {"aliexpress_category_id": 322}}, token=token
    )
    assert not_leaf["sub_code"] == NOT_LEAF


def test_child_attributes_of_a_leaf(gateway: Gateway, token: str) -> None:
    result = gateway.ok(CHILD_ATTRIBUTES, {"param1": SHOE_LEAF, "locale": "pt_BR"}, token=token)["result"]
    assert result["success"] is True
    attributes = {a["id"]: a for a in items(result["attributes"])}
    size = attributes[200000124]
    assert size["sku"] is True and size["names"]["pt"] == "Tamanho do sapato"
    assert {"id": 200000333, "names": {"en": "35"}} in items(size["values"])
    color = attributes[14]
    assert color["customizedName"] is True and color["customizedPic"] is True
    assert color["attributeShowTypeValue"] == "list_box" and color["inputType"] == "STRING"
    assert (
        attributes[2]["required"] is True and attributes[200000876]["attributeShowTypeValue"] == "check_box"
    )

    text = gateway.ok(CHILD_ATTRIBUTES, {"param1": 5090301}, token=token)["result"]
    model = next(a for a in items(text["attributes"]) if a["id"] == 3)
    assert model["attributeShowTypeValue"] == "input" and items(model["values"]) == []


def test_child_attributes_paths_and_non_leaves(gateway: Gateway, token: str) -> None:
    below = gateway.ok(CHILD_ATTRIBUTES, {"param1": SHOE_LEAF, "param2": ["14=771"]}, token=token)["result"]
    assert below["success"] is True and items(below["attributes"]) == []
    bad = gateway.error(CHILD_ATTRIBUTES, {"param1": SHOE_LEAF, "param2": ["14=1"]}, token=token)
    assert bad["code"] == "InvalidParameter"
    parent = gateway.ok(CHILD_ATTRIBUTES, {"param1": 322}, token=token)["result"]
    assert parent["success"] is False


def test_suggest_ranks_mobile_phones_first_for_a_phone_title(gateway: Gateway, token: str) -> None:
    title = "Xiaomi Redmi Note 12 Smartphone 128GB Mobile Phone Android"
    found = items(
        gateway.ok(SUGGEST, {"title": title, "language": "en"}, token=token)["suggest_category_list"]
    )
    assert 1 <= len(found) <= 5
    assert found[0]["id"] == 5090301 and found[0]["name"] == "Mobile Phones"
    assert items(found[0]["id_path"]) == [44, 5090301]
    assert items(found[0]["name_path"]) == ["Consumer Electronics", "Mobile Phones"]
    german = gateway.ok(
        SUGGEST, {"title": "Smartphone Mobiltelefone entsperrt", "language": "de"}, token=token
    )
    assert items(german["suggest_category_list"])[0]["name"] == "Mobiltelefone"


def test_suggest_without_a_match_or_with_a_bad_language(gateway: Gateway, token: str) -> None:
    nothing = gateway.ok(SUGGEST, {"title": "qwertz zzyzx", "language": "en"}, token=token)
    assert items(nothing["suggest_category_list"]) == []
    bad = gateway.error(SUGGEST, {"title": "phone", "language": "xx"}, token=token)
    assert bad["code"] == "InvalidParameter"
