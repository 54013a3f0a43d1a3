"""Price, discount, inventory and country-price rules (REFERENCE §4, §6.3), shared by posting and updates."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .codes import fail
from .model import CountryPrice

MIN_PRICE, MAX_PRICE = Decimal("0.01"), Decimal("999999")
MAX_INVENTORY = 999_999
SHIP_TO_COUNTRIES = frozenset(
    {
        "RU",
        "US",
        "CA",
        "ES",
        "FR",
        "UK",
        "NL",
        "IL",
        "BR",
        "CL",
        "AU",
        "UA",
        "BY",
        "JP",
        "TH",
        "SG",
        "KR",
        "ID",
        "MY",
        "PH",
        "VN",
        "IT",
        "DE",
        "SA",
        "AE",
        "PL",
        "TR",
    }
)
# A country price may go down to 70% of the SKU's base price; its discount must keep at least 10% of it.
COUNTRY_PRICE_FLOOR = Decimal("0.7")
COUNTRY_DISCOUNT_FLOOR = Decimal("0.1")


def check_price(sku_code: str, price: str, discount_price: str | None) -> None:
    if not MIN_PRICE <= Decimal(price) <= MAX_PRICE:
        raise fail("price_range", sku_code=sku_code)
    if discount_price is not None and not MIN_PRICE <= Decimal(discount_price) < Decimal(price):
        raise fail("discount_not_below_price", sku_code=sku_code)


def check_inventory(sku_code: str, inventory: int, *, minimum: int) -> None:
    """Posting needs 1..999999; the batch inventory API may set 0 (sell out), see docs/sandbox.md."""
    if not minimum <= inventory <= MAX_INVENTORY:
        raise fail("inventory_range", sku_code=sku_code, low=minimum)


def check_country_prices(rows: list[CountryPrice], base_prices: Mapping[str, str], *, where: str) -> None:
    """`base_prices`: sku_code -> base price of the SKUs a country price may name (`where` says which)."""
    for row in rows:
        if row.country not in SHIP_TO_COUNTRIES:
            raise fail("country_invalid", country=row.country)
        base = base_prices.get(row.sku_code)
        if base is None:
            raise fail("country_price_sku", country=row.country, sku_code=row.sku_code, where=where)
        price = Decimal(row.price)
        if price < Decimal(base) * COUNTRY_PRICE_FLOOR:
            raise fail(
                "country_price_low", country=row.country, sku_code=row.sku_code, price=row.price, base=base
            )
        if row.discount_price is not None:
            discount = Decimal(row.discount_price)
            if not price * COUNTRY_DISCOUNT_FLOOR <= discount < price:
                raise fail(
                    "country_discount_invalid",
                    country=row.country,
                    sku_code=row.sku_code,
                    discount=row.discount_price,
                    price=row.price,
                )
