"""Explain one item: every enabled rule in order, whether its IF matched, what it changed, what excluded it.

The item is followed through the same compiled steps as `engine.run_rules`, one rule at a time, by a
hidden column holding its row in the input (`ORIGIN`), so split parts stay attached to it. Rules that
rank or group look at other items, so up to the last of them every item runs; after it (or with none
of them) the item's rows alone give the same answer, fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from feedbridge.errors import InvalidInput, NotFound
from feedbridge.rules import columns
from feedbridge.rules.columns import EXCLUDED, ORIGIN
from feedbridge.rules.model import Rule, RuleSet
from feedbridge.rules.plan import (
    EvaluationContext,
    Fields,
    apply_rule,
    clean,
    collect,
    depends_on_other_items,
    drop_excluded,
    normalised,
    start,
)


@dataclass(frozen=True)
class Change:
    field: str
    before: Any  # str | list[str] | None
    after: Any


@dataclass(frozen=True)
class ExplainStep:
    position: int
    name: str
    reached: bool  # False once the item was excluded by an earlier rule
    matched: bool | None  # did the IF select it (None when not reached)
    changes: list[Change]  # what THEN/ELSE changed on this item (for split items: on its first part)
    excluded: bool  # this rule excluded it


@dataclass(frozen=True)
class Explanation:
    item_id: str
    steps: list[ExplainStep]
    excluded_by: str | None  # name of the rule that excluded it
    # the item's row(s) after all rules (several after split_items; empty if excluded)
    result: list[dict[str, Any]]


def explain_item(
    frame: pl.DataFrame | pl.LazyFrame, rule_set: RuleSet, context: EvaluationContext, item_id: str
) -> Explanation:
    """How `rule_set` treats the item whose unique ID is `item_id`. An item split by an earlier rule is
    described by its first part that reaches each rule."""
    frame = normalised(frame).collect()
    if context.id_field not in frame.columns:
        raise InvalidInput(
            context.id_field,
            "the items have no such field: explain finds an item by the project's unique ID field",
        )
    frame = frame.with_row_index(ORIGIN)
    found = frame.filter(pl.col(context.id_field) == item_id)
    if found.is_empty():
        raise NotFound(
            f"item {item_id!r}: no item has this value in the unique ID field {context.id_field!r}"
        )
    enabled = [(position, rule) for position, rule in enumerate(rule_set.rules) if rule.enabled]
    # After the last rule that looks at other items, the item's own rows are all that matter.
    last_dependent = max(
        (index for index, (_, rule) in enumerate(enabled) if depends_on_other_items(rule)), default=-1
    )
    mine = pl.col(ORIGIN) == found[ORIGIN][0]
    fields = Fields.of(frame.schema)
    steps: list[ExplainStep] = []
    excluded_by: str | None = None
    for index, (position, rule) in enumerate(enabled):
        before = frame.filter(mine)
        if before.is_empty():  # excluded: no later rule sees it, nothing more to run
            steps.append(
                ExplainStep(position, rule.name, reached=False, matched=None, changes=[], excluded=False)
            )
            continue
        if index > last_dependent:
            frame = before
        stage = [(position, rule)]
        lazy = apply_rule(start(frame, stage), position, rule, fields, context, with_stats=True)
        collected = collect(lazy, stage)
        steps.append(_step(position, rule, before, collected.filter(mine)))
        frame = drop_excluded(clean(collected, fields, [rule for _, rule in enabled[index + 1 :]]))
        if frame.filter(mine).is_empty():
            excluded_by = rule.name
    result = frame.filter(mine).select(fields.output).to_dicts()
    return Explanation(item_id=item_id, steps=steps, excluded_by=excluded_by, result=result)


def _step(position: int, rule: Rule, before: pl.DataFrame, after: pl.DataFrame) -> ExplainStep:
    was, now = before.row(0, named=True), after.row(0, named=True)
    changed = [parsed[1] for name in after.columns if (parsed := columns.parse_changed(name)) and now[name]]
    changes = [Change(field, was.get(field), now[field]) for field in changed]
    return ExplainStep(
        position,
        rule.name,
        reached=True,
        matched=bool(now[columns.selected(position)]),
        changes=changes,
        excluded=now[EXCLUDED] == position,
    )
