"""Request DTOs of product posting and editing (REFERENCE §3.1, §3.2, §6.3) and the list query (§3.4).

Field names are the platform's, exactly; prices and the weight are decimal strings on the wire.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .models import AeRequest, DecimalText, Gmt8Time

ProductStatus = Literal["onSelling", "offline", "auditing", "editingRequired"]
DeductionStrategy = Literal["place_order_withhold", "payment_success_deduct"]


class Subject(AeRequest):
    language: str
    subject: str = Field(max_length=218)


class Description(AeRequest):
    language: str
    web_detail: str | None = None  # a "detail" JSON document as a string (§3.17)
    mobile_detail: str | None = None


class MarketingImage(AeRequest):
    image_url: str
    image_type: Literal[1, 2]  # 1 = 3:4, 2 = 1:1


class ProductAttribute(AeRequest):
    """One of four fill patterns (§3.1): ids, id + free text, "Other" id + text, or custom name + text."""

    aliexpress_attribute_name_id: int | None = None
    aliexpress_attribute_value_id: int | None = None
    attribute_name: str | None = None
    attribute_value: str | None = None


class SkuAttribute(AeRequest):
    sku_attribute_name_id: int | None = None
    sku_attribute_value_id: int | None = None
    sku_attribute_value: str | None = Field(None, max_length=70)  # the seller's custom value name
    sku_image_url: str | None = None  # post
    sku_image: str | None = None  # edit names the same image field this way (§3.2)


class SkuInfo(AeRequest):
    sku_code: str
    price: DecimalText
    discount_price: DecimalText | None = None
    inventory: int
    sku_attributes_list: list[SkuAttribute] | None = None
    ean_code: str | None = None
    bar_code: str | None = None
    extra_params: str | None = None


class SkuCountryPrice(AeRequest):
    sku_code: str
    price: DecimalText
    discount_price: DecimalText | None = None


class CountryPrice(AeRequest):
    ship_to_country: str
    sku_price_by_country_list: list[SkuCountryPrice]


class MultiCountryPriceConfiguration(AeRequest):
    price_type: Literal["absolute", "delete"] = "absolute"  # delete: edit only, removes the configuration
    country_price_list: list[CountryPrice] | None = None


class _ProductFields(AeRequest):
    aliexpress_category_id: int | None = None
    language: str | None = None
    multi_language_subject_list: list[Subject] | None = None
    multi_language_description_list: list[Description] | None = None
    main_image_urls_list: list[str] | None = Field(None, max_length=6)
    marketing_images: list[MarketingImage] | None = None
    attribute_list: list[ProductAttribute] | None = None
    sku_info_list: list[SkuInfo] | None = None
    brand_name: str | None = None
    weight: DecimalText | None = None  # kg, package included
    package_length: int | None = None  # cm
    package_width: int | None = None
    package_height: int | None = None
    inventory_deduction_strategy: DeductionStrategy | None = None
    freight_template_id: int | None = None
    shipping_lead_time: int | None = None  # days
    service_policy_id: int | None = None  # 0 = the default service template
    product_unit: int | None = None
    group_id: int | None = None
    size_chart_id: int | None = None
    multi_country_price_configuration: MultiCountryPriceConfiguration | None = None
    extra_params: str | None = None
    developer_features: str | None = None


class PostProductRequest(_ProductFields):
    """`post_product_request` of aliexpress.solution.product.post; the documented required fields are required."""

    aliexpress_category_id: int
    language: str
    main_image_urls_list: list[str] = Field(max_length=6)
    sku_info_list: list[SkuInfo]
    weight: DecimalText
    package_length: int
    package_width: int
    package_height: int
    inventory_deduction_strategy: DeductionStrategy
    freight_template_id: int
    shipping_lead_time: int
    service_policy_id: int = 0


class EditProductRequest(_ProductFields):
    """`edit_product_request`: only what is given changes; a given `sku_info_list` replaces every SKU."""

    product_id: int


class ProductListQuery(AeRequest):
    """`aeop_a_e_product_list_query` of aliexpress.solution.product.list.get."""

    product_status_type: ProductStatus
    current_page: int | None = Field(None, ge=1)
    page_size: int | None = Field(None, ge=1, lt=100)
    product_id: int | None = None
    sku_code: str | None = None
    subject: str | None = Field(None, max_length=128)
    group_id: int | None = None
    ws_display: str | None = None  # offline reason
    off_line_time: int | None = None  # going offline within N days
    have_national_quote: Literal["y", "n"] | None = None
    excepted_product_ids: list[int] | None = None
    owner_member_id: str | None = None
    gmt_create_start: Gmt8Time | None = None
    gmt_create_end: Gmt8Time | None = None
    gmt_modified_start: Gmt8Time | None = None
    gmt_modified_end: Gmt8Time | None = None
