"""Actions on items rather than on one value: split_items, build_group, calculate_group, exclude.

Group actions aggregate over the items of a group that reach the rule, with the values they have when
the rule starts: the plan computes the aggregate in the rule's first step, so THEN and ELSE see the
same group. exclude only marks the item (the position of the excluding rule in `EXCLUDED`); the plan
removes marked items at its next checkpoint, so that one aggregation yields every rule's counts.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from feedbridge.rules.columns import EXCLUDED, FIRST, PART, SPLIT
from feedbridge.rules.model import BuildGroup, CalculateGroup, Kind, SplitItems
from feedbridge.rules.values import convert_kind, format_number, is_empty, number

NON_BLANK = r"\S"


def exclude(mask: pl.Expr, position: int) -> dict[str, pl.Expr]:
    return {EXCLUDED: pl.when(mask).then(pl.lit(position, dtype=pl.Int32)).otherwise(pl.col(EXCLUDED))}


def group_value(action: BuildGroup | CalculateGroup, kinds: Mapping[str, Kind], alive: pl.Expr) -> pl.Expr:
    """Each item's group aggregate (the action's new value), over the items in `alive`."""
    group = _group_keys(action.group_field, kinds[action.group_field])
    source, kind = pl.col(action.source), kinds[action.source]
    if isinstance(action, BuildGroup):
        if kind is Kind.LIST:
            elements = source.list.eval(pl.element().filter(pl.element().str.contains(NON_BLANK)))
            values = pl.when(alive).then(elements).explode()
        else:
            values = pl.when(alive & ~is_empty(source, Kind.TEXT)).then(source)
        return values.drop_nulls().unique(maintain_order=True).over(group, mapping_strategy="join")
    if action.function == "count":
        return alive.sum().over(group).cast(pl.String)
    if kind is Kind.LIST:
        numbers = pl.when(alive).then(source.list.eval(number(pl.element()))).explode()
    else:
        numbers = pl.when(alive).then(number(source))
    total = {"sum": numbers.sum(), "min": numbers.min(), "max": numbers.max()}[action.function]
    # A group without any number has no sum (Polars would say 0).
    return format_number(pl.when(numbers.count().over(group) > 0).then(total.over(group)), action.decimals)


def _group_keys(field: str, kind: Kind) -> list[pl.Expr]:
    """Partition keys: the group field's value; an item with an empty one is a group of its own."""
    value = pl.col(field)
    empty = is_empty(value, kind)
    return [pl.when(~empty).then(value), pl.when(empty).then(pl.int_range(pl.len()))]


def split_items(
    frame: pl.LazyFrame, action: SplitItems, mask: pl.Expr, kinds: Mapping[str, Kind], id_field: str
) -> pl.LazyFrame:
    """One row per element for the masked items whose list has two or more elements (see the model).

    Rows keep their order and parts follow in element order; `FIRST` stays true on first parts only.
    Text counts as a one-element list (blank text an empty one, which becomes null).
    """
    value = pl.col(action.field)
    if kinds[action.field] is Kind.TEXT:
        return frame.with_columns(
            pl.when(~(mask & is_empty(value, Kind.TEXT))).then(value).alias(action.field)
        )
    split = mask & (value.list.len() >= 2).fill_null(False)
    parts = (
        pl.when(split)
        .then(value)
        .when(mask)
        .then(pl.concat_list(value.list.first()))
        .otherwise(pl.concat_list(convert_kind(value, Kind.LIST, Kind.TEXT)))
    )
    identity = pl.col(id_field)
    return (
        frame.with_columns(parts.alias(action.field), split.alias(SPLIT))
        .with_columns(pl.int_ranges(1, value.list.len() + 1, dtype=pl.Int64).alias(PART))
        .explode([action.field, PART])
        .with_columns(
            pl.when(pl.col(SPLIT))
            .then(pl.concat_str([identity, pl.lit("-"), pl.col(PART).cast(pl.String)]))
            .otherwise(identity)
            .alias(id_field),
            (pl.col(FIRST) & (pl.col(PART) == 1)).alias(FIRST),
        )
        .drop(SPLIT, PART)
    )
