"""Collect item values column by column in plain Python lists and turn them into Polars in chunks.

XML and JSON readers call `set` for each value of the current row; a key set twice in one row
becomes a list for that row and makes the whole column a `List(String)` column. Every
`CHUNK_ROWS` rows the lists become a DataFrame chunk, so Python objects never pile up.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from feedbridge.catalog.readers.names import dedupe

CHUNK_ROWS = 50_000

Value = str | list[str] | None


class Columns:
    def __init__(self) -> None:
        self.row = 0  # index of the current row within the chunk
        self.rows_done = 0  # rows in earlier chunks
        self.data: dict[str, list[Value]] = {}  # read-only outside; readers append in place
        self._lists: set[str] = set()  # keys that are lists in at least one row
        self._order: list[str] = []  # keys in order of first appearance
        self._chunks: list[pl.DataFrame] = []

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
            self._flush()

    def _flush(self) -> None:
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
        self._chunks.append(pl.DataFrame(series, height=self.row))
        self.rows_done += self.row
        self.row = 0
        self.data = {key: [] for key in self._order}

    def keys(self) -> list[str]:
        return list(self._order)

    @property
    def total_rows(self) -> int:
        return self.rows_done + self.row

    def frame(self, rename: Callable[[str], str] = str) -> pl.DataFrame:
        """All rows as one frame: String or List(String) columns in order of first appearance."""
        self._flush()
        order = self._order
        lists = self._lists
        chunks = []
        for chunk in self._chunks:
            chunks.append(chunk.select([_conform(chunk, key, key in lists) for key in order]))
        if not chunks:
            return pl.DataFrame(schema={name: pl.String for name in dedupe(rename(k) for k in order)})
        frame = pl.concat(chunks, how="vertical") if len(chunks) > 1 else chunks[0]
        return frame.rename(dict(zip(order, dedupe(rename(k) for k in order), strict=True)))


def stack(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Frames read from consecutive parts of one feed as one: keys in order of first appearance, a key
    that is a list in any part a list in all, keys a part lacks null there."""
    order: dict[str, None] = {}
    lists: set[str] = set()
    for frame in frames:
        order |= dict.fromkeys(frame.columns)
        lists |= {name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)}
    chunks = [frame.select([_conform(frame, key, key in lists) for key in order]) for frame in frames]
    return pl.concat(chunks, how="vertical") if len(chunks) > 1 else chunks[0]


def _conform(chunk: pl.DataFrame, key: str, is_list: bool) -> pl.Expr:
    """The column `key` of a chunk with the dtype it has in the whole frame."""
    dtype = pl.List(pl.String) if is_list else pl.String
    if key not in chunk.columns:
        return pl.lit(None, dtype=dtype).alias(key)
    if is_list and chunk.schema[key] == pl.String:
        return pl.when(pl.col(key).is_not_null()).then(pl.concat_list(pl.col(key))).alias(key)
    return pl.col(key)


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
