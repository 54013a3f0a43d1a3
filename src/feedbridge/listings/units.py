"""Quantities with units ("500 g", "1.2 lb", "30cm") read as numbers in the unit a channel wants."""

from __future__ import annotations

import polars as pl

from feedbridge.catalog.parsing import parse_number

# Each unit a feed may write → (the unit it converts to, factor).
UNITS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"), ("kg", 1.0)),
    **dict.fromkeys(("g", "gr", "grs", "gram", "grams", "gramm"), ("kg", 0.001)),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), ("kg", 0.45359237)),
    **dict.fromkeys(("oz", "ounce", "ounces"), ("kg", 0.028349523125)),
    **dict.fromkeys(("cm", "cms", "centimeter", "centimeters", "centimetre", "centimetres"), ("cm", 1.0)),
    **dict.fromkeys(("mm", "millimeter", "millimeters", "millimetre", "millimetres"), ("cm", 0.1)),
    **dict.fromkeys(("m", "meter", "meters", "metre", "metres"), ("cm", 100.0)),
    **dict.fromkeys(("in", "inch", "inches", '"'), ("cm", 2.54)),
    **dict.fromkeys(("ft", "foot", "feet"), ("cm", 30.48)),
    **dict.fromkeys(
        ("d", "day", "days", "tag", "tage", "jour", "jours", "dia", "dias", "días"), ("days", 1.0)
    ),
}
# A number and, after it, an optional unit word (letters, or an inch mark; "in." or "lbs." with a dot).
_QUANTITY = r"^\s*([+-]?(?:\d[\d.,\s]*\d|\d)|[.,]\d+)\s*([^\d\s.,]+\.?)?\s*$"


def units_for(target: str) -> list[str]:
    """The units that convert to `target` ("kg", "cm", "days")."""
    return [unit for unit, (converts_to, _) in UNITS.items() if converts_to == target]


def quantity(text: pl.Expr, *, target: str, default_unit: str | None, decimal_mark: str) -> pl.Expr:
    """The quantity in `text` in the `target` unit (Float64); values without a unit are in
    `default_unit` (None: already in the target unit). Null where the text is no quantity, or names a
    unit that does not convert to the target.

    Fields that carry units are text to the import, which then finds no decimal mark for them: an amount
    that does not read with `decimal_mark` is read with the other one ("1,2 kg" in a feed of dots)."""
    factors = {unit: factor for unit, (converts_to, factor) in UNITS.items() if converts_to == target}
    parts = text.str.extract_groups(_QUANTITY)
    other_mark = "," if decimal_mark == "." else "."
    amount = pl.coalesce(
        parse_number(parts.struct.field("1"), decimal_mark), parse_number(parts.struct.field("1"), other_mark)
    )
    unit = parts.struct.field("2").str.to_lowercase().str.strip_suffix(".")
    default = factors.get(default_unit, 1.0) if default_unit else 1.0
    factor = (
        pl.when(unit.is_null())
        .then(pl.lit(default))
        .otherwise(unit.replace_strict(factors, default=None, return_dtype=pl.Float64))
    )
    return amount * factor
