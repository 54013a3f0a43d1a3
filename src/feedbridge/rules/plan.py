"""How rules become a Polars plan: each rule a few flat `with_columns` steps, stages between checkpoints.

A rule is compiled to: one step with the IF's mask, its group aggregates and (for statistics) the
values of the fields it writes as the rule found them; one step per action, reading columns by name
so that expression trees never nest rule after rule; a last step with the changed flags. Excluded
items are only marked (`EXCLUDED`), so a stage keeps its rows and one aggregation at the checkpoint
gives every rule's counts (`stats.rule_stats`). A stage holds at most CHECKPOINT_RULES rules and is
collected in one go; a rule with split_items is a stage of its own, since it changes the rows.

Lowercase forms and numbers that conditions read are computed once per field and kept (as helper
columns, across checkpoints) until the field is written; a rule whose IF holds for every item writes
without a mask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from feedbridge.errors import InvalidInput
from feedbridge.rules import columns
from feedbridge.rules.actions import compile_action
from feedbridge.rules.columns import EXCLUDED, FIRST, ORIGIN
from feedbridge.rules.conditions import ConditionCompiler
from feedbridge.rules.flow import action_reads, action_writes, condition_reads, kind_after
from feedbridge.rules.item_actions import exclude, group_value, split_items
from feedbridge.rules.model import (
    GROUP_ACTIONS,
    Action,
    Exclude,
    JoinList,
    Kind,
    Nothing,
    Rule,
    SplitItems,
    walk_conditions,
)
from feedbridge.rules.values import convert_kind, kind_of

# Planning cost grows with the length of a lazy plan; a checkpoint every few rules keeps it flat.
CHECKPOINT_RULES = 10
ALIVE = pl.col(EXCLUDED).is_null()

Stage = list[tuple[int, Rule]]


@dataclass(frozen=True)
class EvaluationContext:
    id_field: str  # the project's unique ID field (split_items suffixes it)
    now: datetime  # timezone-aware; "today" for date conditions and the today condition

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("EvaluationContext.now must be timezone-aware")


@dataclass
class Fields:
    """The fields in the frame as rules run: their kinds, and the ones the result keeps, in order.

    A field that is only read is added as a null text column (a missing field reads as null) but is
    not part of the output; a written field joins the output at its first write."""

    kinds: dict[str, Kind]
    output: list[str]
    # helper column -> the field it is derived from (its lowercase form, its numbers), valid until
    # that field is written
    derived: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, schema: pl.Schema) -> Fields:
        kinds = {name: kind_of(dtype) for name, dtype in schema.items() if not columns.is_helper(name)}
        return cls(kinds, list(kinds))

    def ensure(self, names: Iterable[str]) -> list[pl.Expr]:
        missing = [name for name in dict.fromkeys(names) if name not in self.kinds]
        self.kinds.update(dict.fromkeys(missing, Kind.TEXT))
        return [pl.lit(None, dtype=pl.String).alias(name) for name in missing]

    def write(self, name: str, kind: Kind) -> None:
        self.kinds[name] = kind
        self.derived = {column: source for column, source in self.derived.items() if source != name}
        if name not in self.output:
            self.output.append(name)


def normalised(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """The items as a lazy frame whose columns are all text or lists of text (all-null columns typed as
    such). A lazy input (a scan of the snapshot) is never held in memory as a whole."""
    casts: dict[str, pl.DataType] = {}
    for name, dtype in frame.lazy().collect_schema().items():
        if dtype == pl.Null:
            casts[name] = pl.String()
        elif dtype == pl.List(pl.Null):
            casts[name] = pl.List(pl.String)
        elif dtype not in (pl.String, pl.List(pl.String)):
            raise InvalidInput(
                name, f"the rules read text or lists of text, not {dtype}: cast the column to text first"
            )
    return frame.lazy().with_columns(pl.col(name).cast(dtype) for name, dtype in casts.items())


def stages(rules: Sequence[tuple[int, Rule]]) -> list[Stage]:
    """The enabled rules (with their positions) cut at checkpoints."""
    found: list[Stage] = []
    current: Stage = []
    for position, rule in rules:
        if _splits(rule):
            found += [current, [(position, rule)]] if current else [[(position, rule)]]
            current = []
            continue
        current.append((position, rule))
        if len(current) >= CHECKPOINT_RULES:
            found.append(current)
            current = []
    return [*found, current] if current else found


def start(frame: pl.DataFrame | pl.LazyFrame, stage: Stage) -> pl.LazyFrame:
    """A stage's lazy frame. Items excluded by earlier stages stay in, marked: removing them would copy
    every column while the caller still holds the input. A split stage, which copies the rows anyway,
    drops them in the same pass."""
    lazy = frame.lazy()
    if EXCLUDED not in lazy.collect_schema():
        return lazy.with_columns(pl.lit(None, dtype=pl.Int32).alias(EXCLUDED))
    return lazy.filter(ALIVE) if any(_splits(rule) for _, rule in stage) else lazy


def drop_excluded(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame without the items an exclude marked (a copy only if there are any)."""
    if EXCLUDED in frame.columns and frame[EXCLUDED].null_count() < frame.height:
        return frame.filter(ALIVE)
    return frame


def collect(frame: pl.LazyFrame, stage: Stage) -> pl.DataFrame:
    """Run a stage; what Polars refuses (input that save-time validation should have caught) is
    reported against the stage's rules rather than as a traceback."""
    try:
        return frame.collect()
    except pl.exceptions.PolarsError as error:
        names = ", ".join(f"{position + 1} {rule.name!r}" for position, rule in stage)
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InvalidInput(
            f"rules {names}", f"cannot run ({reason}); check their regular expressions, fields and values"
        ) from error


def clean(frame: pl.DataFrame, fields: Fields, later: Sequence[Rule]) -> pl.DataFrame:
    """A collected stage without its helper columns, but the exclusion marks, ORIGIN and the values
    derived from fields that the `later` rules' conditions may still read (as they are now)."""
    needed = _read_before_written(later)
    fields.derived = {name: source for name, source in fields.derived.items() if source in needed}
    keep = {EXCLUDED, ORIGIN, *fields.derived}
    return frame.drop([name for name in frame.columns if columns.is_helper(name) and name not in keep])


def _read_before_written(rules: Sequence[Rule]) -> set[str]:
    read: set[str] = set()
    written: set[str] = set()
    for rule in rules:
        read |= {
            name for condition in walk_conditions(rule.when) for name in condition_reads(condition)
        } - written
        written |= {name for action in [*rule.then, *rule.otherwise] for name in action_writes(action)}
    return read


def depends_on_other_items(rule: Rule) -> bool:
    """Whether an item's result under this rule depends on other items (ranks, groups)."""
    ranked = any(condition.op in ("top_n", "bottom_n") for condition in walk_conditions(rule.when))
    return ranked or any(isinstance(action, GROUP_ACTIONS) for action in [*rule.then, *rule.otherwise])


def apply_rule(
    frame: pl.LazyFrame,
    position: int,
    rule: Rule,
    fields: Fields,
    context: EvaluationContext,
    *,
    with_stats: bool,
) -> pl.LazyFrame:
    """The rule's steps appended to `frame`; `fields` follows what they write."""
    where = f"rule {position + 1} {rule.name!r}"
    then_mask, else_mask = columns.selected(position), columns.not_selected(position)
    steps = [(action, then_mask) for action in rule.then] + [(action, else_mask) for action in rule.otherwise]
    splitting = _splits(rule)
    if splitting and context.id_field not in fields.output:
        raise InvalidInput(
            where,
            f"split_items suffixes the unique ID field {context.id_field!r}, which the items do not have: "
            "check the project's unique ID field",
        )
    written = list(dict.fromkeys(name for action, _ in steps for name in action_writes(action)))
    written += [context.id_field] if splitting and context.id_field not in written else []
    reads = [name for condition in walk_conditions(rule.when) for name in condition_reads(condition)]
    reads += [name for action, _ in steps for name in action_reads(action)]
    frame = frame.with_columns(fields.ensure([*reads, *written]))

    compiler = ConditionCompiler(fields.kinds, ALIVE, context.now, where, fields.derived)
    condition = compiler.group(rule.when)
    if compiler.prelude or compiler.scratch:
        frame = frame.with_columns(**compiler.prelude, **compiler.scratch)
    fields.derived = compiler.derived
    first = [(ALIVE & (condition if isinstance(condition, pl.Expr) else pl.lit(condition))).alias(then_mask)]
    groups = [action for action, _ in steps if isinstance(action, GROUP_ACTIONS)]
    first += [
        group_value(action, fields.kinds, ALIVE).alias(columns.group_value(i))
        for i, action in enumerate(groups)
    ]
    kinds_before = {name: fields.kinds[name] for name in written}
    if with_stats:
        first += [pl.col(name).alias(columns.before(name)) for name in written]
    if splitting:
        first.append(pl.lit(True).alias(FIRST))
    frame = frame.with_columns(first)
    if rule.otherwise:
        frame = frame.with_columns((ALIVE & ~pl.col(then_mask)).alias(else_mask))

    # An IF that holds for every item lets THEN's column actions write every row without a mask (rows
    # excluded earlier in the stage are dropped at the checkpoint, whatever they hold).
    for action, mask in steps:
        write_all = condition is True and mask == then_mask
        frame = _apply_action(frame, action, pl.col(mask), write_all, position, groups, fields, context)
    if with_stats:
        flags = [
            _changed(name, kinds_before[name], fields.kinds[name]).alias(columns.changed(position, name))
            for name in written
        ]
        frame = frame.with_columns(flags).drop([columns.before(name) for name in written])
    return frame.drop([columns.group_value(i) for i in range(len(groups))], *compiler.scratch)


def _apply_action(
    frame: pl.LazyFrame,
    action: Action,
    mask: pl.Expr,
    write_all: bool,
    position: int,
    groups: Sequence[Action],
    fields: Fields,
    context: EvaluationContext,
) -> pl.LazyFrame:
    if isinstance(action, Nothing):
        return frame
    if isinstance(action, Exclude):
        return frame.with_columns(**exclude(mask, position))
    kinds_after = kind_after(action, fields.kinds)
    if isinstance(action, SplitItems):
        frame = split_items(frame, action, mask, fields.kinds, context.id_field)
        fields.write(action.field, kinds_after[action.field])
        fields.write(context.id_field, fields.kinds[context.id_field])
        return frame
    if isinstance(action, GROUP_ACTIONS):
        new_values = {action.field: pl.col(columns.group_value(groups.index(action)))}
    else:
        new_values = compile_action(action, fields.kinds)
    if not write_all:
        # Items the action does not write keep their value, in the field's new kind.
        separator = action.separator if isinstance(action, JoinList) else ", "
        new_values = {
            name: pl.when(mask)
            .then(new)
            .otherwise(convert_kind(pl.col(name), fields.kinds[name], kinds_after[name], separator))
            for name, new in new_values.items()
        }
    frame = frame.with_columns(new.alias(name) for name, new in new_values.items())
    for name in new_values:
        fields.write(name, kinds_after[name])
    return frame


def _changed(name: str, was: Kind, now: Kind) -> pl.Expr:
    """Whether the item is still in after the rule with another value than the rule found: a value
    that changed kind (text ↔ list) differs unless it stayed null."""
    after, before = pl.col(name), pl.col(columns.before(name))
    differs = after.ne_missing(before) if was is now else ~(after.is_null() & before.is_null())
    return ALIVE & differs


def _splits(rule: Rule) -> bool:
    return any(isinstance(action, SplitItems) for action in [*rule.then, *rule.otherwise])
