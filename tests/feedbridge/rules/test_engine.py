"""run_rules and run_layers: order, ELSE, exclusion, disabled rules, fields, layers, long rule lists."""

from __future__ import annotations

import polars as pl
import pytest

from feedbridge.errors import InvalidInput
from feedbridge.rules.engine import run_layers, run_rules
from feedbridge.rules.model import Layer
from support.rules.engine_support import CONTEXT, EXCLUDE, columns, frame, put, rule_set, run, when

ALL = {"op": "all"}


def append(field: str, value: str, separator: str = " ") -> dict[str, str]:
    return {"action": "append", "field": field, "value": value, "separator": separator}


def test_each_rule_sees_what_the_previous_one_left() -> None:
    data = frame(id=["1", "2"], title=["Shirt", "Hat"])
    assert columns(
        data,
        when({"op": "equals", "field": "title", "value": "shirt"}, then=[put("title", "Tee")]),
        when({"op": "equals", "field": "title", "value": "tee"}, then=[append("title", "(new)")]),
        when({"op": "contains", "field": "title", "value": "new"}, then=[put("flag", "yes")]),
    ) == {"id": ["1", "2"], "title": ["Tee (new)", "Hat"], "flag": ["yes", None]}


def test_then_actions_run_in_order_and_else_acts_on_the_others() -> None:
    data = frame(id=["1", "2", "3"], stock=["5", "0", None])
    rule = when(
        {"op": "greater_than", "field": "stock", "value": 0},
        then=[put("label", "in"), append("label", "stock"), append("label", "now", "-")],
        **{"else": [put("label", "out")]},
    )
    assert columns(data, rule)["label"] == ["in stock-now", "out", "out"]


def test_an_excluded_item_reaches_no_later_rule_and_leaves_the_result() -> None:
    data = frame(id=["1", "2", "3"], price=["0", "10", "20"])
    result = run(
        data,
        when({"op": "at_most", "field": "price", "value": 0}, then=[EXCLUDE]),
        when(ALL, then=[put("seen", "yes")], **{"else": [put("seen", "no")]}),
        when({"op": "bottom_n", "field": "price", "n": 1}, then=[put("cheapest", "yes")]),
    )
    assert result.frame.to_dict(as_series=False) == {
        "id": ["2", "3"],
        "price": ["10", "20"],
        "seen": ["yes", "yes"],
        "cheapest": ["yes", None],
    }


def test_actions_after_exclude_in_the_same_rule_do_not_bring_the_item_back() -> None:
    data = frame(id=["1", "2"], t=["x", "y"])
    rule = when(
        {"op": "equals", "field": "t", "value": "x"},
        then=[EXCLUDE, put("t", "z")],
        **{"else": [put("t", "w")]},
    )
    assert columns(data, rule) == {"id": ["2"], "t": ["w"]}


def test_disabled_rules_are_skipped() -> None:
    data = frame(id=["1"], t=["a"])
    result = run(data, {**when(ALL, then=[EXCLUDE]), "enabled": False}, when(ALL, then=[put("t", "b")]))
    assert result.frame.to_dict(as_series=False) == {"id": ["1"], "t": ["b"]}
    assert [(stats.position, stats.name) for stats in result.stats] == [(1, "rule 2")]


def test_new_fields_are_appended_in_order_of_first_write_and_read_only_fields_stay_out() -> None:
    data = frame(id=["1", "2"], t=["a", "b"])
    result = run(
        data,
        when({"op": "is_empty", "field": "ghost"}, then=[put("second", "2")]),
        when({"op": "equals", "field": "t", "value": "a"}, then=[put("first", "1"), put("second", "x")]),
        when(ALL, then=[{"action": "copy", "field": "third", "source": "phantom"}]),
    )
    assert result.frame.columns == ["id", "t", "second", "first", "third"]
    assert result.frame.to_dict(as_series=False) == {
        "id": ["1", "2"],
        "t": ["a", "b"],
        "second": ["x", "2"],
        "first": ["1", None],
        "third": [None, None],
    }
    assert result.frame.schema["third"] == pl.String


def test_a_field_read_before_it_is_written_is_null_until_then() -> None:
    data = frame(id=["1", "2"])
    result = columns(
        data,
        when({"op": "is_empty", "field": "late"}, then=[put("before", "empty")]),
        when({"op": "equals", "field": "id", "value": "1"}, then=[put("late", "set")]),
        when({"op": "is_empty", "field": "late"}, then=[put("after", "empty")]),
    )
    assert result == {
        "id": ["1", "2"],
        "before": ["empty", "empty"],
        "late": ["set", None],
        "after": [None, "empty"],
    }


def test_a_kind_change_converts_the_items_the_action_does_not_write() -> None:
    data = frame(id=["1", "2", "3"], sizes=["S, M", "L,XL", "  "], tags=[["a", "b"], ["c"], []])
    only_first = {"op": "equals", "field": "id", "value": "1"}
    result = run(
        data,
        when(only_first, then=[{"action": "split", "field": "sizes", "separator": ","}]),
        when(only_first, then=[{"action": "join", "field": "tags", "separator": "|"}]),
    ).frame
    assert result.schema["sizes"] == pl.List(pl.String)
    assert result["sizes"].to_list() == [["S", "M"], ["L,XL"], []]
    assert result["tags"].to_list() == ["a|b", "c", ""]


def test_column_actions_mixed_with_conditions_on_their_results() -> None:
    data = frame(
        id=["1", "2", "3"],
        brand=["Acme", "", "Zed"],
        title=["  Red   shirt ", "Blue hat", "<b>Green</b> cap"],
        price=["10", "19.99 USD", "n/a"],
        colour=["rot", "blau", "grün"],
    )
    result = columns(
        data,
        when(ALL, then=[{"action": "strip_html", "field": "title"}]),
        when(ALL, then=[{"action": "combine", "field": "name", "template": "{brand} - {title}"}]),
        when(
            {"op": "not_empty", "field": "price"},
            then=[{"action": "calculate", "field": "sale", "expression": "{price} * 1.2", "decimals": 2}],
        ),
        when(
            ALL,
            then=[
                {
                    "action": "lookup",
                    "field": "colour",
                    "table": [
                        {"find": "rot", "replace_with": "Red"},
                        {"find": "blau", "replace_with": "Blue"},
                    ],
                }
            ],
        ),
        when(
            {"op": "greater_than", "field": "sale", "value": 20},
            then=[{"action": "uppercase", "field": "name"}],
        ),
    )
    assert result == {
        "id": ["1", "2", "3"],
        "brand": ["Acme", "", "Zed"],
        "title": ["Red shirt", "Blue hat", "Green cap"],
        "price": ["10", "19.99 USD", "n/a"],
        "colour": ["Red", "Blue", "grün"],
        "name": ["Acme - Red shirt", "BLUE HAT", "Zed - Green cap"],
        "sale": ["12.00", "23.99", None],
    }


def test_long_rule_lists_cross_checkpoints_with_exclusions_in_several_stages() -> None:
    data = frame(id=[str(n) for n in range(6)], n=[str(n) for n in range(6)], trail=[""] * 6)
    rules = []
    for index in range(25):
        rules.append(when(ALL, then=[append("trail", str(index), "")]))
        if index in (3, 14, 22):  # excluded in the first, second and third stage
            rules.append(when({"op": "equals", "field": "n", "value": str(index // 4)}, then=[EXCLUDE]))
    result = run(data, *rules)
    everything = "".join(str(index) for index in range(25))
    assert result.frame["id"].to_list() == ["1", "2", "4"]  # 0, 3 and 5 excluded
    assert result.frame["trail"].to_list() == [everything] * 3
    assert [stats.after for stats in result.stats if stats.after != stats.before] == [5, 4, 3]
    assert len(result.stats) == 28


def test_statistics_can_be_left_out_without_changing_the_result() -> None:
    data = frame(id=["1", "2", "3"], size=[["S", "M"], ["L"], []], p=["1", "2", "3"])
    rules = rule_set(
        when({"op": "top_n", "field": "p", "n": 2}, then=[put("top", "yes")]),
        when(ALL, then=[{"action": "split_items", "field": "size"}]),
        when({"op": "equals", "field": "size", "value": "L"}, then=[EXCLUDE]),
    )
    with_stats = run_rules(data, rules, CONTEXT)
    without = run_rules(data, rules, CONTEXT, with_stats=False)
    assert without.stats == []
    assert without.frame.equals(with_stats.frame)
    assert without.frame["id"].to_list() == ["1-1", "1-2", "3"]


def test_all_null_columns_are_read_as_text_and_other_types_are_refused() -> None:
    data = pl.DataFrame({"id": ["1"], "empty": [None], "nothing": [[]]})
    assert columns(data, when({"op": "is_empty", "field": "nothing"}, then=[put("empty", "x")])) == {
        "id": ["1"],
        "empty": ["x"],
        "nothing": [[]],
    }
    with pytest.raises(InvalidInput, match=r"price: .*text"):
        run(pl.DataFrame({"id": ["1"], "price": [1.5]}), when(ALL, then=[put("id", "x")]))


def test_layers_run_in_the_order_given_with_statistics_per_layer() -> None:
    data = frame(id=["1", "2"], title=["shirt", "hat"])
    layers = [
        (Layer.IMPORT, rule_set(when({"op": "equals", "field": "title", "value": "hat"}, then=[EXCLUDE]))),
        (Layer.PROJECT, rule_set(when(ALL, then=[append("title", "by Acme")]))),
        (
            Layer.API,
            rule_set(when({"op": "ends_with", "field": "title", "value": "acme"}, then=[put("ok", "y")])),
        ),
    ]
    result, stats = run_layers(data, layers, CONTEXT)
    assert result.to_dict(as_series=False) == {"id": ["1"], "title": ["shirt by Acme"], "ok": ["y"]}
    assert [
        (layer, [(s.before, s.selected, s.after) for s in layer_stats])
        for layer, layer_stats in stats.items()
    ] == [
        (Layer.IMPORT, [(2, 1, 1)]),
        (Layer.PROJECT, [(1, 1, 1)]),
        (Layer.API, [(1, 1, 1)]),
    ]


def test_an_empty_rule_set_returns_the_items_as_they_are() -> None:
    data = frame(id=["1"], tags=[["a"]])
    result = run_rules(data, rule_set(), CONTEXT)
    assert result.frame.equals(data)
    assert result.stats == []


def test_conditions_see_each_write_across_many_rules_and_checkpoints() -> None:
    # Lowercase forms and numbers are computed once per field and reused until the field is written.
    expensive = {"op": "greater_than", "field": "price", "value": 25}
    rules = [
        when(expensive, {"op": "contains", "field": "title", "value": "h"}, then=[append("seen", "a", "")])
    ]
    rules.append(
        when({"op": "equals", "field": "id", "value": "1"}, then=[put("price", "40"), put("title", "Cap")])
    )
    rules += [when({"op": "contains", "field": "title", "value": "sh"}, then=[append("seen", "x", "")])] * 11
    rules.append(
        when(expensive, {"op": "contains", "field": "title", "value": "a"}, then=[append("seen", "b", "")])
    )
    data = frame(id=["1", "2"], price=["20", "30"], title=["Shirt", "Hat"])
    assert columns(data, *rules)["seen"] == ["b", "ab"]
