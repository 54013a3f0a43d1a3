"""JSON text built by Polars expressions, one document per row, without Python per row.

Polars encodes a struct as a JSON object but writes every field, null or not; payloads leave out what
is null and have keys chosen at run time (attribute names), so documents are assembled from members:
`member(key, value)` is `"key":<value as JSON>`, or null when the value is null, and `obj` joins the
members that are there. Encoding text costs a copy or two of it, so values known to need no escaping
(value ids, numbers) are written as they are (`token`, `number`), and objects whose fields are never
null are encoded in one go (`struct`).
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
import polars as pl

_WRAPPED = '{"v":'

Part = pl.Expr | str  # a member expression, or a constant member's JSON text


def value(expr: pl.Expr) -> pl.Expr:
    """The value as JSON text (strings escaped, lists as arrays); null stays null."""
    encoded = pl.struct(expr.alias("v")).struct.json_encode()
    return pl.when(expr.is_not_null()).then(encoded.str.strip_prefix(_WRAPPED).str.strip_suffix("}"))


def token(expr: pl.Expr) -> pl.Expr:
    """A string that needs no escaping (a value id, a code word) as JSON text; null stays null."""
    return pl.concat_str(pl.lit('"'), expr, pl.lit('"'))


def tokens(expr: pl.Expr) -> pl.Expr:
    """A list of strings that need no escaping as a JSON array; null stays null."""
    return pl.concat_str(pl.lit('["'), expr.list.join('","'), pl.lit('"]'))


def number(expr: pl.Expr) -> pl.Expr:
    """An integer (or a number written as text that is one) as JSON text; null stays null."""
    return expr.cast(pl.String)


def struct(fields: dict[str, pl.Expr]) -> pl.Expr:
    """A JSON object of fields that are never null, encoded in one go."""
    return pl.struct([expr.alias(name) for name, expr in fields.items()]).struct.json_encode()


def wrapped(before: str, json_text: pl.Expr, after: str) -> pl.Expr:
    """JSON text between fixed texts, in one copy (rather than a chain of members, objects and arrays)."""
    return pl.concat_str(pl.lit(before), json_text, pl.lit(after))


def key(name: str) -> str:
    return orjson.dumps(name).decode() + ":"


def member(name: str, json_text: pl.Expr) -> pl.Expr:
    """`"name":<json_text>` (already JSON: see value, token, number); null where it is null."""
    return pl.concat_str(pl.lit(key(name)), json_text)


def constant(name: str, fixed: object) -> str:
    """`"name":<fixed as JSON>` for a value that is the same in every document (written once, here)."""
    return key(name) + orjson.dumps(fixed).decode()


def _exprs(parts: Sequence[Part]) -> list[pl.Expr]:
    return [pl.lit(part) if isinstance(part, str) else part for part in parts]


def members(parts: Sequence[Part]) -> pl.Expr:
    """The members that are not null, joined with commas ("" when none is there)."""
    exprs = _exprs(parts)
    return pl.concat_str(exprs, separator=",", ignore_nulls=True) if exprs else pl.lit("")


def present(parts: Sequence[Part]) -> pl.Expr:
    """Whether any of the members is there (so that an object of them is worth writing)."""
    exprs = _exprs(parts)
    return pl.any_horizontal(expr.is_not_null() for expr in exprs) if exprs else pl.lit(False)


def obj(parts: Sequence[Part]) -> pl.Expr:
    """A JSON object of the members that are there (`{}` when none is)."""
    return pl.concat_str(pl.lit("{"), members(parts), pl.lit("}"))


def array(json_texts: pl.Expr) -> pl.Expr:
    """JSON texts joined with commas, as a JSON array; null stays null."""
    return pl.concat_str(pl.lit("["), json_texts, pl.lit("]"))
