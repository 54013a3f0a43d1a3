"""An API's AI category assignments: one Parquet file per API, written whole and atomically.

Rows are per item (`item_id`, the value of the API's unique ID field) and category, with a confidence
between 0 and 1 and a status: "suggested" (waiting for the merchant), "applied" (the categorizer was
at least as confident as the API's threshold) or "accepted" (the merchant accepted or corrected it).
Applied and accepted rows categorize the item where no manual line does; an item has at most one of
them. Only accepted rows teach the model: applied ones are its own guesses.
The AI categorizer (`categories.ai`) writes it; `categorize` reads it lazily.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from feedbridge.catalog.snapshots import write_atomically
from feedbridge.errors import InvalidInput

SUGGESTED, APPLIED, ACCEPTED = "suggested", "applied", "accepted"
STATUSES = (SUGGESTED, APPLIED, ACCEPTED)
CHOSEN = (APPLIED, ACCEPTED)  # the statuses that categorize an item
SCHEMA = pl.Schema(
    {"item_id": pl.String, "category_id": pl.Int64, "confidence": pl.Float64, "status": pl.String}
)
FILE_NAME = "category_assignments.parquet"
_WHERE = "category assignments"


def assignments_path(folder: Path) -> Path:
    """The assignments file in an API's folder (`apis.folders.api_folder`)."""
    return folder / FILE_NAME


def read_assignments(folder: Path) -> pl.LazyFrame | None:
    """The API's assignments, lazily; None before any were written."""
    path = assignments_path(folder)
    return pl.scan_parquet(path) if path.exists() else None


def write_assignments(folder: Path, frame: pl.DataFrame | pl.LazyFrame) -> None:
    """Replace the API's assignments with `frame` (columns as SCHEMA; integer ids and any numeric
    confidence are accepted and stored as Int64 / Float64). InvalidInput says what is wrong where."""
    checked = _checked(frame if isinstance(frame, pl.DataFrame) else frame.collect())
    path = assignments_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, checked.write_parquet)


def _checked(frame: pl.DataFrame) -> pl.DataFrame:
    names = set(frame.columns)
    if names != set(SCHEMA):
        missing, extra = set(SCHEMA) - names, names - set(SCHEMA)
        wrong = [f"missing {', '.join(sorted(missing))}"] * bool(missing)
        wrong += [f"unexpected {', '.join(sorted(extra))}"] * bool(extra)
        raise InvalidInput(_WHERE, f"need exactly the columns {', '.join(SCHEMA)} ({'; '.join(wrong)})")
    kinds = {
        "item_id": frame["item_id"].dtype == pl.String,
        "category_id": frame["category_id"].dtype.is_integer(),
        "confidence": frame["confidence"].dtype.is_numeric(),
        "status": frame["status"].dtype == pl.String,
    }
    for name, right in kinds.items():
        if not right:
            raise InvalidInput(_WHERE, f"column {name} is {frame[name].dtype}, not {SCHEMA[name]}")
    frame = frame.select(pl.col(name).cast(dtype) for name, dtype in SCHEMA.items())
    problems = {
        "item_id is empty": pl.col("item_id").is_null() | (pl.col("item_id").str.strip_chars() == ""),
        "category_id is missing or not positive": pl.col("category_id").fill_null(0) <= 0,
        "confidence is not between 0 and 1": ~pl.col("confidence").is_between(0, 1).fill_null(False),
        f"status is not one of {', '.join(STATUSES)}": ~pl.col("status").is_in(STATUSES).fill_null(False),
        "the item has more than one applied or accepted row": pl.col("status").is_in(CHOSEN)
        & pl.col("status").is_in(CHOSEN).sum().over("item_id").gt(1),
    }
    found = frame.with_row_index("row", offset=1).select(
        pl.col("row").filter(test).first().alias(what) for what, test in problems.items()
    )
    for what, row in found.row(0, named=True).items():
        if row is not None:
            raise InvalidInput(_WHERE, f"row {row}: {what}; fix the rows before writing them")
    return frame
