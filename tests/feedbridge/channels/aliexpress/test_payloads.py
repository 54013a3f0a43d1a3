"""Listing payloads in both AliExpress formats, exactly as sent, and the hashes the sync compares."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedbridge.channels.aliexpress.payloads import (
    CONTENT_HASH,
    ITEM_IDS,
    PAYLOAD,
    PRICE_HASH,
    SKU_CODES,
    STOCK_HASH,
    PayloadFormat,
)
from feedbridge.listings import columns as c
from feedbridge.listings.pipeline import ListingSet
from support.requirements import (
    ACME,
    BLACK,
    COOKWARE,
    COTTON,
    DRESSES,
    FREIGHT_ID,
    GROUP_DRESSES,
    WHITE,
    M,
    S,
    full_build,
    items,
    listings,
    requirements,
)

INSTANCE, POST = PayloadFormat.INSTANCE, PayloadFormat.POST
IMAGE, BACK = "https://img.example.com/d1.jpg", "https://img.example.com/d1-back.jpg"
FR = [
    {
        "country": "FR",
        "price": {"formula": "{price} * 1.1", "round": {"ending": ".99"}},
        "discount_price": {"field": "sale_fr"},
    },
    {"country": "ES", "price": {"field": "price_es"}},
]
VARIANTS = [
    {"id": "D-1", "group": "G", "colour": "Black", "size": "M", "sale_fr": "18.00", "price_es": None},
    {"id": "D-2", "group": "G", "colour": "White", "size": "S", "price": "25.00", "sale_price": None,
     "quantity": "7", "sale_fr": None, "price_es": "24,50", "image": BACK, "gtin": None},
]  # fmt: skip


def payloads(result: ListingSet) -> dict[str, dict[str, Any]]:
    return {row[c.LISTING]: orjson.loads(row[PAYLOAD]) for row in result.listings.iter_rows(named=True)}


def two_variants(fmt: PayloadFormat) -> dict[str, Any]:
    result = listings(
        items(VARIANTS),
        full_build(localized_prices=FR),
        fmt=fmt,
        decimal_marks={"price_es": ","},
    )
    return payloads(result)["g:G"]


def test_the_instance_format() -> None:
    assert two_variants(INSTANCE) == {
        "category_id": DRESSES,
        "locale": "en_US",
        "title_multi_language_list": [{"locale": "en_US", "title": "Summer dress"}],
        "description_multi_language_list": [
            {
                "locale": "en_US",
                "module_list": [{"type": "html", "html": {"content": "<p>Light cotton dress</p>"}}],
            }
        ],
        "product_units_type": "100000015",
        "image_url_list": [IMAGE, BACK],
        "brand_name": "Acme",
        "category_attributes": {"Brand Name": {"value": ACME}, "Material": {"value": [COTTON]}},
        "inventory_deduction_strategy": "payment_success_deduct",
        "package_weight": "0.500",
        "package_length": 30,
        "package_width": 20,
        "package_height": 5,
        "shipping_preparation_time": 3,
        "shipping_template_id": FREIGHT_ID,
        "service_template_id": "0",
        "product_group_id": GROUP_DRESSES,
        "sku_info_list": [
            {
                "sku_code": "D-1",
                "price": "20.00",
                "discount_price": "15.00",
                "inventory": 5,
                "ean_code": "4006381333931",
                "sku_attributes": {
                    "Color": {"value": BLACK, "alias": "Black", "sku_image_url": IMAGE},
                    "Size": {"value": M, "alias": "M"},
                },
            },
            {
                "sku_code": "D-2",
                "price": "25.00",
                "inventory": 7,
                "sku_attributes": {
                    "Color": {"value": WHITE, "alias": "White", "sku_image_url": BACK},
                    "Size": {"value": S, "alias": "S"},
                },
            },
        ],
        "multi_country_price_configuration": {
            "price_type": "absolute",
            "country_price_list": [
                {
                    "ship_to_country": "ES",
                    "sku_price_by_country_list": [{"sku_code": "D-2", "price": "24.50"}],
                },
                {
                    "ship_to_country": "FR",
                    "sku_price_by_country_list": [
                        {"sku_code": "D-1", "price": "22.99", "discount_price": "18.00"},
                        {"sku_code": "D-2", "price": "27.99"},
                    ],
                },
            ],
        },
    }


def test_the_product_post_format() -> None:
    detail = {
        "version": "2.0.0",
        "moduleList": [{"type": "html", "html": {"content": "<p>Light cotton dress</p>"}}],
    }
    payload = two_variants(POST)
    web_detail = payload["multi_language_description_list"][0].pop("web_detail")
    assert orjson.loads(web_detail) == detail  # a JSON document in a string, as the API takes it
    assert payload == {
        "aliexpress_category_id": DRESSES,
        "language": "en",
        "multi_language_subject_list": [{"language": "en", "subject": "Summer dress"}],
        "multi_language_description_list": [{"language": "en"}],
        "main_image_urls_list": [IMAGE, BACK],
        "attribute_list": [
            {"aliexpress_attribute_name_id": 2, "aliexpress_attribute_value_id": int(ACME)},
            {"aliexpress_attribute_name_id": 10, "aliexpress_attribute_value_id": int(COTTON)},
        ],
        "brand_name": "Acme",
        "weight": "0.500",
        "package_length": 30,
        "package_width": 20,
        "package_height": 5,
        "inventory_deduction_strategy": "payment_success_deduct",
        "freight_template_id": int(FREIGHT_ID),
        "shipping_lead_time": 3,
        "service_policy_id": 0,
        "product_unit": 100000015,
        "group_id": int(GROUP_DRESSES),
        "sku_info_list": [
            {
                "sku_code": "D-1",
                "price": "20.00",
                "discount_price": "15.00",
                "inventory": 5,
                "ean_code": "4006381333931",
                "sku_attributes_list": [
                    {
                        "sku_attribute_name_id": 5,
                        "sku_attribute_value_id": int(M),
                        "sku_attribute_value": "M",
                    },
                    {
                        "sku_attribute_name_id": 14,
                        "sku_attribute_value_id": int(BLACK),
                        "sku_attribute_value": "Black",
                        "sku_image_url": IMAGE,
                    },
                ],
            },
            {
                "sku_code": "D-2",
                "price": "25.00",
                "inventory": 7,
                "sku_attributes_list": [
                    {
                        "sku_attribute_name_id": 5,
                        "sku_attribute_value_id": int(S),
                        "sku_attribute_value": "S",
                    },
                    {
                        "sku_attribute_name_id": 14,
                        "sku_attribute_value_id": int(WHITE),
                        "sku_attribute_value": "White",
                        "sku_image_url": BACK,
                    },
                ],
            },
        ],
        "multi_country_price_configuration": {
            "price_type": "absolute",
            "country_price_list": [
                {
                    "ship_to_country": "ES",
                    "sku_price_by_country_list": [{"sku_code": "D-2", "price": "24.50"}],
                },
                {
                    "ship_to_country": "FR",
                    "sku_price_by_country_list": [
                        {"sku_code": "D-1", "price": "22.99", "discount_price": "18.00"},
                        {"sku_code": "D-2", "price": "27.99"},
                    ],
                },
            ],
        },
    }


# What a listing with nothing but the mandatory values has (the rest of the build left out).
BARE = {"description": None, "extra_images": None, "variant_image": None, "discount_price": None,
        "ean": None, "brand_name": None}  # fmt: skip


def bare(fmt: PayloadFormat) -> dict[str, Any]:
    build = full_build(shared=BARE, category={}, variants={})
    return payloads(listings(items([{"id": "C-1"}], category=COOKWARE), build, fmt=fmt))["i:C-1"]


def test_the_instance_format_leaves_out_what_is_empty() -> None:
    assert bare(INSTANCE) == {
        "category_id": COOKWARE,
        "locale": "en_US",
        "title_multi_language_list": [{"locale": "en_US", "title": "Summer dress"}],
        "description_multi_language_list": [{"locale": "en_US", "module_list": []}],
        "product_units_type": "100000015",
        "image_url_list": [IMAGE],
        "category_attributes": {},
        "inventory_deduction_strategy": "payment_success_deduct",
        "package_weight": "0.500",
        "package_length": 30,
        "package_width": 20,
        "package_height": 5,
        "shipping_preparation_time": 3,
        "shipping_template_id": FREIGHT_ID,
        "service_template_id": "0",
        "product_group_id": GROUP_DRESSES,
        "sku_info_list": [{"sku_code": "C-1", "price": "20.00", "inventory": 5}],
    }


def test_the_post_format_leaves_out_what_is_empty() -> None:
    assert bare(POST) == {
        "aliexpress_category_id": COOKWARE,
        "language": "en",
        "multi_language_subject_list": [{"language": "en", "subject": "Summer dress"}],
        "main_image_urls_list": [IMAGE],
        "weight": "0.500",
        "package_length": 30,
        "package_width": 20,
        "package_height": 5,
        "inventory_deduction_strategy": "payment_success_deduct",
        "freight_template_id": int(FREIGHT_ID),
        "shipping_lead_time": 3,
        "service_policy_id": 0,
        "product_unit": 100000015,
        "group_id": int(GROUP_DRESSES),
        "sku_info_list": [{"sku_code": "C-1", "price": "20.00", "inventory": 5}],
    }


def test_no_null_or_empty_member_in_either_format() -> None:
    rows: list[dict[str, Any]] = [
        {
            "id": "C-1",
            "title": None,
            "price": None,
            "quantity": None,
            "image": None,
            "images": [],
            "unit": None,
        }
    ]
    build = full_build(shared={**BARE, "product_unit": {"field": "unit"}}, category={}, variants={})
    for fmt in PayloadFormat:
        found = payloads(listings(items(rows, category=COOKWARE), build, fmt=fmt))["i:C-1"]
        for key in (
            "title_multi_language_list",
            "multi_language_subject_list",
            "product_units_type",
            "product_unit",
        ):
            assert key not in found
        image_key = "image_url_list" if fmt is INSTANCE else "main_image_urls_list"
        assert found[image_key] == []
        assert found["sku_info_list"] == [{"sku_code": "C-1"}]
        assert "null" not in orjson.dumps(found).decode()


def test_text_attributes_and_every_value_of_a_multi_value_attribute() -> None:
    category = {"3": {"field": "model"}, "10": {"field": "material"}, "2": {"field": "brand"}}
    rows: list[dict[str, Any]] = [{"id": "C-1", "model": 'Pan "Pro" 28\\cm', "material": "Wood, Metal"}]
    for fmt in PayloadFormat:
        found = payloads(listings(items(rows, category=COOKWARE), full_build(category=category), fmt=fmt))[
            "i:C-1"
        ]
        if fmt is INSTANCE:
            assert found["category_attributes"] == {
                "Brand Name": {"value": ACME},
                "Material": {"value": ["900001005", "900001007"]},
                "Model Number": {"value": 'Pan "Pro" 28\\cm'},
            }
        else:
            assert found["attribute_list"] == [
                {"aliexpress_attribute_name_id": 2, "aliexpress_attribute_value_id": int(ACME)},
                {"aliexpress_attribute_name_id": 3, "attribute_value": 'Pan "Pro" 28\\cm'},
                {"aliexpress_attribute_name_id": 10, "aliexpress_attribute_value_id": 900001005},
                {"aliexpress_attribute_name_id": 10, "aliexpress_attribute_value_id": 900001007},
            ]


def test_the_payload_language_is_the_requirements_language() -> None:
    result = listings(items([{}]), full_build(), requirements(language="de"))
    assert payloads(result)["i:D-1"]["title_multi_language_list"] == [
        {"locale": "de_DE", "title": "Summer dress"}
    ]
    result = listings(items([{}]), full_build(), requirements(language="pt"), fmt=POST)
    assert payloads(result)["i:D-1"]["multi_language_subject_list"] == [
        {"language": "pt", "subject": "Summer dress"}
    ]


# ── the listing rows ───────────────────────────────────────────────────────────────────────────


def test_one_row_per_listing_in_the_order_of_their_first_items() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "A-1", "group": "A", "colour": "Black"},
        {"id": "S-1"},
        {"id": "A-2", "group": "A", "colour": "White"},
        {"id": "B-1", "group": "B", "category": COOKWARE},
    ]
    found = listings(items(rows), full_build()).listings
    assert found[c.LISTING].to_list() == ["g:A", "i:S-1", "g:B"]
    assert found[c.POSITION].to_list() == [0, 1, 3]
    assert found[c.GROUP].to_list() == ["A", None, "B"]
    assert found[c.CATEGORY].to_list() == [DRESSES, DRESSES, COOKWARE]
    assert found[ITEM_IDS].to_list() == [["A-1", "A-2"], ["S-1"], ["B-1"]]
    assert found[SKU_CODES].to_list() == [["A-1", "A-2"], ["S-1"], ["B-1"]]
    assert found[c.VARIANTS].to_list() == [2, 1, 1]
    # Cookware needs a Model Number, which the build leaves out.
    assert found[c.BLOCKED].to_list() == [False, False, True]


def test_a_listings_own_values_are_its_first_items() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "A-1", "group": "A", "colour": "Black", "title": "First", "brand": "Acme"},
        {"id": "A-2", "group": "A", "colour": "White", "title": "Second", "brand": "OEM"},
    ]
    found = payloads(listings(items(rows), full_build()))["g:A"]
    assert found["title_multi_language_list"][0]["title"] == "First"
    assert found["category_attributes"]["Brand Name"] == {"value": ACME}
    assert [sku["sku_code"] for sku in found["sku_info_list"]] == ["A-1", "A-2"]


trimmed = st.text(min_size=1, max_size=40).filter(lambda t: t.strip() == t and t != "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(trimmed, trimmed), min_size=1, max_size=10), st.sampled_from(PayloadFormat))
def test_any_text_comes_out_as_valid_json_with_the_same_text(
    texts: list[tuple[str, str]], fmt: PayloadFormat
) -> None:
    rows: list[dict[str, Any]] = [
        {"id": f"D-{n}", "title": title, "description": description, "brand": title, "colour": title}
        for n, (title, description) in enumerate(texts)
    ]
    found = payloads(listings(items(rows), full_build(), fmt=fmt))
    for n, (title, description) in enumerate(texts):
        payload = found[f"i:D-{n}"]
        assert payload["brand_name"] == title
        if fmt is INSTANCE:
            assert payload["title_multi_language_list"][0]["title"] == title
            assert (
                payload["description_multi_language_list"][0]["module_list"][0]["html"]["content"]
                == description
            )
        else:
            assert payload["multi_language_subject_list"][0]["subject"] == title
            detail = orjson.loads(payload["multi_language_description_list"][0]["web_detail"])
            assert detail["moduleList"][0]["html"]["content"] == description


# ── prices as AliExpress checks them ───────────────────────────────────────────────────────────


def price_problems(payload: dict[str, Any]) -> list[str]:
    """What AliExpress refuses in the payload's prices (REFERENCE §4 and §6.3), compared as sent."""
    found = []
    base = {}
    for sku in payload["sku_info_list"]:
        price = Decimal(sku["price"])
        base[sku["sku_code"]] = price
        if not Decimal("0.01") <= price <= Decimal("999999"):
            found.append(f"{sku['sku_code']}: price {price}")
        if "discount_price" in sku and not Decimal("0.01") <= Decimal(sku["discount_price"]) < price:
            found.append(f"{sku['sku_code']}: discount {sku['discount_price']} not below {price}")
    configuration = payload.get("multi_country_price_configuration", {"country_price_list": []})
    for country in configuration["country_price_list"]:
        for row in country["sku_price_by_country_list"]:
            price = Decimal(row["price"])
            if price < base[row["sku_code"]] * Decimal("0.7"):
                found.append(f"{country['ship_to_country']} {row['sku_code']}: price {price} low")
            if (
                "discount_price" in row
                and not price * Decimal("0.1") <= Decimal(row["discount_price"]) < price
            ):
                found.append(
                    f"{country['ship_to_country']} {row['sku_code']}: discount {row['discount_price']}"
                )
    return found


def money(places: int) -> st.SearchStrategy[str]:
    return st.decimals(min_value=0, max_value=1000, places=places, allow_nan=False).map(str)


prices = st.tuples(money(3), st.one_of(st.none(), money(3)), money(3), st.one_of(st.none(), money(3)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(prices, min_size=1, max_size=30))
def test_ready_listings_have_prices_aliexpress_accepts(
    cases: list[tuple[str, str | None, str, str | None]],
) -> None:
    rows: list[dict[str, Any]] = [
        {"id": f"D-{n}", "price": price, "sale_price": discount, "price_fr": fr_price, "sale_fr": fr_discount}
        for n, (price, discount, fr_price, fr_discount) in enumerate(cases)
    ]
    localized = [{"country": "FR", "price": {"field": "price_fr"}, "discount_price": {"field": "sale_fr"}}]
    result = listings(items(rows), full_build(localized_prices=localized))
    price_codes = {"range:price", "country_price_low", "country_discount_invalid"}
    assert {issue.code for issue in result.summary.mandatory} <= price_codes
    for row in result.listings.iter_rows(named=True):
        problems = price_problems(orjson.loads(row[PAYLOAD]))
        assert row[c.BLOCKED] or problems == [], (row[c.LISTING], problems)
        assert not row[c.BLOCKED] or problems, row[c.LISTING]  # blocked only for what AliExpress refuses


@pytest.mark.parametrize(
    ("price", "discount", "fr_price", "fr_discount"),
    [("10.00", "9.999", "10.00", None), ("10.00", None, "10.00", "9.999")],
)
def test_prices_with_more_decimals_are_checked_as_they_are_sent(
    price: str, discount: str | None, fr_price: str, fr_discount: str | None
) -> None:
    rows: list[dict[str, Any]] = [
        {"price": price, "sale_price": discount, "price_fr": fr_price, "sale_fr": fr_discount}
    ]
    prices = [{"country": "FR", "price": {"field": "price_fr"}, "discount_price": {"field": "sale_fr"}}]
    result = listings(items(rows), full_build(localized_prices=prices))
    row = result.listings.row(0, named=True)
    assert row[c.BLOCKED] or price_problems(orjson.loads(row[PAYLOAD])) == []


# ── hashes ─────────────────────────────────────────────────────────────────────────────────────


def hashes(rows: list[dict[str, Any]], **build: Any) -> dict[str, tuple[str, str, str]]:
    result = listings(items(rows), full_build(**build))
    return {
        row[c.LISTING]: (row[CONTENT_HASH], row[PRICE_HASH], row[STOCK_HASH])
        for row in result.listings.iter_rows(named=True)
    }


BASE = [
    {"id": "D-1", "group": "G", "colour": "Black", "price_fr": "19"},
    {"id": "D-2", "group": "G", "colour": "White", "price": "22.00", "quantity": "9", "price_fr": "21"},
    {"id": "S-1"},
]
LOCAL = {"localized_prices": [{"country": "FR", "price": {"field": "price_fr"}}]}


def changed(change: dict[str, Any], index: int = 1, **build: Any) -> tuple[set[str], tuple[str, str, str]]:
    """Which hashes of listing g:G change when item `index` changes, and the hashes of S-1 after."""
    before = hashes(BASE, **LOCAL, **build)
    rows: list[dict[str, Any]] = [dict(row) for row in BASE]
    rows[index].update(change)
    after = hashes(rows, **LOCAL, **build)
    names = ("content", "price", "stock")
    differ = {name for name, old, new in zip(names, before["g:G"], after["g:G"], strict=True) if old != new}
    assert after["i:S-1"] == before["i:S-1"]  # other listings keep theirs
    return differ, after["i:S-1"]


def test_the_same_input_gives_the_same_hashes() -> None:
    first, second = hashes(BASE, **LOCAL), hashes(BASE, **LOCAL)
    assert first == second
    assert len({h for triple in first.values() for h in triple}) == 6  # every hash differs


@pytest.mark.parametrize(
    ("change", "index", "expected"),
    [
        ({"price": "23.00"}, 1, {"price"}),
        ({"sale_price": "10.00"}, 1, {"price"}),
        ({"price_fr": "20"}, 1, {"price"}),
        ({"quantity": "10"}, 1, {"stock"}),
        ({"quantity": "9.5"}, 1, set()),  # stock is read as 9 again
        ({"title": "Winter dress"}, 0, {"content"}),
        ({"title": "Winter dress"}, 1, set()),  # a listing's title is its first item's
        ({"description": "<p>New</p>"}, 0, {"content"}),
        ({"colour": "Red"}, 1, {"content"}),
        ({"colour": "Black "}, 0, set()),  # the same value once trimmed
        ({"images": ["https://img.example.com/new.jpg"]}, 0, {"content"}),
        ({"gtin": "4006381333948"}, 1, {"content"}),
        ({"weight": "0.5 kg"}, 0, set()),  # 500 g, written otherwise
        ({"weight": "600 g"}, 0, {"content"}),
        ({"brand": "OEM"}, 0, {"content"}),
    ],
)
def test_a_change_changes_only_the_hash_of_what_it_touches(
    change: dict[str, Any], index: int, expected: set[str]
) -> None:
    assert changed(change, index)[0] == expected


def test_a_category_change_changes_the_content_hash() -> None:
    differ, _ = changed({"category": COOKWARE}, 0)
    assert "content" in differ


def test_swapping_values_between_variants_is_a_change() -> None:
    rows: list[dict[str, Any]] = [
        {**row, "quantity": str(n), "price": f"{n}.00"} for n, row in enumerate(BASE, 5)
    ]
    before = hashes(rows)["g:G"]
    rows[0]["quantity"], rows[1]["quantity"] = rows[1]["quantity"], rows[0]["quantity"]
    rows[0]["price"], rows[1]["price"] = rows[1]["price"], rows[0]["price"]
    after = hashes(rows)["g:G"]
    assert (after[0], after[1] != before[1], after[2] != before[2]) == (before[0], True, True)


def test_variants_listed_in_another_order_with_their_values_moved_is_a_change() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "D-1", "group": "G", "colour": "Black", "quantity": "5", "price": "10"},
        {"id": "D-2", "group": "G", "colour": "White", "quantity": "7", "price": "12"},
    ]
    before = hashes(rows)["g:G"]
    # D-2 now first, and each SKU has the other's price and stock.
    moved = [{**rows[1], "quantity": "5", "price": "10"}, {**rows[0], "quantity": "7", "price": "12"}]
    after = hashes(moved)["g:G"]
    assert after[1] != before[1]
    assert after[2] != before[2]


def test_the_format_is_part_of_the_content_hash() -> None:
    instance = listings(items(BASE), full_build()).listings[CONTENT_HASH].to_list()
    post = listings(items(BASE), full_build(), fmt=POST).listings[CONTENT_HASH].to_list()
    assert not set(instance) & set(post)


def test_hashes_are_decimal_text() -> None:
    found = listings(items(BASE), full_build()).listings
    for name in (CONTENT_HASH, PRICE_HASH, STOCK_HASH):
        assert found.schema[name] == pl.String
        assert all(value.isdigit() for value in found[name])
