"""The shapes every part of the catalog shares: formats, read options, a raw feed, field types, feed errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from feedbridge.errors import FeedbridgeError

# Items in memory, or a lazy query over them (a scan of a snapshot or of a reader's chunk files). The
# catalog's stages take either and run their queries through `collect`.
Frame = pl.DataFrame | pl.LazyFrame


def collect(query: pl.LazyFrame) -> pl.DataFrame:
    """Run a query over items on the streaming engine, so memory follows its batches, not the items."""
    return query.collect(engine="streaming")


def collect_all(queries: list[pl.LazyFrame]) -> list[pl.DataFrame]:
    """Run several queries at once; a part they share (a join, a scan) runs only once."""
    return pl.collect_all(queries, engine="streaming")


class FeedFormat(StrEnum):
    CSV = "csv"  # any delimited text: comma, semicolon, tab, pipe
    XML = "xml"  # Google Shopping RSS 2.0 / Atom, or generic XML with a repeating item element
    JSON = "json"  # an array, or an object holding the array at a path
    NDJSON = "ndjson"


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    GTIN = "gtin"
    URL = "url"
    LIST = "list"


@dataclass(frozen=True)
class ReadOptions:
    """How to read a feed; every None means "detect it"."""

    format: FeedFormat | None = None
    delimiter: str | None = None
    encoding: str | None = None
    item_element: str | None = None  # XML: the repeating element, e.g. "item", "entry", "product"
    json_path: str | None = None  # JSON: dotted path to the array, e.g. "data.products"
    zip_member: str | None = None  # .zip with several members: which one


@dataclass
class RawFeed:
    """A feed as read: one row per item, every column text (`pl.String`) or a list of text.

    The frame is lazy: a scan of the chunk files a reader spilled to its work directory (XML, JSON), or
    a frame in memory (CSV). It must be consumed while that directory exists.
    """

    frame: pl.LazyFrame
    format: FeedFormat
    # What was detected or used: delimiter, encoding, item element, zip member, … (shown to the merchant).
    details: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class FeedError(FeedbridgeError):
    """A feed that cannot be read: what is wrong, where (file, line or item) and how to fix it."""

    def __init__(
        self,
        message: str,
        *,
        source: str,
        line: int | None = None,
        item: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = (
            source
            + (f", line {line}" if line is not None else "")
            + (f", item {item}" if item is not None else "")
        )
        super().__init__(f"{where}: {message}" + (f" — {hint}" if hint else ""))
        self.source, self.line, self.item, self.hint, self.reason = source, line, item, hint, message


def is_empty(name: str, dtype: pl.DataType) -> pl.Expr:
    """True where a value counts as empty: null, blank text (only whitespace) or an empty list."""
    column = pl.col(name)
    if isinstance(dtype, pl.List):
        return column.is_null() | (column.list.len() == 0)
    if dtype == pl.String:
        return column.is_null() | ~column.str.contains(r"\S")
    return column.is_null()
