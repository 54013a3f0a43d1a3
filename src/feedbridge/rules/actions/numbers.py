"""Actions that compute numbers: calculate and round (to decimals or to a price ending)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import partial

import polars as pl

from feedbridge.rules.actions.text import as_text
from feedbridge.rules.calculation import FieldValue, Negate, Node, Number, parse_calculation
from feedbridge.rules.model import Calculate, Kind, Round
from feedbridge.rules.values import (
    format_number,
    number,
    per_element,
    scaled,
    scaled_to_text,
)

CENTS = 100


def calculate(action: Calculate, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    value = evaluate(parse_calculation(action.expression), lambda name: number(as_text(name, kinds)))
    kept = as_text(action.field, kinds)
    return {
        action.field: pl.when(value.is_null()).then(kept).otherwise(format_number(value, action.decimals))
    }


def evaluate(node: Node, read: Callable[[str], pl.Expr]) -> pl.Expr:
    """A calculation as Float64, with `read(field)` giving a field's number: null where a field has
    no number or a divisor is zero."""
    if isinstance(node, Number):
        return pl.lit(node.value, dtype=pl.Float64)
    if isinstance(node, FieldValue):
        return read(node.name)
    if isinstance(node, Negate):
        return -evaluate(node.operand, read)
    left, right = evaluate(node.left, read), evaluate(node.right, read)
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    return left / right.replace(0.0, None)  # no when/then: each side is referred to once


def round_number(action: Round, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    rounded: Callable[[pl.Expr], pl.Expr]
    if action.ending is None:
        rounded = partial(format_number, decimals=action.decimals or 0)
    else:
        rounded = partial(price_with_ending, ending=action.ending, direction=action.direction)

    def transform(text: pl.Expr) -> pl.Expr:
        # Text holds a number exactly where it holds a digit; asking so is cheaper than reading it twice.
        return pl.when(text.str.contains("[0-9]")).then(rounded(number(text))).otherwise(text)

    kind = kinds.get(action.field, Kind.TEXT)
    return {action.field: per_element(transform, pl.col(action.field), kind)}


def price_with_ending(value: pl.Expr, ending: str, direction: str) -> pl.Expr:
    """The price k·step + `ending` (".99", "9.99", "5") as text; the step is the smallest power of
    ten above the ending, at least one unit (".99" → 1.00, "9.99" → 10.00)."""
    ending_cents = int(Decimal(ending) * CENTS)
    step = CENTS
    while step <= ending_cents:
        step *= 10
    # k = floor((cents - ending + offset) / step): down with no offset, up with step - 1, nearest
    # with half a step (a tie goes up). Each refers to the value once, so nothing is computed twice
    # whether or not Polars finds the common subexpressions.
    offset = {"down": 0, "up": step - 1, "nearest": step // 2}[direction]
    return scaled_to_text((scaled(value, 2) + (offset - ending_cents)) // step * step + ending_cents, 2)
