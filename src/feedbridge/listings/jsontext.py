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


def raw_member(name: str, json_text: pl.Expr) -> pl.Expr:
    """`"name":<json_text>` for text that already is JSON; null where it is null."""
    return pl.concat_str(pl.lit(key(name)), json_text)


def members(parts: Sequence[pl.Expr]) -> pl.Expr:
    """The members that are not null, joined with commas ("" when none is there)."""
    return pl.concat_str(list(parts), separator=",", ignore_nulls=True) if parts else pl.lit("")


def obj(parts: Sequence[pl.Expr]) -> pl.Expr:
    return pl.concat_str(pl.lit("{"), members(parts), pl.lit("}"))


def array_of(json_texts: pl.Expr) -> pl.Expr:
    """A list column of JSON texts as one JSON array."""
    return pl.concat_str(pl.lit("["), json_texts.list.join(","), pl.lit("]"))
