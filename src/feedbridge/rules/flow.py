"""Which fields each condition and action reads and writes, and what kind of value it leaves.

Shared by the compiler (to know each field's kind as rules run) and by save-time validation.
"""

from __future__ import annotations

from collections.abc import Mapping

from feedbridge.rules.calculation import calculation_fields, parse_calculation
from feedbridge.rules.model import (
    Action,
    AddText,
    AllItems,
    BuildGroup,
    Calculate,
    CalculateGroup,
    Combine,
    Condition,
    Copy,
    Exclude,
    JoinList,
    Kind,
    Nothing,
    NumberCondition,
    SearchInList,
    SearchValue,
    SetValue,
    SplitItems,
    SplitText,
    TextCondition,
    TodayCondition,
    template_fields,
)


def condition_reads(condition: Condition) -> list[str]:
    if isinstance(condition, AllItems | TodayCondition):
        return []
    others = [condition.other_field] if isinstance(condition, TextCondition | NumberCondition) else []
    return [condition.field, *[name for name in others if name]]


def action_reads(action: Action) -> list[str]:
    """Fields an action reads (its written field included where it transforms that field)."""
    if isinstance(action, Exclude | Nothing | SetValue):
        return []
    if isinstance(action, Copy):
        return [action.source]
    if isinstance(action, Combine):
        return template_fields(action.template)
    if isinstance(action, Calculate):
        return calculation_fields(parse_calculation(action.expression))
    if isinstance(action, SearchValue):
        return [action.source]
    if isinstance(action, BuildGroup | CalculateGroup):
        return [action.source, action.group_field]
    if isinstance(action, AddText):
        return [action.field, *([action.source] if action.source else [])]
    return [action.field]


def action_writes(action: Action) -> list[str]:
    if isinstance(action, Exclude | Nothing):
        return []
    if isinstance(action, SearchInList) and action.target:
        return [action.target]
    return [action.field]


def kind_after(action: Action, kinds: Mapping[str, Kind]) -> dict[str, Kind]:
    """The kinds of the fields an action writes, given the kinds before it (unknown fields: text)."""
    if isinstance(action, Exclude | Nothing):
        return {}
    if isinstance(action, SplitText):
        return {action.field: Kind.LIST}
    if isinstance(action, BuildGroup):
        return {action.field: Kind.LIST}
    if isinstance(action, Copy):
        return {action.field: kinds.get(action.source, Kind.TEXT)}
    if isinstance(action, SearchInList):
        if action.target:
            return {action.target: Kind.TEXT}
        return {action.field: kinds.get(action.field, Kind.TEXT)}
    if isinstance(
        action, JoinList | SplitItems | SetValue | Combine | Calculate | CalculateGroup | SearchValue
    ):
        return {action.field: Kind.TEXT}
    return {action.field: kinds.get(action.field, Kind.TEXT)}
