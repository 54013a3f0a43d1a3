"""Categories: the seller's category tree, the instance JSON Schema, attributes, suggestions (REFERENCE §3.8, §3.11)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .client import AliExpressClient
from .lists import AeList
from .models import AeResponse, json_object, result_error
from .spec import ApiSpec

CATEGORY_TREE = ApiSpec("aliexpress.solution.seller.category.tree.query")
PRODUCT_SCHEMA = ApiSpec("aliexpress.solution.product.schema.get", app_rate=200, seller_rate=25)
CHILD_ATTRIBUTES = ApiSpec("aliexpress.category.redefining.getchildattributesresultbypostcateidandpath")
SKU_ATTRIBUTES = ApiSpec("aliexpress.solution.sku.attribute.query")
CATEGORY_SUGGEST = ApiSpec("aliexpress.solution.product.category.suggest")
ROOT = 0
# The locale of each AliExpress main language (REFERENCE §3.9 shows es_ES, §3.11 ru_RU; the others follow
# the platform's pattern): attribute names are asked for in it, and instances name their texts' locale.
LOCALES = {
    "en": "en_US", "ru": "ru_RU", "es": "es_ES", "fr": "fr_FR", "it": "it_IT", "tr": "tr_TR", "pt": "pt_BR",
    "de": "de_DE", "nl": "nl_NL", "in": "in_ID", "ar": "ar_MA", "ja": "ja_JP", "ko": "ko_KR", "th": "th_TH",
    "vi": "vi_VN", "iw": "iw_IL",
}  # fmt: skip


class CategoryNode(AeResponse):
    id: int = Field(alias="children_category_id")
    level: int
    is_leaf: bool = Field(alias="is_leaf_category")
    # Locale -> name; the platform sends this map as a JSON string.
    names: Annotated[dict[str, str], BeforeValidator(json_object)] = Field(
        default_factory=dict, alias="multi_language_names"
    )


class _CategoryTree(AeResponse):
    is_success: bool = True
    children: AeList[CategoryNode] = Field(default_factory=list, alias="children_category_list")


class AttributeValue(AeResponse):
    id: int
    names: dict[str, str] = Field(default_factory=dict)


class CategoryAttribute(AeResponse):
    id: int
    names: dict[str, str] = Field(default_factory=dict)
    required: bool = False
    sku: bool = False  # a SKU (variant) attribute rather than a product attribute
    customized_name: bool = Field(False, alias="customizedName")
    customized_pic: bool = Field(False, alias="customizedPic")
    input_type: str | None = Field(None, alias="inputType")
    show_type: str | None = Field(None, alias="attributeShowTypeValue")  # list_box, check_box, input...
    units: AeList[Any] = Field(default_factory=list)
    values: AeList[AttributeValue] = Field(default_factory=list)


class _ChildAttributes(AeResponse):
    success: bool = True
    attributes: AeList[CategoryAttribute] = Field(default_factory=list)


class SkuValue(AeResponse):
    name: str = Field(alias="aliexpress_sku_value_name")


class SupportedSkuAttribute(AeResponse):
    name: str = Field(alias="aliexpress_sku_name")
    required: bool = False
    support_customized_name: bool = False
    support_customized_picture: bool = False
    values: AeList[SkuValue] = Field(default_factory=list, alias="aliexpress_sku_value_list")


class CommonValue(AeResponse):
    id: int = Field(alias="aliexpress_common_attribute_value_id")
    name: str = Field(alias="aliexpress_common_attribute_value")


class SupportedCommonAttribute(AeResponse):
    id: int = Field(alias="aliexpress_common_attribute_name_id")
    name: str = Field(alias="aliexpress_common_attribute_name")
    required: bool = False
    values: AeList[CommonValue] = Field(default_factory=list, alias="aliexpress_common_attribute_value_list")


class SkuAttributeInfo(AeResponse):
    sku_attributes: AeList[SupportedSkuAttribute] = Field(
        default_factory=list, alias="supporting_sku_attribute_list"
    )
    common_attributes: AeList[SupportedCommonAttribute] = Field(
        default_factory=list, alias="supporting_common_attribute_list"
    )


class CategorySuggestion(AeResponse):
    id: int
    name: str
    id_path: AeList[int] = Field(default_factory=list)
    name_path: AeList[str] = Field(default_factory=list)


class _Suggestions(AeResponse):
    suggestions: AeList[CategorySuggestion] = Field(default_factory=list, alias="suggest_category_list")


class _Schema(AeResponse):
    success: bool = False
    error_code: str | None = None
    error_message: str | None = None
    schema_: str = Field("", alias="schema")


def category_children(
    client: AliExpressClient, token: str, parent_id: int = ROOT, *, only_permitted: bool = True
) -> list[CategoryNode]:
    """The children of `parent_id` (0 = the roots), hiding those the seller may not post in by default."""
    params = {"category_id": parent_id, "filter_no_permission": only_permitted}
    answer = _CategoryTree.model_validate(client.call(CATEGORY_TREE, params, token=token))
    if not answer.is_success:
        raise result_error(CATEGORY_TREE.name, None, None, f"category {parent_id} could not be read")
    return answer.children


def product_schema(client: AliExpressClient, token: str, category_id: int) -> dict[str, Any]:
    """The JSON Schema of a product instance (§3.9) in one leaf category, with the seller's own options."""
    body = client.call(PRODUCT_SCHEMA, {"aliexpress_category_id": category_id}, token=token)
    answer = _Schema.model_validate(body.get("result") or {})
    schema = json_object(answer.schema_) if answer.success else None
    if not schema:  # a failure, or a "success" carrying an error code and an empty schema (§3.8 sample)
        raise result_error(
            PRODUCT_SCHEMA.name, answer.error_code, answer.error_message, f"no schema for {category_id}"
        )
    return dict(schema)


def category_attributes(
    client: AliExpressClient, token: str, category_id: int, locale: str | None = None
) -> list[CategoryAttribute]:
    """The first-level attributes of a leaf category, with their value ids (brands: the permitted ones)."""
    params = {"param1": str(category_id), "locale": locale}
    answer = _ChildAttributes.model_validate(
        client.call(CHILD_ATTRIBUTES, params, token=token).get("result") or {}
    )
    if not answer.success:
        raise result_error(
            CHILD_ATTRIBUTES.name, None, None, f"category {category_id} is not a leaf the seller may post in"
        )
    return answer.attributes


def sku_attributes(client: AliExpressClient, token: str, category_id: int) -> SkuAttributeInfo:
    request = {"query_sku_attribute_info_request": {"aliexpress_category_id": category_id}}
    return SkuAttributeInfo.model_validate(
        client.call(SKU_ATTRIBUTES, request, token=token).get("result") or {}
    )


def suggest_categories(
    client: AliExpressClient, token: str, title: str, language: str
) -> list[CategorySuggestion]:
    """Leaf categories for a product title, best first."""
    body = client.call(CATEGORY_SUGGEST, {"title": title, "language": language}, token=token)
    return _Suggestions.model_validate(body).suggestions
