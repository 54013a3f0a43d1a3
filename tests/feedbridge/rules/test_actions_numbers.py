"""calculate and round, with numbers read from text and written as text."""

from __future__ import annotations

import pytest

from feedbridge.rules.model import Calculate, Round
from support.rules.actions_support import column, run

# ── calculate ──────────────────────────────────────────────────────────────────────────────────


def calculate(expression: str, decimals: int = 2) -> Calculate:
    return Calculate(action="calculate", field="out", expression=expression, decimals=decimals)


def test_calculate_reads_numbers_from_text_with_usual_precedence() -> None:
    result = run(
        calculate("{price} * (1 + {markup} / 100) - -{discount}"),
        price=["10 EUR", "EUR 12.50", "-4", "1,5"],
        markup=["20%", "0", "50", "100"],
        discount=["1", "0.25", "0", "0"],
        out=[None, None, None, None],
    )
    # "1,5" reads as 1 (a comma is not a decimal mark)
    assert result["out"] == ["13.00", "12.75", "-6.00", "2.00"]


@pytest.mark.parametrize(
    ("expression", "decimals", "expected"),
    [
        ("10 / 3", 0, "3"),
        ("10 / 3", 6, "3.333333"),
        ("2 / 3", 2, "0.67"),
        ("0.125", 2, "0.13"),  # half up (0.125 is exact in binary)
        ("-0.125", 2, "-0.12"),  # half up is towards +∞
        ("-0.004", 2, "0.00"),
        ("-(1 + 2) * 3", 1, "-9.0"),
        ("1 - 2 - 3", 0, "-4"),
        ("8 / 4 / 2", 0, "1"),
    ],
)
def test_calculate_constants(expression: str, decimals: int, expected: str) -> None:
    assert column(calculate(expression, decimals), "out", out=[None]) == [expected]


def test_items_without_a_number_or_dividing_by_zero_keep_their_value() -> None:
    result = run(
        calculate("{a} / {b}"),
        a=["1", "x", None, "6", "6", ""],
        b=["4", "2", "2", "0", "0.00 EUR", "1"],
        out=["keep", "keep", None, "keep", "keep", "keep"],
    )
    assert result["out"] == ["0.25", "keep", None, "keep", "keep", "keep"]


def test_calculate_into_its_own_field() -> None:
    action = Calculate(action="calculate", field="price", expression="{price} * 2", decimals=0)
    assert column(action, "price", price=["4.4 USD", "n/a", None]) == ["9", "n/a", None]


def test_calculate_reads_list_fields_joined_and_makes_a_list_field_text() -> None:
    action = Calculate(action="calculate", field="sizes", expression="{sizes} + 1", decimals=0)
    assert column(action, "sizes", sizes=[["38", "40"], ["S", "M"], [], None]) == ["39", "S, M", "", None]


def test_results_too_large_to_write_exactly_are_null() -> None:
    result = run(calculate("{a} * {a}"), a=["1" + "0" * 200, "1" + "0" * 20, "1"], out=["x", "x", "x"])
    assert result["out"] == [None, None, "1.00"]


# ── round ──────────────────────────────────────────────────────────────────────────────────────


def test_round_to_decimals_half_up_writes_the_number_alone() -> None:
    action = Round(action="round", field="p", decimals=1)
    assert column(action, "p", p=["12.25 EUR", "-0.05", "7", "free", "", None, "0.96"]) == [
        "12.3",
        "0.0",
        "7.0",
        "free",
        "",
        None,
        "1.0",
    ]
    assert column(Round(action="round", field="p", decimals=0), "p", p=["2.5", "-2.5"]) == ["3", "-2"]


@pytest.mark.parametrize(
    ("ending", "direction", "values", "expected"),
    [
        (".99", "up", ["12", "12.99", "13", "0.01", "12.994"], ["12.99", "12.99", "13.99", "0.99", "12.99"]),
        (".99", "down", ["12", "12.99", "13.50", "0.50"], ["11.99", "12.99", "12.99", "-0.01"]),
        (".99", "nearest", ["12.48", "12.49", "12.50", "12.99"], ["11.99", "12.99", "12.99", "12.99"]),
        ("9.99", "up", ["15", "9.99", "10", "0"], ["19.99", "9.99", "19.99", "9.99"]),
        ("9.99", "down", ["15", "9.98"], ["9.99", "-0.01"]),
        ("9.99", "nearest", ["15", "14.99", "14.98"], ["19.99", "19.99", "9.99"]),
        ("5", "up", ["12", "15", "15.01"], ["15.00", "15.00", "25.00"]),
        ("0", "up", ["12.01", "12"], ["13.00", "12.00"]),
        ("0.5", "down", ["12.49", "12.5"], ["11.50", "12.50"]),
        ("95", "nearest", ["140", "150", "250"], ["95.00", "195.00", "295.00"]),
        (".99", "up", ["-0.5", "-1.5"], ["-0.01", "-1.01"]),
    ],
)
def test_round_to_a_price_ending(ending: str, direction: str, values: list[str], expected: list[str]) -> None:
    action = Round.model_validate({"action": "round", "field": "p", "ending": ending, "direction": direction})
    assert column(action, "p", p=values) == expected


def test_round_keeps_values_without_a_number_and_works_on_each_element() -> None:
    action = Round(action="round", field="p", ending=".99")
    assert column(action, "p", p=[["12.10", "n/a"], [], None]) == [["12.99", "n/a"], [], None]
    assert column(action, "p", p=["n/a", "", None]) == ["n/a", "", None]


def test_numbers_too_large_to_write_exactly_become_null() -> None:
    ending = Round(action="round", field="p", ending=".99")
    assert column(ending, "p", p=["1" + "0" * 14, "1" + "0" * 12]) == [None, "1000000000000.99"]
    decimals = Round(action="round", field="p", decimals=6)
    assert column(decimals, "p", p=["1" + "0" * 10, "1" + "0" * 9]) == [None, "1000000000.000000"]
