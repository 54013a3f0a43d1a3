"""What type inference and statistics need to know of each column, read in a few streaming passes.

Rows, empty values per column, and per text column an evenly spread sample of its non-empty values
(stripped): field types are inferred from the sample, and the statistics report the empties. Computed
once per snapshot and shared, so the items are not read again for each use.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from feedbridge.catalog.model import Frame, collect, is_empty

SAMPLE_SIZE = 10_000  # non-empty values per column that inference looks at


@dataclass(frozen=True)
class Profile:
    rows: int
    empties: dict[str, int]  # per column: rows where it is empty (null, blank text, empty list)
    samples: dict[str, pl.Series]  # per text column: up to SAMPLE_SIZE non-empty values, stripped


def profile_columns(frame: Frame, size: int = SAMPLE_SIZE) -> Profile:
    """The profile of every column of `frame`.

    Samples look first at 4×`size` evenly spread rows; only a column too sparse to fill its sample there
    is read again on its own, for its non-empty values evenly spread.
    """
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    rows = int(collect(lazy.select(pl.len())).item())
    if not schema:
        return Profile(rows, {}, {})
    counts = collect(lazy.select([is_empty(n, t).sum().alias(n) for n, t in schema.items()]))
    empties = {name: int(count) for name, count in counts.row(0, named=True).items()}
    text = [name for name, dtype in schema.items() if dtype == pl.String]
    if not text:
        return Profile(rows, empties, {})
    step = max(1, rows // (4 * size))
    # Stripping also copies the values: a sample must not keep the batches it was taken from alive.
    picked = collect(lazy.select(text).gather_every(step).select(pl.all().str.strip_chars()))
    samples: dict[str, pl.Series] = {}
    for name in text:
        values = picked.get_column(name)
        values = values.filter(values.str.len_bytes() > 0)
        if step > 1 and len(values) < size:  # too sparse among the picked rows
            values = _spread(lazy, name, max(1, (rows - empties[name]) // size), size)
        samples[name] = values.gather_every(max(1, len(values) // size)).head(size)
    return Profile(rows, empties, samples)


def _spread(frame: pl.LazyFrame, name: str, step: int, size: int) -> pl.Series:
    """Every `step`-th non-empty value of one column, stripped, at most `size`."""
    values = pl.col(name).filter(~is_empty(name, pl.String())).gather_every(step).head(size)
    return collect(frame.select(values.str.strip_chars())).to_series()
