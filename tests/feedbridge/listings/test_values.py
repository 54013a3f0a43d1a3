"""Build values as Polars expressions: static, field, template and formula; text, lists and numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedbridge.listings.spec import Rounding, Value
from feedbridge.listings.values import Fields, number, rounded, text, text_list, whole


def frame(**columns: list[Any]) -> pl.DataFrame:
    """Text columns, or lists of text where any value is a list."""
    schema = {
        name: pl.List(pl.String) if any(isinstance(v, list) for v in values) else pl.String
        for name, values in columns.items()
    }
    return pl.DataFrame(columns, schema=schema)


def values(
    expr_of: Any, value: Value, data: pl.DataFrame, marks: Mapping[str, str] | None = None, **options: Any
) -> list[Any]:
    fields = Fields.of(data.schema, marks or {})
    found = data.lazy().select(pl.all(), expr_of(value, fields, **options).alias("out")).collect()
    return found["out"].to_list()


# ── text ───────────────────────────────────────────────────────────────────────────────────────


def test_a_static_value_is_the_same_text_for_every_item() -> None:
    data = frame(title=["a", "b"])
    assert values(text, Value(static=" Acme "), data) == ["Acme", "Acme"]
    assert values(text, Value(static=["47", "49"]), data) == ["47, 49", "47, 49"]


def test_a_field_is_trimmed_and_blank_is_null() -> None:
    data = frame(title=["  Summer dress ", "", "   ", None])
    assert values(text, Value(field="title"), data) == ["Summer dress", None, None, None]


def test_a_list_field_reads_as_its_elements_joined() -> None:
    data = frame(tags=[["Cotton", "Linen"], [], None])
    assert values(text, Value(field="tags"), data) == ["Cotton, Linen", None, None]


def test_a_template_combines_fields_and_text_as_the_rules_combine_does() -> None:
    data = frame(brand=["Acme", None, "  "], title=["Dress", "Shirt", "Hat"])
    assert values(text, Value(template="{brand} {title}"), data) == ["Acme Dress", "Shirt", "Hat"]
    assert values(text, Value(template="{title} by {brand}"), data)[0] == "Dress by Acme"


def test_a_formula_as_text_is_written_with_two_decimals() -> None:
    data = frame(price=["10", "x"])
    assert values(text, Value(formula="{price} / 3"), data) == ["3.33", None]


# ── lists ──────────────────────────────────────────────────────────────────────────────────────


def test_a_list_field_keeps_its_elements_trimmed_without_empty_ones() -> None:
    data = frame(images=[["https://a/1.jpg", " https://a/2.jpg ", ""], [], None])
    assert values(text_list, Value(field="images"), data) == [["https://a/1.jpg", "https://a/2.jpg"], [], []]


def test_blank_list_elements_are_dropped() -> None:
    data = frame(images=[["https://a/1.jpg", "  "]], text=["https://a/1.jpg, , https://a/2.jpg, "])
    assert values(text_list, Value(field="images"), data) == [["https://a/1.jpg"]]
    assert values(text_list, Value(field="text"), data) == [["https://a/1.jpg", "https://a/2.jpg"]]


def test_comma_separated_text_is_split_into_a_list() -> None:
    data = frame(images=["https://a/1.jpg, https://a/2.jpg,,https://a/3.jpg ", "https://a/4.jpg", "", None])
    assert values(text_list, Value(field="images"), data) == [
        ["https://a/1.jpg", "https://a/2.jpg", "https://a/3.jpg"],
        ["https://a/4.jpg"],
        [],
        [],
    ]


def test_a_static_list_is_a_list_for_every_item() -> None:
    data = frame(title=["a", "b"])
    assert values(text_list, Value(static=["47", " 49 "]), data) == [["47", "49"], ["47", "49"]]
    assert values(text_list, Value(static="47,49"), data) == [["47", "49"], ["47", "49"]]


def test_a_template_is_split_at_commas_too() -> None:
    data = frame(a=["Cotton"], b=["Linen, Silk"])
    assert values(text_list, Value(template="{a},{b}"), data) == [["Cotton", "Linen", "Silk"]]


# ── numbers ────────────────────────────────────────────────────────────────────────────────────


def test_numbers_are_read_with_the_fields_decimal_mark() -> None:
    data = frame(price=["19,99", "1.234,50", "€ 5,00", "abc", "", None])
    assert values(number, Value(field="price"), data, {"price": ","}) == [
        19.99,
        1234.5,
        5.0,
        None,
        None,
        None,
    ]
    # The same texts in a feed with decimal points: "19,99" is no number there.
    assert values(number, Value(field="price"), frame(price=["19,99", "1,234.50", "19.99 EUR"])) == [
        None,
        1234.5,
        19.99,
    ]


def test_a_formula_reads_each_field_with_its_own_decimal_mark() -> None:
    data = frame(price=["19,99", "10,00"], markup=["0.5", "1"])
    found = values(number, Value(formula="{price} * 2 + {markup}"), data, {"price": ","})
    assert found == pytest.approx([40.48, 21.0])


def test_a_formula_without_a_number_or_dividing_by_zero_is_null() -> None:
    data = frame(price=["10", "n/a", "10"], rate=["2", "2", "0"])
    assert values(number, Value(formula="{price} / {rate}"), data) == [5.0, None, None]


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (Rounding(decimals=2), [3.33, 6.67, 0.13]),
        (Rounding(decimals=0), [3.0, 7.0, 0.0]),
        (Rounding(ending=".99"), [3.99, 6.99, 0.99]),
        (Rounding(ending=".99", direction="down"), [2.99, 5.99, -0.01]),
        (Rounding(ending=".99", direction="nearest"), [2.99, 6.99, -0.01]),
        (Rounding(ending="9.99"), [9.99, 9.99, 9.99]),
    ],
)
def test_formulas_round_to_decimals_or_to_a_price_ending(rounding: Rounding, expected: list[float]) -> None:
    data = frame(price=["10", "20", "0.375"])
    found = values(number, Value(formula="{price} / 3", round=rounding), data)
    assert found == pytest.approx(expected)


def test_rounding_applies_to_fields_too() -> None:
    data = frame(price=["21.989", "0.125"])
    assert values(number, Value(field="price", round=Rounding(decimals=2)), data) == [21.99, 0.13]
    assert values(number, Value(field="price", round=Rounding(ending=".95")), data) == [22.95, 0.95]


def test_a_static_number() -> None:
    assert values(number, Value(static="20"), frame(title=["a"])) == [20.0]


def test_quantities_convert_to_the_attributes_unit() -> None:
    data = frame(weight=["500 g", "1.2 kg", "2 lb", "750", "heavy", "3 parsecs"])
    found = values(number, Value(field="weight"), data, unit="kg")
    assert found[:3] == pytest.approx([0.5, 1.2, 0.90718474])
    assert found[3:] == [750.0, None, None]
    # Values without a unit are in the value's unit.
    found = values(number, Value(field="weight", unit="g"), data, unit="kg")
    assert found[:4] == pytest.approx([0.5, 1.2, 0.90718474, 0.75])


def test_quantities_use_the_fields_decimal_mark() -> None:
    data = frame(weight=["1,5 kg", "0,25"])
    assert values(number, Value(field="weight"), data, {"weight": ","}, unit="kg") == [1.5, 0.25]


def test_a_template_makes_a_quantity_of_two_fields() -> None:
    data = frame(amount=["250", "3"], unit=["g", "lbs"])
    found = values(number, Value(template="{amount} {unit}"), data, unit="kg")
    assert found == pytest.approx([0.25, 1.36077711])


@pytest.mark.parametrize(
    ("value", "down", "expected"),
    [
        (5.9, True, 5),
        (5.9, False, 6),
        (3.0000000001, False, 3),  # a tiny float error never adds a unit
        (2.9999999999, True, 3),
        (0.5, False, 1),
        (-0.5, True, -1),
        (None, True, None),
    ],
)
def test_whole_numbers_round_up_or_down(value: float | None, down: bool, expected: int | None) -> None:
    data = pl.DataFrame({"v": [value]}, schema={"v": pl.Float64})
    assert data.select(whole(pl.col("v"), down=down))["v"].to_list() == [expected]


@given(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False))
def test_rounding_to_two_decimals_keeps_a_price_with_two_decimals(price: Any) -> None:
    data = pl.DataFrame({"v": [float(price)]})
    found = data.select(rounded(pl.col("v"), Rounding(decimals=2)))["v"].item()
    assert found == float(price)


@given(
    st.decimals(min_value=1, max_value=100_000, places=2, allow_nan=False),
    st.sampled_from(["up", "down", "nearest"]),
)
def test_a_price_ending_is_always_met(price: Any, direction: Any) -> None:
    data = pl.DataFrame({"v": [float(price)]})
    found = data.select(rounded(pl.col("v"), Rounding(ending=".99", direction=direction)))["v"].item()
    assert f"{found:.2f}".endswith(".99")
    assert abs(found - float(price)) < 1.0 + 1e-9
    if direction == "up":
        assert found >= float(price) - 1e-9
    elif direction == "down":
        assert found <= float(price) + 1e-9
