"""JSON text built by Polars expressions, one document per row, without Python per row.

Polars encodes a struct as a JSON object but writes every field, null or not; payloads leave out what
is null and have keys chosen at run time (attribute names), so documents are assembled from members:
`member(key, value)` is `"key":<value as JSON>`, or null when the value is null, and `obj` joins the
members that are there.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
import polars as pl

_WRAPPED = '{"v":'


def value(expr: pl.Expr) -> pl.Expr:
    """The value as JSON text (strings escaped, lists as arrays); null stays null."""
    encoded = pl.struct(expr.alias("v")).struct.json_encode()
    return pl.when(expr.is_not_null()).then(encoded.str.strip_prefix(_WRAPPED).str.strip_suffix("}"))


def key(name: str) -> str:
    return orjson.dumps(name).decode() + ":"


def member(name: str, expr: pl.Expr) -> pl.Expr:
    """`"name":<expr as JSON>`; null where `expr` is null."""
    return pl.concat_str(pl.lit(key(name)), value(expr))


def constant(name: str, fixed: object) -> str:
    """`"name":<fixed as JSON>` for a value that is the same in every document (written once, here)."""
    return key(name) + orjson.dumps(fixed).decode()


def raw_member(name: str, json_text: pl.Expr) -> pl.Expr:
    """`"name":<json_text>` for text that already is JSON; null where it is null."""
    return pl.concat_str(pl.lit(key(name)), json_text)


Part = pl.Expr | str  # a member expression, or a constant member's JSON text


def members(parts: Sequence[Part]) -> pl.Expr:
    """The members that are not null, joined with commas; null when none is there."""
    exprs = [pl.lit(part) if isinstance(part, str) else part for part in parts]
    if not exprs:
        return pl.lit(None, dtype=pl.String)
    joined = pl.concat_str(exprs, separator=",", ignore_nulls=True)
    return pl.when(joined != "").then(joined)


def obj(parts: Sequence[Part]) -> pl.Expr:
    """A JSON object of the members that are there (`{}` when none is)."""
    return pl.concat_str([pl.lit("{"), members(parts), pl.lit("}")], ignore_nulls=True)


def array_of(json_texts: pl.Expr) -> pl.Expr:
    """A list column of JSON texts as one JSON array."""
    return pl.concat_str(pl.lit("["), json_texts.list.join(","), pl.lit("]"))
