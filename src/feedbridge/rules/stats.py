"""Statistics per rule, summed from the helper columns a collected stage carries (never by re-running).

In a stage every item keeps its row, marked with the position of the rule that excluded it, so the
items that reached rule k are those not excluded before k, and one aggregation gives every count.
After split_items (a stage of its own) `selected` and `before` count the items the rule received
(`FIRST` marks each one's first part); `after` and `changed` count every part.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from feedbridge.rules import columns
from feedbridge.rules.columns import EXCLUDED, FIRST
from feedbridge.rules.model import Rule


@dataclass(frozen=True)
class RuleStats:
    position: int  # index of the rule in RuleSet.rules (disabled rules are skipped, not counted)
    name: str
    selected: int  # items the IF selected (among the items that reached the rule)
    before: int  # items that reached the rule
    after: int  # items after it (fewer by exclusion, more by split_items)
    # field -> number of items whose value the rule changed (fields with 0 omitted): of the fields the
    # rule writes, items still in after it (each split part) whose value differs from the one the rule
    # found; a value that changed kind (text ↔ list) differs unless it stayed null.
    changed: dict[str, int]


def rule_stats(frame: pl.DataFrame, stage: list[tuple[int, Rule]]) -> list[RuleStats]:
    """The statistics of the stage's rules from its collected frame (before excluded rows are removed)."""
    excluded = pl.col(EXCLUDED)
    counted = pl.col(FIRST) if FIRST in frame.columns else pl.lit(True)
    sums: list[pl.Expr] = []
    for position, _ in stage:
        sums += [
            (pl.col(columns.selected(position)) & counted).sum().alias(f"selected {position}"),
            (counted & (excluded.is_null() | (excluded >= position))).sum().alias(f"before {position}"),
            (excluded.is_null() | (excluded > position)).sum().alias(f"after {position}"),
        ]
    flags = [(name, parsed) for name in frame.columns if (parsed := columns.parse_changed(name))]
    sums += [pl.col(name).sum().alias(name) for name, _ in flags]
    totals = frame.select(sums).row(0, named=True)
    changed: dict[int, dict[str, int]] = {}
    for name, (position, field) in flags:
        if totals[name]:
            changed.setdefault(position, {})[field] = int(totals[name])
    return [
        RuleStats(
            position=position,
            name=rule.name,
            selected=int(totals[f"selected {position}"]),
            before=int(totals[f"before {position}"]),
            after=int(totals[f"after {position}"]),
            changed=changed.get(position, {}),
        )
        for position, rule in stage
    ]
