"""Manual category lines: IF a rules condition group holds THEN the item is in a category.

Lines are tried top to bottom and the first matching line with a target categorizes the item; a line
without a target (a generated line whose category is still to be picked) never categorizes, but its
matches are still counted. Conditions compile with the rules' own compiler, so a line means exactly
what the same IF means in a rule (docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from feedbridge.rules.columns import PREFIX
from feedbridge.rules.conditions import ConditionCompiler
from feedbridge.rules.flow import condition_reads
from feedbridge.rules.model import Group, walk_conditions
from feedbridge.rules.plan import Fields
from feedbridge.validation import MAX_NAME_LENGTH

# Every item reaches every line (rank conditions rank among all items).
_EVERY_ITEM = pl.lit(True)


class CategoryLine(BaseModel):
    """One line; written `label`, `if`, `category_id` in files (the defaults left out)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    label: str | None = Field(default=None, max_length=MAX_NAME_LENGTH)
    when: Group = Field(alias="if")
    category_id: int | None = Field(default=None, gt=0)  # a leaf category; None: not picked yet


def matched_column(position: int) -> str:
    """Boolean: line `position` (1 for the first) holds for the item."""
    return f"{PREFIX}matched{PREFIX}{position}"


def with_matches(items: pl.LazyFrame, lines: Sequence[CategoryLine], *, now: datetime) -> pl.LazyFrame:
    """The items with `matched_column(n)` for each line (never null), next to the helper columns the
    conditions need (NUL-prefixed, or the fields the items lack); callers select what they keep.

    A field the items lack reads as null, as in the rules. Lowercase forms and numbers of a field are
    computed once for all the lines that compare it.
    """
    fields = Fields.of(items.collect_schema())
    reads = [name for line in lines for c in walk_conditions(line.when) for name in condition_reads(c)]
    missing = fields.ensure(reads)
    helpers: dict[str, pl.Expr] = {}
    matches: dict[str, pl.Expr] = {}
    derived: dict[str, str] = {}
    for position, line in enumerate(lines, start=1):
        compiler = ConditionCompiler(fields.kinds, _EVERY_ITEM, now, f"category line {position}", derived)
        condition = compiler.group(line.when)
        derived = compiler.derived
        helpers |= compiler.prelude | compiler.scratch
        matches[matched_column(position)] = condition if isinstance(condition, pl.Expr) else pl.lit(condition)
    frame = items.with_columns(missing) if missing else items
    frame = frame.with_columns(**helpers) if helpers else frame
    return frame.with_columns(**matches) if matches else frame


def first_match(lines: Sequence[CategoryLine]) -> pl.Expr:
    """Int32: the position of the first matching line with a target (null where none), on a frame
    from `with_matches`."""
    targeted = [
        pl.when(pl.col(matched_column(position))).then(pl.lit(position, dtype=pl.Int32))
        for position, line in enumerate(lines, start=1)
        if line.category_id is not None
    ]
    return pl.coalesce(targeted) if targeted else pl.lit(None, dtype=pl.Int32)


def line_category(lines: Sequence[CategoryLine], position: pl.Expr) -> pl.Expr:
    """Int64: the target of the line at `position` (an expression of line positions)."""
    targets = {n: line.category_id for n, line in enumerate(lines, start=1) if line.category_id is not None}
    if not targets:
        return pl.lit(None, dtype=pl.Int64)
    return position.replace_strict(list(targets), list(targets.values()), default=None, return_dtype=pl.Int64)
