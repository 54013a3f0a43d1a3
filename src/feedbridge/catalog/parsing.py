"""How text values are read as numbers, dates, GTINs and URLs: Polars expressions, null where a value does not parse.

Field-type inference (`fields.py`) and the typed view of a snapshot use the same expressions, so a value
counts as a type problem exactly when the typed view cannot read it.
"""

from __future__ import annotations

import re

import polars as pl

from feedbridge.errors import InvalidInput

# Dates come out as UTC datetimes; a value without a zone is read as UTC.
DATE_DTYPE = pl.Datetime("us", "UTC")

ISO_8601 = "ISO 8601"
RFC_2822 = "RFC 2822"
_TIMES = ("", " %H:%M", " %H:%M:%S")
# Named date formats in the order inference prefers them when several read a column equally well
# (dd/mm/yyyy before mm/dd/yyyy: the US order is chosen only when the day order cannot be right).
DATE_FORMATS: dict[str, tuple[str, ...]] = {
    ISO_8601: (
        "%Y-%m-%d",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M%#z",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f%#z",
    ),
    RFC_2822: ("%d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M %z"),
    "dd.mm.yyyy": tuple("%d.%m.%Y" + t for t in _TIMES),
    "yyyy/mm/dd": tuple("%Y/%m/%d" + t for t in _TIMES),
    "dd/mm/yyyy": tuple("%d/%m/%Y" + t for t in _TIMES),
    "mm/dd/yyyy": tuple("%m/%d/%Y" + t for t in _TIMES),
}
_CUSTOM_DIRECTIVE = re.compile(r"%[-_0^#]?[A-Za-z.+%:]")


def validate_date_format(fmt: str) -> str:
    """A custom date format (strftime style, e.g. `%d-%m-%Y`) or a named one; raises InvalidInput if unusable."""
    if fmt in DATE_FORMATS:
        return fmt
    if not _CUSTOM_DIRECTIVE.search(fmt) or not {"%Y", "%y"} & set(re.findall(r"%[Yy]", fmt)):
        raise InvalidInput("date format", f"{fmt!r} needs a year directive such as %Y, e.g. %d-%m-%Y")
    try:
        pl.Series([""], dtype=pl.String).str.to_datetime(fmt, strict=False, time_zone="UTC")
    except pl.exceptions.PolarsError as error:
        raise InvalidInput("date format", f"{fmt!r} is not a valid date format: {error}") from None
    return fmt


def parse_date(value: pl.Expr, fmt: str, only: str | None = None) -> pl.Expr:
    """`value` (text) as a UTC datetime in the named or custom format `fmt`; null where it does not fit.

    `only` restricts a named format to one of its variants (`DATE_FORMATS[fmt]`), a cheaper first pass.
    """
    text = value.str.strip_chars()
    if fmt == ISO_8601 and (only is None or "%H" in only):
        text = text.str.replace(r"^(\d{4}-\d{2}-\d{2})T", "$1 ")
    elif fmt == RFC_2822:
        text = text.str.replace(r"^[A-Za-z]{3},\s*", "").str.replace(r"\s(?:GMT|UTC|UT|Z)$", " +0000")
    formats = (only,) if only else DATE_FORMATS.get(fmt, (fmt,))
    parsed = [text.str.to_datetime(f, strict=False, time_zone="UTC", time_unit="us") for f in formats]
    return parsed[0] if len(parsed) == 1 else pl.coalesce(parsed)


_CURRENCY = r"(?:[A-Z]{3}|[$€£¥₹₽]|zł|kr|Kč|lei)"


def detect_decimal_mark(values: pl.Series) -> str:
    """ "," when the text numbers use a decimal comma (1.234,50 / 19,99), else "."."""
    text = values.drop_nulls().str.strip_chars()
    comma = text.str.contains(r"\d,(?:\d{1,2}|\d{4,})(?:\D|$)|\.\d{3},\d").sum()
    dot = text.str.contains(r"\d\.(?:\d{1,2}|\d{4,})(?:\D|$)|,\d{3}\.\d").sum()
    return "," if comma > dot else "."


def _number_pattern(decimal_mark: str) -> str:
    d = re.escape(decimal_mark)
    t = re.escape("," if decimal_mark == "." else ".")
    body = rf"[+-]?(?:(?:\d{{1,3}}(?:{t}\d{{3}})+|\d+)(?:{d}\d+)?|{d}\d+)"
    return rf"^\s*(?:{_CURRENCY}\s?)?{body}(?:\s?{_CURRENCY})?\s*$"


def is_number(value: pl.Expr, decimal_mark: str = ".") -> pl.Expr:
    """True where `value` reads as a number: optional sign, thousands separators, the decimal mark and a
    currency before or after ("19.99 EUR", "€ 1.234,50")."""
    return value.str.contains(_number_pattern(decimal_mark))


def parse_number(value: pl.Expr, decimal_mark: str = ".") -> pl.Expr:
    """`value` as Float64 where `is_number`, else null (the currency, if any, stays in the text)."""
    keep = r"[^0-9+\-" + re.escape(decimal_mark) + "]"
    number = value.str.replace_all(keep, "").str.replace(decimal_mark, ".", literal=True)
    return pl.when(is_number(value, decimal_mark)).then(number.cast(pl.Float64, strict=False))


GTIN_LENGTHS = (8, 12, 13, 14)


GTIN_SHAPE = r"^(?:[0-9]{8}|[0-9]{12,14})$"


def gtin_number(text: pl.Expr) -> pl.Expr:
    """The GTIN's digits as an integer (leading zeros do not change a GS1 check sum); null unless
    the trimmed text is 8, 12, 13 or 14 digits."""
    digits = text.str.strip_chars()
    return pl.when(digits.str.contains(GTIN_SHAPE)).then(digits).cast(pl.Int64, strict=False)


def gtin_checked(number: pl.Expr) -> pl.Expr:
    """Whether the last digit is the GS1 check digit of the others (weights 3, 1, 3, … from the right);
    integer arithmetic, far cheaper than cutting the text into digits."""
    body = number // 10
    weighted = pl.sum_horizontal(
        [(body // 10**place) % 10 * (3 if place % 2 == 0 else 1) for place in range(13)]
    )
    return (10 - weighted % 10) % 10 == number % 10


def gtin_check_digit_valid(value: pl.Expr) -> pl.Expr:
    """True where the stripped value is 8, 12, 13 or 14 digits with a valid GS1 check digit."""
    return gtin_checked(gtin_number(value)).fill_null(False)


def parse_gtin(value: pl.Expr) -> pl.Expr:
    """The stripped GTIN where it is valid, else null."""
    return pl.when(gtin_check_digit_valid(value)).then(value.str.strip_chars())


_URL = r"(?i)^\s*https?://[^\s/?#]+\S*\s*$"


def is_url(value: pl.Expr) -> pl.Expr:
    """True where `value` is an absolute http(s) URL without spaces (surrounding spaces allowed)."""
    return value.str.contains(_URL)


def parse_url(value: pl.Expr) -> pl.Expr:
    """The stripped URL where `is_url`, else null."""
    return pl.when(is_url(value)).then(value.str.strip_chars())
