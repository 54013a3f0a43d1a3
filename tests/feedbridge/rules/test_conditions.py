"""Every condition of the IF, run through the engine on hand-written items: which items it selects."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from feedbridge.errors import InvalidInput
from feedbridge.rules.engine import EvaluationContext
from support.rules.engine_support import EXCLUDE, NOW, frame, put, run, when


def selects(
    condition: dict[str, Any], context: EvaluationContext | None = None, **data: list[Any]
) -> list[bool]:
    """Which items (in order) the condition selects."""
    rule = when(condition, then=[put("hit", "yes")])
    result = run(frame(**data), rule, **({"context": context} if context else {}))
    return [value == "yes" for value in result.frame["hit"]]


def group_selects(group: dict[str, Any], **data: list[Any]) -> list[bool]:
    result = run(frame(**data), {"if": group, "then": [put("hit", "yes")]})
    return [value == "yes" for value in result.frame["hit"]]


# ── all, text ──────────────────────────────────────────────────────────────────────────────────


def test_all_selects_every_item() -> None:
    assert selects({"op": "all"}, t=["a", None]) == [True, True]


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("contains", "shirt", [True, True, False, False, False]),
        ("not_contains", "shirt", [False, False, True, True, True]),
        ("equals", "red shirt", [True, False, False, False, False]),
        ("not_equals", "red shirt", [False, True, True, True, True]),
        ("starts_with", "RED", [True, False, False, False, False]),
        ("ends_with", "shirts", [False, True, False, False, False]),
    ],
)
def test_text_conditions_ignore_case_and_nulls_only_satisfy_negative_forms(
    op: str, value: str, expected: list[bool]
) -> None:
    titles = ["Red Shirt", "Blue SHIRTS", "Hat", "", None]
    assert selects({"op": op, "field": "t", "value": value}, t=titles) == expected


def test_text_conditions_with_the_case_switch() -> None:
    condition = {"op": "contains", "field": "t", "value": "Shirt", "case_sensitive": True}
    assert selects(condition, t=["Red Shirt", "red shirt"]) == [True, False]
    equals = {"op": "equals", "field": "t", "value": "ÉTÉ", "case_sensitive": False}
    assert selects(equals, t=["été", "ete"]) == [True, False]


def test_text_conditions_on_a_list_ask_for_any_element() -> None:
    sizes = [["S", "M"], ["XL"], [], None]
    assert selects({"op": "equals", "field": "s", "value": "m"}, s=sizes) == [True, False, False, False]
    assert selects({"op": "not_equals", "field": "s", "value": "m"}, s=sizes) == [False, True, True, True]
    assert selects({"op": "starts_with", "field": "s", "value": "x"}, s=sizes) == [False, True, False, False]


def test_text_condition_against_another_field() -> None:
    data = {"t": ["Acme Shoe", "Shoe", "Shoe", None, "Boot"], "b": ["ACME", "Acme", "  ", "x", None]}
    assert selects({"op": "contains", "field": "t", "other_field": "b"}, **data) == [
        True,
        False,
        False,
        False,
        False,
    ]
    # An empty other value never matches a positive condition, so the negative form holds.
    assert selects({"op": "not_contains", "field": "t", "other_field": "b"}, **data) == [
        False,
        True,
        True,
        True,
        True,
    ]
    sensitive = {"op": "starts_with", "field": "t", "other_field": "b", "case_sensitive": True}
    assert selects(sensitive, **data) == [False, False, False, False, False]


def test_text_condition_of_a_list_field_against_another_field() -> None:
    data = {"s": [["S", "M"], ["Large"], [], None], "o": ["m", "LARGE", "", "m"]}
    assert selects({"op": "equals", "field": "s", "other_field": "o"}, **data) == [True, True, False, False]
    assert selects({"op": "ends_with", "field": "s", "other_field": "o"}, **data) == [
        True,
        True,
        False,
        False,
    ]
    assert selects({"op": "starts_with", "field": "s", "other_field": "o"}, **data) == [
        True,
        True,
        False,
        False,
    ]
    data = {"s": [["Small", "Medium"]], "o": ["ll"]}
    assert selects({"op": "contains", "field": "s", "other_field": "o"}, **data) == [True]
    assert selects({"op": "equals", "field": "s", "other_field": "o"}, **data) == [False]


def test_a_list_other_field_reads_as_its_elements_joined() -> None:
    data = {"t": ["a, b", "a"], "o": [["a", "b"], ["a", "b"]]}
    assert selects({"op": "equals", "field": "t", "other_field": "o"}, **data) == [True, False]


# ── lists of values, regexes, empty ────────────────────────────────────────────────────────────


def test_contains_any_and_none_and_equals_any() -> None:
    titles = ["Cotton Shirt", "wool hat", "Silk", None, "x"]
    values = ["COTTON", "wool", "", "  "]  # blank lines are not values
    assert selects({"op": "contains_any", "field": "t", "values": values}, t=titles) == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert selects({"op": "contains_none", "field": "t", "values": values}, t=titles) == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert selects({"op": "equals_any", "field": "t", "values": ["silk", "wool"]}, t=titles) == [
        False,
        False,
        True,
        False,
        False,
    ]
    sensitive = {"op": "equals_any", "field": "t", "values": ["silk", "Silk "], "case_sensitive": True}
    assert selects(sensitive, t=titles) == [False] * 5


def test_list_conditions_on_list_fields_and_only_blank_values() -> None:
    tags = [["New", "Sale"], ["old"], [], None]
    assert selects({"op": "contains_any", "field": "g", "values": ["sal"]}, g=tags) == [
        True,
        False,
        False,
        False,
    ]
    assert selects({"op": "equals_any", "field": "g", "values": ["OLD"]}, g=tags) == [
        False,
        True,
        False,
        False,
    ]
    assert selects({"op": "contains_none", "field": "g", "values": [" "]}, g=tags) == [True] * 4


def test_regex_searches_anywhere_ignores_case_and_negates() -> None:
    values = ["SKU-123", "sku-9", "123", None]
    assert selects({"op": "matches", "field": "t", "pattern": r"sku-\d{3}"}, t=values) == [
        True,
        False,
        False,
        False,
    ]
    assert selects({"op": "matches", "field": "t", "pattern": r"^\d+$"}, t=values) == [
        False,
        False,
        True,
        False,
    ]
    sensitive = {"op": "matches", "field": "t", "pattern": "sku", "case_sensitive": True}
    assert selects(sensitive, t=values) == [False, True, False, False]
    assert selects({"op": "not_matches", "field": "t", "pattern": "sku"}, t=values) == [
        False,
        False,
        True,
        True,
    ]
    assert selects({"op": "matches", "field": "l", "pattern": "^b"}, l=[["a", "bc"], ["ab"]]) == [True, False]


def test_a_regex_polars_cannot_run_is_reported_against_the_rule() -> None:
    rule = when({"op": "matches", "field": "t", "pattern": "(?<=a)b"}, then=[put("t", "x")], name="Look back")
    with pytest.raises(InvalidInput, match=r"rule 1 'Look back'.*look-around"):
        run(frame(t=["ab"]), rule)


def test_empty_and_not_empty() -> None:
    assert selects({"op": "is_empty", "field": "t"}, t=["a", "", "  \t", None]) == [False, True, True, True]
    assert selects({"op": "not_empty", "field": "l"}, l=[["a"], [], None, [""]]) == [True, False, False, True]
    assert selects({"op": "is_empty", "field": "missing"}, t=["a"]) == [True]


# ── numbers, lengths, ranks ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("less_than", [False, False, True, True, False, False]),
        ("at_most", [False, True, True, True, False, False]),
        ("greater_than", [True, False, False, False, False, False]),
        ("at_least", [True, True, False, False, False, False]),
    ],
)
def test_number_conditions_read_the_first_number(op: str, expected: list[bool]) -> None:
    prices = ["12.99 USD", "EUR 10", "-3 off", "9.5", "free", None]
    assert selects({"op": op, "field": "p", "value": 10}, p=prices) == expected


def test_number_conditions_against_another_field_and_on_lists() -> None:
    data = {"p": ["10", "20", "5", "5"], "c": ["12", "15", "", "cost 4"]}
    assert selects({"op": "greater_than", "field": "p", "other_field": "c"}, **data) == [
        False,
        True,
        False,
        True,
    ]
    sizes = {"l": [["4", "40"], ["12"], [], None]}
    assert selects({"op": "greater_than", "field": "l", "value": 30}, **sizes) == [True, False, False, False]
    assert selects({"op": "less_than", "field": "l", "value": 5}, **sizes) == [True, False, False, False]
    data = {"p": ["3", "3"], "o": [["2", "9"], ["x"]]}  # a list other field: its elements joined, "2, 9"
    assert selects({"op": "greater_than", "field": "p", "other_field": "o"}, **data) == [True, False]


def test_length_and_word_conditions() -> None:
    titles = ["Café", "Cafés", None, "  two   words "]
    assert selects({"op": "length_exceeds", "field": "t", "n": 4}, t=titles) == [False, True, False, True]
    assert selects({"op": "length_at_most", "field": "t", "n": 0}, t=titles) == [False, False, True, False]
    assert selects({"op": "words_exceed", "field": "t", "n": 1}, t=titles) == [False, False, False, True]
    assert selects({"op": "words_at_most", "field": "t", "n": 1}, t=titles) == [True, True, True, False]
    lists = [["a b", "c"], ["a"], []]
    assert selects({"op": "length_exceeds", "field": "l", "n": 1}, l=lists) == [True, False, False]
    assert selects({"op": "words_exceed", "field": "l", "n": 2}, l=lists) == [True, False, False]


def test_top_and_bottom_n_rank_ties_in_item_order_and_skip_non_numbers() -> None:
    prices = ["5", "9", "n/a", "9", "1", None, "9"]
    assert selects({"op": "top_n", "field": "p", "n": 2}, p=prices) == [
        False,
        True,
        False,
        True,
        False,
        False,
        False,
    ]
    assert selects({"op": "bottom_n", "field": "p", "n": 2}, p=prices) == [
        True,
        False,
        False,
        False,
        True,
        False,
        False,
    ]
    assert selects({"op": "top_n", "field": "p", "n": 50}, p=prices) == [
        True,
        True,
        False,
        True,
        True,
        False,
        True,
    ]
    assert selects({"op": "top_n", "field": "l", "n": 5}, l=[["5"], ["1"]]) == [False, False]


def test_top_n_ranks_among_the_items_that_reach_the_rule() -> None:
    data = frame(id=["a", "b", "c", "d"], p=["40", "30", "20", "10"])
    result = run(
        data,
        when({"op": "greater_than", "field": "p", "value": 35}, then=[EXCLUDE]),
        when({"op": "top_n", "field": "p", "n": 2}, then=[put("best", "yes")]),
    )
    assert result.frame.to_dict(as_series=False) == {
        "id": ["b", "c", "d"],
        "p": ["30", "20", "10"],
        "best": ["yes", "yes", None],
    }


# ── GTIN ───────────────────────────────────────────────────────────────────────────────────────


def test_gtin_lengths_and_check_digits() -> None:
    codes = [
        "4006381333931",  # GTIN-13
        "4006381333932",  # wrong check digit
        "96385074",  # GTIN-8
        "036000291452",  # UPC-A (12)
        "00012345600012",  # GTIN-14
        " 4006381333931 ",  # trimmed
        "40063813339",  # 11 digits
        "400638133393a",
        "",
        None,
        "0000000000000",  # all zeros: check digit 0 is right
    ]
    expected = [True, False, True, True, True, True, False, False, False, False, True]
    assert selects({"op": "gtin_valid", "field": "g"}, g=codes) == expected
    assert selects({"op": "gtin_invalid", "field": "g"}, g=codes) == [not value for value in expected]
    assert selects({"op": "gtin_valid", "field": "l"}, l=[["x", "96385074"], ["1"], []]) == [
        True,
        False,
        False,
    ]


# ── dates ──────────────────────────────────────────────────────────────────────────────────────


def test_absolute_dates_read_iso_values() -> None:
    dates = ["2024-05-01", "2024-05-20T08:00:00Z", "2024-5-1", "soon", None, "2024-05-10 23:59"]
    target = "2024-05-10"
    assert selects({"op": "date_before", "field": "d", "date": target}, d=dates) == [
        True,
        False,
        False,
        False,
        False,
        False,
    ]
    assert selects({"op": "date_on_or_after", "field": "d", "date": target}, d=dates) == [
        False,
        True,
        False,
        False,
        False,
        True,
    ]
    assert selects({"op": "date_equals", "field": "d", "date": target}, d=dates) == [
        False,
        False,
        False,
        False,
        False,
        True,
    ]


def test_relative_dates_count_from_the_evaluation_clock() -> None:
    dates = ["2024-05-14", "2024-05-15", "2024-05-22", "2024-05-08"]
    assert selects({"op": "date_equals", "field": "d", "days": 0}, d=dates) == [False, True, False, False]
    assert selects({"op": "date_on_or_after", "field": "d", "days": 7}, d=dates) == [
        False,
        False,
        True,
        False,
    ]
    assert selects({"op": "date_before", "field": "d", "days": -6}, d=dates) == [False, False, False, True]


def test_today_is_the_date_in_the_clocks_own_time_zone() -> None:
    # 14:30 UTC on the 15th is already the 16th in UTC+10.
    tokyo_side = EvaluationContext(id_field="id", now=NOW.astimezone(timezone(timedelta(hours=10))))
    condition = {"op": "date_equals", "field": "d", "days": 0}
    assert selects(condition, context=tokyo_side, d=["2024-05-15", "2024-05-16"]) == [False, True]


def test_dates_with_a_format_and_on_lists() -> None:
    dates = ["15/05/2024", "16/05/2024 10:00", "2024-05-15", None]
    condition = {"op": "date_equals", "field": "d", "date": "2024-05-15", "format": "%d/%m/%Y"}
    assert selects(condition, d=dates) == [True, False, False, False]
    with_time = {"op": "date_on_or_after", "field": "d", "date": "2024-05-16", "format": "%d/%m/%Y %H:%M"}
    assert selects(with_time, d=dates) == [False, True, False, False]
    lists = [["junk", "2024-01-01"], ["2030-01-01"]]
    assert selects({"op": "date_before", "field": "l", "date": "2025-01-01"}, l=lists) == [True, False]


@pytest.mark.parametrize(
    ("part", "values", "expected"),
    [
        ("weekday", [3], True),
        ("weekday", [1, 2, 4, 5, 6, 7], False),
        ("day_of_month", [15], True),
        ("month", [5, 6], True),
        ("month", [6], False),
        ("hour", [14], True),
        ("hour", [15], False),
    ],
)
def test_today_parts_of_the_clock(part: str, values: list[int], expected: bool) -> None:
    assert selects({"op": "today", "part": part, "values": values}, t=["a", "b"]) == [expected, expected]


def test_today_hour_in_the_clocks_time_zone() -> None:
    local = EvaluationContext(id_field="id", now=NOW.astimezone(timezone(timedelta(hours=2))))
    assert selects({"op": "today", "part": "hour", "values": [16]}, context=local, t=["a"]) == [True]
    assert local.now == datetime(2024, 5, 15, 16, 30, tzinfo=timezone(timedelta(hours=2)))


# ── groups ─────────────────────────────────────────────────────────────────────────────────────


def test_and_or_nesting() -> None:
    data = {"c": ["red", "red", "blue", "green"], "s": ["M", "L", "M", "M"], "p": ["5", "50", "50", "5"]}
    group = {
        "any": [
            {
                "all": [
                    {"op": "equals", "field": "c", "value": "red"},
                    {"op": "equals", "field": "s", "value": "L"},
                ]
            },
            {
                "all": [
                    {"op": "greater_than", "field": "p", "value": 10},
                    {"op": "not_equals", "field": "c", "value": "red"},
                ]
            },
        ]
    }
    assert group_selects(group, **data) == [False, True, True, False]


def test_empty_groups() -> None:
    assert group_selects({"all": []}, t=["a", "b"]) == [True, True]
    assert group_selects({"any": []}, t=["a", "b"]) == [False, False]
    assert group_selects({"all": [{"any": []}, {"op": "all"}]}, t=["a"]) == [False]
    assert group_selects({"any": [{"all": []}]}, t=["a"]) == [True]


def test_a_missing_field_reads_as_null_and_stays_out_of_the_result() -> None:
    result = run(
        frame(t=["a"]), when({"op": "not_contains", "field": "ghost", "value": "x"}, then=[put("t", "b")])
    )
    assert result.frame.to_dict(as_series=False) == {"t": ["b"]}


def test_today_decides_a_group_for_every_item() -> None:
    wednesday = {"op": "today", "part": "weekday", "values": [3]}
    saturday = {"op": "today", "part": "weekday", "values": [6]}
    other = {"op": "equals", "field": "t", "value": "a"}
    assert group_selects({"any": [other, wednesday]}, t=["a", "b"]) == [True, True]
    assert group_selects({"all": [saturday, other]}, t=["a", "b"]) == [False, False]
    assert group_selects({"all": [wednesday, other]}, t=["a", "b"]) == [True, False]
    assert group_selects({"any": [saturday, other]}, t=["a", "b"]) == [True, False]


def test_the_clock_must_know_its_time_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        EvaluationContext(id_field="id", now=datetime(2024, 5, 15, 14, 30))
