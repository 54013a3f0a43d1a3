"""The reference evaluator checked by hand on the definitions that are easy to get subtly wrong:
whitespace, numbers, rounding, Rust regexes, GTINs, dates, templates, ties, splits, groups, stats."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from feedbridge.rules.model import RuleSet
from support.rules.oracle import (
    OracleStats,
    evaluate,
    format_number,
    gtin_is_valid,
    is_empty,
    number,
    parse_date,
    regex_replace_all,
    rust_pattern,
    strip_html,
    trim,
    words,
)

NOW = dt.datetime(2024, 5, 15, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))  # a Wednesday


def rules(*rules: dict[str, Any]) -> RuleSet:
    named = [{"name": f"r{index}", **rule} for index, rule in enumerate(rules, start=1)]
    return RuleSet.model_validate({"name": "test", "rules": named})


def after(items: list[dict[str, Any]], *rule_list: dict[str, Any]) -> list[dict[str, Any]]:
    return evaluate(items, rules(*rule_list), id_field="id", now=NOW)[0]


def column(items: list[dict[str, Any]], name: str, *rule_list: dict[str, Any]) -> list[Any]:
    return [item[name] for item in after(items, *rule_list)]


def test_whitespace_is_unicode_white_space_not_python_isspace() -> None:
    assert is_empty("\u3000\xa0\u2003\n") and is_empty(None) and is_empty([]) and is_empty("")
    assert not is_empty("\x1c") and not is_empty([""])  # \x1c is isspace() in Python, not White_Space
    assert trim("  a \t\u2003 b\x1c ") == "a b\x1c"
    assert words("a\x1cb c\u3000d") == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-12.5 EUR", -12.5),
        ("  -3", -3.0),
        ("EUR 12.99", 12.99),
        ("SKU-123", 123.0),  # the sign counts only at the start
        ("1,5", 1.0),
        ("7.", 7.0),
        (".5", 5.0),
        ("\u0661\u0662", None),  # Arabic-Indic digits are not numbers
        ("n/a", None),
        (None, None),
    ],
)
def test_number_is_a_leading_signed_number_else_the_first_one(
    text: str | None, expected: float | None
) -> None:
    assert number(text) == expected


def test_format_number_rounds_half_up_on_the_binary_value_and_refuses_inexact_results() -> None:
    assert format_number(1.005, 2) == "1.00"  # 1.005 is 1.00499999… in binary
    assert format_number(0.125, 2) == "0.13"
    assert format_number(-1.5, 0) == "-1" and format_number(-0.4, 1) == "-0.4"
    assert format_number(-0.001, 2) == "0.00"
    assert format_number(12, 3) == "12.000"
    assert format_number(2.0**53, 0) is None and format_number(float("inf"), 2) is None


def test_rust_regexes_dollar_is_the_very_end_and_empty_matches_follow_rust() -> None:
    assert rust_pattern("c$", True).search("abc\n") is None  # Python's own $ would match here
    assert rust_pattern(r"a\sb", True).search("a\u3000b") and not rust_pattern(r"a\sb", True).search("a\x1cb")
    assert regex_replace_all(rust_pattern("b?", True), "abc", "-") == "-a-c-"  # Python's re.sub: -a--c-
    assert regex_replace_all(rust_pattern("x*", True), "abxd", "-") == "-a-b-d-"
    groups = rust_pattern(r"(\d+)x(\d+)?", True)
    assert regex_replace_all(groups, "10x20 3x", "$2×$1 $$ $USD $10") == "20×10 $ $USD 100 ×3 $ $USD 30"
    assert rust_pattern("[a-z]+", False).search("ABC")


def test_gtins_need_a_gs1_length_ascii_digits_and_the_check_digit() -> None:
    assert gtin_is_valid("4006381333931") and gtin_is_valid(" 96385074\t") and gtin_is_valid("00012345600012")
    assert gtin_is_valid("036000291452")
    assert not gtin_is_valid("4006381333932") and not gtin_is_valid("400638133393")
    assert not gtin_is_valid("\u0669\u0666\u0663\u0668\u0665\u0660\u0667\u0664")  # 96385074 in Arabic-Indic


def test_dates_are_iso_first_ten_characters_or_strptime_with_a_format() -> None:
    assert parse_date("2024-05-15T10:00:00Z", None) == dt.date(2024, 5, 15)
    assert parse_date("2024-5-15", None) is None and parse_date("2024-02-30", None) is None
    assert parse_date("15.05.2024", "%d.%m.%Y") == dt.date(2024, 5, 15)
    assert parse_date("15.05.2024 x", "%d.%m.%Y") is None
    items = [
        {"id": "a", "d": "2024-05-15"},
        {"id": "b", "d": "2024-05-16"},
        {"id": "c", "d": "2024-05-22 08:00"},
    ]
    # "today" is the clock's own date: 2024-05-15 at -05:00 (already the 16th in UTC).
    today = {"if": {"all": [{"op": "date_equals", "field": "d", "days": 0}]}, "then": [{"action": "exclude"}]}
    assert [item["id"] for item in after(items, today)] == ["b", "c"]
    week = {
        "if": {"all": [{"op": "date_on_or_after", "field": "d", "days": 7}]},
        "then": [{"action": "exclude"}],
    }
    assert [item["id"] for item in after(items, week)] == ["a", "b"]
    hour = {"if": {"all": [{"op": "today", "part": "hour", "values": [23]}]}, "then": [{"action": "exclude"}]}
    assert after(items, hour) == []


def test_combine_drops_empty_fields_with_the_separator_after_them() -> None:
    template = {"action": "combine", "field": "out", "template": "{brand} - {title} - {colour}"}
    items = [
        {"id": "1", "brand": " ", "title": "Title", "colour": "Red"},
        {"id": "2", "brand": "Acme", "title": "Title", "colour": None},
        {"id": "3", "brand": None, "title": "", "colour": []},
        {"id": "4", "brand": "Acme", "title": None, "colour": ["Red", "Blue"]},
    ]
    expected = ["Title - Red", "Acme - Title", None, "Acme - Red, Blue"]
    assert column(items, "out", {"then": [template]}) == expected
    braces = {"action": "combine", "field": "out", "template": "{{{brand}}}"}
    assert column(items[1:2], "out", {"then": [braces]}) == ["{Acme}"]


def test_max_length_cuts_on_words_and_adds_the_ellipsis_after_trimming() -> None:
    cut = {"action": "max_length", "field": "t", "length": 10, "on_word": True, "ellipsis": "…"}
    items = [
        {"id": "1", "t": t} for t in ["Red cotton shirt", "Redcottonshirt", "Red cotton", "Red  c ttonshirt"]
    ]
    assert column(items, "t", {"then": [cut]}) == ["Red…", "Redcotton…", "Red cotton", "Red  c…"]
    plain = {"action": "max_length", "field": "t", "length": 5}
    assert column(items[:1], "t", {"then": [plain]}) == ["Red c"]
    assert column([{"id": "1", "t": "Red  cotton"}], "t", {"then": [plain]}) == ["Red"]


def test_case_changes_and_strip_html() -> None:
    items = [{"id": "1", "t": "hELLO wORLD-wide\u00a0ǆx"}]
    change = lambda action: column(items, "t", {"then": [{"action": action, "field": "t"}]})  # noqa: E731
    assert change("titlecase") == ["Hello World-wide\u00a0Ǆx"]
    assert change("capitalize") == ["HELLO wORLD-wide\u00a0ǆx"]
    assert change("uppercase") == ["HELLO WORLD-WIDE\u00a0ǄX"]
    assert strip_html("<p>Fish&amp;lt;Chips</p>&nbsp;<br>x &euro;") == "Fish&lt;Chips x &euro;"


def test_round_to_price_endings() -> None:
    def rounded(value: str, ending: str, direction: str) -> str:
        action = {"action": "round", "field": "p", "ending": ending, "direction": direction}
        return column([{"id": "1", "p": value}], "p", {"then": [action]})[0]

    assert [rounded("12.30", ".99", way) for way in ("up", "down", "nearest")] == ["12.99", "11.99", "11.99"]
    assert rounded("12.49", ".99", "nearest") == "12.99"  # a tie goes up
    assert [rounded("23", "9.99", way) for way in ("up", "down", "nearest")] == ["29.99", "19.99", "19.99"]
    assert rounded("-5 EUR", ".99", "up") == "-4.01"
    assert rounded("none", ".99", "up") == "none"


def test_top_n_ranks_ties_in_item_order_and_skips_items_without_a_number() -> None:
    prices = ["5", "9", "n/a", "9", "1", None, "9"]
    items = [{"id": str(index), "p": price} for index, price in enumerate(prices)]
    top = {
        "if": {"all": [{"op": "top_n", "field": "p", "n": 2}]},
        "then": [{"action": "set", "field": "hit", "value": "y"}],
    }
    assert column(items, "hit", top) == [None, "y", None, "y", None, None, None]


def test_split_items_suffixes_ids_and_stats_count_the_new_items() -> None:
    items = [
        {"id": "a", "sizes": ["S", "M"], "t": "x"},
        {"id": "b", "sizes": ["L"], "t": "y"},
        {"id": "c", "sizes": [], "t": "x"},
        {"id": "d", "sizes": ["XS", "XL"], "t": "y"},
    ]
    rule = {
        "if": {"all": [{"op": "equals", "field": "t", "value": "x"}]},
        "then": [{"action": "split_items", "field": "sizes"}],
    }
    result, stats = evaluate(items, rules(rule), id_field="id", now=NOW)
    assert [(item["id"], item["sizes"]) for item in result] == [
        ("a-1", "S"),
        ("a-2", "M"),
        ("b", "L"),
        ("c", None),
        ("d", "XS, XL"),
    ]
    assert stats == [OracleStats(0, "r1", selected=2, before=4, after=5, changed={"id": 2, "sizes": 5})]


def test_group_actions_see_the_values_the_rule_started_with() -> None:
    items = [
        {"id": "1", "g": "A", "c": "red", "p": "2"},
        {"id": "2", "g": "A", "c": "blue", "p": "3.5"},
        {"id": "3", "g": " ", "c": "red", "p": "x"},
        {"id": "4", "g": "A", "c": "red", "p": None},
    ]
    rule = {
        "then": [
            {"action": "set", "field": "c", "value": "green"},
            {"action": "build_group", "field": "all", "source": "c", "group_field": "g"},
            {
                "action": "calculate_group",
                "field": "n",
                "source": "p",
                "group_field": "g",
                "function": "count",
            },
            {"action": "calculate_group", "field": "s", "source": "p", "group_field": "g", "function": "sum"},
        ]
    }
    result = after(items, rule)
    assert [item["all"] for item in result] == [["red", "blue"], ["red", "blue"], ["red"], ["red", "blue"]]
    assert [item["n"] for item in result] == ["3", "3", "1", "3"]
    assert [item["s"] for item in result] == ["5.50", "5.50", None, "5.50"]


def test_new_fields_come_last_in_order_of_first_write_and_stats_skip_excluded_items() -> None:
    items = [{"id": "1", "t": "a", "l": ["x"]}, {"id": "2", "t": "b"}]
    first = {
        "if": {"all": [{"op": "equals", "field": "t", "value": "a"}]},
        "then": [{"action": "set", "field": "z", "value": "1"}, {"action": "exclude"}],
        "else": [{"action": "set", "field": "y", "value": "2"}, {"action": "join", "field": "l"}],
    }
    disabled = {"enabled": False, "then": [{"action": "set", "field": "w", "value": "3"}]}
    result, stats = evaluate(items, rules(first, disabled), id_field="id", now=NOW)
    assert result == [{"id": "2", "t": "b", "l": None, "z": None, "y": "2"}]
    assert stats == [OracleStats(0, "r1", selected=1, before=2, after=1, changed={"y": 1})]


def test_kind_conversions_of_items_an_action_does_not_write() -> None:
    items = [{"id": "1", "t": "a, b"}, {"id": "2", "t": " "}, {"id": "3", "t": None}, {"id": "4", "t": "c"}]
    split = {
        "if": {"all": [{"op": "contains", "field": "t", "value": ","}]},
        "then": [{"action": "split", "field": "t"}],
    }
    assert column(items, "t", split) == [["a", "b"], [], None, ["c"]]
    join = {
        "if": {"all": [{"op": "equals", "field": "id", "value": "1"}]},
        "then": [{"action": "join", "field": "t", "separator": "|"}],
    }
    assert column(items, "t", {"then": [{"action": "split", "field": "t"}]}, join) == ["a|b", "", None, "c"]
