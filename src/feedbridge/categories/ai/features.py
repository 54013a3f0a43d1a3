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
import polars_hash  # noqa: F401  (registers the .nchash namespace used below)
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
    """(row, feature, weight) for every occurrence of a feature in a text; `row` is the text's position."""
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
        _hashed("b" + pl.col("word").shift(1) + " " + pl.col("word")),
        pl.lit(_WEIGHTS["b"], pl.Float32).alias("weight"),
        pl.col("row").shift(1).alias("before"),
    ).filter(pl.col("before") == pl.col("row"))
    # A word's own features (itself and its pieces) are worked out once per distinct word.
    vocabulary = words.select(pl.col("word").unique())
    pieces = (
        vocabulary.filter(pl.col("word").str.len_chars() > PIECE)
        .with_columns(pl.int_ranges(0, pl.col("word").str.len_chars() - PIECE + 1).alias("at"))
        .explode("at")
        .select("word", _hashed("p#" + pl.col("word").str.slice(pl.col("at"), PIECE)), _weight("p"))
    )
    per_word = pl.concat([vocabulary.select("word", _hashed("w" + pl.col("word")), _weight("w")), pieces])
    tagged = pl.concat(
        [words.join(per_word, on="word").select("row", "feature", "weight"), pairs.drop("before")]
    )
    return tagged


def _hashed(term: pl.Expr) -> pl.Expr:
    """The feature a term is counted in (polars_hash's xxh3: stable across versions and machines)."""
    return (cast(Any, term).nchash.xxh3_64() % FEATURE_SPACE).alias("feature")


def _weight(kind: str) -> pl.Expr:
    return pl.lit(_WEIGHTS[kind], pl.Float32).alias("weight")


def feature_matrix(texts: pl.Series) -> sparse.csr_matrix:
    """One unit-length row per text, FEATURE_SPACE columns."""
    occurrences = feature_rows(texts).sort("row", "feature")
    row, feature = occurrences["row"].to_numpy(), occurrences["feature"].to_numpy()
    # A feature that occurs n times in a text counts 1 + log n (sorted, so repeats are neighbours).
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (feature[1:] != feature[:-1])
    starts = np.flatnonzero(first)
    repeats = np.diff(np.append(starts, len(row)))
    row, feature = row[starts], feature[starts]
    weight = occurrences["weight"].to_numpy()[starts] * (1 + np.log(repeats))
    norms = np.sqrt(np.bincount(row, weights=weight.astype(np.float64) ** 2, minlength=len(texts)))
    norms[norms == 0] = 1
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=len(texts)))])
    data = (weight / norms[row]).astype(np.float32)
    return sparse.csr_matrix((data, feature.astype(np.int32), indptr), shape=(len(texts), FEATURE_SPACE))
