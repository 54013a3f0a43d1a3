"""Checking category lines: their shape (from files), their conditions against the API's fields, and
their targets against the connection's category tree.

A line's condition is checked as the IF of a rule that does nothing, so that lines and rules share one
validator and one set of messages (docs/rules.md); each message names the line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from feedbridge.catalog.model import FieldType
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.tree import FALLBACK_LANGUAGE, CategoryTree
from feedbridge.errors import InvalidInput
from feedbridge.rules.model import Nothing, Rule, RuleSet
from feedbridge.rules.problems import InvalidRules, RuleProblem
from feedbridge.rules.services import check_rule_set_assuming_fields
from feedbridge.rules.validation import parse_rule_set, validate_rule_set
from feedbridge.validation import MAX_NAME_LENGTH

_KEYS = tuple(field.alias or name for name, field in CategoryLine.model_fields.items())
_SHAPE = f"a line is a mapping with {', '.join(repr(key) for key in _KEYS)}"
_EXPECTED = {
    "category_id": "'category_id' must be a category id (a whole number above 0), or left out until one is picked",
    "label": f"'label' must be text of at most {MAX_NAME_LENGTH} characters",
}


def line_name(position: int) -> str:
    return f"category line {position}"


def parse_line(data: Any, position: int) -> CategoryLine:
    """`data` (parsed YAML or JSON) as line `position`; InvalidInput saying what is wrong where."""
    where = line_name(position)
    if not isinstance(data, dict):
        raise InvalidInput(where, f"{_SHAPE}, not {data!r}")
    for key in data:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            raise InvalidInput(where, f"unknown key {key!r}{hint} (keys: {', '.join(_KEYS)})")
    if "if" not in data:
        raise InvalidInput(where, "'if' is missing: add the condition that selects the line's items")
    try:
        parse_rule_set(
            {"name": where, "rules": [{"name": where, "if": data["if"], "then": [{"action": "nothing"}]}]}
        )
    except InvalidRules as error:
        raise _invalid(where, error.problems) from None
    try:
        return CategoryLine.model_validate(data)
    except ValidationError as error:
        key = str(error.errors()[0]["loc"][0])
        raise InvalidInput(where, f"{_EXPECTED.get(key, key)}, not {data.get(key)!r}") from None


def check_line(line: CategoryLine, position: int, fields: Mapping[str, FieldType] | None) -> None:
    """The line's condition against the fields the API's items have after the rules (None before the
    project's first import: then only problems that hold whatever the fields are)."""
    where = line_name(position)
    rules = RuleSet(name=where, rules=[Rule(name=where, when=line.when, then=[Nothing(action="nothing")])])
    if fields is None:
        try:
            check_rule_set_assuming_fields(rules, {}, source=where)
        except InvalidRules as error:
            raise _invalid(where, error.problems) from None
        return
    if problems := validate_rule_set(rules, fields):
        raise _invalid(where, problems)


def check_target(
    category_id: int | None, tree: CategoryTree | None, where: str, language: str = FALLBACK_LANGUAGE
) -> None:
    """A target must be a leaf of the connection's tree, which holds only categories the seller may use."""
    if category_id is None or tree is None:
        return
    node = tree.get(category_id)
    if node is None:
        raise InvalidInput(
            where,
            f"category {category_id} is not in the connection's category tree (unknown, or a category the "
            "seller may not post in); find one with `feedbridge categories tree API --search TEXT`",
        )
    if not node.is_leaf:
        raise InvalidInput(
            where,
            f"category {category_id} ({tree.path_text(category_id, language)}) has sub-categories; pick one of "
            f"them (`feedbridge categories tree API --parent {category_id}`)",
        )


def _invalid(where: str, problems: list[RuleProblem]) -> InvalidInput:
    messages = [
        f"{problem.part}: {problem.message}" if problem.part else problem.message for problem in problems
    ]
    return InvalidInput(where, "; ".join(messages))
