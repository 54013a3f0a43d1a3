"""Response models of the product read APIs: info.get (GlobalAeopFindProductResultDto, REFERENCE §3.3) and
list.get (ItemDisplayDto, §3.4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .lists import AeList
from .models import AeResponse, Gmt8Time


def _split_urls(value: Any) -> Any:
    """`image_u_r_ls` is one string with the URLs separated by `;`."""
    if isinstance(value, str):
        return [url for url in value.split(";") if url]
    return value


ImageUrls = Annotated[list[str], BeforeValidator(_split_urls)]


class LocalizedSubject(AeResponse):
    locale: str  # es_ES style in answers, not the bare language of the requests
    subject: str


class LocalizedDescription(AeResponse):
    locale: str
    web_detail: str | None = None
    mobile_detail: str | None = None


class SkuProperty(AeResponse):
    sku_property_id: int | None = None
    property_value_id: int | None = None
    property_value_definition_name: str | None = None
    sku_image: str | None = None


class ProductSku(AeResponse):
    id: str  # "propId:valueId;propId:valueId"
    sku_code: str | None = None
    sku_price: Decimal
    sku_discount_price: Decimal | None = None
    ipm_sku_stock: int = 0
    sku_stock: bool | None = None
    currency_code: str | None = None
    ean_code: str | None = None
    barcode: str | None = None
    properties: AeList[SkuProperty] = Field(default_factory=list, alias="aeop_s_k_u_property_list")


class ProductProperty(AeResponse):
    attr_name_id: int | None = None
    attr_value_id: int | None = None
    attr_name: str | None = None
    attr_value: str | None = None
    attr_value_unit: str | None = None


class SkuCountryPriceInfo(AeResponse):
    sku_code: str
    price: Decimal
    discount_price: Decimal | None = None


class CountryPriceInfo(AeResponse):
    ship_to_country: str
    prices: AeList[SkuCountryPriceInfo] = Field(default_factory=list, alias="sku_price_by_country_list")


class CountryPriceConfiguration(AeResponse):
    price_type: str | None = None
    countries: AeList[CountryPriceInfo] = Field(default_factory=list, alias="country_price_list")


class ProductInfo(AeResponse):
    product_id: int
    category_id: int | None = None
    status: str | None = Field(None, alias="product_status_type")
    subject: str | None = None
    subjects: AeList[LocalizedSubject] = Field(default_factory=list, alias="multi_language_subject_list")
    descriptions: AeList[LocalizedDescription] = Field(
        default_factory=list, alias="multi_language_description_list"
    )
    image_urls: ImageUrls = Field(default_factory=list, alias="image_u_r_ls")
    skus: AeList[ProductSku] = Field(default_factory=list, alias="aeop_ae_product_s_k_us")
    properties: AeList[ProductProperty] = Field(default_factory=list, alias="aeop_ae_product_propertys")
    currency_code: str | None = None
    product_price: Decimal | None = None
    gross_weight: Decimal | None = None  # kg
    package_length: int | None = None
    package_width: int | None = None
    package_height: int | None = None
    product_unit: int | None = None
    delivery_time: int | None = None
    freight_template_id: int | None = None
    promise_template_id: int | None = None
    sizechart_id: int | None = None
    reduce_strategy: str | None = None  # the inventory deduction strategy
    group_id: int | None = None
    group_ids: AeList[int] = Field(default_factory=list)
    owner_member_id: str | None = None
    gmt_create: Gmt8Time | None = None
    gmt_modified: Gmt8Time | None = None
    ws_offline_date: Gmt8Time | None = None
    multi_country_price_configuration: CountryPriceConfiguration | None = None


class ProductSummary(AeResponse):
    product_id: int
    subject: str | None = None
    image_urls: ImageUrls = Field(default_factory=list, alias="image_u_r_ls")
    product_min_price: Decimal | None = None
    product_max_price: Decimal | None = None
    currency_code: str | None = None  # may list several: "USD;RUB"
    freight_template_id: int | None = None
    group_id: int | None = None
    owner_member_id: str | None = None
    gmt_create: Gmt8Time | None = None
    gmt_modified: Gmt8Time | None = None
    ws_offline_date: Gmt8Time | None = None
    ws_display: str | None = None  # the offline reason
    src: str | None = None


class ProductPage(AeResponse):
    product_count: int = 0
    total_page: int = 0
    current_page: int = 1
    products: AeList[ProductSummary] = Field(
        default_factory=list, alias="aeop_a_e_product_display_d_t_o_list"
    )
