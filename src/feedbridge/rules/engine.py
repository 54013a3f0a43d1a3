"""The rules engine: run a rule set over items (with statistics), run a project's layers, explain an item.

Items are a frame with one row per item and text or list-of-text columns; the result keeps that shape,
with new fields appended in the order they are first written. How rules compile is in `plan.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from feedbridge.rules.explain import Change, ExplainStep, Explanation, explain_item
from feedbridge.rules.model import Layer, RuleSet
from feedbridge.rules.plan import (
    EvaluationContext,
    Fields,
    apply_rule,
    clean,
    collect,
    drop_excluded,
    normalised,
    stages,
    start,
)
from feedbridge.rules.stats import RuleStats, rule_stats

__all__ = [
    "Change",
    "EvaluationContext",
    "ExplainStep",
    "Explanation",
    "LayerResult",
    "RuleStats",
    "explain_item",
    "run_layers",
    "run_rules",
]


@dataclass(frozen=True)
class LayerResult:
    frame: pl.DataFrame  # the items after the rules (excluded items removed), no helper columns
    stats: list[RuleStats]  # one per enabled rule, in order (none when run without statistics)


def run_rules(
    frame: pl.DataFrame | pl.LazyFrame,
    rule_set: RuleSet,
    context: EvaluationContext,
    *,
    with_stats: bool = True,
) -> LayerResult:
    """The items after `rule_set`'s enabled rules, top to bottom. Pass a scan of the snapshot rather
    than a collected frame where memory matters: the first stage then streams from it."""
    items: pl.DataFrame | pl.LazyFrame = normalised(frame)
    fields = Fields.of(items.collect_schema())
    enabled = [(position, rule) for position, rule in enumerate(rule_set.rules) if rule.enabled]
    stats: list[RuleStats] = []
    for stage in stages(enabled):
        later = [rule for position, rule in enabled if position > stage[-1][0]]
        lazy = start(items, stage)
        for position, rule in stage:
            lazy = apply_rule(lazy, position, rule, fields, context, with_stats=with_stats)
        collected = collect(lazy, stage)
        if with_stats:
            stats += rule_stats(collected, stage)
        items = clean(collected, fields, later)
    done = items if isinstance(items, pl.DataFrame) else items.collect()
    return LayerResult(frame=drop_excluded(done).select(fields.output), stats=stats)


def run_layers(
    frame: pl.DataFrame | pl.LazyFrame, layers: Sequence[tuple[Layer, RuleSet]], context: EvaluationContext
) -> tuple[pl.DataFrame, dict[Layer, list[RuleStats]]]:
    """The items after each layer's rule set in the order given (import, project, API), with each
    layer's statistics."""
    stats: dict[Layer, list[RuleStats]] = {}
    for layer, rule_set in layers:
        result = run_rules(frame, rule_set, context)
        frame = result.frame
        stats.setdefault(layer, []).extend(result.stats)
    return frame.lazy().collect(), stats
