"""Posting, editing and reading products (REFERENCE §3.1-§3.4, §3.9)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, InvalidRequest
from feedbridge.channels.aliexpress.client.product_requests import (
    EditProductRequest,
    PostProductRequest,
    ProductListQuery,
    SkuInfo,
    Subject,
)
from feedbridge.channels.aliexpress.client.products import (
    edit_product,
    full_update_instance,
    iter_products,
    list_products,
    post_instance,
    post_product,
    product_info,
)
from support.products import BRAND_OEM, DRESSES, HOME, NOT_LEAF, Shop


def _post(client: AliExpressClient, token: str, shop: Shop, **overrides: object) -> int:
    return post_product(client, token, PostProductRequest.model_validate(shop.post_request(**overrides)))


def test_post_then_read(any_client: AliExpressClient, seller_token: str, shop: Shop) -> None:
    request = PostProductRequest.model_validate(
        shop.post_request(sku_info_list=[shop.sku(price=Decimal("19.90"), discount_price="14.5")])
    )
    product_id = post_product(any_client, seller_token, request)
    info = product_info(any_client, seller_token, product_id)
    assert info.product_id == product_id and info.category_id == HOME
    assert info.status == "auditing"
    assert {s.locale: s.subject for s in info.subjects} == {"es_ES": "Lámpara de mesa", "en_US": "Table lamp"}
    assert info.image_urls == shop.images[:2]
    (sku,) = info.skus  # one SKU: an object, not a list, under the quirk
    assert (sku.sku_code, sku.sku_price, sku.sku_discount_price, sku.ipm_sku_stock) == (
        request.sku_info_list[0].sku_code,
        Decimal("19.90"),
        Decimal("14.5"),
        10,
    )
    assert {(p.attr_name_id, p.attr_value_id) for p in info.properties} >= {(2, BRAND_OEM)}
    assert info.gross_weight == Decimal("0.5") and info.freight_template_id == shop.freight_template_id
    assert info.gmt_create is not None and abs(info.gmt_create - datetime.now(UTC)) < timedelta(hours=3)


def test_edit_changes_only_what_is_given(
    api_client: AliExpressClient, seller_token: str, shop: Shop, pass_audit: Callable[[], None]
) -> None:
    product_id = _post(api_client, seller_token, shop)
    pass_audit()
    edit = EditProductRequest(
        product_id=product_id, multi_language_subject_list=[Subject(language="es", subject="Lámpara nueva")]
    )
    assert edit_product(api_client, seller_token, edit) == product_id
    info = product_info(api_client, seller_token, product_id)
    assert info.subject == "Lámpara nueva" and info.status == "onSelling"
    assert info.freight_template_id == shop.freight_template_id


def test_post_refused(api_client: AliExpressClient, seller_token: str, shop: Shop) -> None:
    with pytest.raises(InvalidRequest) as raised:
        _post(api_client, seller_token, shop, aliexpress_category_id=NOT_LEAF)
    assert raised.value.sub_code == "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY"


def test_instance_post_and_full_update(
    any_client: AliExpressClient, seller_token: str, shop: Shop, pass_audit: Callable[[], None]
) -> None:
    instance = shop.instance()
    product_id = post_instance(any_client, seller_token, instance)
    info = product_info(any_client, seller_token, product_id)
    assert info.category_id == DRESSES and len(info.skus) == 2
    assert info.group_ids == [shop.group_ids[0]]
    pass_audit()
    update = {**instance, "aliexpress_product_id": product_id, "sku_info_list": instance["sku_info_list"][:1]}
    update["title_multi_language_list"] = [{"locale": "es_ES", "title": "Vestido largo"}]
    assert full_update_instance(any_client, seller_token, update) == product_id
    info = product_info(any_client, seller_token, product_id)
    assert info.subject == "Vestido largo" and len(info.skus) == 1


def test_list_and_iterate(
    api_client: AliExpressClient, seller_token: str, shop: Shop, pass_audit: Callable[[], None]
) -> None:
    ids = [_post(api_client, seller_token, shop) for _ in range(5)]
    pass_audit()
    page = list_products(
        api_client, seller_token, ProductListQuery(product_status_type="onSelling", page_size=2)
    )
    assert (page.product_count, page.total_page, page.current_page, len(page.products)) == (5, 3, 1, 2)
    summary = page.products[0]
    assert summary.product_min_price == Decimal("19.99") and summary.image_urls == shop.images[:2]
    found = [p.product_id for p in iter_products(api_client, seller_token, "onSelling", page_size=2)]
    assert sorted(found) == sorted(ids)
    one = list(iter_products(api_client, seller_token, "onSelling", product_id=ids[0]))
    assert [p.product_id for p in one] == [ids[0]]
    assert list(iter_products(api_client, seller_token, "offline")) == []


def test_a_refused_list_query_raises(api_client: AliExpressClient, seller_token: str) -> None:
    query = ProductListQuery(product_status_type="offline", ws_display="no_such_reason")
    with pytest.raises(InvalidRequest) as raised:
        list_products(api_client, seller_token, query)
    assert raised.value.code and "ws_display" in raised.value.message


def test_list_by_modification_time(
    api_client: AliExpressClient, seller_token: str, shop: Shop, pass_audit: Callable[[], None]
) -> None:
    product_id = _post(api_client, seller_token, shop)
    pass_audit()
    info = product_info(api_client, seller_token, product_id)
    assert info.gmt_modified is not None
    since = ProductListQuery(product_status_type="onSelling", gmt_modified_start=info.gmt_modified)
    assert [p.product_id for p in list_products(api_client, seller_token, since).products] == [product_id]
    later = since.model_copy(update={"gmt_modified_start": info.gmt_modified + timedelta(seconds=1)})
    assert list_products(api_client, seller_token, later).products == []


def test_sku_models_accept_decimal_input() -> None:
    sku = SkuInfo(sku_code="A", price=Decimal("1E+1"), discount_price=9, inventory=1)
    assert sku.wire() == {"sku_code": "A", "price": "10", "discount_price": "9", "inventory": 1}
