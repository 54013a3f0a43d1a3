"""A build Value as a Polars expression over the items: text, a list of text, or a number.

Templates are the rules' combine and formulas the rules' calculate, compiled by the rules package, so a
template or formula means the same in a rule and in the build. Numbers are read with the decimal mark
the import found for their field ("19,99" is 19.99 in a feed that writes decimal commas), in formulas too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from feedbridge.catalog.parsing import parse_number
from feedbridge.listings.spec import Rounding, Value
from feedbridge.listings.units import quantity
from feedbridge.rules.actions import compile_action
from feedbridge.rules.actions.numbers import evaluate, price_with_ending
from feedbridge.rules.actions.text import as_text
from feedbridge.rules.calculation import parse_calculation
from feedbridge.rules.model import Combine, Kind
from feedbridge.rules.values import format_number, scaled

_TEMPLATE = "\x00template"  # the column name a compiled template writes (never materialised)
LIST_SEPARATOR = ","  # a text value that should be a list (images, several values) is split here


# A field with at most this many distinct values has its costly readings (units, value maps) done once
# per distinct value, then looked up: a catalogue's weights, brands or colours repeat on every item.
MAX_DISTINCT = 50_000


@dataclass(frozen=True)
class Fields:
    """The items' fields as the build reads them: text or list, and their decimal marks; with the
    items themselves, costly readings of fields with few distinct values are done once per value."""

    kinds: Mapping[str, Kind]
    decimal_marks: Mapping[str, str] = field(default_factory=dict)  # field → "," (default ".")
    items: pl.LazyFrame | None = None
    _distinct: dict[str, pl.DataFrame | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls, schema: pl.Schema, decimal_marks: Mapping[str, str], items: pl.LazyFrame | None = None
    ) -> Fields:
        kinds = {
            name: Kind.LIST if isinstance(dtype, pl.List) else Kind.TEXT for name, dtype in schema.items()
        }
        return cls(kinds, decimal_marks, items)

    def per_value(self, value: Value, reading: pl.Expr, dtype: pl.DataType) -> pl.Expr:
        """`reading` (an expression of the value's one field) looked up from its result for each distinct
        value of the field; `reading` itself where that does not pay (a template, many values)."""
        values = self._values(value)
        if values is None:
            return reading
        name = values.columns[0]
        table = values.select(pl.col(name), reading.cast(dtype).alias("read"))
        return pl.col(name).replace_strict(table[name], table["read"], default=None, return_dtype=dtype)

    def per_element(self, value: Value, elements: pl.Expr, reading: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
        """`reading` of each element of `elements` (the value's list of texts), looked up per distinct
        element where the value is a field with few distinct values."""
        values = self._values(value, elements)
        if values is None:
            return elements.list.eval(reading(pl.element()))
        name = values.columns[0]
        table = values.select(pl.col(name), reading(pl.col(name)).alias("read"))
        lookup = pl.element().replace_strict(table[name], table["read"], default=None, return_dtype=pl.String)
        return elements.list.eval(lookup)

    def _values(self, value: Value, elements: pl.Expr | None = None) -> pl.DataFrame | None:
        """The field's distinct values (its distinct elements, given its list expression), None when
        the value is no single field or they are many."""
        name = value.field
        # A list field feeds a text reading through its joined text: not its distinct lists.
        if self.items is None or name is None or (elements is None and self.kinds.get(name) is not Kind.TEXT):
            return None
        key = name if elements is None else f"{name}\x00elements"
        if key not in self._distinct:
            column = pl.col(name) if elements is None else elements.explode().alias(name)
            distinct = self.items.select(column.unique()).head(MAX_DISTINCT + 1).collect()
            self._distinct[key] = distinct if distinct.height <= MAX_DISTINCT else None
        return self._distinct[key]

    def mark(self, name: str) -> str:
        return self.decimal_marks.get(name, ".")

    def number(self, name: str) -> pl.Expr:
        return parse_number(as_text(name, self.kinds), self.mark(name))


def text(value: Value, fields: Fields, *, trim: bool = True) -> pl.Expr:
    """The value as trimmed text (a list joined with ", "); null where it is blank. Without `trim` the
    text is kept as it is: trimming copies it, which a long HTML description does not need."""
    if value.static is not None:
        static = value.static if isinstance(value.static, str) else ", ".join(value.static)
        expr = pl.lit(static, dtype=pl.String)
    elif value.field is not None:
        expr = as_text(value.field, fields.kinds)
    elif value.template is not None:
        expr = compile_action(
            Combine(action="combine", field=_TEMPLATE, template=value.template), fields.kinds
        )[_TEMPLATE]
    else:  # a formula, written as a number
        expr = format_number(number(value, fields), 2)
    if not trim:
        return pl.when(expr.str.contains(r"\S")).then(expr)
    expr = expr.str.strip_chars()
    return pl.when(expr != "").then(expr)


def text_list(value: Value, fields: Fields) -> pl.Expr:
    """The value as a list of trimmed, non-empty texts: a list field as it is, text split at commas."""
    if isinstance(value.static, list):
        elements = pl.lit(pl.Series([value.static], dtype=pl.List(pl.String)))
    elif value.field is not None and fields.kinds.get(value.field) is Kind.LIST:
        elements = pl.col(value.field)
    else:
        elements = text(value, fields).str.split(LIST_SEPARATOR)
    trimmed = elements.list.eval(pl.element().str.strip_chars())
    return trimmed.list.eval(pl.element().filter(pl.element() != "")).fill_null([])


def number(value: Value, fields: Fields, *, unit: str | None = None) -> pl.Expr:
    """The value as a Float64 in `unit` (values naming another unit are converted), rounded as the
    value says; null where it holds no number (or a unit that does not convert)."""
    if value.formula is not None:
        found = evaluate(parse_calculation(value.formula), fields.number)
    else:
        mark = fields.mark(value.field) if value.field is not None else "."
        raw = text(value, fields)
        if unit is None:
            found = parse_number(raw, mark)
        else:
            found = quantity(raw, target=unit, default_unit=value.unit, decimal_mark=mark)
    return rounded(found, value.round) if value.round is not None else found


def rounded(value: pl.Expr, rounding: Rounding) -> pl.Expr:
    """The number rounded as the rules' round rounds it (half up, or to a price ending), as a Float64:
    the nearest one to the decimal the payload then writes (values.format_number)."""
    if rounding.ending is not None:
        return price_with_ending(value, rounding.ending, rounding.direction).cast(pl.Float64)
    decimals = rounding.decimals or 0
    return scaled(value, decimals) / 10**decimals


def whole(value: pl.Expr, *, down: bool) -> pl.Expr:
    """A Float64 as Int64, rounded down or up (a tiny float error never adds a unit: 3.0000000001 → 3)."""
    nudged = value + (1e-9 if down else -1e-9)
    integral = nudged.floor() if down else nudged.ceil()
    return integral.clip(-(2**53), 2**53).cast(pl.Int64, strict=False)
