"""Statistics per rule: items selected, before and after, values changed per field."""

from __future__ import annotations

from feedbridge.rules.engine import RuleStats
from support.rules.engine_support import EXCLUDE, frame, put, run, when

ALL = {"op": "all"}


def test_selected_before_after_and_changed() -> None:
    data = frame(id=["1", "2", "3", "4"], stock=["0", "3", "5", None], label=["new", "new", "old", None])
    result = run(
        data,
        when({"op": "at_most", "field": "stock", "value": 0}, then=[EXCLUDE], name="No stock"),
        when(
            {"op": "greater_than", "field": "stock", "value": 4},
            then=[put("label", "old"), put("badge", "big")],
            **{"else": [put("label", "new")]},
            name="Labels",
        ),
    )
    assert result.stats == [
        RuleStats(position=0, name="No stock", selected=1, before=4, after=3, changed={}),
        # label: item 3 already "old", item 2 already "new"; only item 4 (null) changes.
        RuleStats(position=1, name="Labels", selected=1, before=3, after=3, changed={"label": 1, "badge": 1}),
    ]


def test_exclusion_counts_and_changes_of_excluded_items_do_not_count() -> None:
    data = frame(id=["1", "2", "3"], t=["a", "b", "c"])
    result = run(
        data,
        when(
            {"op": "equals", "field": "t", "value": "a"},
            then=[put("t", "x"), EXCLUDE],
            **{"else": [put("t", "y")]},
        ),
        when({"op": "all"}, then=[{"action": "nothing"}], **{"else": [EXCLUDE]}),
        when(ALL, then=[EXCLUDE]),
    )
    assert [(s.selected, s.before, s.after, s.changed) for s in result.stats] == [
        (1, 3, 2, {"t": 2}),
        (2, 2, 2, {}),
        (2, 2, 0, {}),
    ]
    assert result.frame.height == 0


def test_positions_skip_disabled_rules_and_run_across_checkpoints() -> None:
    data = frame(id=["1", "2", "3"], n=["1", "2", "3"])
    rules = [when(ALL, then=[put("x", str(index))]) for index in range(23)]
    rules[5] = {**rules[5], "enabled": False}
    rules[12] = when({"op": "equals", "field": "n", "value": "2"}, then=[EXCLUDE])
    rules[20] = when({"op": "top_n", "field": "n", "n": 1}, then=[put("x", "top")])
    result = run(data, *rules)
    by_position = {stats.position: stats for stats in result.stats}
    assert 5 not in by_position
    assert len(result.stats) == 22
    assert (by_position[12].before, by_position[12].selected, by_position[12].after) == (3, 1, 2)
    assert (by_position[13].before, by_position[13].after, by_position[13].changed) == (2, 2, {"x": 2})
    assert (by_position[20].before, by_position[20].selected, by_position[20].changed) == (2, 1, {"x": 1})
    assert by_position[0].changed == {"x": 3}


def test_split_items_counts_the_items_it_received_and_every_part_after() -> None:
    data = frame(id=["A", "B", "C"], size=[["S", "M", "L"], ["XL"], ["1", "2"]], keep=["y", "y", ""])
    result = run(
        data,
        when(
            {"op": "not_empty", "field": "keep"},
            then=[{"action": "split_items", "field": "size"}, put("note", "split")],
            name="Split",
        ),
        when({"op": "equals", "field": "size", "value": "m"}, then=[EXCLUDE], name="No M"),
    )
    assert result.stats == [
        # C is not written: its list is joined, which changes its value too; the ID changes on A's parts.
        RuleStats(
            position=0,
            name="Split",
            selected=2,
            before=3,
            after=5,
            changed={"size": 5, "id": 3, "note": 4},
        ),
        RuleStats(position=1, name="No M", selected=1, before=5, after=4, changed={}),
    ]


def test_group_actions_count_the_values_they_change() -> None:
    data = frame(
        id=["1", "2", "3"], group=["g", "g", "h"], price=["1", "2", "3"], total=["3.00", None, "3.00"]
    )
    action = {
        "action": "calculate_group",
        "field": "total",
        "source": "price",
        "group_field": "group",
        "function": "sum",
    }
    result = run(data, when(ALL, then=[action]))
    assert result.stats[0].changed == {"total": 1}
    assert result.frame["total"].to_list() == ["3.00", "3.00", "3.00"]


def test_a_kind_change_counts_every_value_that_is_not_null() -> None:
    data = frame(id=["1", "2", "3"], tags=["a,b", "c", None])
    rule = when({"op": "equals", "field": "id", "value": "1"}, then=[{"action": "split", "field": "tags"}])
    result = run(data, rule)
    assert result.frame["tags"].to_list() == [["a", "b"], ["c"], None]
    assert result.stats[0].changed == {"tags": 2}
