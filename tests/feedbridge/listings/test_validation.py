"""Checking a build when it is saved: every problem at once, in words that say where and how to fix it."""

from __future__ import annotations

from typing import Any

import pytest

from feedbridge.catalog.model import FieldType
from feedbridge.channels.aliexpress.client.categories import LOCALES
from feedbridge.channels.aliexpress.schema import SHIP_TO_COUNTRIES
from feedbridge.listings.requirements import Kind
from feedbridge.listings.spec import Build, parse_build
from feedbridge.listings.validation import InvalidBuild, Known, build_from_data, checked_build
from support.requirements import ACME, BLACK, COTTON, DRESSES, LINEN, NO_BRAND, POLYESTER, WOMEN, requirements

FIELDS = {name: FieldType.TEXT for name in ("title", "price", "weight", "colour", "brand", "material")}
REQUIRED = requirements()
LANGUAGES = sorted(LOCALES)
CATEGORY = {a.id: Known(a.kind, a.choices) for a in REQUIRED.categories[DRESSES].product_attributes}
VARIANTS = {a.id: Known(a.kind, a.choices) for a in REQUIRED.categories[DRESSES].variant_attributes}


def check(
    data: dict[str, Any],
    *,
    fields: dict[str, FieldType] | None = FIELDS,
    category: dict[int, Known] | None = CATEGORY,
    variants: dict[int, Known] | None = VARIANTS,
) -> Build:
    return checked_build(
        parse_build(data),
        REQUIRED.shared,
        fields=fields,
        countries=SHIP_TO_COUNTRIES,
        languages=LANGUAGES,
        category=category,
        variants=variants,
    )


def problems(
    data: dict[str, Any],
    *,
    fields: dict[str, FieldType] | None = FIELDS,
    category: dict[int, Known] | None = CATEGORY,
) -> list[str]:
    with pytest.raises(InvalidBuild) as raised:
        check(data, fields=fields, category=category)
    return raised.value.problems


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            {"shared": {"titel": {"field": "title"}}},
            "shared › titel: unknown attribute — did you mean 'title'?",
        ),
        (
            {"shared": {"colour_name": {"field": "title"}}},
            "shared › colour_name: unknown attribute",
        ),
        (
            {"shared": {"price": {"field": "prise"}}},
            "shared › price: the items have no field 'prise' — did you mean 'price'?",
        ),
        (
            {"shared": {"title": {"template": "{brand} {model_no}"}}},
            "shared › title: the items have no field 'model_no'",
        ),
        (
            {"shared": {"title": {"formula": "{price} * 2"}}},
            "shared › title: a formula gives a number; this attribute is text, use field or template",
        ),
        (
            {"shared": {"description": {"field": "title", "map": {"a": "b"}}}},
            "shared › description: only attributes with allowed values take a value map; remove 'map'",
        ),
        (
            {"shared": {"title": {"field": "title", "round": {"decimals": 2}}}},
            "shared › title: only numbers are rounded; remove 'round'",
        ),
        (
            {"shared": {"weight": {"field": "weight", "unit": "parsec"}}},
            "shared › weight: unit 'parsec' does not convert to kg (use one of kg, kgs, kilo, kilos, kilogram, "
            "kilograms, g, gr, grs, gram, grams, gramm, lb, lbs, pound, pounds, oz, ounce, ounces)",
        ),
        (
            {"shared": {"length": {"field": "weight", "unit": "kg"}}},
            "shared › length: unit 'kg' does not convert to cm",
        ),
        (
            {"shared": {"price": {"field": "price", "unit": "g"}}},
            "shared › price: this attribute has no unit; remove 'unit'",
        ),
        (
            {"shared": {"length": {"static": "long"}}},
            "shared › length: static value 'long' is not a number",
        ),
        (
            {"shared": {"ean": {"static": ["1", "2"]}}},
            "shared › ean: this attribute takes one value, not a list",
        ),
        (
            {"shared": {"product_unit": {"static": "bucket"}}},
            "shared › product_unit: 'bucket' is not one of the allowed values (100000015 piece/pieces, "
            "100000000 bag/bags, 100000001 barrel/barrels, 100000002 bushel/bushels, 100078580 carton, "
            "100078581 centimeter, 100000003 cubic meter, 100000004 dozen, … 27 more)",
        ),
        (
            {"shared": {"freight_template": {"static": "1000"}}},
            "shared › freight_template: '1000' is not one of the allowed values (5001 Standard shipping)",
        ),
        (
            {"category": {"2": {"static": "Acmee"}}},
            "category › 2: 'Acmee' is not one of the allowed values (201512802 NoEnName_Null, 900000201 Acme, "
            "200010868 OEM)",
        ),
        (
            {"category": {"10": {"formula": "{price}"}}},
            "category › 10: a formula gives a number; this attribute is choices, use field or template",
        ),
        (
            {"category": {"3": {"field": "title", "map": {"x": "y"}}}},
            "category › 3: only attributes with allowed values take a value map; remove 'map'",
        ),
        (
            {"category": {"2": {"field": "brand", "map": {"Lindqvist": "Nobody"}}}},
            "category › 2 › map › 'Lindqvist': 'Nobody' is not one of the allowed values (201512802 "
            "NoEnName_Null, 900000201 Acme, 200010868 OEM)",
        ),
        (
            {"variants": {"attributes": {"14": {"static": "Teal"}}}},
            "variants › attributes › 14: 'Teal' is not one of the allowed values (900001401 Black,",
        ),
        (
            {"shared": {"weight": {"formula": "{weight} * 2", "unit": "g"}}},
            "shared › weight: a formula reads numbers without units; remove 'unit'",
        ),
        (
            {"language": "xx"},
            "language: 'xx' is not an AliExpress main language (" + " ".join(LANGUAGES) + ")",
        ),
        (
            {"variants": {"attributes": {"14": {"field": "color"}}}},
            "variants › attributes › 14: the items have no field 'color' — did you mean 'colour'?",
        ),
        (
            {"variants": {"group_field": "parent_sku"}},
            "variants › group_field: the items have no field 'parent_sku'",
        ),
        (
            {"localized_prices": [{"country": "GB", "price": {"field": "price"}}]},
            "localized_prices › 1 (GB): AliExpress takes localized prices for "
            + " ".join(SHIP_TO_COUNTRIES)
            + " only",
        ),
        (
            {"localized_prices": [{"country": "FR", "price": {"field": "prize"}}]},
            "localized_prices › 1 (FR) › price: the items have no field 'prize' — did you mean 'price'?",
        ),
        (
            {
                "localized_prices": [
                    {"country": "FR", "price": {"field": "price"}, "discount_price": {"static": "cheap"}}
                ]
            },
            "localized_prices › 1 (FR) › discount_price: static value 'cheap' is not a number",
        ),
    ],
)
def test_each_problem_is_named(data: dict[str, Any], problem: str) -> None:
    found = problems(data)
    assert len(found) == 1, found
    assert found[0].startswith(problem), found[0]


def test_every_problem_is_listed_at_once() -> None:
    data = {
        "shared": {
            "titel": {"field": "title"},
            "price": {"field": "prise"},
            "weight": {"field": "weight", "unit": "ly"},
        },
        "category": {"2": {"static": "Nobody"}},
        "variants": {"group_field": "grp", "attributes": {"14": {"field": "color"}}},
        "localized_prices": [{"country": "XX", "price": {"field": "price"}}],
    }
    with pytest.raises(InvalidBuild) as raised:
        check(data)
    assert len(raised.value.problems) == 7
    text = str(raised.value)
    assert "7 problem(s):" in text
    for problem in raised.value.problems:
        assert f"  - {problem}" in text


def test_without_the_items_fields_fields_are_not_checked() -> None:
    build = check(
        {"shared": {"title": {"field": "anything"}}, "variants": {"group_field": "whatever"}}, fields=None
    )
    assert build.shared["title"].field == "anything"


def test_statics_and_map_targets_given_by_name_are_kept_as_ids() -> None:
    build = check(
        {
            "shared": {
                "product_unit": {"static": "Piece/Pieces"},
                "freight_template": {"static": "standard shipping"},
            },
            "category": {
                "2": {"field": "brand", "map": {"Lindqvist": "noenname null", "Acme": ACME}},
                "10": {"static": ["cotton", "Lin", POLYESTER]},
                "284": {"static": "Mulheres"},
            },
            "variants": {"attributes": {"14": {"static": "black"}}},
        }
    )
    assert build.shared["product_unit"].static == "100000015"
    assert build.shared["freight_template"].static == "5001"
    assert build.category[2].map == {"Lindqvist": NO_BRAND, "Acme": ACME}
    assert build.category[10].static == [COTTON, LINEN, POLYESTER]
    assert build.category[284].static == WOMEN
    assert build.variants.attributes[14].static == BLACK


def test_a_valid_build_comes_back_unchanged() -> None:
    data = {
        "shared": {
            "title": {"template": "{brand} {title}"},
            "price": {"formula": "{price} * 1.2", "round": {"ending": ".99"}},
            "weight": {"field": "weight", "unit": "g"},
            "product_unit": {"static": "100000015"},
        },
        "category": {"10": {"field": "material", "map": {"Baumwolle": COTTON}}},
        "variants": {"group_field": "title", "attributes": {"14": {"field": "colour"}}},
        "localized_prices": [{"country": "UK", "price": {"field": "price"}}],
    }
    assert check(data) == parse_build(data)


def test_an_attribute_of_no_category_in_use_takes_any_static() -> None:
    data = {"category": {"999": {"static": "whatever"}}, "variants": {"attributes": {"998": {"static": "x"}}}}
    assert check(data).category[999].static == "whatever"
    build = check(data, category=None, variants=None)
    assert (build.category[999].static, build.variants.attributes[998].static) == ("whatever", "x")
    # Unknown attributes are taken to have allowed values: a formula is refused.
    assert problems({"category": {"999": {"formula": "{price}"}}}, category=None) == [
        "category › 999: a formula gives a number; this attribute is choice, use field or template"
    ]


def test_a_category_attribute_is_checked_by_its_kind() -> None:
    data = {"category": {"3": {"field": "title", "map": {"a": "b"}}}}
    assert problems(data, category={3: Known(Kind.TEXT)}) == [
        "category › 3: only attributes with allowed values take a value map; remove 'map'"
    ]


def test_a_static_number_is_plain_with_its_unit_given_apart() -> None:
    # As docs/aliexpress-build.md says: `--static 200 --unit mm`, not "200 mm".
    build = check({"shared": {"length": {"static": "200", "unit": "mm"}}})
    assert (
        build.shared["length"]
        == parse_build({"shared": {"length": {"static": "200", "unit": "mm"}}}).shared["length"]
    )
    assert problems({"shared": {"weight": {"static": "500 g"}}}) == [
        "shared › weight: static value '500 g' is not a number"
    ]


# ── data that is not a build ───────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("data", "problems_expected"),
    [
        (
            {"shared": {"title": {"field": "a", "static": "b"}}},
            ["shared › title: give exactly one of 'static', 'field', 'template' and 'formula'"],
        ),
        ({"shared": {"title": {"fild": "x"}}}, ["shared › title › fild: unknown key; remove it"]),
        ({"bogus": 1}, ["bogus: unknown key; remove it"]),
        (
            {
                "localized_prices": [
                    {"country": "FR", "price": {"field": "a"}},
                    {"country": "FR", "price": {"field": "b"}},
                ]
            },
            ["build: localized prices: FR given more than once"],
        ),
        ({"shared": {"price": {"formula": "{a} +"}}}, ["shared › price: calculation '{a} +' ends too early"]),
        (
            {"shared": {"price": {"field": "p", "round": {"decimals": 1, "ending": ".99"}}}},
            ["shared › price › round: give exactly one of 'decimals' and 'ending'"],
        ),
        (
            {"shared": {"title": {"static": " "}}, "category": {"x": {"field": "a"}}},
            [
                "shared › title: 'static' is empty: leave the attribute out to send nothing",
                "category › x › [key]: Input should be a valid integer, unable to parse string as an integer",
            ],
        ),
    ],
)
def test_data_that_is_not_a_build_names_each_wrong_part(data: Any, problems_expected: list[str]) -> None:
    with pytest.raises(InvalidBuild) as raised:
        build_from_data(data, source="build.yaml")
    assert raised.value.problems == problems_expected
    assert str(raised.value).startswith("build.yaml")


def test_data_that_is_a_build() -> None:
    assert build_from_data({"shared": {"title": {"field": "title"}}}).shared["title"].field == "title"
    assert build_from_data(None) == Build()
