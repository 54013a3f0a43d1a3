"""Explain one item: each rule's match, changes and exclusion, and the item's rows at the end."""

from __future__ import annotations

import pytest

from feedbridge.errors import InvalidInput, NotFound
from feedbridge.rules.engine import Change, EvaluationContext, ExplainStep, explain_item, run_rules
from support.rules.engine_support import CONTEXT, EXCLUDE, NOW, frame, put, rule_set, when

ALL = {"op": "all"}


def test_every_rule_in_order_with_match_changes_and_result() -> None:
    data = frame(id=["1", "2"], title=["Shirt", "Hat"], stock=["4", "0"])
    rules = rule_set(
        when(
            {"op": "equals", "field": "title", "value": "shirt"},
            then=[put("title", "Tee"), put("type", "top")],
        ),
        {**when(ALL, then=[EXCLUDE]), "enabled": False},
        when(
            {"op": "at_most", "field": "stock", "value": 0}, then=[EXCLUDE], **{"else": [put("title", "Tee")]}
        ),
    )
    explanation = explain_item(data, rules, CONTEXT, "1")
    assert explanation.item_id == "1"
    assert explanation.steps == [
        ExplainStep(
            position=0,
            name="rule 1",
            reached=True,
            matched=True,
            changes=[Change("title", "Shirt", "Tee"), Change("type", None, "top")],
            excluded=False,
        ),
        # ELSE wrote the value it already had: nothing changed.
        ExplainStep(position=2, name="rule 3", reached=True, matched=False, changes=[], excluded=False),
    ]
    assert explanation.excluded_by is None
    assert explanation.result == [{"id": "1", "title": "Tee", "stock": "4", "type": "top"}]


def test_an_excluded_item_names_the_rule_and_reaches_no_later_rule() -> None:
    data = frame(id=["1", "2"], stock=["0", "3"])
    rules = rule_set(
        when({"op": "at_most", "field": "stock", "value": 0}, then=[EXCLUDE], name="No stock"),
        when(ALL, then=[put("stock", "9")], name="Later"),
    )
    explanation = explain_item(data, rules, CONTEXT, "1")
    assert explanation.steps == [
        ExplainStep(position=0, name="No stock", reached=True, matched=True, changes=[], excluded=True),
        ExplainStep(position=1, name="Later", reached=False, matched=None, changes=[], excluded=False),
    ]
    assert explanation.excluded_by == "No stock"
    assert explanation.result == []


def test_ranks_are_explained_among_all_items_as_the_earlier_rules_left_them() -> None:
    data = frame(id=["a", "b", "c"], price=["30", "20", "10"])
    rules = rule_set(
        when({"op": "greater_than", "field": "price", "value": 25}, then=[EXCLUDE]),
        when({"op": "equals", "field": "id", "value": "c"}, then=[put("price", "25")]),
        when(
            {"op": "top_n", "field": "price", "n": 1},
            then=[put("best", "yes")],
            **{"else": [put("best", "no")]},
        ),
    )
    explanation = explain_item(data, rules, CONTEXT, "c")
    assert [(step.matched, step.changes) for step in explanation.steps] == [
        (False, []),
        (True, [Change("price", "10", "25")]),
        (True, [Change("best", None, "yes")]),
    ]
    assert explanation.result == [{"id": "c", "price": "25", "best": "yes"}]
    assert explain_item(data, rules, CONTEXT, "b").result == [{"id": "b", "price": "20", "best": "no"}]


def test_group_actions_are_explained_with_the_other_members_of_the_group() -> None:
    data = frame(id=["1", "2", "3"], group=["g", "g", "h"], colour=["Red", "Blue", "Green"])
    build = {"action": "build_group", "field": "colours", "source": "colour", "group_field": "group"}
    explanation = explain_item(data, rule_set(when(ALL, then=[build])), CONTEXT, "2")
    assert explanation.steps[0].changes == [Change("colours", None, ["Red", "Blue"])]
    assert explanation.result == [{"id": "2", "group": "g", "colour": "Blue", "colours": ["Red", "Blue"]}]


def test_split_items_are_explained_on_the_first_part_and_every_part_is_in_the_result() -> None:
    data = frame(id=["A", "B"], size=[["S", "M"], ["L"]])
    rules = rule_set(
        when(ALL, then=[{"action": "split_items", "field": "size"}]),
        when({"op": "equals", "field": "size", "value": "s"}, then=[EXCLUDE]),
        when(ALL, then=[{"action": "append", "field": "size", "value": "(EU)"}]),
    )
    explanation = explain_item(data, rules, CONTEXT, "A")
    assert explanation.steps[0].changes == [Change("size", ["S", "M"], "S"), Change("id", "A", "A-1")]
    # The first part is excluded; the item lives on in its second part, which the last rule describes.
    assert (explanation.steps[1].matched, explanation.steps[1].excluded) == (True, True)
    assert explanation.steps[2].changes == [Change("size", "M", "M (EU)")]
    assert explanation.excluded_by is None
    assert explanation.result == [{"id": "A-2", "size": "M (EU)"}]


def test_the_explained_result_is_what_run_rules_gives_for_that_item() -> None:
    data = frame(
        id=["1", "2", "3", "4"],
        group=["g", "g", "", "h"],
        price=["5", "15", "25", "35"],
        tags=[["a", "b"], ["c"], [], ["x", "y"]],
    )
    rules = rule_set(
        when({"op": "bottom_n", "field": "price", "n": 1}, then=[EXCLUDE]),
        when(
            ALL,
            then=[
                {
                    "action": "calculate_group",
                    "field": "sum",
                    "source": "price",
                    "group_field": "group",
                    "function": "sum",
                }
            ],
        ),
        when(
            {"op": "greater_than", "field": "sum", "value": 20},
            then=[{"action": "split_items", "field": "tags"}],
        ),
    )
    output = run_rules(data, rules, CONTEXT).frame
    for item_id in ["1", "2", "3", "4"]:
        rows = output.filter(output["id"].str.starts_with(item_id)).to_dicts()
        assert explain_item(data, rules, CONTEXT, item_id).result == rows


def test_an_unknown_item_or_id_field_is_a_clear_error() -> None:
    data = frame(id=["1"], t=["a"])
    with pytest.raises(NotFound, match=r"'nope'.*'id'"):
        explain_item(data, rule_set(when(ALL, then=[EXCLUDE])), CONTEXT, "nope")
    with pytest.raises(InvalidInput, match=r"^sku: "):
        explain_item(data, rule_set(), EvaluationContext(id_field="sku", now=NOW), "1")
