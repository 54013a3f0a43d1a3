"""A rule's IF as one boolean Polars expression (never null), following `model.py` exactly, or
True / False when the answer is the same for every item (all items, today).

Every condition is compiled against the kinds of the fields at the rule (text or list) and the mask
of the items that reach the rule (`alive`), which only the rank conditions need: they rank among
those items. Case-insensitive comparisons lowercase both sides with Polars, so that literals and
values fold the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

import polars as pl

from feedbridge.catalog.parsing import gtin_checked, gtin_number
from feedbridge.errors import InvalidInput
from feedbridge.rules import columns
from feedbridge.rules.model import (
    AllItems,
    Condition,
    DateCondition,
    EmptyCondition,
    Group,
    GtinCondition,
    Kind,
    LengthCondition,
    ListCondition,
    NumberCondition,
    RankCondition,
    RegexCondition,
    TextCondition,
    TodayCondition,
)
from feedbridge.rules.values import convert_kind, folded, is_blank_text, is_empty, number, per_element

# Joins list elements when a list is compared with another field's value: list.eval cannot read
# other columns, so "any element equals X" becomes "SEP+a+SEP+b+SEP contains SEP+X+SEP".
ELEMENT_SEPARATOR = "\x1f"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
WORD = r"\S+"

Predicate = Callable[[pl.Expr], pl.Expr]
# Conditions that test each text (or each element of a list) and have a "does not …" form.
TextLike = TextCondition | ListCondition | RegexCondition | DateCondition


class ConditionCompiler:
    """Compiles the conditions of one rule; `where` names the rule in error messages.

    Lowercasing and reading numbers are the costliest parts of most conditions, so a field's
    lowercase form and its numbers are computed once into helper columns, shared by every later rule
    until the field is written: `derived` maps such columns to their field. What the conditions need
    computed first is left in `prelude` (new derived columns, which the caller keeps) and `scratch`
    (columns for this rule only).
    """

    def __init__(
        self,
        kinds: Mapping[str, Kind],
        alive: pl.Expr,
        now: datetime,
        where: str,
        derived: Mapping[str, str],
    ) -> None:
        self.kinds, self.alive, self.now, self.where = kinds, alive, now, where
        self.derived = dict(derived)
        self.prelude: dict[str, pl.Expr] = {}
        self.scratch: dict[str, pl.Expr] = {}

    def group(self, group: Group) -> pl.Expr | bool:
        """The group's expression, or True / False where it holds for every item or for none (the
        members after a deciding one are then not compiled: "today is Saturday and …" costs nothing
        on other days)."""
        deciding = group.mode == "any"  # a true member decides an OR, a false one an AND
        parts: list[pl.Expr] = []
        for member in group.members:
            part = self.group(member) if isinstance(member, Group) else self.condition(member)
            if isinstance(part, bool):
                if part is deciding:
                    return deciding
                continue
            parts.append(part)
        if not parts:
            return not deciding
        return pl.all_horizontal(parts) if group.mode == "all" else pl.any_horizontal(parts)

    def condition(self, condition: Condition) -> pl.Expr | bool:
        if isinstance(condition, AllItems):
            return True
        if isinstance(condition, TodayCondition):
            return _today_part(self.now, condition.part) in condition.values
        if isinstance(condition, EmptyCondition):
            empty = is_empty(pl.col(condition.field), self._kind(condition.field))
            return empty if condition.op == "is_empty" else ~empty
        if isinstance(condition, RankCondition):
            return self._rank(condition)
        if isinstance(condition, NumberCondition):
            return self._number(condition)
        if isinstance(condition, LengthCondition):
            return self._length(condition)
        if isinstance(condition, GtinCondition):
            valid = self._gtin(condition.field)
            return valid if condition.op == "gtin_valid" else ~valid
        positive = self._positive(condition)
        return positive if condition.op in POSITIVE_OPS else ~positive

    # ── text-like conditions: a positive form; its negation is "does not …" ──────────────────────

    def _positive(self, condition: TextLike) -> pl.Expr:
        if isinstance(condition, TextCondition) and condition.other_field is not None:
            return self._against_field(condition, condition.other_field).fill_null(False)
        if isinstance(condition, TextCondition | ListCondition):
            value = self._value(condition.field, condition.case_sensitive)
            return self._any_element(condition.field, value, _compare(condition))
        predicate = self._regex(condition) if isinstance(condition, RegexCondition) else self._date(condition)
        return self._any_element(condition.field, pl.col(condition.field), predicate)

    def _any_element(self, field: str, value: pl.Expr, predicate: Predicate) -> pl.Expr:
        if self._kind(field) is Kind.LIST:
            return value.list.eval(predicate(pl.element())).list.any().fill_null(False)
        return predicate(value).fill_null(False)

    def _value(self, field: str, case_sensitive: bool) -> pl.Expr:
        """The field as compared: as it is, or its lowercase form (a shared helper column)."""
        if case_sensitive:
            return pl.col(field)
        return self._derive(columns.lowercase(field), field, lambda text: folded(text, False))

    def _numbers(self, field: str) -> pl.Expr:
        """The number in the field's text, or in each element of its list (a shared helper column)."""
        return self._derive(columns.numbers(field), field, number)

    def _derive(self, name: str, field: str, transform: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
        if name not in self.derived:
            self.prelude[name] = per_element(transform, pl.col(field), self._kind(field))
            self.derived[name] = field
        return pl.col(name)

    def _against_field(self, condition: TextCondition, other_field: str) -> pl.Expr:
        case_sensitive = condition.case_sensitive
        other_kind = self._kind(other_field)
        usable = ~is_empty(convert_kind(pl.col(other_field), other_kind, Kind.TEXT), Kind.TEXT)
        other = convert_kind(self._value(other_field, case_sensitive), other_kind, Kind.TEXT)
        value = self._value(condition.field, case_sensitive)
        if self._kind(condition.field) is Kind.TEXT:
            return usable & _compare(condition, other)(value)
        sep = pl.lit(ELEMENT_SEPARATOR)
        joined = pl.concat_str([sep, value.list.join(ELEMENT_SEPARATOR), sep])
        needle = {
            "equals": [sep, other, sep],
            "not_equals": [sep, other, sep],
            "starts_with": [sep, other],
            "ends_with": [other, sep],
        }.get(condition.op, [other])
        return usable & joined.str.contains(pl.concat_str(needle), literal=True)

    def _gtin(self, field: str) -> pl.Expr:
        value = pl.col(field)
        if self._kind(field) is Kind.LIST:
            return (
                value.list.eval(gtin_number(pl.element()))
                .list.eval(gtin_checked(pl.element()))
                .list.any()
                .fill_null(False)
            )
        # The digits as one integer, computed once: the check sum reads it thirteen times.
        name = columns.gtin(field)
        self.scratch[name] = gtin_number(value)
        return gtin_checked(pl.col(name)).fill_null(False)

    def _regex(self, condition: RegexCondition) -> Predicate:
        pattern = condition.pattern if condition.case_sensitive else f"(?i){condition.pattern}"
        try:
            pl.Series([""], dtype=pl.String).str.contains(pattern)
        except pl.exceptions.PolarsError as error:
            # Polars quotes the regex crate, whose own explanation is the line starting "error:".
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            reason = next(
                (line[len("error:") :].strip() for line in lines if line.startswith("error:")), lines[0]
            )
            raise InvalidInput(
                self.where,
                f"the regular expression {condition.pattern!r} on field {condition.field!r} cannot run "
                f"({reason}); write it in the Rust dialect (no look-around, no back-references)",
            ) from error
        return lambda text: text.str.contains(pattern)

    def _date(self, condition: DateCondition) -> Predicate:
        if condition.date is not None:
            target = condition.date
        else:
            target = self.now.date() + timedelta(days=condition.days or 0)

        def parsed(text: pl.Expr) -> pl.Expr:
            if condition.format:
                return text.str.strptime(pl.Date, condition.format, strict=False)
            iso = text.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
            return pl.when(text.str.contains(ISO_DATE)).then(iso)

        return lambda text: _compare_date(parsed(text), condition.op, target)

    # ── numbers, lengths, ranks ───────────────────────────────────────────────────────────────────

    def _number(self, condition: NumberCondition) -> pl.Expr:
        left = self._numbers(condition.field)
        if self._kind(condition.field) is Kind.LIST:
            # Some element beats the other side exactly when the best element does.
            left = left.list.max() if condition.op in ("greater_than", "at_least") else left.list.min()
        right = (
            pl.lit(condition.value)
            if condition.value is not None
            else number(self._as_text(condition.other_field or ""))
        )
        compared = {
            "less_than": left < right,
            "at_most": left <= right,
            "greater_than": left > right,
            "at_least": left >= right,
        }[condition.op]
        return compared.fill_null(False)

    def _length(self, condition: LengthCondition) -> pl.Expr:
        value = pl.col(condition.field)
        is_list = self._kind(condition.field) is Kind.LIST
        if condition.op.startswith("length"):
            size = value.list.len() if is_list else value.str.len_chars()
        elif is_list:
            size = value.list.eval(pl.element().str.count_matches(WORD)).list.sum()
        else:
            size = value.str.count_matches(WORD)
        size = size.fill_null(0)
        return (
            size > condition.n if condition.op in ("length_exceeds", "words_exceed") else size <= condition.n
        )

    def _rank(self, condition: RankCondition) -> pl.Expr:
        if self._kind(condition.field) is Kind.LIST:
            return pl.lit(False)  # a list has no number to rank by
        top = condition.op == "top_n"
        ranked = pl.when(self.alive).then(self._numbers(condition.field))
        # Ordinal ranks break ties by position: the earlier item ranks first.
        return (ranked.rank("ordinal", descending=top) <= condition.n).fill_null(False)

    def _as_text(self, field: str) -> pl.Expr:
        """Another field's value as one text (a list's elements joined with ", ")."""
        return convert_kind(pl.col(field), self._kind(field), Kind.TEXT)

    def _kind(self, field: str) -> Kind:
        return self.kinds.get(field, Kind.TEXT)


POSITIVE_OPS = frozenset(
    {"contains", "equals", "starts_with", "ends_with", "contains_any", "equals_any", "matches"}
    | {"date_before", "date_on_or_after", "date_equals"}
)


def _compare(condition: TextCondition | ListCondition, operand: pl.Expr | None = None) -> Predicate:
    """The positive test on one (already folded) text: against `operand`, or the condition's values."""
    if isinstance(condition, ListCondition):
        # One value per line: blank lines are not values.
        values = [
            _fold_literal(value, condition.case_sensitive)
            for value in condition.values
            if not is_blank_text(value)
        ]
        if not values:
            return lambda text: pl.lit(False)
        if condition.op == "equals_any":
            return lambda text: text.is_in(values)
        return lambda text: text.str.contains_any(values)
    other: str | pl.Expr = (
        operand if operand is not None else _fold_literal(condition.value or "", condition.case_sensitive)
    )
    if condition.op in ("equals", "not_equals"):
        return lambda text: text == other
    if condition.op == "starts_with":
        return lambda text: text.str.starts_with(other)
    if condition.op == "ends_with":
        return lambda text: text.str.ends_with(other)
    return lambda text: text.str.contains(other, literal=True)


def _compare_date(value: pl.Expr, op: str, target: date) -> pl.Expr:
    when = pl.lit(target, dtype=pl.Date)
    if op == "date_before":
        return value < when
    if op == "date_on_or_after":
        return value >= when
    return value == when


def _today_part(now: datetime, part: str) -> int:
    return {
        "weekday": now.isoweekday(),
        "day_of_month": now.day,
        "month": now.month,
        "hour": now.hour,
    }[part]


def _fold_literal(text: str, case_sensitive: bool) -> str:
    """A literal folded exactly as `values.folded` folds values (Polars' lowercasing, not Python's)."""
    if case_sensitive:
        return text
    return str(pl.Series([text], dtype=pl.String).str.to_lowercase()[0])
