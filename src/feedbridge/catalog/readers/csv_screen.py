"""Screens for short rows, which Polars silently fills with empty values.

`separators_balanced` is the cheap screen: every separator byte in the file is either between two
fields or inside a quoted value. Polars raises on rows that are too long, so if the file holds exactly
(header's separators) + (separators inside values) + (width - 1) × rows of them, no row is short.
Counting costs one pass over the bytes and one vectorised pass over the values; no per-row Python.

`short_rows_suspected` is the exact (slower) screen, run only when the counts differ (a short row, a
blank line, or something odd): Polars reads the file again as plain lines; lines are joined into records
where a quoted value spans lines (an odd number of `"` so far), quoted parts are removed, and the
delimiters left are counted. Only if some record has fewer fields than the header does the exact
(slow) reader run.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

_CHUNK = 16 * 1024**2


def separators_balanced(path: Path, frame: pl.DataFrame, sep: str) -> bool:
    """True when every row of `frame` (read by Polars from `path`, header names untouched) has all fields."""
    with ThreadPoolExecutor(1) as pool:  # the byte count holds the GIL while Polars counts in Rust
        in_file = pool.submit(_count_in_file, path, sep.encode())
        in_values = frame.select(
            pl.sum_horizontal(
                [
                    pl.col(name).str.count_matches(sep, literal=True).sum()
                    for name, dtype in frame.schema.items()
                    if dtype == pl.String
                ]
            )
        ).item()
        in_file_count = in_file.result()
    in_header = frame.width - 1 + sum(name.count(sep) for name in frame.columns)
    return bool(in_file_count == in_header + int(in_values or 0) + (frame.width - 1) * frame.height)


def _count_in_file(path: Path, sep: bytes) -> int:
    count = 0
    with path.open("rb") as handle:  # Polars only reads one-byte separators, so none spans two chunks
        while chunk := handle.read(_CHUNK):  # per chunk, not per row
            count += chunk.count(sep)
    return count


def short_rows_suspected(path: Path, sep: str, width: int) -> bool:
    lines = pl.scan_csv(
        path,
        has_header=False,
        separator="\x1f" if sep != "\x1f" else "\x1e",
        quote_char=None,
        infer_schema=False,
        new_columns=["line"],
        truncate_ragged_lines=True,
        empty_string_is_null=False,
        glob=False,
    ).select("line")
    line = pl.col("line")
    quotes = line.str.count_matches('"', literal=True)
    inside_before = (quotes.cum_sum() - quotes) % 2 == 1  # the line continues a quoted value
    inside_after = quotes.cum_sum() % 2 == 1  # the line ends inside a quoted value
    # Close the quoted value a line starts or ends in, drop quoted parts, count the delimiters left.
    closed = pl.concat_str(
        pl.when(inside_before).then(pl.lit('"')).otherwise(pl.lit("")),
        line,
        pl.when(inside_after).then(pl.lit('"')).otherwise(pl.lit("")),
    )
    outside = (
        pl.when(quotes > 0)
        .then(closed.str.replace_all('"[^"]*"', ""))
        .otherwise(line)
        .str.count_matches(sep, literal=True)
    )
    records = (
        lines.with_columns(
            delimiters=outside.cum_sum(),
            end=~inside_after,
            blank=line.str.strip_chars("\r") == "",
            index=pl.int_range(pl.len()),
        )
        .filter(pl.col("end") & ~(pl.col("blank") & ~inside_before))
        .with_columns(fields=pl.col("delimiters").diff().fill_null(pl.col("delimiters")) + 1)
        .slice(1)  # the header
        .filter(pl.col("fields") < width)
        .limit(1)
    )
    return records.collect().height > 0
