"""Rule tests: sample items with the items expected after the rules, in a YAML (or JSON) file.

    rule_set: shop-rules.yaml        # a rule set file, relative to this file; or inline:
    # rules: {name: Shop rules, rules: [...]}     (or just the list of rules)
    id_field: sku                    # default: id
    now: 2026-03-02T09:00:00+01:00   # "today" for date rules; default: now (UTC when no offset is given)
    tests:
      - name: long titles are cut on a word
        items:
          - {sku: A1, title: A very long title, tags: [red, wool]}
        expect:                      # the items after the rules, in order; only the fields listed are checked
          - {sku: A1, title: A very long…}
        excluded: [B2]               # optional: these items must be gone

Runs without a database, so merchants and agencies can check their rules in their own CI. A test file
holds a handful of items: building them and comparing the results happen in plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from feedbridge.catalog.model import FieldType
from feedbridge.errors import InvalidInput
from feedbridge.rules.engine import EvaluationContext, explain_item, run_rules
from feedbridge.rules.files import load_data, load_rule_set, rule_set_from_data
from feedbridge.rules.model import RuleSet
from feedbridge.rules.services import check_rule_set_assuming_fields

Value = str | list[str] | None
_SOURCE = "\x01source"  # the input item each result row comes from (no feed field has this name)


class _Missing:
    def __repr__(self) -> str:
        return "(no such field)"


MISSING: Any = _Missing()


class _Test(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    items: list[dict[str, Any]] = Field(min_length=1)  # values checked by `_checked`, to say which
    expect: list[dict[str, Any]]
    excluded: list[str] = Field(default_factory=list)


class _TestFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: Any = None
    rule_set: str | None = None
    id_field: str = Field(default="id", min_length=1)
    now: datetime | None = None
    tests: list[_Test] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_source(self) -> _TestFile:
        if (self.rules is None) == (self.rule_set is None):
            raise ValueError("give exactly one of 'rules' (inline) and 'rule_set' (a file)")
        return self


@dataclass(frozen=True)
class Difference:
    """One way the result differs: an item's field, the number of items, or an exclusion."""

    item: int | None  # the expected item's number (1 = the first); None for the items as a whole
    item_id: str | None  # the ID of the item the rules returned there
    field: str | None  # None: the number of items, or an exclusion
    expected: Any
    got: Any
    note: str = ""

    def __str__(self) -> str:
        if self.field is not None:
            where = f"item {self.item}" + (f" ({self.item_id})" if self.item_id else "") + f" › {self.field}"
        elif self.item_id is not None:
            return f"item {self.item_id!r}: expected {self.expected}, got {self.got}"
        else:
            where = "number of items"
        text = f"{where}: expected {_show(self.expected)}, got {_show(self.got)}"
        return f"{text} — {self.note}" if self.note else text


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str | list):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class RuleTestResult:
    name: str
    differences: list[Difference]
    notes: list[str]  # on failure: which rule excluded each item the test did not list as excluded

    @property
    def passed(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class RuleTestReport:
    path: Path
    rule_set: str
    results: list[RuleTestResult]

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)

    @property
    def failed(self) -> int:
        return sum(not result.passed for result in self.results)


def run_rule_tests(path: Path) -> RuleTestReport:
    """Run every test in the file; InvalidInput (or InvalidRules) when the file itself is wrong."""
    data = load_data(path)
    try:
        spec = _TestFile.model_validate(data if data is not None else {})
    except ValidationError as error:
        raise InvalidInput(str(path), _problems(error)) from None
    rule_set = _rule_set(spec, path)
    context = EvaluationContext(id_field=spec.id_field, now=_aware(spec.now or datetime.now(UTC)))
    results = [_run(test, rule_set, context, f"{path} › test {test.name!r}") for test in spec.tests]
    return RuleTestReport(path, rule_set.name, results)


def _problems(error: ValidationError) -> str:
    lines = []
    for detail in error.errors():
        where = " › ".join(f"#{p + 1}" if isinstance(p, int) else str(p) for p in detail["loc"])
        lines.append(f"{where or 'the file'}: {detail['msg']}")
    return (
        "; ".join(lines)
        + " (a test file has 'rules' or 'rule_set', optional 'id_field' and 'now', and 'tests')"
    )


def _rule_set(spec: _TestFile, path: Path) -> RuleSet:
    if spec.rule_set is not None:
        return load_rule_set(path.parent / spec.rule_set)
    rules = spec.rules
    data = {"name": path.stem, "rules": rules} if isinstance(rules, list) else rules
    return rule_set_from_data(data, source=f"{path} › rules")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _checked(items: list[dict[str, Any]], what: str, source: str) -> list[dict[str, Value]]:
    for number, item in enumerate(items, start=1):
        for name, value in item.items():
            is_list = isinstance(value, list) and all(isinstance(element, str) for element in value)
            if not (value is None or isinstance(value, str) or is_list):
                raise InvalidInput(
                    f"{source} › {what} › #{number} › {name}",
                    f"a value is text, a list of text or null (~), not {value!r}.",
                )
    return items


def _run(test: _Test, rule_set: RuleSet, context: EvaluationContext, source: str) -> RuleTestResult:
    frame = _frame(_checked(test.items, "items", source), context.id_field, source)
    ids = frame[context.id_field].to_list()
    unknown = [item_id for item_id in test.excluded if item_id not in ids]
    if unknown:
        raise InvalidInput(source, f"'excluded' names {unknown} that are not among the test's items.")
    types = {
        name: FieldType.LIST if isinstance(t, pl.List) else FieldType.TEXT for name, t in frame.schema.items()
    }
    check_rule_set_assuming_fields(rule_set, types, id_field=context.id_field, source=source)
    tracked = frame.with_columns(pl.col(context.id_field).alias(_SOURCE))
    result = run_rules(tracked, rule_set, context, with_stats=False).frame
    kept = set(result[_SOURCE].to_list())
    rows = result.drop(_SOURCE).to_dicts()
    differences = _compare(_checked(test.expect, "expect", source), rows, context.id_field)
    differences += [Difference(None, i, None, "excluded", "kept") for i in test.excluded if i in kept]
    notes = []
    if differences:  # which rule removed the items the test did not expect to lose
        for item_id in ids:
            if item_id not in kept and item_id not in test.excluded:
                rule = explain_item(frame, rule_set, context, item_id).excluded_by
                notes.append(f"item {item_id!r} was excluded by rule {rule!r}")
    return RuleTestResult(test.name, differences, notes)


def _frame(items: list[dict[str, Value]], id_field: str, source: str) -> pl.DataFrame:
    """The test's items as the catalog stores them: every field text or a list of text."""
    names = list(dict.fromkeys(name for item in items for name in item))
    lists = {name for item in items for name, value in item.items() if isinstance(value, list)}
    texts = {name for item in items for name, value in item.items() if isinstance(value, str)}
    if mixed := sorted(lists & texts):
        raise InvalidInput(source, f"{mixed[0]!r} is a list in some items and text in others: use one kind.")
    ids = [item.get(id_field) for item in items]
    if any(not isinstance(i, str) or not i.strip() for i in ids) or len(set(ids)) != len(ids):
        raise InvalidInput(
            source, f"every item needs its own {id_field!r} (the unique ID field; see 'id_field')."
        )
    return pl.DataFrame(
        [
            pl.Series(
                name, [item.get(name) for item in items], pl.List(pl.String) if name in lists else pl.String
            )
            for name in names
        ]
    )


def _compare(expected: list[dict[str, Value]], rows: list[dict[str, Any]], id_field: str) -> list[Difference]:
    found: list[Difference] = []
    if len(expected) != len(rows):
        found.append(Difference(None, None, None, len(expected), len(rows), _ids(rows, id_field)))
    for number, (want, row) in enumerate(zip(expected, rows, strict=False), start=1):
        item_id = row.get(id_field)
        for name, value in want.items():
            got = row.get(name, MISSING)
            if got != value:
                found.append(Difference(number, item_id, name, value, got))
    return found


def _ids(rows: list[dict[str, Any]], id_field: str) -> str:
    return "the rules returned " + (", ".join(str(row.get(id_field)) for row in rows) or "no items")
