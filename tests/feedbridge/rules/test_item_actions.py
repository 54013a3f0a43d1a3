"""Item-level actions: split_items, build_group, calculate_group, exclude, nothing."""

from __future__ import annotations

import pytest

from feedbridge.errors import InvalidInput
from feedbridge.rules.engine import EvaluationContext
from support.rules.engine_support import EXCLUDE, NOW, columns, frame, put, run, when

ALL = {"op": "all"}


def split(field: str) -> dict[str, str]:
    return {"action": "split_items", "field": field}


# ── split_items ────────────────────────────────────────────────────────────────────────────────


def test_split_items_makes_one_item_per_element_with_suffixed_ids_in_order() -> None:
    data = frame(id=["A", "B", "C", "D", "E"], size=[["S", "M", "L"], ["XL"], [], None, ["1", "2"]])
    assert columns(data, when(ALL, then=[split("size")])) == {
        "id": ["A-1", "A-2", "A-3", "B", "C", "D", "E-1", "E-2"],
        "size": ["S", "M", "L", "XL", None, None, "1", "2"],
    }


def test_items_the_split_does_not_write_keep_one_item_with_the_list_joined() -> None:
    data = frame(id=["A", "B", "C"], size=[["S", "M"], ["L", "XL"], []], kind=["split", "keep", "keep"])
    rule = when({"op": "equals", "field": "kind", "value": "split"}, then=[split("size")])
    assert columns(data, rule) == {
        "id": ["A-1", "A-2", "B", "C"],
        "size": ["S", "M", "L, XL", ""],
        "kind": ["split", "split", "keep", "keep"],
    }


def test_split_items_in_else_and_actions_after_it_apply_to_every_part() -> None:
    data = frame(id=["A", "B"], size=[["S", "M"], ["L", "XL"]], keep=["yes", ""])
    rule = when(
        {"op": "not_empty", "field": "keep"},
        then=[{"action": "nothing"}],
        **{"else": [split("size"), {"action": "append", "field": "size", "value": "(EU)"}]},
    )
    assert columns(data, rule) == {
        "id": ["A", "B-1", "B-2"],
        "size": ["S, M", "L (EU)", "XL (EU)"],
        "keep": ["yes", "", ""],
    }


def test_split_items_on_a_text_field_leaves_text_and_blanks_become_null() -> None:
    data = frame(id=["A", "B", "C"], size=["S, M", "  ", None])
    assert columns(data, when(ALL, then=[split("size")])) == {
        "id": ["A", "B", "C"],
        "size": ["S, M", None, None],
    }


def test_later_rules_see_the_parts_and_exclude_them_one_by_one() -> None:
    data = frame(id=["A", "B"], size=[["S", "M"], ["L"]])
    result = run(
        data,
        when(ALL, then=[split("size")]),
        when({"op": "equals", "field": "size", "value": "m"}, then=[EXCLUDE]),
        when({"op": "ends_with", "field": "id", "value": "-1"}, then=[put("first", "yes")]),
    )
    assert result.frame.to_dict(as_series=False) == {
        "id": ["A-1", "B"],
        "size": ["S", "L"],
        "first": ["yes", None],
    }


def test_conditions_after_a_split_see_the_new_ids_and_values() -> None:
    data = frame(id=["A", "B"], size=[["S", "M"], ["L"]])
    result = run(
        data,
        when(
            {"op": "equals", "field": "id", "value": "a"},
            {"op": "contains", "field": "size", "value": "s"},
            then=[{"action": "nothing"}],
        ),
        when(ALL, then=[split("size")]),
        when(
            {"op": "ends_with", "field": "id", "value": "-2"},
            {"op": "equals", "field": "size", "value": "m"},
            then=[put("second", "yes")],
        ),
    )
    assert result.frame["second"].to_list() == [None, "yes", None]


def test_split_items_needs_the_unique_id_field() -> None:
    context = EvaluationContext(id_field="sku", now=NOW)
    with pytest.raises(InvalidInput, match=r"rule 1 'Sizes'.*'sku'"):
        run(
            frame(id=["A"], size=[["S", "M"]]), when(ALL, then=[split("size")], name="Sizes"), context=context
        )


# ── build_group, calculate_group ───────────────────────────────────────────────────────────────


def test_build_group_collects_distinct_non_empty_values_in_item_order() -> None:
    data = frame(
        id=["1", "2", "3", "4", "5", "6"],
        group=["g", "h", "g", "g", "", None],
        colour=["Red", "Blue", "  ", "Red", "Green", "Black"],
    )
    rule = when(
        ALL, then=[{"action": "build_group", "field": "colours", "source": "colour", "group_field": "group"}]
    )
    assert columns(data, rule)["colours"] == [["Red"], ["Blue"], ["Red"], ["Red"], ["Green"], ["Black"]]


def test_build_group_from_a_list_source_takes_its_elements() -> None:
    data = frame(id=["1", "2", "3"], group=["g", "g", "g"], tags=[["a", "b"], ["b", " ", "c"], None])
    rule = when(
        ALL, then=[{"action": "build_group", "field": "tags", "source": "tags", "group_field": "group"}]
    )
    assert columns(data, rule)["tags"] == [["a", "b", "c"]] * 3


def test_group_actions_see_only_items_that_reach_the_rule_and_the_values_it_found() -> None:
    data = frame(
        id=["1", "2", "3", "4"],
        group=["g", "g", "g", "g"],
        colour=["Red", "Blue", "Green", "Pink"],
        stock=["1", "0", "5", "2"],
    )
    build = {"action": "build_group", "field": "colours", "source": "colour", "group_field": "group"}
    result = columns(
        data,
        when({"op": "equals", "field": "colour", "value": "pink"}, then=[EXCLUDE]),
        # THEN changes colour before build_group runs, and ELSE runs after THEN: both still see the
        # colours as the rule found them.
        when(
            {"op": "greater_than", "field": "stock", "value": 0},
            then=[put("colour", "Changed"), build],
            **{"else": [build]},
        ),
    )
    assert result["colour"] == ["Changed", "Blue", "Changed"]
    assert result["colours"] == [["Red", "Blue", "Green"]] * 3


def test_build_group_converts_items_it_does_not_write_to_lists() -> None:
    data = frame(id=["1", "2"], group=["g", "g"], colour=["Red", "Blue"], colours=["x, y", None])
    build = {"action": "build_group", "field": "colours", "source": "colour", "group_field": "group"}
    result = columns(data, when({"op": "equals", "field": "id", "value": "1"}, then=[build]))
    assert result["colours"] == [["Red", "Blue"], None]
    result = columns(data, when({"op": "equals", "field": "id", "value": "2"}, then=[build]))
    assert result["colours"] == [["x, y"], ["Red", "Blue"]]


@pytest.mark.parametrize(
    ("function", "decimals", "expected"),
    [
        ("count", 2, ["3", "3", "1", "3", "1", "1"]),
        ("sum", 2, ["17.50", "17.50", None, "17.50", "4.00", "7.00"]),
        ("min", 0, ["2", "2", None, "2", "4", "7"]),
        ("max", 1, ["12.5", "12.5", None, "12.5", "4.0", "7.0"]),
    ],
)
def test_calculate_group(function: str, decimals: int, expected: list[str | None]) -> None:
    data = frame(
        id=["1", "2", "3", "4", "5", "6"],
        group=["g", "g", "h", "g", None, ""],
        price=["2", "EUR 12.5", "free", "3 USD", "4", "7"],
    )
    action = {
        "action": "calculate_group",
        "field": "total",
        "source": "price",
        "group_field": "group",
        "function": function,
        "decimals": decimals,
    }
    assert columns(data, when(ALL, then=[action]))["total"] == expected


def test_calculate_group_over_a_list_source_uses_each_elements_number() -> None:
    data = frame(id=["1", "2"], group=["g", "g"], prices=[["1", "2.5"], ["x", "10"]])
    action = {
        "action": "calculate_group",
        "field": "sum",
        "source": "prices",
        "group_field": "group",
        "function": "sum",
    }
    assert columns(data, when(ALL, then=[action]))["sum"] == ["13.50", "13.50"]


def test_calculate_group_writes_only_selected_items() -> None:
    data = frame(id=["1", "2"], group=["g", "g"], price=["2", "3"], total=["old", None])
    action = {
        "action": "calculate_group",
        "field": "total",
        "source": "price",
        "group_field": "group",
        "function": "sum",
    }
    assert columns(data, when({"op": "equals", "field": "id", "value": "2"}, then=[action]))["total"] == [
        "old",
        "5.00",
    ]


# ── exclude, nothing ───────────────────────────────────────────────────────────────────────────


def test_exclude_removes_items_and_nothing_leaves_them() -> None:
    data = frame(id=["1", "2", "3"], stock=["0", "4", None])
    rule = when(
        {"op": "at_most", "field": "stock", "value": 0}, then=[EXCLUDE], **{"else": [{"action": "nothing"}]}
    )
    assert columns(data, rule) == {"id": ["2", "3"], "stock": ["4", None]}


def test_exclude_in_else_removes_the_items_the_if_did_not_select() -> None:
    data = frame(id=["1", "2", "3"], stock=["0", "4", None])
    rule = when(
        {"op": "greater_than", "field": "stock", "value": 0},
        then=[{"action": "nothing"}],
        **{"else": [EXCLUDE]},
    )
    assert columns(data, rule) == {"id": ["2"], "stock": ["4"]}
