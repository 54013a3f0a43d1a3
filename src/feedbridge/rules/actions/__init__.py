"""Column actions compiled to Polars: each action becomes the new value of every field it writes.

`compile_action` returns, per written field, the expression of its value as if every item were
written (values the action keeps are already kept), with the kind `flow.kind_after` gives. The
engine decides which items take it and converts the others; item-level actions (exclude,
split_items, build_group, calculate_group) are the engine's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from feedbridge.rules.actions import cleanup, lists, lookup, numbers, text
from feedbridge.rules.model import (
    Action,
    AddText,
    Calculate,
    ChangeCase,
    Combine,
    Copy,
    JoinList,
    Kind,
    Lookup,
    MaxLength,
    Nothing,
    Replace,
    Round,
    SearchInList,
    SearchReplace,
    SearchValue,
    SetValue,
    SliceList,
    SortList,
    SplitText,
    StripHtml,
    Trim,
)

Compiler = Callable[[Any, Mapping[str, Kind]], dict[str, pl.Expr]]

COMPILERS: dict[type[Any], Compiler] = {
    SetValue: text.set_value,
    AddText: text.add_text,
    Copy: text.copy,
    Combine: text.combine,
    Replace: cleanup.replace,
    SearchReplace: cleanup.search_replace,
    MaxLength: cleanup.max_length,
    ChangeCase: cleanup.change_case,
    StripHtml: cleanup.strip_html,
    Trim: cleanup.trim,
    Lookup: lookup.lookup,
    SearchValue: lookup.search_value,
    Calculate: numbers.calculate,
    Round: numbers.round_number,
    SplitText: lists.split,
    JoinList: lists.join,
    SortList: lists.sort_list,
    SliceList: lists.slice_list,
    SearchInList: lists.search_list,
    Nothing: lambda action, kinds: {},
}


def compile_action(action: Action, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    """Field → expression of its new value; `kinds` holds the kind of every field present."""
    compiler = COMPILERS.get(type(action))
    if compiler is None:
        raise TypeError(f"{action.action!r} is an item-level action: the engine runs it, not compile_action")
    return compiler(action, kinds)


__all__ = ["compile_action"]
