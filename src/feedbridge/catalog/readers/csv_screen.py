"""A fast screen for short rows, which Polars silently fills with empty values.

Polars reads the file again as plain lines; lines are joined into records where a quoted value
spans lines (an odd number of `"` so far), quoted parts are removed, and the delimiters left are
counted. Only if some record has fewer fields than the header does the exact (slow) reader run.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl


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
