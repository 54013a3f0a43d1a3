"""Each item's category: manual lines first (the first matching line with a target wins), then the
applied or accepted AI assignment for the items no line categorized. Manual lines always win over AI.

Pure and vectorised: items in, the same items (same rows, same order) with three columns out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from feedbridge.categories.assignments import CHOSEN
from feedbridge.categories.lines import CategoryLine, first_match, line_category, matched_column, with_matches
from feedbridge.errors import InvalidInput
from feedbridge.rules.columns import PREFIX

# NUL-prefixed names never clash with feed fields.
CATEGORY_ID = PREFIX + "category_id"  # Int64: the item's category, null when uncategorized
CATEGORY_SOURCE = PREFIX + "category_source"  # String: "line" or "ai", null when uncategorized
CATEGORY_LINE = PREFIX + "category_line"  # Int32: the 1-based position of the line that categorized it
LINE, AI = "line", "ai"
_AI_ITEM = PREFIX + "ai" + PREFIX + "item_id"
_AI_CATEGORY = PREFIX + "ai" + PREFIX + "category_id"


@dataclass(frozen=True)
class LineCount:
    position: int  # 1 for the first line
    matched: int  # items whose condition holds
    categorized: int  # items this line categorized (its first match; 0 without a target)


def categorize(
    items: pl.LazyFrame,
    lines: Sequence[CategoryLine],
    assignments: pl.LazyFrame | None,
    *,
    id_field: str,
    now: datetime,
) -> pl.LazyFrame:
    """`items` with CATEGORY_ID, CATEGORY_SOURCE and CATEGORY_LINE added; `assignments` is an API's AI
    assignments file (`assignments.read_assignments`), joined on the items' `id_field`."""
    fields = items.collect_schema().names()
    if id_field not in fields:
        raise InvalidInput(
            "unique ID field", f"the items have no field {id_field!r} to join AI assignments on"
        )
    frame = with_matches(items, lines, now=now).with_columns(first_match(lines).alias(CATEGORY_LINE))
    by_line = line_category(lines, pl.col(CATEGORY_LINE))
    by_ai = pl.lit(None, dtype=pl.Int64)
    if assignments is not None:
        accepted = assignments.filter(pl.col("status").is_in(CHOSEN)).select(
            pl.col("item_id").alias(_AI_ITEM), pl.col("category_id").alias(_AI_CATEGORY)
        )
        frame = frame.join(accepted, left_on=id_field, right_on=_AI_ITEM, how="left", maintain_order="left")
        by_ai = pl.col(_AI_CATEGORY)
    by_what = pl.when(pl.col(CATEGORY_LINE).is_not_null()).then(pl.lit(LINE))
    return frame.select(
        *fields,
        pl.coalesce(by_line, by_ai).alias(CATEGORY_ID),
        by_what.when(by_ai.is_not_null()).then(pl.lit(AI)).alias(CATEGORY_SOURCE),
        CATEGORY_LINE,
    )


def line_counts(items: pl.LazyFrame, lines: Sequence[CategoryLine], *, now: datetime) -> list[LineCount]:
    """Per line, the items it matches and the items it categorizes, in one pass over the items."""
    if not lines:
        return []
    frame = with_matches(items, lines, now=now).with_columns(first_match(lines).alias(CATEGORY_LINE))
    positions = range(1, len(lines) + 1)
    sums = [pl.col(matched_column(n)).sum().alias(f"matched {n}") for n in positions]
    sums += [(pl.col(CATEGORY_LINE) == n).sum().alias(f"categorized {n}") for n in positions]
    row = frame.select(sums).collect().row(0, named=True)
    return [LineCount(n, int(row[f"matched {n}"]), int(row[f"categorized {n}"])) for n in positions]
