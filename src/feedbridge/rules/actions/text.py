"""Actions that compose a field's text: set, append / prepend, copy, combine."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from feedbridge.rules.model import AddText, Combine, Copy, Kind, SetValue, template_parts
from feedbridge.rules.values import convert_kind, is_empty

EMPTY_TEXT = pl.lit("", dtype=pl.String)


def set_value(action: SetValue, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    return {action.field: pl.lit(action.value, dtype=pl.String)}


def copy(action: Copy, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    return {action.field: pl.col(action.source)}


def as_text(name: str, kinds: Mapping[str, Kind]) -> pl.Expr:
    """A field read as text: a list field as its elements joined with ", "."""
    return convert_kind(pl.col(name), kinds.get(name, Kind.TEXT), Kind.TEXT)


def add_text(action: AddText, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    field = pl.col(action.field)
    if action.value is not None:
        added = pl.lit(action.value, dtype=pl.String)
    else:
        added = as_text(action.source or "", kinds)

    def joined(current: pl.Expr, addition: pl.Expr) -> pl.Expr:
        empty = is_empty(current, Kind.TEXT)
        parts = [current, pl.lit(action.separator), addition]
        ordered = parts if action.action == "append" else parts[::-1]
        result = pl.when(empty).then(addition).otherwise(pl.concat_str(ordered))
        if action.max_length is None:
            return result
        # The result's length from its parts' lengths, so the result is not built twice.
        length = addition.str.len_chars() + pl.when(empty).then(0).otherwise(
            current.str.len_chars() + len(action.separator)
        )
        return pl.when(length <= action.max_length).then(result).otherwise(current)

    if kinds.get(action.field, Kind.TEXT) is Kind.TEXT:
        new = joined(field, added)
    else:
        if action.value is not None:
            each = field.list.eval(joined(pl.element(), added))
        else:
            # list.eval cannot read another column: carry the added text as the list's last element
            # (this evaluates list by list, slower than elementwise work; a rare case).
            each = pl.concat_list([field, added]).list.eval(
                joined(pl.element().head(pl.len() - 1), pl.element().last())
            )
        new = (
            pl.when(is_empty(field, Kind.LIST)).then(_alone(field, added, action.max_length)).otherwise(each)
        )
    return {action.field: pl.when(is_empty(added, Kind.TEXT)).then(field).otherwise(new)}


def _alone(field: pl.Expr, added: pl.Expr, max_length: int | None) -> pl.Expr:
    """An empty list field becomes the added text as its one element (if that fits)."""
    alone = pl.concat_list([added])
    if max_length is None:
        return alone
    return pl.when(added.str.len_chars() <= max_length).then(alone).otherwise(field)


def combine(action: Combine, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    literals, names = template_parts(action.template)
    present = [~is_empty(pl.col(name), kinds.get(name, Kind.TEXT)) for name in names]
    # later[i]: some field after the i-th is non-empty, so the i-th field's separator is written.
    later: list[pl.Expr] = [pl.lit(False)]
    for flag in reversed(present[1:]):
        later.insert(0, later[0] | flag)
    pieces = []
    for index, name in enumerate(names):
        piece = as_text(name, kinds)
        if index < len(names) - 1:
            separator = pl.when(later[index]).then(pl.lit(literals[index + 1])).otherwise(EMPTY_TEXT)
            piece = pl.concat_str([piece, separator])
        pieces.append(pl.when(present[index]).then(piece).otherwise(EMPTY_TEXT))
    body = pl.concat_str([pl.lit(literals[0]), *pieces, pl.lit(literals[-1])])
    return {action.field: pl.when(pl.any_horizontal(present)).then(body).otherwise(pl.lit(None, pl.String))}
