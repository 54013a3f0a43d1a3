"""How rules read and write values: numbers in text, numbers as text, empty values, case.

Each helper is a Polars expression so the compiler stays vectorised; the reference evaluator in the
tests implements the same definitions in plain Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import polars as pl

from feedbridge.rules.model import Kind

# A number is read from text as: a leading signed number ("-12.5 EUR" → -12.5), else the first
# unsigned one ("EUR 12.99" → 12.99, "SKU-123" → 123). ASCII digits only; "," is not a decimal mark.
# One pattern does both: only at the start may the match begin with whitespace and a sign.
NUMBER = r"^\s*-?[0-9]+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
# Whitespace is Unicode's White_Space, as Polars' (Rust's) `\s` has it; in Python, for values written
# in rules, it is spelled out (Python's own `str.isspace` also counts \x1c–\x1f).
BLANK_TEXT = re.compile("[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*")
# Scaled numbers stay below 2**53 so that Float64 → Int64 is exact.
LARGEST_SCALED = 2**53


def number(text: pl.Expr) -> pl.Expr:
    """The number in each text (Float64), null where there is none."""
    return text.str.extract(NUMBER, 0).str.strip_chars().cast(pl.Float64)


def format_number(value: pl.Expr, decimals: int) -> pl.Expr:
    """A Float64 as text with exactly `decimals` decimals, rounded half up (towards +∞):
    floor(value · 10^decimals + 0.5), so 2.675 → "2.68" only if its binary value says so.
    Null for null, NaN, ±∞ and numbers too large to write exactly."""
    return scaled_to_text(scaled(value, decimals), decimals)


def scaled(value: pl.Expr, decimals: int) -> pl.Expr:
    """A Float64 as an Int64 count of 10^-decimals units, rounded half up as `format_number` does;
    null where that count would not be exact (null, NaN, ±∞, too large)."""
    # One reference to `value` (no when/then on it), so that nothing upstream is computed twice.
    units = (value * float(10**decimals) + 0.5).floor().clip(-LARGEST_SCALED, LARGEST_SCALED)
    return units.replace([LARGEST_SCALED, -LARGEST_SCALED], None).cast(pl.Int64, strict=False)


def scaled_to_text(scaled: pl.Expr, decimals: int) -> pl.Expr:
    """An Int64 count of 10^-decimals units as decimal text: 1299 with 2 decimals → "12.99"."""
    # Polars writes decimals exactly, with all their digits; one reference to `scaled` again.
    whole = scaled.cast(pl.Decimal(38, 0))
    if decimals:
        whole = whole * pl.lit(Decimal(1).scaleb(-decimals), dtype=pl.Decimal(38, decimals))
    return whole.cast(pl.String)


def is_empty(value: pl.Expr, kind: Kind) -> pl.Expr:
    """Null, blank text or an empty list (the catalog's definition of empty)."""
    if kind is Kind.LIST:
        return value.is_null() | (value.list.len() == 0)
    return value.is_null() | ~value.str.contains(r"\S")


def is_blank_text(text: str) -> bool:
    """Whether a value written in a rule is blank (nothing but Unicode White_Space)."""
    return BLANK_TEXT.fullmatch(text) is not None


def folded(text: pl.Expr, case_sensitive: bool) -> pl.Expr:
    """Text as compared: as it is, or lowercased for case-insensitive comparisons."""
    return text if case_sensitive else text.str.to_lowercase()


def kind_of(dtype: pl.DataType) -> Kind:
    return Kind.LIST if isinstance(dtype, pl.List) else Kind.TEXT


def per_element(transform: Callable[[pl.Expr], pl.Expr], value: pl.Expr, kind: Kind) -> pl.Expr:
    """A text transformation applied to text, or to each element of a list."""
    return value.list.eval(transform(pl.element())) if kind is Kind.LIST else transform(value)


def convert_kind(value: pl.Expr, source: Kind, target: Kind, separator: str = ", ") -> pl.Expr:
    """A value of one kind as the other (model docstring): text → one-element list (blank text → empty
    list), list → its elements joined with `separator`; null stays null."""
    if source is target:
        return value
    if target is Kind.LIST:
        blank = ~value.str.contains(r"\S")
        as_list = pl.when(blank).then(pl.lit([], dtype=pl.List(pl.String))).otherwise(pl.concat_list(value))
        return pl.when(value.is_not_null()).then(as_list)
    return value.list.join(separator)
