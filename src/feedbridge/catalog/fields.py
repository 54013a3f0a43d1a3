"""Field types: inferred per column from a sample, overridable per import; type problems counted on every value.

Snapshots keep every column exactly as read (text, or a list of text) and store the field types beside
it; `typed_view` gives later stages typed columns (Float64, UTC Datetime, ...) without losing the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from feedbridge.catalog.model import FieldType, is_empty
from feedbridge.catalog.parsing import (
    DATE_DTYPE,
    DATE_FORMATS,
    ISO_8601,
    detect_decimal_mark,
    gtin_check_digit_valid,
    is_number,
    is_url,
    parse_date,
    parse_gtin,
    parse_number,
    parse_url,
    validate_date_format,
)
from feedbridge.errors import InvalidInput

SAMPLE_SIZE = 10_000  # non-empty values per column that inference looks at
MIN_SHARE = 0.95  # share of sampled values that must read as a type for the column to get it
GTIN_MIN_SHARE = 0.9
GTIN_NAMED_MIN_SHARE = 0.5  # "most" values, for a column named gtin, ean, upc, barcode, ...
MAX_NUMBER_DIGITS = 15  # longer digit strings are codes: a float cannot hold them exactly
MAX_EXAMPLES = 5

IDENTIFIER_TOKENS = frozenset(
    {"id", "ids", "sku", "ean", "gtin", "upc", "mpn", "barcode", "isbn", "asin", "jan", "code", "handle"}
)
GTIN_TOKENS = frozenset(
    {"gtin", "ean", "upc", "barcode", "isbn", "jan", "gtin8", "gtin12", "gtin13", "gtin14"}
)
_COMPACT_ID = re.compile(
    r"^(?:product|item|variant|group|parent|article|offer|model|style|catalog|category|post|vendor|supplier|merchant|sku)(?:id|sku|code)$"
)
_DATE_SHAPE = r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}|^(?:[A-Za-z]{3},\s*)?\d{1,2} [A-Za-z]{3} \d{4}"


@dataclass(frozen=True)
class TypeProblem:
    """Non-empty values of a field that do not read as the field's type."""

    count: int
    examples: tuple[str, ...]


def name_tokens(name: str) -> list[str]:
    """`productId`, `g:item_group_id`, `Variant SKU` → lower-case words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [token for token in re.split(r"[^0-9a-z]+", spaced.lower()) if token]


def is_identifier_name(name: str) -> bool:
    """Names whose numeric-looking values are codes, not quantities: id, sku, ean, *_id, item_group_id, ..."""
    tokens = name_tokens(name)
    return any(t in IDENTIFIER_TOKENS or _COMPACT_ID.match(t) for t in tokens)


def sample(series: pl.Series, size: int = SAMPLE_SIZE) -> pl.Series:
    """Up to `size` non-empty values spread evenly over the column, stripped of surrounding whitespace.

    Looks first at 4×`size` evenly spread rows and only scans the whole column when those hold too few
    values (a mostly empty column), so sampling a long column costs little.
    """
    height = len(series)
    if height > 4 * size:
        picked = series.gather_every(height // (4 * size))
        picked = picked.filter(~picked.to_frame().select(is_empty(series.name, series.dtype)).to_series())
        if len(picked) >= size:
            return _stripped(picked.gather_every(len(picked) // size).head(size))
    present = series.to_frame().select(pl.arg_where(~is_empty(series.name, series.dtype))).to_series()
    step = max(1, len(present) // size)
    return _stripped(series.gather(present.gather_every(step).head(size)))


def _stripped(values: pl.Series) -> pl.Series:
    return values.str.strip_chars() if values.dtype == pl.String else values


def _share(values: pl.Series, valid: pl.Expr) -> float:
    return float(values.to_frame("v").select(valid.mean()).item() or 0.0) if len(values) else 0.0


def detect_date_format(values: pl.Series) -> str | None:
    """The named date format that reads at least MIN_SHARE of `values` (best first, ties in preference order)."""
    if not len(values) or _share(values, pl.col("v").str.contains(_DATE_SHAPE)) < MIN_SHARE:
        return None
    shares = {fmt: _share(values, parse_date(pl.col("v"), fmt).is_not_null()) for fmt in DATE_FORMATS}
    best = max(shares, key=lambda fmt: shares[fmt])  # max keeps the first of equal shares
    return best if shares[best] >= MIN_SHARE else None


def _numeric_type(series: pl.Series, values: pl.Series) -> FieldType:
    mark = detect_decimal_mark(values)
    if _share(values, is_number(pl.col("v"), mark)) < MIN_SHARE:
        return FieldType.TEXT
    if is_identifier_name(series.name):
        return FieldType.TEXT
    longest = values.to_frame("v").select(pl.col("v").str.count_matches(r"\d").max()).item()
    if (longest or 0) > MAX_NUMBER_DIGITS:
        return FieldType.TEXT
    # Leading zeros anywhere in the column (not just the sample) mark codes: 00123, 0042.
    if series.str.contains(r"^\s*[+-]?0\d").any():
        return FieldType.TEXT
    return FieldType.NUMBER


def infer_type(series: pl.Series, date_format: str | None = None) -> FieldType:
    """The type of one column; `date_format` (a custom format set for the import) makes it a date."""
    if isinstance(series.dtype, pl.List):
        return FieldType.LIST
    if date_format is not None:
        return FieldType.DATE
    values = sample(series)
    if not len(values):
        return FieldType.TEXT
    if _share(values, is_url(pl.col("v"))) >= MIN_SHARE:
        return FieldType.URL
    named_gtin = any(t in GTIN_TOKENS for t in name_tokens(series.name))
    gtin_share = _share(values, gtin_check_digit_valid(pl.col("v")))
    if gtin_share >= (GTIN_NAMED_MIN_SHARE if named_gtin else GTIN_MIN_SHARE):
        return FieldType.GTIN
    if detect_date_format(values) is not None:
        return FieldType.DATE
    return _numeric_type(series, values)


def infer_field_types(
    frame: pl.DataFrame,
    overrides: dict[str, FieldType] | None = None,
    date_formats: dict[str, str] | None = None,
) -> dict[str, FieldType]:
    """The type of every column of `frame`; `overrides` (per import) win, custom `date_formats` make dates.

    Overrides and formats for columns the frame does not have are ignored (the feed may have lost them).
    """
    overrides, date_formats = overrides or {}, date_formats or {}
    for fmt in date_formats.values():
        validate_date_format(fmt)
    types: dict[str, FieldType] = {}
    for name in frame.columns:
        series = frame.get_column(name)
        if name in overrides:
            types[name] = _checked_override(series, FieldType(overrides[name]))
        else:
            types[name] = infer_type(series, date_formats.get(name))
    return types


def _checked_override(series: pl.Series, field_type: FieldType) -> FieldType:
    is_list = isinstance(series.dtype, pl.List)
    if is_list != (field_type is FieldType.LIST):
        kind = "holds lists of values" if is_list else "holds single values"
        raise InvalidInput(series.name, f"cannot be typed {field_type.value}: the field {kind}")
    return field_type


def column_formats(
    frame: pl.DataFrame, types: dict[str, FieldType], date_formats: dict[str, str] | None = None
) -> dict[str, str]:
    """How each date and number column is read: its date format, or its decimal mark ("." or ",")."""
    date_formats = date_formats or {}
    formats: dict[str, str] = {}
    for name, field_type in types.items():
        if name not in frame.columns or frame.schema[name] != pl.String:
            continue
        if field_type is FieldType.DATE:
            formats[name] = date_formats.get(name) or detect_date_format(sample(frame[name])) or ISO_8601
        elif field_type is FieldType.NUMBER:
            formats[name] = detect_decimal_mark(sample(frame[name]))
    return formats


def _readable(frame: pl.DataFrame, types: dict[str, FieldType]) -> dict[str, FieldType]:
    """The fields that have a typed reading: text columns typed number, date, GTIN or URL."""
    typed = (FieldType.NUMBER, FieldType.DATE, FieldType.GTIN, FieldType.URL)
    return {
        name: FieldType(t)
        for name, t in types.items()
        if t in typed and name in frame.columns and frame.schema[name] == pl.String
    }


def _parser(name: str, field_type: FieldType, fmt: str | None) -> pl.Expr:
    column = pl.col(name)
    if field_type is FieldType.NUMBER:
        return parse_number(column, fmt or ".")
    if field_type is FieldType.DATE:
        return parse_date(column, fmt or ISO_8601).cast(DATE_DTYPE)
    if field_type is FieldType.GTIN:
        return parse_gtin(column)
    return parse_url(column)


def _screen(frame: pl.DataFrame, name: str, field_type: FieldType, fmt: str | None) -> pl.Expr:
    """True where a value surely reads as the type; for dates only the column's commonest variant is tried,
    so a value failing it is checked again with every variant."""
    column = pl.col(name)
    if field_type is FieldType.NUMBER:
        return is_number(column, fmt or ".")
    if field_type is FieldType.GTIN:
        return gtin_check_digit_valid(column)
    if field_type is FieldType.URL:
        return is_url(column)
    fmt = fmt or ISO_8601
    variants = DATE_FORMATS.get(fmt, (fmt,))
    values = sample(frame[name]).to_frame("v")
    counts = values.select(
        [
            parse_date(pl.col("v"), fmt, only=v).is_not_null().sum().alias(str(i))
            for i, v in enumerate(variants)
        ]
    )
    best = max(range(len(variants)), key=lambda i: counts.row(0)[i])
    return parse_date(column, fmt, only=variants[best]).is_not_null()


def type_problems(
    frame: pl.DataFrame,
    types: dict[str, FieldType],
    date_formats: dict[str, str] | None = None,
    max_examples: int = MAX_EXAMPLES,
    *,
    formats: dict[str, str] | None = None,
) -> dict[str, TypeProblem]:
    """Per field with problems: how many non-empty values do not read as its type, and a few distinct ones.

    Checks every value (not a sample); a value is a problem exactly where `typed_view` gives null for it.
    `formats` are the `column_formats` when already known.
    """
    readable = _readable(frame, types)
    if not readable:
        return {}
    formats = column_formats(frame, types, date_formats) if formats is None else formats
    failing = frame.select(
        [
            pl.col(name)
            .filter(~is_empty(name, pl.String()) & ~_screen(frame, name, t, formats.get(name)))
            .implode()
            for name, t in readable.items()
        ]
    )
    problems: dict[str, TypeProblem] = {}
    for name, field_type in readable.items():
        bad = failing.get_column(name).explode().drop_nulls()
        if field_type is FieldType.DATE and len(bad):
            bad = bad.to_frame().filter(_parser(name, field_type, formats.get(name)).is_null()).to_series()
        if len(bad):
            examples = tuple(bad.unique(maintain_order=True).head(max_examples).to_list())
            problems[name] = TypeProblem(len(bad), examples)
    return problems


def typed_view(
    frame: pl.DataFrame, types: dict[str, FieldType], date_formats: dict[str, str] | None = None
) -> pl.DataFrame:
    """`frame` with number columns as Float64, dates as UTC Datetime, GTINs and URLs stripped; values that
    do not read as the type become null. Text and list columns are unchanged."""
    formats = column_formats(frame, types, date_formats)
    return frame.with_columns(
        [_parser(name, t, formats.get(name)).alias(name) for name, t in _readable(frame, types).items()]
    )
