"""Texts → hashed sparse features, vectorised in Polars: no per-row Python.

A text's features are its words (folded to lower case, accents kept, light plural folding), its word
pairs, and the 4-letter pieces of its longer words, so that "dishwasher" meets "Dish Washers" and
"smartphone" meets "Phones". Each feature is hashed (xxh3, stable across versions and machines) into
FEATURE_SPACE buckets; counts are dampened (1 + log) and every row is scaled to unit length.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import polars as pl
import polars_hash as plh
from scipy import sparse

FEATURE_VERSION = 1  # bump when features change: stored models made with another version are retrained
FEATURE_SPACE = 1 << 20
PIECE = 4  # letters per word piece
_WORD = r"[\p{L}\p{N}]+"
# word, pair, piece: a piece says half a word (measured on labelled titles, docs/performance.md)
_WEIGHTS = {"w": 1.0, "b": 1.0, "p": 0.5}


def normalized(text: pl.Expr) -> pl.Expr:
    """Lower case, markup and entities dropped: the form every signal reads."""
    return text.cast(pl.String).fill_null("").str.replace_all(r"<[^>]*>|&[a-z#0-9]+;", " ").str.to_lowercase()


def _folded(word: pl.Expr) -> pl.Expr:
    """Light plural folding: batteries → battery, phones → phone (not glass, not 4s)."""
    return (
        pl.when((word.str.len_chars() > 4) & word.str.ends_with("ies"))
        .then(word.str.slice(0, word.str.len_chars() - 3) + "y")
        .when((word.str.len_chars() > 3) & word.str.ends_with("s") & ~word.str.ends_with("ss"))
        .then(word.str.slice(0, word.str.len_chars() - 1))
        .otherwise(word)
    )


def feature_rows(texts: pl.Series) -> pl.DataFrame:
    """(row, feature, weight) for every feature of every text; `row` is the text's position."""
    words = (
        pl.DataFrame({"text": texts})
        .with_row_index("row")
        .select("row", normalized(pl.col("text")).str.extract_all(_WORD).alias("word"))
        .explode("word")
        .drop_nulls("word")
        .filter(~pl.col("word").str.contains(r"^\d+$"))  # bare numbers name no category
        .with_columns(_folded(pl.col("word")).alias("word"))
    )
    pairs = words.select(
        "row",
        (pl.col("word").shift(1) + " " + pl.col("word")).alias("term"),
        pl.col("row").shift(1).alias("before"),
    ).filter(pl.col("before") == pl.col("row"))
    long = words.filter(pl.col("word").str.len_chars() > PIECE)
    pieces = (
        long.with_columns(pl.int_ranges(0, pl.col("word").str.len_chars() - PIECE + 1).alias("at"))
        .explode("at")
        .select("row", ("#" + pl.col("word").str.slice(pl.col("at"), PIECE)).alias("term"))
    )
    tagged = pl.concat(
        [
            words.select("row", ("w" + pl.col("word")).alias("term")),
            pairs.select("row", ("b" + pl.col("term")).alias("term")),
            pieces.select("row", ("p" + pl.col("term")).alias("term")),
        ]
    )
    hashed = cast(Any, plh.col("term")).nchash.xxh3_64() % FEATURE_SPACE
    weight = pl.col("term").str.slice(0, 1).replace_strict(_WEIGHTS, return_dtype=pl.Float32)
    return tagged.group_by("row", hashed.alias("feature")).agg(
        (weight.first() * (pl.len().cast(pl.Float32).log() + 1)).alias("weight")
    )


def feature_matrix(texts: pl.Series) -> sparse.csr_matrix:
    """One unit-length row per text, FEATURE_SPACE columns."""
    rows = feature_rows(texts)
    matrix = sparse.csr_matrix(
        (rows["weight"].to_numpy(), (rows["row"].to_numpy(), rows["feature"].to_numpy().astype(np.int64))),
        shape=(len(texts), FEATURE_SPACE),
        dtype=np.float32,
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix(sparse.diags(1 / norms).astype(np.float32) @ matrix)
