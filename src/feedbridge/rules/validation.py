"""Save-time validation: a rule set as data → a RuleSet, and a RuleSet against the project's fields.

Every problem (`problems.RuleProblem`) names the rule and the part and says how to fix it.
Everything found is a problem: there are no warnings. The checks are listed in docs/rules.md.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl
from pydantic import ValidationError

from feedbridge.catalog.model import FieldType
from feedbridge.rules import flow
from feedbridge.rules.calculation import calculation_fields, parse_calculation
from feedbridge.rules.model import (
    Action,
    BuildGroup,
    Calculate,
    CalculateGroup,
    Condition,
    Copy,
    DateCondition,
    Group,
    GtinCondition,
    JoinList,
    Kind,
    ListCondition,
    Lookup,
    NumberCondition,
    RankCondition,
    RegexCondition,
    Round,
    RuleSet,
    SearchInList,
    SearchReplace,
    SearchValue,
    SliceList,
    SortList,
    SplitItems,
    SplitText,
    TodayCondition,
)
from feedbridge.rules.problems import InvalidRules, RuleProblem, problems_from

_TODAY_RANGES = {"weekday": (1, 7), "day_of_month": (1, 31), "month": (1, 12), "hour": (0, 23)}
# A date every date format must write and read back whole (in a time zone, so %z and %Z work).
_PROBE = pl.lit("2031-11-27T13:45:56+00:00").str.to_datetime("%Y-%m-%dT%H:%M:%S%z")
_NOT_NUMBERS = (FieldType.DATE, FieldType.URL, FieldType.LIST)
_SHOWN_FIELDS = 12


def parse_rule_set(data: Any, *, source: str = "rules") -> RuleSet:
    """`data` (parsed JSON or YAML) as a RuleSet; InvalidRules in plain words when it is not one."""
    try:
        return RuleSet.model_validate(data)
    except ValidationError as error:
        raise InvalidRules(problems_from(error, data), source) from None


def check_rule_set(
    rule_set: RuleSet, fields: Mapping[str, FieldType], *, id_field: str | None = None
) -> None:
    """Raise InvalidRules if `validate_rule_set` finds anything."""
    problems = validate_rule_set(rule_set, fields, id_field=id_field)
    if problems:
        raise InvalidRules(problems, f"rule set {rule_set.name!r}")


def validate_rule_set(
    rule_set: RuleSet, fields: Mapping[str, FieldType], *, id_field: str | None = None
) -> list[RuleProblem]:
    """Every problem of `rule_set` for a project with `fields` (and unique ID field `id_field`).

    Rules are walked in order: a field an earlier enabled rule writes is known to later rules, with
    the kind it leaves. Disabled rules are checked too (so that enabling one holds no surprise), but
    the fields they write are not known to later rules, as they are not written when the rules run.
    """
    problems: list[RuleProblem] = []
    if not rule_set.name.strip():
        problems.append(RuleProblem(None, "name", "the rule set's name is blank: give it a name"))
    state = _Fields(dict(fields), id_field)
    seen: dict[str, int] = {}
    for position, rule in enumerate(rule_set.rules, start=1):
        name = rule.name.strip() or None

        def report(part: str, messages: Iterable[str], name: str | None = name, at: int = position) -> None:
            problems.extend(RuleProblem(name, part, message, at) for message in messages)

        if name is None:
            report("name", ["the rule's name is blank: give every rule a name"])
        elif (first := seen.setdefault(name.casefold(), position)) != position:
            report("name", [f"rule {first} has the same name: give every rule its own name"])
        # A disabled rule is checked on a copy, as if it ran; later rules do not see what it writes.
        seen_by_rule = state if rule.enabled else state.copy()
        for part, condition in _conditions(rule.when, "if"):
            report(part, _condition_problems(condition, seen_by_rule))
        for branch, actions in (("then", rule.then), ("else", rule.otherwise)):
            for number, action in enumerate(actions, start=1):
                report(
                    f"{branch} › action {number} ({action.action})", _action_problems(action, seen_by_rule)
                )
                seen_by_rule.write(action)
                if not rule.enabled:
                    state.disabled_writers.update(dict.fromkeys(flow.action_writes(action), rule.name))
    return problems


# ── the fields as the rules run ────────────────────────────────────────────────────────────────


def fields_after(rule_set: RuleSet, fields: Mapping[str, FieldType]) -> dict[str, FieldType]:
    """The fields and their types after the rule set's enabled rules (what a later layer sees)."""
    state = _Fields(dict(fields), None)
    for rule in rule_set.enabled_rules:
        for action in [*rule.then, *rule.otherwise]:
            state.write(action)
    return state.types


class _Fields:
    """Each field's catalog type as the rules go: project fields, then what earlier rules write."""

    def __init__(self, types: dict[str, FieldType], id_field: str | None) -> None:
        self.types, self.id_field = types, id_field
        self.disabled_writers: dict[str, str] = {}

    def kind(self, name: str) -> Kind | None:
        return (
            None if name not in self.types else Kind.LIST if self.types[name] is FieldType.LIST else Kind.TEXT
        )

    def copy(self) -> _Fields:
        copied = _Fields(dict(self.types), self.id_field)
        copied.disabled_writers = dict(self.disabled_writers)
        return copied

    def write(self, action: Action) -> None:
        kinds = {name: kind for name in self.types if (kind := self.kind(name)) is not None}
        for name, kind in flow.kind_after(action, kinds).items():
            self.types[name] = self._type_after(action, name, kind)

    def _type_after(self, action: Action, name: str, kind: Kind) -> FieldType:
        if kind is Kind.LIST:
            return FieldType.LIST
        if isinstance(action, Calculate | CalculateGroup | Round | SearchInList):
            return FieldType.NUMBER
        # A copy has its source's type; other actions leave the field's own (a new field is text).
        before = self.types.get(action.source if isinstance(action, Copy) else name, FieldType.TEXT)
        return FieldType.TEXT if before is FieldType.LIST else before

    def unknown(self, names: Iterable[str]) -> list[str]:
        return [self._unknown(name) for name in dict.fromkeys(names) if name not in self.types]

    def _unknown(self, name: str) -> str:
        if name in self.disabled_writers:
            return (
                f"field {name!r} is only created by rule {self.disabled_writers[name]!r}, which is disabled: "
                "enable that rule or use another field"
            )
        known = list(self.types)
        same_case = [field for field in known if field.casefold() == name.casefold()]
        close = same_case or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if close:
            return f"unknown field {name!r} — did you mean {close[0]!r}?"
        shown = ", ".join(known[:_SHOWN_FIELDS]) + (", …" if len(known) > _SHOWN_FIELDS else "")
        return f"unknown field {name!r}: use a field of the project or one an earlier rule creates ({shown})"

    def problem_if(self, name: str, bad: Sequence[FieldType], why: str) -> list[str]:
        found = self.types.get(name)
        return [f"field {name!r} is {_a(found)}: {why}"] if found in bad else []


def _a(field_type: FieldType | None) -> str:
    return "a list" if field_type is FieldType.LIST else f"a {field_type} field"


# ── conditions ──────────────────────────────────────────────────────────────────────────────────


def _conditions(group: Group, path: str) -> Iterable[tuple[str, Condition]]:
    for number, member in enumerate(group.members, start=1):
        if isinstance(member, Group):
            yield from _conditions(member, f"{path} › group {number} ({member.mode})")
        else:
            yield f"{path} › condition {number} ({member.op})", member


def _condition_problems(condition: Condition, state: _Fields) -> list[str]:
    found = state.unknown(flow.condition_reads(condition))
    if isinstance(condition, ListCondition):
        found += _duplicates(
            "values", [value for value in condition.values if value.strip()], condition.case_sensitive
        )
    if isinstance(condition, RegexCondition):
        found += [
            f"pattern {condition.pattern!r}: {reason}"
            for reason in [regex_problem(condition.pattern)]
            if reason
        ]
    if isinstance(condition, NumberCondition | RankCondition):
        why = "number conditions compare one number per item: use a number or text field"
        for name in flow.condition_reads(condition):
            found += state.problem_if(name, _NOT_NUMBERS, why)
    if isinstance(condition, GtinCondition):
        found += state.problem_if(
            condition.field, [FieldType.DATE, FieldType.URL, FieldType.LIST], "check a field that holds GTINs"
        )
    if isinstance(condition, DateCondition):
        found += state.problem_if(
            condition.field,
            [FieldType.GTIN, FieldType.URL, FieldType.LIST]
            + ([FieldType.NUMBER] if condition.format is None else []),
            "date conditions need a date or text field (or a number field with a 'format' such as %Y%m%d)",
        )
        if condition.format is not None and (reason := date_format_problem(condition.format)):
            found.append(f"format {condition.format!r}: {reason}")
    if isinstance(condition, TodayCondition):
        low, high = _TODAY_RANGES[condition.part]
        wrong = [value for value in condition.values if not low <= value <= high]
        if wrong:
            found.append(f"{condition.part} runs from {low} to {high}, not {', '.join(map(str, wrong))}")
    return found


# ── actions ─────────────────────────────────────────────────────────────────────────────────────


def _action_problems(action: Action, state: _Fields) -> list[str]:
    found = state.unknown(flow.action_reads(action))
    if isinstance(action, SearchReplace):
        found += _search_replace_problems(action)
    if isinstance(action, Lookup):
        found += _duplicates("table keys", [pair.find for pair in action.table], action.case_sensitive)
    if isinstance(action, SearchValue):
        found += _duplicates("terms", [term.term for term in action.terms], action.case_sensitive)
    if isinstance(action, SearchInList):
        found += _duplicates("terms", action.terms, action.case_sensitive)
    if isinstance(action, Calculate):
        found += state.problem_if(
            action.field, [FieldType.LIST], "calculate writes one number: write it to a text field"
        )
        for name in calculation_fields(parse_calculation(action.expression)):
            found += state.problem_if(
                name, _NOT_NUMBERS, "a calculation needs one number per item from each field"
            )
    if isinstance(action, Round):
        found += state.problem_if(action.field, _NOT_NUMBERS, "round a field that holds a number")
    if isinstance(action, SplitText):
        found += state.problem_if(action.field, [FieldType.LIST], "it is split already; split works on text")
    if isinstance(action, SplitItems) and action.field == state.id_field:
        found.append(f"{action.field!r} is the unique ID field: split items on the list field that varies")
    elif (
        isinstance(action, JoinList | SortList | SliceList | SplitItems)
        and state.kind(action.field) is Kind.TEXT
    ):
        found.append(
            f"field {action.field!r} holds text: {action.action} works on a list (split the text first)"
        )
    if isinstance(action, BuildGroup | CalculateGroup):
        found += state.problem_if(action.group_field, [FieldType.LIST], "group by a text field")
    if isinstance(action, CalculateGroup) and action.function != "count":
        found += state.problem_if(action.source, _NOT_NUMBERS, f"{action.function} needs one number per item")
    return found


def _search_replace_problems(action: SearchReplace) -> list[str]:
    if not action.regex:
        return []
    found: list[str] = []
    for number, pair in enumerate(action.pairs, start=1):
        if reason := regex_problem(pair.find):
            found.append(f"pair {number}: pattern {pair.find!r}: {reason}")
            continue
        groups = regex_group_count(pair.find)
        wrong = sorted({group for group in _group_references(pair.replace_with) if group > groups})
        if wrong:
            has = f"only {groups} group{'' if groups == 1 else 's'}" if groups else "no groups"
            found.append(
                f"pair {number}: 'replace_with' uses {', '.join(f'${group}' for group in wrong)} but the pattern "
                f"has {has}: groups are numbered from $1 by their '(' (write $$ for a dollar sign)"
            )
    return found


def _group_references(replacement: str) -> list[int]:
    """The group numbers `$1` … `$9` in a replacement (`$$` is a dollar sign)."""
    return [int(match[1:]) for match in re.findall(r"\$\$|\$[0-9]", replacement) if match != "$$"]


def _duplicates(what: str, values: list[str], case_sensitive: bool) -> list[str]:
    spellings: dict[str, list[str]] = {}
    for value in values:
        spellings.setdefault(value if case_sensitive else value.lower(), []).append(value)
    repeated = {key: found for key, found in spellings.items() if len(found) > 1}
    if not repeated:
        return []
    listed = "; ".join(
        f"{found[0]!r} {len(found)} times"
        + (f" (as {', '.join(repr(v) for v in dict.fromkeys(found))})" if len(set(found)) > 1 else "")
        for found in repeated.values()
    )
    how = "" if case_sensitive else " (compared ignoring case)"
    return [f"{what} must be unique{how}: {listed} — keep one of each"]


# ── regexes and date formats, checked by Polars itself ─────────────────────────────────────────


@functools.lru_cache(maxsize=4096)
def regex_problem(pattern: str) -> str | None:
    """Why Polars cannot run `pattern` (its regex dialect is Rust's), or None when it can."""
    try:
        pl.select(pl.lit("").str.contains(pattern))
    except pl.exceptions.PolarsError as error:
        text = str(error)
        reason = next(
            (line[7:] for line in text.splitlines() if line.startswith("error: ")), text.splitlines()[0]
        )
        if "look-around" in reason or "backreference" in reason:
            return (
                "look-around and back-references are not supported — Polars runs the Rust regex dialect: "
                r"rewrite the pattern without (?=…), (?!…), (?<=…), (?<!…) and \1"
            )
        if "size limit" in reason:
            return "the pattern is too large to compile: shorten it or split it over several rules"
        return f"not a regular expression Polars can run ({reason}): check brackets, repetitions and escapes"
    return None


@functools.lru_cache(maxsize=4096)
def regex_group_count(pattern: str) -> int:
    """How many capture groups a pattern that Polars can run has."""
    struct = pl.select(pl.lit("").str.extract_groups(pattern)).to_series().dtype
    return len(struct.fields) if isinstance(struct, pl.Struct) else 0


@functools.lru_cache(maxsize=1024)
def date_format_problem(date_format: str) -> str | None:
    """Why `date_format` cannot read dates, or None: a date written with it must read back whole."""
    try:
        text = pl.select(_PROBE.dt.strftime(date_format)).item()
    except pl.exceptions.PolarsError:
        return "it has a code that is not a strftime code (such as %d, %m, %Y, %b, %H): fix the codes"
    back = pl.select(pl.lit(text).str.to_date(date_format, strict=False)).item()
    if back is None or back.isoformat() != "2031-11-27":
        return "it does not read a whole date: it needs the year, month and day (for example %d.%m.%Y)"
    return None
