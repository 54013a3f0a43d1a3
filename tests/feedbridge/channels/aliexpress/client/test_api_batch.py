"""Batch delete, price and stock updates, offline/online, groups (REFERENCE §3.5-§3.7, §3.14, §3.16)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, InvalidRequest
from feedbridge.channels.aliexpress.client.batch import (
    PriceUpdate,
    SkuPrice,
    SkuStock,
    StockUpdate,
    bring_online,
    delete_products,
    set_groups,
    take_offline,
    update_prices,
    update_stocks,
)
from feedbridge.channels.aliexpress.client.product_requests import (
    CountryPrice,
    MultiCountryPriceConfiguration,
    SkuCountryPrice,
)
from feedbridge.channels.aliexpress.client.products import product_info
from support.products import Shop

UNKNOWN = 1000000000001


@pytest.fixture
def live(shop: Shop, pass_audit: Callable[[], None]) -> list[tuple[int, str]]:
    """Two products on sale: (product id, its SKU code)."""
    products = []
    for _ in range(2):
        sku = shop.sku()
        products.append((shop.post(sku_info_list=[sku]), sku["sku_code"]))
    pass_audit()
    return products


def test_price_update_with_one_bad_product(
    any_client: AliExpressClient, seller_token: str, live: list[tuple[int, str]]
) -> None:
    (good, code), _ = live
    country = CountryPrice(
        ship_to_country="FR", sku_price_by_country_list=[SkuCountryPrice(sku_code=code, price="20")]
    )
    updates = [
        PriceUpdate(
            product_id=good,
            multiple_sku_update_list=[SkuPrice(sku_code=code, price="24.50", discount_price=Decimal("20"))],
            multi_country_price_configuration=MultiCountryPriceConfiguration(country_price_list=[country]),
        ),
        PriceUpdate(product_id=UNKNOWN, multiple_sku_update_list=[SkuPrice(sku_code=code, price="1")]),
    ]
    outcome = update_prices(any_client, seller_token, updates)
    assert outcome.succeeded == [good]
    (failure,) = outcome.failed
    assert failure.product_id == UNKNOWN and failure.code == "090014" and failure.message
    info = product_info(any_client, seller_token, good)
    assert (info.skus[0].sku_price, info.skus[0].sku_discount_price) == (Decimal("24.50"), Decimal("20"))
    assert info.multi_country_price_configuration is not None
    (fr,) = info.multi_country_price_configuration.countries
    assert (fr.ship_to_country, fr.prices[0].price) == ("FR", Decimal("20"))


def test_stock_update_with_one_bad_sku(
    any_client: AliExpressClient, seller_token: str, live: list[tuple[int, str]]
) -> None:
    (first, code), (second, _) = live
    updates = [
        StockUpdate(product_id=first, multiple_sku_update_list=[SkuStock(sku_code=code, inventory=0)]),
        StockUpdate(product_id=second, multiple_sku_update_list=[SkuStock(sku_code="NOT-HERE", inventory=3)]),
    ]
    outcome = update_stocks(any_client, seller_token, updates)
    assert outcome.succeeded == [first]
    assert [f.product_id for f in outcome.failed] == [second]
    assert outcome.failed[0].code and "NOT-HERE" in (outcome.failed[0].message or "")
    assert product_info(any_client, seller_token, first).skus[0].ipm_sku_stock == 0


def test_all_updated(api_client: AliExpressClient, seller_token: str, live: list[tuple[int, str]]) -> None:
    updates = [
        StockUpdate(product_id=p, multiple_sku_update_list=[SkuStock(sku_code=c, inventory=4)])
        for p, c in live
    ]
    outcome = update_stocks(api_client, seller_token, updates)
    assert outcome.succeeded == [p for p, _ in live] and outcome.failed == []


def test_offline_and_online(
    any_client: AliExpressClient, seller_token: str, live: list[tuple[int, str]]
) -> None:
    (first, _), (second, _) = live
    outcome = take_offline(any_client, seller_token, [first, UNKNOWN])
    assert outcome.succeeded == [first] and outcome.modify_count == 1
    (failure,) = outcome.failed
    assert (failure.product_id, failure.code) == (UNKNOWN, "090014")
    assert product_info(any_client, seller_token, first).status == "offline"

    back = bring_online(any_client, seller_token, [first, second])
    assert back.succeeded == [first]
    assert [(f.product_id, f.code) for f in back.failed] == [(second, "090015")]  # it was not offline


def test_set_groups(
    api_client: AliExpressClient, seller_token: str, shop: Shop, live: list[tuple[int, str]]
) -> None:
    product_id, _ = live[0]
    set_groups(api_client, seller_token, product_id, shop.group_ids[:2])
    assert product_info(api_client, seller_token, product_id).group_ids == shop.group_ids[:2]
    with pytest.raises(InvalidRequest):
        set_groups(api_client, seller_token, UNKNOWN, shop.group_ids[:1])


def test_delete(api_client: AliExpressClient, seller_token: str, live: list[tuple[int, str]]) -> None:
    (first, _), (second, _) = live
    with pytest.raises(InvalidRequest) as raised:
        delete_products(api_client, seller_token, [first, UNKNOWN])  # all or nothing
    assert raised.value.sub_code == "090014"
    delete_products(api_client, seller_token, [first, second])
    with pytest.raises(InvalidRequest):
        product_info(api_client, seller_token, first)


def test_batch_sizes_are_checked_before_sending(api_client: AliExpressClient, seller_token: str) -> None:
    stock, calls = [SkuStock(sku_code="A", inventory=1)], api_client.calls
    with pytest.raises(ValueError, match="100"):
        delete_products(api_client, seller_token, list(range(1, 102)))
    with pytest.raises(ValueError, match="20"):
        update_stocks(
            api_client,
            seller_token,
            [StockUpdate(product_id=i, multiple_sku_update_list=stock) for i in range(21)],
        )
    with pytest.raises(ValueError, match="50"):
        take_offline(api_client, seller_token, list(range(1, 52)))
    with pytest.raises(ValueError, match="3"):
        set_groups(api_client, seller_token, 1, [1, 2, 3, 4])
    with pytest.raises(ValueError):
        StockUpdate(product_id=1, multiple_sku_update_list=stock * 201)
    assert api_client.calls == calls
