"""The unique ID field: proposed from the column names and values, then enforced (first of each ID kept)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from feedbridge.catalog.fields import name_tokens
from feedbridge.catalog.model import Frame, collect, is_empty
from feedbridge.errors import FeedbridgeError

# Names (as lower-case words) that usually hold the item's ID, most likely first.
ID_NAMES = (
    "id",
    "g id",
    "sku",
    "variant sku",
    "product id",
    "item id",
    "offer id",
    "variant id",
    "article id",
    "article number",
    "product code",
    "item code",
)
LAST_RESORT_ID_NAMES = ("handle",)  # Shopify: shared by every variant of a product
MAX_DUPLICATE_EXAMPLES = 10


class IdFieldMissing(FeedbridgeError):
    """The chosen unique ID field is not in the feed (or cannot hold IDs)."""

    def __init__(self, field: str, columns: list[str], reason: str = "is not in the feed") -> None:
        shown = ", ".join(columns[:20]) + (", …" if len(columns) > 20 else "")
        super().__init__(
            f"The unique ID field {field!r} {reason}. Choose one of its fields as the unique ID: {shown}"
        )
        self.field = field


@dataclass(frozen=True)
class IdReport:
    """What enforcing the unique ID did: rows without an ID and repeated IDs were dropped."""

    id_field: str
    rows: int  # rows before
    items: int  # items kept
    empty_count: int  # rows dropped: no ID
    duplicate_count: int  # rows dropped: their ID came earlier in the feed (the first is kept)
    duplicate_ids: tuple[tuple[str, int], ...]  # up to 10 repeated IDs with how many rows had each

    def summary(self) -> str:
        parts = [f"{self.items} items by {self.id_field!r}"]
        if self.empty_count:
            parts.append(f"{self.empty_count} rows without an ID were skipped")
        if self.duplicate_count:
            shown = ", ".join(f"{value!r} ×{count}" for value, count in self.duplicate_ids)
            parts.append(
                f"{self.duplicate_count} rows repeated an earlier ID and were skipped, the first of each kept"
                f" (e.g. {shown})"
            )
        return "; ".join(parts)


def _normal_name(name: str) -> str:
    return " ".join(name_tokens(name))


def _rows_lost(frame: pl.LazyFrame, rows: int, names: list[str]) -> dict[str, int]:
    """Per column: rows that would be dropped with it as the ID (empties plus repeats)."""
    if not names:
        return {}
    # n_unique counts each distinct non-empty value once; every other row is lost.
    exprs = [(rows - pl.col(n).filter(~is_empty(n, pl.String())).n_unique()).alias(n) for n in names]
    return {n: int(v) for n, v in collect(frame.select(exprs)).row(0, named=True).items()}


def propose_id_field(frame: Frame) -> str | None:
    """The field most likely to be the unique ID: among ID-like names (case-insensitive) the one losing the
    fewest rows to empties and repeats; else `handle`; else the first fully unique, never-empty field."""
    lazy = frame.lazy()
    columns = lazy.collect_schema()
    text_columns = [c for c, dtype in columns.items() if dtype == pl.String]
    rows = int(collect(lazy.select(pl.len())).item()) if text_columns else 0
    if not rows:
        return None
    order = columns.names()
    for names in (ID_NAMES, LAST_RESORT_ID_NAMES):
        candidates = [c for c in text_columns if _normal_name(c) in names]
        lost = {c: n for c, n in _rows_lost(lazy, rows, candidates).items() if n < rows}
        if lost:
            return min(lost, key=lambda c: (lost[c], names.index(_normal_name(c)), order.index(c)))
    for column in text_columns:  # one at a time: a column's distinct values can be many and long
        if _rows_lost(lazy, rows, [column])[column] == 0:
            return column
    return None


def deduplicate(frame: Frame, id_field: str) -> tuple[Frame, IdReport]:
    """`frame` with one row per non-empty ID (the first), and a report of what was dropped.

    IDs compare exactly (case and surrounding spaces count); a row whose ID is empty is dropped: an item
    needs an ID to be matched, diffed and synchronised. The report is computed from the ID column alone;
    the items come back as they came, in memory or lazy (then the same filter runs when they are read).
    """
    columns = frame.collect_schema()
    if id_field not in columns:
        raise IdFieldMissing(id_field, columns.names())
    if columns[id_field] != pl.String:
        raise IdFieldMissing(id_field, columns.names(), reason="holds lists of values, not one ID per item")
    ids = collect(frame.lazy().select(id_field))
    present = ~is_empty(id_field, pl.String())
    repeat = present & ~pl.col(id_field).is_first_distinct()
    counts = ids.select(present.sum().alias("present"), repeat.sum().alias("repeats")).row(0)
    present_count, repeats = int(counts[0]), int(counts[1])
    kept = frame if present_count == ids.height and not repeats else frame.filter(present & ~repeat)
    examples: tuple[tuple[str, int], ...] = ()
    if repeats:
        repeated = ids.select(
            pl.col(id_field).filter(repeat).unique(maintain_order=True).head(MAX_DUPLICATE_EXAMPLES)
        )
        wanted = repeated.to_series()
        tally = (
            ids.filter(pl.col(id_field).is_in(wanted.implode())).group_by(id_field, maintain_order=True).len()
        )
        examples = tuple((str(v), int(n)) for v, n in tally.iter_rows())
    report = IdReport(
        id_field=id_field,
        rows=ids.height,
        items=present_count - repeats,
        empty_count=ids.height - present_count,
        duplicate_count=repeats,
        duplicate_ids=examples,
    )
    return kept, report
