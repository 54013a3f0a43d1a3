"""Quantities with units read as numbers in the unit a channel wants."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedbridge.listings.units import UNITS, quantity, units_for


def read(
    texts: list[str | None], target: str, default_unit: str | None = None, decimal_mark: str = "."
) -> list[float | None]:
    data = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    found = data.select(
        quantity(pl.col("t"), target=target, default_unit=default_unit, decimal_mark=decimal_mark)
    )
    return found.to_series().to_list()


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("500 g", "kg", 0.5),
        ("500g", "kg", 0.5),
        ("1.2 KG", "kg", 1.2),
        ("2 kgs", "kg", 2.0),
        ("1 lb", "kg", 0.45359237),
        ("16 oz", "kg", 0.45359237),
        ("3 kilograms", "kg", 3.0),
        ("30cm", "cm", 30.0),
        ("300 mm", "cm", 30.0),
        ("1.5 m", "cm", 150.0),
        ('12"', "cm", 30.48),
        ("1 ft", "cm", 30.48),
        ("3 days", "days", 3.0),
        ("3 Tage", "days", 3.0),
        ("5 jours", "days", 5.0),
        ("2 días", "days", 2.0),
        ("  7  ", "days", 7.0),
        (".5 kg", "kg", 0.5),
    ],
)
def test_units_convert_to_the_target(text: str, target: str, expected: float) -> None:
    assert read([text], target) == [pytest.approx(expected)]


def test_a_unit_abbreviated_with_a_dot_reads() -> None:
    assert read(["12 in.", "500 gr."], "cm") == [pytest.approx(30.48), None]
    assert read(["500 gr.", "2 lbs."], "kg") == [pytest.approx(0.5), pytest.approx(0.90718474)]


def test_values_without_a_unit_are_in_the_default_unit() -> None:
    assert read(["500", "1 kg"], "kg", default_unit="g") == [pytest.approx(0.5), 1.0]
    assert read(["20"], "cm", default_unit="mm") == [pytest.approx(2.0)]
    assert read(["20"], "cm") == [20.0]


@pytest.mark.parametrize(
    "text",
    ["heavy", "3 parsecs", "5 cm", "kg", "", None, "1 2 kg", "10 kg extra"],
)
def test_no_quantity_or_a_unit_that_does_not_convert_is_null(text: str | None) -> None:
    assert read([text], "kg") == [None]


def test_the_decimal_mark_decides_how_commas_read() -> None:
    assert read(["1,5 kg", "1.500,25 g", "1,500 g"], "kg", decimal_mark=",") == [
        1.5,
        pytest.approx(1.50025),
        pytest.approx(0.0015),
    ]
    assert read(["1,500 g", "1.5 kg"], "kg") == [pytest.approx(1.5), 1.5]


def test_an_amount_that_does_not_read_with_the_mark_reads_with_the_other_one() -> None:
    # Fields with units are text to the import, which finds no decimal mark for them.
    assert read(["1,2 kg", "0,5"], "kg") == [1.2, 0.5]
    assert read(["1.2 kg"], "kg", decimal_mark=",") == [1.2]


def test_units_for_lists_every_unit_that_converts() -> None:
    assert set(units_for("kg")) >= {"kg", "g", "lb", "oz"}
    assert "cm" not in units_for("kg")
    assert set(units_for("days")) >= {"days", "tage", "jours"}
    assert units_for("parsec") == []


@given(st.sampled_from(sorted(UNITS)), st.integers(min_value=1, max_value=10_000))
def test_every_unit_reads_as_its_factor(unit: str, amount: int) -> None:
    target, factor = UNITS[unit]
    spaced = f"{amount} {unit}"
    assert read([spaced, spaced.upper()], target) == [pytest.approx(amount * factor)] * 2
