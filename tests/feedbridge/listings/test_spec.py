"""The build model: one source per value, one rounding mode, each country once, and the fields it reads."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from feedbridge.listings.spec import Build, Rounding, Value, build_data, parse_build


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"static": "a", "field": "b"},
        {"field": "a", "template": "{b}"},
        {"template": "{a}", "formula": "{a} * 2"},
    ],
)
def test_a_value_has_exactly_one_source(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="exactly one of 'static', 'field', 'template' and 'formula'"):
        Value.model_validate(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"static": "  "}, "'static' is empty"),
        ({"field": " "}, "'field' is empty"),
        ({"template": "no fields here"}, "the template names no field"),
        ({"formula": "{price} *"}, "calculation"),
        ({"field": "a", "colour": "red"}, "Extra inputs are not permitted"),
    ],
)
def test_a_value_refuses_what_means_nothing(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Value.model_validate(data)


def test_a_rounding_has_one_mode() -> None:
    with pytest.raises(ValidationError, match="exactly one of 'decimals' and 'ending'"):
        Rounding()
    with pytest.raises(ValidationError, match="exactly one of 'decimals' and 'ending'"):
        Rounding(decimals=2, ending=".99")
    with pytest.raises(ValidationError):
        Rounding(ending="99c")
    with pytest.raises(ValidationError):
        Rounding(decimals=7)
    assert Rounding(ending="9.99").direction == "up"


def test_each_country_once() -> None:
    price = {"price": {"field": "price"}}
    with pytest.raises(ValidationError, match="FR given more than once"):
        parse_build(
            {
                "localized_prices": [
                    {"country": "FR", **price},
                    {"country": "ES", **price},
                    {"country": "FR", **price},
                ]
            }
        )
    with pytest.raises(ValidationError):
        parse_build({"localized_prices": [{"country": "France", **price}]})


def test_the_fields_a_value_reads() -> None:
    assert Value(field="price").fields == ["price"]
    assert Value(template="{brand} {title} {brand}").fields == ["brand", "title", "brand"]
    assert sorted(Value(formula="{price} * {rate} + 1").fields) == ["price", "rate"]
    assert Value(static="x").fields == []


def test_the_fields_a_build_reads() -> None:
    build = parse_build(
        {
            "shared": {"title": {"template": "{brand} {title}"}, "product_unit": {"static": "100000015"}},
            "category": {"10": {"field": "material"}},
            "variants": {"group_field": "parent", "attributes": {"14": {"field": "colour"}}},
            "localized_prices": [
                {
                    "country": "FR",
                    "price": {"formula": "{price} * {rate}"},
                    "discount_price": {"field": "sale_fr"},
                }
            ],
        }
    )
    assert build.fields() == {"brand", "title", "material", "parent", "colour", "price", "rate", "sale_fr"}
    assert set(build.values()) == {"title", "product_unit", "attribute.10", "sku_attribute.14"}


def test_build_data_leaves_out_defaults_and_parses_back() -> None:
    build = parse_build(
        {
            "shared": {"price": {"field": "price", "round": {"ending": ".99"}}},
            "variants": {"custom_names": False},
        }
    )
    data = build_data(build)
    assert data == {
        "shared": {"price": {"field": "price", "round": {"ending": ".99"}}},
        "variants": {"custom_names": False},
    }
    assert parse_build(data) == build
    assert build_data(Build()) == {}
    assert parse_build(None) == Build()
