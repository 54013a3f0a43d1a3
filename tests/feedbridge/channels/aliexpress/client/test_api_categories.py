"""Category tree, product schema, attributes and suggestions (REFERENCE §3.8, §3.11)."""

from __future__ import annotations

import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, InvalidRequest
from feedbridge.channels.aliexpress.client.categories import (
    category_attributes,
    category_children,
    product_schema,
    sku_attributes,
    suggest_categories,
)
from support.products import BRAND_OEM, COLOR, COTTON, DRESSES, MATERIAL, NOT_LEAF, RESTRICTED, SIZE

APPAREL = 3
ONE_CHILD = (205779615, 205780509)  # a parent with a single (leaf) child
SPECIAL_CATEGORY = 200001075  # the root of RESTRICTED, hidden from sellers


def test_roots_with_their_names(any_client: AliExpressClient, seller_token: str) -> None:
    roots = {c.id: c for c in category_children(any_client, seller_token)}
    apparel = roots[APPAREL]
    assert apparel.level == 1 and not apparel.is_leaf
    assert apparel.names["en"] == "Apparel & Accessories" and apparel.names["de"]


def test_one_child(any_client: AliExpressClient, seller_token: str) -> None:
    parent, child = ONE_CHILD
    (node,) = category_children(any_client, seller_token, parent)
    assert node.id == child and node.is_leaf


def test_permission_filter(api_client: AliExpressClient, seller_token: str) -> None:
    permitted = {c.id for c in category_children(api_client, seller_token)}
    everything = {c.id for c in category_children(api_client, seller_token, only_permitted=False)}
    assert permitted < everything
    assert SPECIAL_CATEGORY in everything - permitted


def test_product_schema_of_a_leaf(api_client: AliExpressClient, seller_token: str) -> None:
    schema = product_schema(api_client, seller_token, DRESSES)
    assert {"category_id", "sku_info_list", "shipping_template_id"} <= set(schema["required"])
    assert "category_attributes" in schema["properties"]


@pytest.mark.parametrize(
    ("category", "code"),
    [(NOT_LEAF, "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY"), (RESTRICTED, None)],
)
def test_product_schema_refused(
    api_client: AliExpressClient, seller_token: str, category: int, code: str | None
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        product_schema(api_client, seller_token, category)
    assert raised.value.api == "aliexpress.solution.product.schema.get"
    assert raised.value.code
    if code:
        assert raised.value.code == code


def test_category_attributes(any_client: AliExpressClient, seller_token: str) -> None:
    attributes = {a.id: a for a in category_attributes(any_client, seller_token, DRESSES, "en_US")}
    brand = attributes[2]
    assert brand.required and not brand.sku and brand.names["en"] == "Brand Name"
    assert BRAND_OEM in {v.id for v in brand.values}
    assert COTTON in {v.id for v in attributes[MATERIAL].values}
    color = attributes[COLOR]
    assert color.sku and color.customized_name and color.customized_pic and color.show_type


def test_category_attributes_of_a_non_leaf(api_client: AliExpressClient, seller_token: str) -> None:
    with pytest.raises(InvalidRequest):
        category_attributes(api_client, seller_token, NOT_LEAF)


def test_sku_attributes(any_client: AliExpressClient, seller_token: str) -> None:
    info = sku_attributes(any_client, seller_token, DRESSES)
    sku = {a.name: a for a in info.sku_attributes}
    assert {"Color", "Size"} <= set(sku)
    assert sku["Color"].support_customized_name and sku["Color"].values
    common = {a.id: a for a in info.common_attributes}
    assert common[MATERIAL].name == "Material"
    assert "Cotton" in {v.name for v in common[MATERIAL].values if v.id == COTTON}
    assert SIZE not in common


def test_sku_attributes_of_a_non_leaf(api_client: AliExpressClient, seller_token: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        sku_attributes(api_client, seller_token, NOT_LEAF)
    assert raised.value.sub_code == "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY"


def test_suggest_categories(any_client: AliExpressClient, seller_token: str) -> None:
    suggestions = suggest_categories(any_client, seller_token, "Summer dress with flowers", "en")
    assert 1 <= len(suggestions) <= 5
    assert all("Dress" in s.name for s in suggestions)
    for suggestion in suggestions:
        assert suggestion.id_path[-1] == suggestion.id
        assert suggestion.name_path[-1] == suggestion.name
