"""Collect item values column by column in plain Python lists and spill them to Parquet chunk files.

XML and JSON readers call `set` for each value of the current row; a key set twice in one row
becomes a list for that row and makes the column a `List(String)` column. Every `CHUNK_ROWS` rows
the lists become a Parquet file in the work directory, so neither Python objects nor Polars frames
pile up: memory is bounded by one chunk, whatever the size of the feed. `scan_chunks` reads the
files back as one lazy frame.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Final

import polars as pl

CHUNK_ROWS = 10_000
# Fast to write and read back; the chunks live only as long as one import.
CHUNK_COMPRESSION: Final = "lz4"

Value = str | list[str] | None


class Columns:
    def __init__(self, directory: Path, prefix: str) -> None:
        """Chunks go to `directory` as `<prefix>-<number>.parquet`; files sort in row order."""
        self.row = 0  # index of the current row within the chunk
        self.data: dict[str, list[Value]] = {}  # read-only outside; readers append in place
        self.files: list[Path] = []  # the chunks written so far, in row order
        self._directory, self._prefix = directory, prefix
        self._lists: set[str] = set()  # keys that are lists in at least one row
        self._order: list[str] = []  # keys in order of first appearance

    def set(self, key: str, value: str) -> None:
        """Set a key of the current row; setting it again in the same row makes a list."""
        column = self.data.get(key)
        if column is None:
            column = self.data[key] = []
            self._order.append(key)
        row = self.row
        missing = row - len(column)
        if missing >= 0:
            if missing:
                column.extend([None] * missing)
            column.append(value)
            return
        current = column[row]
        if isinstance(current, list):
            current.append(value)
        else:
            column[row] = [current, value] if current is not None else [value]
            self._lists.add(key)

    def set_list(self, key: str, values: list[str]) -> None:
        """Set a key of the current row to a list (possibly empty); the column becomes a list column."""
        self._lists.add(key)
        for value in values:
            self.set(key, value)
        column = self.data[key] if key in self.data else self._new(key)
        if len(column) <= self.row:
            column.extend([None] * (self.row - len(column)))
            column.append([])
        elif not isinstance(column[self.row], list):
            column[self.row] = [column[self.row]]  # type: ignore[list-item]

    def _new(self, key: str) -> list[Value]:
        self._order.append(key)
        column: list[Value] = []
        self.data[key] = column
        return column

    def end_row(self) -> None:
        self.row += 1
        if self.row >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the rows collected since the last chunk (if any) as a chunk file."""
        if not self.row:
            return
        series = []
        for key in self._order:
            column = self.data[key]
            if len(column) < self.row:
                column.extend([None] * (self.row - len(column)))
            if key in self._lists:
                series.append(_list_series(key, column))
            else:
                series.append(pl.Series(key, column, dtype=pl.String))
        path = self._directory / f"{self._prefix}-{len(self.files):06d}.parquet"
        # No series yet (items without any value so far): the chunk still has their rows.
        pl.DataFrame(series or None, height=self.row).write_parquet(path, compression=CHUNK_COMPRESSION)
        self.files.append(path)
        self.row = 0
        self.data = {key: [] for key in self._order}

    def scan(self) -> pl.LazyFrame:
        """Every row so far, from the chunk files."""
        self.flush()
        return scan_chunks(self.files)


def scan_chunks(files: list[Path]) -> pl.LazyFrame:
    """Chunk files of one feed, in order, as one lazy frame: keys in order of first appearance, a key that
    is a list in any chunk a list in all, keys a chunk lacks null there. Runs of chunks with the same
    columns are scanned together (one multi-file scan streams best)."""
    schemas = [pl.read_parquet_schema(path) for path in files]
    order: dict[str, None] = {}
    lists: set[str] = set()
    for schema in schemas:
        order |= dict.fromkeys(schema)
        lists |= {name for name, dtype in schema.items() if isinstance(dtype, pl.List)}
    runs = itertools.groupby(zip(files, schemas, strict=True), key=lambda pair: list(pair[1].items()))
    scans = [
        _conform(pl.scan_parquet([path for path, _ in run]), dict(columns), list(order), lists)
        for columns, run in runs
    ]
    if not scans:
        return pl.LazyFrame()
    return pl.concat(scans, how="vertical") if len(scans) > 1 else scans[0]


def _conform(
    scan: pl.LazyFrame, schema: dict[str, pl.DataType], order: list[str], lists: set[str]
) -> pl.LazyFrame:
    """Chunks with the columns, in the order and with the dtypes, they have in the whole feed."""
    # Added by with_columns, so that they get the chunk's height even when it has no column at all.
    missing = [
        pl.lit(None, dtype=pl.List(pl.String) if key in lists else pl.String).alias(key)
        for key in order
        if key not in schema
    ]
    single = [key for key in lists if schema.get(key) == pl.String]  # a list elsewhere: a list of one here
    as_lists = [
        pl.when(pl.col(key).is_not_null()).then(pl.concat_list(pl.col(key))).alias(key) for key in single
    ]
    return scan.with_columns(missing + as_lists).select(order) if order else scan  # no column: only rows


_JOIN = "\x1f"  # cannot occur in XML text; JSON values holding it take the slow way


def _list_series(key: str, column: list[Value]) -> pl.Series:
    """A List(String) series, built fast: join each row's values, let Polars split them again."""
    joined: list[str | None] = []
    empty: list[int] = []
    for index, value in enumerate(column):
        if value is None or isinstance(value, str):
            joined.append(value)
        elif value:
            joined.append(_JOIN.join(value))
        else:
            joined.append(None)
            empty.append(index)
    if _has_inner_join(column):
        values = [[v] if isinstance(v, str) else v for v in column]
        return pl.Series(key, values, dtype=pl.List(pl.String))
    series = pl.Series(key, joined, dtype=pl.String).str.split(_JOIN)
    if empty:
        mask = pl.Series([False] * len(column)).scatter(empty, True)
        series = pl.select(
            pl.when(mask).then(pl.lit([], dtype=pl.List(pl.String))).otherwise(series).alias(key)
        ).to_series()
    return series


def _has_inner_join(column: list[Value]) -> bool:
    for value in column:
        if isinstance(value, str) and _JOIN in value:
            return True
        if isinstance(value, list) and any(_JOIN in v for v in value):
            return True
    return False
