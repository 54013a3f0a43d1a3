"""A field's distinct values across an API's items, most frequent first: what "generate lines" makes
one line each of."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from feedbridge.rules.columns import PREFIX
from feedbridge.rules.values import folded

_ROW, _KEY, _COUNT = PREFIX + "row", PREFIX + "key", PREFIX + "count"


def values_by_frequency(items: pl.LazyFrame, field: str, *, skip: Sequence[str] = ()) -> list[str]:
    """`field`'s distinct non-blank values (a list field's elements) by the number of items holding
    them, most first (ties in item order). Values that differ only in case are one value, as the rules'
    case-insensitive `equals` sees them, spelt as the first item has it; values in `skip` (in any case)
    are left out."""
    value = pl.col(field)
    frame = items.select(value).with_row_index(_ROW)
    if isinstance(items.collect_schema()[field], pl.List):
        frame = frame.explode(field)
    skipped = pl.LazyFrame({_KEY: list(skip)}, schema={_KEY: pl.String}).select(folded(pl.col(_KEY), False))
    counted = (
        frame.filter(value.str.contains(r"\S"))
        .with_columns(folded(value, False).alias(_KEY))
        .join(skipped, on=_KEY, how="anti", maintain_order="left")
        .unique([_ROW, _KEY], keep="first", maintain_order=True)  # an item counts once per value
        .group_by(_KEY, maintain_order=True)
        .agg(value.first(), pl.len().alias(_COUNT))
        .sort(_COUNT, descending=True, maintain_order=True)
    )
    return list(counted.collect()[field])
