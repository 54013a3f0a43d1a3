"""AliExpress's quality checks: every check code with its severity, found on one variant and shown on every
variant of its listing; mandatory ones block the listing, optional ones leave out what they found wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson
import polars as pl
import pytest

from feedbridge.channels.aliexpress.checks import checks, repeated_code_key, repeated_sku_codes
from feedbridge.listings import columns as c
from feedbridge.listings.pipeline import ListingSet
from feedbridge.listings.quality import Fix, Severity
from support.requirements import (
    COOKWARE,
    DRESSES,
    NOT_PERMITTED,
    SHIRTS,
    full_build,
    items,
    listings,
    requirements,
    skus,
)

MANDATORY, OPTIONAL = Severity.MANDATORY, Severity.OPTIONAL
URL = "https://img.example.com/v.jpg"
# Fields every item gets, for the cases whose build reads them.
EVERY = {
    "unit": "piece/pieces",
    "deduct": "Deduct stock when the order is paid",
    "pg": "Clothes > Dresses",
    "freight": "Standard shipping",
    "service": "Default service policy",
    "vimg": URL,
    "price_fr": "18",
    "sale_fr": "17",
    "gender": "Men",
    "model": "X-1",
    "brand2": "Acme",
}
CHOICE_FIELDS = {
    "product_unit": "unit",
    "inventory_deduction": "deduct",
    "product_group": "pg",
    "freight_template": "freight",
    "service_policy": "service",
}
FR = {
    "localized_prices": [
        {"country": "FR", "price": {"field": "price_fr"}, "discount_price": {"field": "sale_fr"}}
    ]
}
WITH_GENDER = {"category": {"2": {"field": "brand"}, "10": {"field": "material"}, "284": {"field": "gender"}}}
WOODEN = {"material": "Wood"}  # allowed in cookware
WITH_MODEL = {"category": {"2": {"field": "brand"}, "10": {"field": "material"}, "3": {"field": "model"}}}


@dataclass(frozen=True)
class Case:
    code: str
    severity: Severity
    bad: dict[str, Any]  # what the second variant of the listing has wrong
    build: dict[str, Any] = field(default_factory=dict)
    category: int = DRESSES
    own: int = 1  # variants that have the problem themselves
    max_variants: int = 200
    base: dict[str, Any] = field(default_factory=dict)  # what every item has
    first: bool = False  # the first variant has the problem (the listing's own values are its)
    also_mandatory: bool = False  # the problem sets off a mandatory check too (a value that does not read)

    @property
    def blocks(self) -> bool:
        return self.severity is MANDATORY or self.also_mandatory

    def __str__(self) -> str:
        return self.code


def _choice_cases() -> list[Case]:
    found = []
    for key, name in CHOICE_FIELDS.items():
        build = {"shared": {key: {"field": name}}}
        found += [
            Case(f"missing:{key}", MANDATORY, {name: ""}, build),
            Case(f"not_mapped:{key}", OPTIONAL, {name: "Kiste"}, build, also_mandatory=True),
        ]
    return found


def _number_cases() -> list[Case]:
    found = []
    for key, name, wrong in (
        ("weight", "weight", "600 kg"),
        ("length", "length", "800"),
        ("width", "width", "0.0"),
        ("height", "height", "701 cm"),
        ("dispatch_time", "days", "61"),
        ("price", "price", "1000000"),
        ("stock", "quantity", "0"),
    ):
        found += [
            Case(f"missing:{key}", MANDATORY, {name: ""}),
            Case(f"invalid:{key}", OPTIONAL, {name: "a lot"}, also_mandatory=True),
            Case(f"range:{key}", MANDATORY, {name: wrong}),
        ]
    return found


CASES = [
    # identity: the SKU code is the API's unique ID field ("id")
    Case("missing:sku_code", MANDATORY, {"id": " "}),
    Case("sku_code_duplicate", MANDATORY, {"id": "OK-1"}),  # the ready listing, earlier, has it
    Case("sku_code_format", OPTIONAL, {"id": "D 2 / blue"}),
    # category
    # (a listing is in its first item's category, so each variant has the listing's category problem)
    Case("missing:category", MANDATORY, {"category": None}, first=True, own=2),
    Case("category_not_allowed", MANDATORY, {"category": NOT_PERMITTED}, first=True, own=2),
    Case("variant_category_differs", OPTIONAL, {"category": SHIRTS}),
    # title and description
    Case("missing:title", MANDATORY, {"title": "  "}),
    Case("too_long:title", MANDATORY, {"title": "x" * 219}),
    Case("title_characters", MANDATORY, {"title": "Dress <b>sale</b>"}),
    Case("recommended:description", OPTIONAL, {"description": None}),
    # numbers
    *_number_cases(),
    Case("invalid:discount_price", OPTIONAL, {"sale_price": "cheap"}),
    Case("range:discount_price", OPTIONAL, {"sale_price": "0.001"}),
    Case("discount_not_below_price", OPTIONAL, {"sale_price": "20.00"}),
    # EAN
    Case("recommended:ean", OPTIONAL, {"gtin": None}),
    Case("ean_invalid", OPTIONAL, {"gtin": "4006381333932"}),
    # attributes with the account's values
    *_choice_cases(),
    # images
    Case("missing:main_image", MANDATORY, {"image": None, "images": []}),
    Case("image_url_invalid", MANDATORY, {"images": ["img/back.jpg"]}),
    Case("recommended:extra_images", OPTIONAL, {"images": []}),
    Case("images_capped", OPTIONAL, {"images": [f"https://img.example.com/{n}.jpg" for n in range(6)]}),
    Case(
        "left_out:sku_image.14",
        OPTIONAL,
        {"vimg": "photo.jpg"},
        {"shared": {"variant_image": {"field": "vimg"}}},
    ),
    # localized prices (price 20)
    Case("country_price_low", MANDATORY, {"price_fr": "13.99", "sale_fr": None}, FR),
    Case("country_discount_invalid", MANDATORY, {"sale_fr": "18"}, FR),
    Case("country_discount_invalid", MANDATORY, {"sale_fr": "1.79"}, FR),
    # category attributes
    Case("missing:attribute.2", MANDATORY, {"brand": "Lindqvist"}),
    Case(
        "not_mapped:attribute.2",
        OPTIONAL,
        {"brand2": "Nordvik"},
        {"category": {"2": {"field": "brand2"}, "10": {"field": "material"}}},
    ),
    Case("missing:attribute.10", MANDATORY, {"material": ""}),
    Case("not_mapped:attribute.10", OPTIONAL, {"material": "Cotton, Kevlar"}),
    Case("recommended:attribute.284", OPTIONAL, {"gender": ""}, WITH_GENDER),
    Case("not_mapped:attribute.284", OPTIONAL, {"gender": "Aliens"}, WITH_GENDER),
    Case("missing:attribute.284", MANDATORY, {"gender": ""}, WITH_GENDER, SHIRTS),
    Case("not_allowed:attribute.10", MANDATORY, {"material": "Linen"}, WITH_GENDER, SHIRTS),
    Case("missing:attribute.3", MANDATORY, {"model": ""}, WITH_MODEL, COOKWARE, base=WOODEN),
    Case("recommended:attribute.10", OPTIONAL, {"material": None}, WITH_MODEL, COOKWARE, base=WOODEN),
    Case("left_out:attribute.10", OPTIONAL, {"material": "Cotton"}, WITH_MODEL, COOKWARE, base=WOODEN),
    # variants
    Case("missing:sku_attribute.14", MANDATORY, {"colour": ""}),
    Case("missing:sku_attribute.5", MANDATORY, {"size": None}),
    Case("recommended:sku_attribute.14", OPTIONAL, {"colour": ""}, WITH_GENDER, SHIRTS),
    Case("recommended:sku_attribute.5", OPTIONAL, {"size": ""}, WITH_GENDER, SHIRTS),
    Case("not_mapped:sku_attribute.14", OPTIONAL, {"colour": "Teal"}, WITH_GENDER, SHIRTS),
    Case("not_mapped:sku_attribute.5", OPTIONAL, {"size": "XXXL"}, WITH_GENDER, SHIRTS),
    Case("not_allowed:sku_attribute.5", MANDATORY, {"size": "L"}, WITH_GENDER, SHIRTS),
    Case("variant_attributes_missing", MANDATORY, {"colour": "", "size": ""}, WITH_GENDER, SHIRTS),
    Case("variant_duplicate", MANDATORY, {"colour": "Black", "size": "M"}, own=2),
    Case("too_many_variants", MANDATORY, {}, own=2, max_variants=1),
]


def family(code: str) -> str:
    return re.sub(r"\.\d+$", "", code)


def run(case: Case, *, bad: bool) -> tuple[ListingSet, pl.DataFrame]:
    """A ready listing (OK-1), then a listing of two variants whose second one is `case.bad`."""
    every = {**EVERY, **case.base}
    rows = [
        {**every, "id": "OK-1", "group": None},
        {**every, "id": "D-1", "group": "G", "colour": "Black", "size": "M"},
        {**every, "id": "D-2", "group": "G", "colour": "White", "size": "S"},
    ]
    if bad:
        rows[1 if case.first else 2].update(case.bad)
    frame = items(rows, category=case.category)
    found = listings(frame, full_build(**case.build), requirements(max_variants=case.max_variants))
    return found, found.items


def issue_flags(result: ListingSet, code: str, *, own: bool) -> list[bool]:
    return result.items.select(result.issues.has(code, own=own)).to_series().to_list()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_check_finds_the_problem_and_shows_it_on_every_variant(case: Case) -> None:
    result, frame = run(case, bad=True)
    issue = next((i for i in result.summary.issues if i.code == case.code), None)
    assert issue is not None, [i.code for i in result.summary.issues]
    assert issue.severity is case.severity
    assert (issue.listings, issue.items, issue.own_items) == (1, 2, case.own)
    # Both variants of the listing show it; the ready listing does not.
    assert issue_flags(result, case.code, own=False) == [False, True, True]
    assert issue_flags(result, case.code, own=True)[0] is False
    assert sum(issue_flags(result, case.code, own=True)) == case.own
    blocked = frame[c.BLOCKED].to_list()
    assert blocked[0] is False
    assert blocked[1:] == [case.blocks, case.blocks]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_without_the_problem_the_listing_is_ready(case: Case) -> None:
    if case.max_variants == 1:
        case = Case(case.code, case.severity, {}, case.build, case.category, base=case.base)
    result, frame = run(case, bad=False)
    assert case.code not in {issue.code for issue in result.summary.issues}
    assert result.summary.blocked == 0, [i.code for i in result.summary.mandatory]
    assert frame[c.BLOCKED].to_list() == [False, False, False]


def test_the_cases_cover_every_check() -> None:
    build = full_build(
        category={
            "2": {"field": "brand"},
            "10": {"field": "material"},
            "284": {"field": "gender"},
            "3": {"field": "model"},
        },
        **FR,
    )
    required = requirements()
    built = skus(items([EVERY]), build, required)
    every = {family(check.code) for check in checks(required, built.schema, ["x"])}
    covered = {family(case.code) for case in CASES}
    assert every == covered
    assert covered <= every


def test_checks_say_where_to_fix_them() -> None:
    required = requirements()
    built = skus(items([EVERY]), full_build(), required)
    by_code = {check.code: check for check in checks(required, built.schema)}
    assert by_code["missing:sku_code"].fix is Fix.SHOW_SOURCE
    assert by_code["sku_code_duplicate"].fix is Fix.SHOW_SOURCE
    assert by_code["missing:category"].fix is Fix.SET_CATEGORIES
    assert by_code["category_not_allowed"].fix is Fix.SET_CATEGORIES
    assert by_code["missing:title"].fix is Fix.VIEW_IN_BUILD
    assert by_code["too_long:title"].fix is Fix.VIEW_ITEMS
    assert by_code["missing:attribute.2"].label == "Brand Name"
    assert by_code["range:weight"].message == "Package weight must be 0.001-500 kg."
    assert by_code["range:discount_price"].message == "Discount price must be 0.01-999999; it is left out."
    assert "218" in by_code["too_long:title"].message
    # Without localized prices there are no localized price checks.
    assert "country_price_low" not in by_code


# ── brand ──────────────────────────────────────────────────────────────────────────────────────


def test_a_brand_name_the_seller_may_use_stands_in_for_the_brand_attribute() -> None:
    rows = [{"id": "D-1", "brand": "Lindqvist"}]
    build = full_build(shared={"brand_name": {"static": "ACME"}})
    result = listings(items(rows), build)
    codes = {issue.code for issue in result.summary.issues}
    assert "missing:attribute.2" not in codes
    assert "not_mapped:attribute.2" in codes
    assert result.summary.ready == 1
    # Another brand name does not.
    result = listings(items(rows), full_build(shared={"brand_name": {"static": "Lindqvist"}}))
    assert "missing:attribute.2" in {issue.code for issue in result.summary.mandatory}


# ── optional checks leave out what they found wrong ───────────────────────────────────────────


def payload_of(result: ListingSet, listing: str) -> dict[str, Any]:
    row = result.listings.filter(pl.col(c.LISTING) == listing).row(0, named=True)
    data: dict[str, Any] = orjson.loads(row["payload"])
    return data


@pytest.mark.parametrize(
    ("sale_price", "code"), [("20.00", "discount_not_below_price"), ("0.001", "range:discount_price")]
)
def test_a_wrong_discount_price_is_left_out(sale_price: str, code: str) -> None:
    rows = [
        {"id": "D-1", "group": "G", "colour": "Black"},
        {"id": "D-2", "group": "G", "colour": "White", "sale_price": sale_price},
    ]
    result = listings(items(rows), full_build())
    assert code in {issue.code for issue in result.summary.issues}
    assert result.summary.ready == 1
    first, second = payload_of(result, "g:G")["sku_info_list"]
    assert first["discount_price"] == "15.00"
    assert "discount_price" not in second
    assert second["price"] == "20.00"


def test_a_variant_image_that_is_no_url_is_left_out() -> None:
    rows = [
        {"id": "D-1", "group": "G", "colour": "Black", "vimg": URL},
        {"id": "D-2", "group": "G", "colour": "White", "vimg": "photo.jpg"},
    ]
    result = listings(items(rows), full_build(shared={"variant_image": {"field": "vimg"}}))
    assert result.summary.ready == 1
    first, second = payload_of(result, "g:G")["sku_info_list"]
    assert first["sku_attributes"]["Color"] == {"value": "900001401", "alias": "Black", "sku_image_url": URL}
    assert second["sku_attributes"]["Color"] == {"value": "900001402", "alias": "White"}


def test_a_value_the_category_does_not_allow_is_left_out_where_the_attribute_is_optional() -> None:
    rows = [
        {"id": "C-1", "model": "X-1", "material": "Cotton, Wood"},
        {"id": "C-2", "model": "X-1", "material": "Cotton"},
    ]
    result = listings(items(rows, category=COOKWARE), full_build(**WITH_MODEL))
    assert result.summary.ready == 2
    left_out = next(issue for issue in result.summary.issues if issue.code == "left_out:attribute.10")
    assert (left_out.severity, left_out.items) == (OPTIONAL, 2)
    for listing in ("i:C-1", "i:C-2"):
        attributes = payload_of(result, listing)["category_attributes"]
        assert "Material" not in attributes
        assert attributes["Model Number"] == {"value": "X-1"}


def test_the_same_value_blocks_where_the_attribute_is_mandatory() -> None:
    rows = [
        {"id": "S-1", "material": "Linen", "gender": "Men"},
        {"id": "S-2", "material": "Cotton", "gender": "Men"},
    ]
    result = listings(items(rows, category=SHIRTS), full_build(**WITH_GENDER))
    assert result.items[c.BLOCKED].to_list() == [True, False]
    assert "Material" in payload_of(result, "i:S-1")["category_attributes"]


# ── SKU codes ──────────────────────────────────────────────────────────────────────────────────


def sku_frame(rows: list[tuple[str, str]]) -> pl.LazyFrame:
    return pl.LazyFrame({c.LISTING: [r[0] for r in rows], c.SKU_CODE: [r[1] for r in rows]})


def test_a_repeated_sku_code_blocks_every_later_listing_and_keeps_the_first() -> None:
    data = sku_frame([("i:A", "A"), ("g:G", "B"), ("g:G", "A"), ("g:H", "A"), ("i:C", "C")])
    assert sorted(repeated_sku_codes(data)) == ["g:G\x1fA", "g:H\x1fA"]


def test_a_code_repeated_within_a_listing_marks_each_of_its_items() -> None:
    data = sku_frame([("g:G", "A"), ("g:G", "A"), ("g:G", "B"), ("g:H", "A"), ("i:X", "")])
    assert sorted(repeated_sku_codes(data)) == ["g:G\x1fA", "g:H\x1fA"]


def test_empty_codes_are_never_repeats() -> None:
    assert repeated_sku_codes(sku_frame([("i:1", ""), ("i:2", ""), ("i:3", "x")])) == []


def test_repeated_codes_keys_are_listing_and_code() -> None:
    keys = sku_frame([("g:G", "A")]).select(repeated_code_key()).collect().to_series().to_list()
    assert keys == ["g:G\x1fA"]


def test_the_first_listing_with_a_code_is_sent_and_later_ones_are_blocked() -> None:
    rows = [
        {"id": "A-1"},
        {"id": "B-1", "group": "B", "colour": "Black"},
        {"id": "A-1", "group": "B", "colour": "White"},
        {"id": "A-1", "group": "C"},
    ]
    result = listings(items(rows), full_build())
    assert result.items[c.BLOCKED].to_list() == [False, True, True, True]
    duplicate = next(issue for issue in result.summary.issues if issue.code == "sku_code_duplicate")
    assert (duplicate.listings, duplicate.items, duplicate.own_items) == (2, 3, 2)
    assert issue_flags(result, "sku_code_duplicate", own=True) == [False, False, True, True]


def test_a_listing_repeating_a_code_within_itself_is_blocked() -> None:
    rows = [{"id": "A-1", "group": "G", "colour": "Black"}, {"id": "A-1", "group": "G", "colour": "White"}]
    result = listings(items(rows), full_build())
    assert issue_flags(result, "sku_code_duplicate", own=True) == [True, True]
    assert result.summary.blocked == 1


# ── variants ───────────────────────────────────────────────────────────────────────────────────


def many(count: int) -> list[dict[str, Any]]:
    sizes = ["S", "M", "L"]
    colours = ["Black", "White", "Red", "Blue"]
    return [
        {"id": f"D-{n}", "group": "G", "colour": colours[n // 3], "size": sizes[n % 3]} for n in range(count)
    ]


@pytest.mark.parametrize(("count", "blocked"), [(3, False), (4, True)])
def test_too_many_variants_block_the_listing(count: int, blocked: bool) -> None:
    result = listings(items(many(count)), full_build(), requirements(max_variants=3))
    assert result.items[c.BLOCKED].to_list() == [blocked] * count
    assert ("too_many_variants" in {i.code for i in result.summary.issues}) is blocked


def test_a_single_item_needs_no_variant_attributes_where_they_are_only_recommended() -> None:
    result = listings(
        items([{"id": "S-1", "colour": None, "size": None, "gender": "Men"}], category=SHIRTS),
        full_build(**WITH_GENDER),
    )
    codes = {i.code for i in result.summary.issues}
    assert "variant_attributes_missing" not in codes
    assert "recommended:sku_attribute.14" not in codes
    assert result.summary.ready == 1


def test_variant_combinations_count_every_attribute() -> None:
    rows = [
        {"id": "D-1", "group": "G", "colour": "Black", "size": "S"},
        {"id": "D-2", "group": "G", "colour": "Black", "size": "M"},
        {"id": "D-3", "group": "G", "colour": "White", "size": "S"},
    ]
    assert listings(items(rows), full_build()).summary.ready == 1
    rows[2]["colour"] = "Schwarz"  # Black again, in German
    result = listings(items(rows), full_build())
    assert issue_flags(result, "variant_duplicate", own=True) == [True, False, True]
    assert result.summary.blocked == 1


@pytest.mark.parametrize(
    "images",
    [
        "https://img.example.com/2.jpg, , https://img.example.com/3.jpg",
        ["https://img.example.com/2.jpg", " "],
    ],
    ids=["text", "list"],
)
def test_a_blank_image_between_others_is_ignored(images: str | list[str]) -> None:
    result = listings(items([{"id": "D-1", "images": images}]), full_build())
    assert result.summary.blocked == 0, [issue.code for issue in result.summary.mandatory]


@pytest.mark.parametrize(
    ("price_fr", "sale_fr", "codes"),
    [
        ("14.00", None, set()),  # exactly 70 % of 20.00
        ("13.99", None, {"country_price_low"}),
        ("100", None, set()),  # above the price is fine
        ("18", "1.80", set()),  # exactly 10 % of the country price
        ("18", "1.79", {"country_discount_invalid"}),
        ("18", "17.99", set()),
        ("18", "18.00", {"country_discount_invalid"}),
        (None, "5", set()),  # no country price: the country is left out
    ],
)
def test_localized_price_limits(price_fr: str | None, sale_fr: str | None, codes: set[str]) -> None:
    rows = [{"id": "D-1", "price": "20.00", "price_fr": price_fr, "sale_fr": sale_fr}]
    result = listings(items(rows), full_build(**FR))
    found = {issue.code for issue in result.summary.mandatory}
    assert found == codes
    payload = payload_of(result, "i:D-1")
    if price_fr is None:
        assert "multi_country_price_configuration" not in payload
