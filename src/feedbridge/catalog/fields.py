"""Field types: inferred per column from a sample, overridable per import; type problems counted on every value.

Snapshots keep every column exactly as read (text, or a list of text) and store the field types beside
it; `typed_view` gives later stages typed columns (Float64, UTC Datetime, ...) without losing the text.
Frames may be lazy: whole-column checks run as streaming queries, the rest works on the profile's samples.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import polars as pl

from feedbridge.catalog.model import FieldType, Frame, collect, is_empty
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
from feedbridge.catalog.profile import Profile, profile_columns
from feedbridge.errors import InvalidInput

MIN_SHARE = 0.95  # share of sampled values that must read as a type for the column to get it
GTIN_MIN_SHARE = 0.9
GTIN_NAMED_MIN_SHARE = 0.5  # "most" values, for a column named gtin, ean, upc, barcode, ...
MAX_NUMBER_DIGITS = 15  # longer digit strings are codes: a float cannot hold them exactly
MAX_EXAMPLES = 5

# Words in a name that mark its values as codes even when they look numeric: product identifiers,
# category ids of a taxonomy (Google's product category 1604), postal codes, phone numbers.
IDENTIFIER_TOKENS = frozenset(
    {"id", "ids", "sku", "ean", "gtin", "upc", "mpn", "barcode", "isbn", "asin", "jan", "code", "handle"}
    | {"category", "categories", "taxonomy", "zip", "zipcode", "postcode", "phone"}
)
# "<word> number" names a code too: article number, part no, model nr.
_NUMBERED = frozenset({"article", "part", "model", "item", "product", "serial", "order"})
_NUMBER_WORDS = frozenset({"number", "no", "nr"})
GTIN_TOKENS = frozenset(
    {"gtin", "ean", "upc", "barcode", "isbn", "jan", "gtin8", "gtin12", "gtin13", "gtin14"}
)
_COMPACT_ID = re.compile(
    r"^(?:product|item|variant|group|parent|article|offer|model|style|catalog|category|post|vendor|supplier|merchant|sku)(?:id|sku|code)$"
)
_DATE_SHAPE = r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}|^(?:[A-Za-z]{3},\s*)?\d{1,2} [A-Za-z]{3} \d{4}"
_LEADING_ZERO = r"^\s*[+-]?0\d"


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
    """Names whose numeric-looking values are codes, not quantities: id, sku, ean, *_id, item_group_id,
    google_product_category, zip, article number, ..."""
    tokens = name_tokens(name)
    if any(t in IDENTIFIER_TOKENS or _COMPACT_ID.match(t) for t in tokens):
        return True
    return any(a in _NUMBERED and b in _NUMBER_WORDS for a, b in itertools.pairwise(tokens))


def _share(values: pl.Series, valid: pl.Expr) -> float:
    return float(values.to_frame("v").select(valid.mean()).item() or 0.0) if len(values) else 0.0


def detect_date_format(values: pl.Series) -> str | None:
    """The named date format that reads at least MIN_SHARE of `values` (best first, ties in preference order)."""
    if not len(values) or _share(values, pl.col("v").str.contains(_DATE_SHAPE)) < MIN_SHARE:
        return None
    shares = {fmt: _share(values, parse_date(pl.col("v"), fmt).is_not_null()) for fmt in DATE_FORMATS}
    best = max(shares, key=lambda fmt: shares[fmt])  # max keeps the first of equal shares
    return best if shares[best] >= MIN_SHARE else None


def _numeric_type(name: str, values: pl.Series) -> FieldType:
    """NUMBER if the sample reads as numbers that are quantities, not codes (leading zeros are checked on
    the whole column by `infer_field_types`)."""
    mark = detect_decimal_mark(values)
    if _share(values, is_number(pl.col("v"), mark)) < MIN_SHARE or is_identifier_name(name):
        return FieldType.TEXT
    longest = values.to_frame("v").select(pl.col("v").str.count_matches(r"\d").max()).item()
    return FieldType.TEXT if (longest or 0) > MAX_NUMBER_DIGITS else FieldType.NUMBER


def _sampled_type(
    name: str, dtype: pl.DataType, values: pl.Series | None, date_format: str | None
) -> FieldType:
    """The type of one column from its sample; `date_format` (a custom format set for the import) makes it
    a date."""
    if isinstance(dtype, pl.List):
        return FieldType.LIST
    if date_format is not None:
        return FieldType.DATE
    if values is None or not len(values):
        return FieldType.TEXT
    if _share(values, is_url(pl.col("v"))) >= MIN_SHARE:
        return FieldType.URL
    named_gtin = any(t in GTIN_TOKENS for t in name_tokens(name))
    gtin_share = _share(values, gtin_check_digit_valid(pl.col("v")))
    if gtin_share >= (GTIN_NAMED_MIN_SHARE if named_gtin else GTIN_MIN_SHARE):
        return FieldType.GTIN
    if detect_date_format(values) is not None:
        return FieldType.DATE
    return _numeric_type(name, values)


def infer_field_types(
    frame: Frame,
    overrides: dict[str, FieldType] | None = None,
    date_formats: dict[str, str] | None = None,
    *,
    profile: Profile | None = None,
) -> dict[str, FieldType]:
    """The type of every column of `frame`; `overrides` (per import) win, custom `date_formats` make dates.

    Overrides and formats for columns the frame does not have are ignored (the feed may have lost them).
    `profile` is the frame's, when already known.
    """
    overrides, date_formats = overrides or {}, date_formats or {}
    for fmt in date_formats.values():
        validate_date_format(fmt)
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    samples = (profile or profile_columns(lazy)).samples if set(schema) - set(overrides) else {}
    types: dict[str, FieldType] = {}
    for name, dtype in schema.items():
        if name in overrides:
            types[name] = _checked_override(name, dtype, FieldType(overrides[name]))
        else:
            types[name] = _sampled_type(name, dtype, samples.get(name), date_formats.get(name))
    # Leading zeros anywhere in the column (not just the sample) mark codes: 00123, 0042.
    numbers = [n for n, t in types.items() if t is FieldType.NUMBER and n not in overrides]
    if numbers:
        zeros = collect(lazy.select([pl.col(n).str.contains(_LEADING_ZERO).any() for n in numbers]))
        types |= {n: FieldType.TEXT for n, zero in zeros.row(0, named=True).items() if zero}
    return types


def _checked_override(name: str, dtype: pl.DataType, field_type: FieldType) -> FieldType:
    is_list = isinstance(dtype, pl.List)
    if is_list != (field_type is FieldType.LIST):
        kind = "holds lists of values" if is_list else "holds single values"
        raise InvalidInput(name, f"cannot be typed {field_type.value}: the field {kind}")
    return field_type


def column_formats(
    frame: Frame,
    types: dict[str, FieldType],
    date_formats: dict[str, str] | None = None,
    *,
    profile: Profile | None = None,
) -> dict[str, str]:
    """How each date and number column is read: its date format, or its decimal mark ("." or ",")."""
    date_formats = date_formats or {}
    schema = frame.lazy().collect_schema()
    read = [
        n for n, t in types.items() if t in (FieldType.DATE, FieldType.NUMBER) and schema.get(n) == pl.String
    ]
    if not read:
        return {}
    samples = (profile or profile_columns(frame)).samples
    formats: dict[str, str] = {}
    for name in read:
        if types[name] is FieldType.DATE:
            formats[name] = date_formats.get(name) or detect_date_format(samples[name]) or ISO_8601
        else:
            formats[name] = detect_decimal_mark(samples[name])
    return formats


def _readable(schema: pl.Schema, types: dict[str, FieldType]) -> dict[str, FieldType]:
    """The fields that have a typed reading: text columns typed number, date, GTIN or URL."""
    typed = (FieldType.NUMBER, FieldType.DATE, FieldType.GTIN, FieldType.URL)
    return {name: FieldType(t) for name, t in types.items() if t in typed and schema.get(name) == pl.String}


def _parser(value: pl.Expr, field_type: FieldType, fmt: str | None) -> pl.Expr:
    if field_type is FieldType.NUMBER:
        return parse_number(value, fmt or ".")
    if field_type is FieldType.DATE:
        return parse_date(value, fmt or ISO_8601).cast(DATE_DTYPE)
    if field_type is FieldType.GTIN:
        return parse_gtin(value)
    return parse_url(value)


def _screen(value: pl.Expr, field_type: FieldType, fmt: str | None, sample: pl.Series) -> pl.Expr:
    """True where a value surely reads as the type; for dates only the column's commonest variant (in
    `sample`) is tried, so a value failing it is checked again with every variant."""
    if field_type is FieldType.NUMBER:
        return is_number(value, fmt or ".")
    if field_type is FieldType.GTIN:
        return gtin_check_digit_valid(value)
    if field_type is FieldType.URL:
        return is_url(value)
    fmt = fmt or ISO_8601
    variants = DATE_FORMATS.get(fmt, (fmt,))
    counts = sample.to_frame("v").select(
        [
            parse_date(pl.col("v"), fmt, only=v).is_not_null().sum().alias(str(i))
            for i, v in enumerate(variants)
        ]
    )
    best = max(range(len(variants)), key=lambda i: counts.row(0)[i])
    return parse_date(value, fmt, only=variants[best]).is_not_null()


def type_problems(
    frame: Frame,
    types: dict[str, FieldType],
    date_formats: dict[str, str] | None = None,
    max_examples: int = MAX_EXAMPLES,
    *,
    formats: dict[str, str] | None = None,
    profile: Profile | None = None,
) -> dict[str, TypeProblem]:
    """Per field with problems: how many non-empty values do not read as its type, and a few distinct ones.

    Checks every value (not a sample); a value is a problem exactly where `typed_view` gives null for it.
    `formats` (the `column_formats`) and `profile` are the frame's, when already known.
    """
    lazy = frame.lazy()
    readable = _readable(lazy.collect_schema(), types)
    if not readable:
        return {}
    profile = profile or profile_columns(lazy)
    formats = column_formats(lazy, types, date_formats, profile=profile) if formats is None else formats
    failing = {}
    for name, field_type in readable.items():
        fmt, column = formats.get(name), pl.col(name)
        bad = column.filter(
            ~is_empty(name, pl.String()) & ~_screen(column, field_type, fmt, profile.samples[name])
        )
        if field_type is FieldType.DATE:  # the full parse, only for the values the cheap screen failed
            bad = bad.filter(_parser(bad, field_type, fmt).is_null())
        failing[name] = bad
    counts = collect(lazy.select([bad.len().alias(name) for name, bad in failing.items()])).row(0, named=True)
    problems: dict[str, TypeProblem] = {}
    for name, count in counts.items():
        if count:
            distinct = failing[name].unique(maintain_order=True).head(max_examples)
            examples = collect(lazy.select(distinct)).to_series().to_list()
            problems[name] = TypeProblem(int(count), tuple(examples))
    return problems


def typed_view(
    frame: pl.DataFrame,
    types: dict[str, FieldType],
    date_formats: dict[str, str] | None = None,
    *,
    formats: dict[str, str] | None = None,
) -> pl.DataFrame:
    """`frame` with number columns as Float64, dates as UTC Datetime, GTINs and URLs stripped; values that
    do not read as the type become null. Text and list columns are unchanged.

    `formats` are the snapshot's own (`SnapshotRef.formats`: decimal marks and date formats found over all
    its items), so that a few rows read exactly as the whole snapshot does ("1.234" is 1234 where the
    snapshot writes 1.234,50); columns it does not cover are read as `column_formats` finds them here.
    """
    known = formats or {}
    unknown = {name: t for name, t in types.items() if name not in known}
    formats = column_formats(frame, unknown, date_formats) | known
    return frame.with_columns(
        [
            _parser(pl.col(name), t, formats.get(name)).alias(name)
            for name, t in _readable(frame.schema, types).items()
        ]
    )
