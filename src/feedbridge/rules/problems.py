"""Problems found in a rule set, and pydantic's validation errors as such problems in plain words.

A problem names the rule (by name, or by number when the name cannot be read), the part of it
("if › group 2 (any) › condition 1 (contains)", "then › action 2 (max_length)") and how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from feedbridge.errors import InvalidInput
from feedbridge.rules.model import CONDITION_OPS, Action, Condition, Group, Rule

ACTION_NAMES: tuple[str, ...] = tuple(
    name
    for model in get_args(get_args(Action)[0])
    for name in get_args(model.model_fields["action"].annotation)
)
# Which model a condition op or an action name is (for the keys an "unknown key" message lists).
_MODELS: dict[str, type[BaseModel]] = {
    name: model
    for union in (get_args(Action)[0], get_args(Condition)[0])
    for member in get_args(union)
    for model in [get_args(member)[0] if get_args(member) else member]
    for key in ("action", "op")
    if key in model.model_fields
    for name in get_args(model.model_fields[key].annotation)
}
_SHAPES: dict[type[BaseModel] | None, str] = {
    None: "a rule set is a mapping with 'name' and 'rules'",
    Rule: "a rule is a mapping with 'name', 'if', 'then' and 'else'",
    Group: "an IF is a group: a mapping with 'all' (AND) or 'any' (OR) and a list of conditions",
}


@dataclass(frozen=True)
class RuleProblem:
    rule: str | None  # the rule's name, None when it cannot be read (then `position` says which rule)
    part: str  # "if › condition 2 (matches)", "then › action 1 (lookup)"; "" for the rule as a whole
    message: str
    position: int | None = None  # the rule's number, 1 for the first; None for the rule set itself

    def __str__(self) -> str:
        where = f'rule "{self.rule}"' if self.rule else f"rule {self.position}" if self.position else ""
        place = ", ".join(text for text in (where, self.part) if text)
        return f"{place}: {self.message}" if place else self.message


class InvalidRules(InvalidInput):
    """A rule set that cannot be saved; `problems` lists every problem, str() one per line."""

    def __init__(self, problems: list[RuleProblem], source: str = "rules") -> None:
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'} to fix"
        super().__init__(source, "\n".join([count, *(str(problem) for problem in problems)]))
        self.problems = problems


def problems_from(error: ValidationError, data: Any) -> list[RuleProblem]:
    """Each of pydantic's errors for rule set `data` as a problem (repeats dropped)."""
    return list(dict.fromkeys(_problem(detail, data) for detail in error.errors()))


def _problem(error: Any, data: Any) -> RuleProblem:
    loc = list(error["loc"])
    if len(loc) < 2 or loc[0] != "rules" or not isinstance(loc[1], int):
        return RuleProblem(None, "rule set", _message(error, loc, None))
    rule = _at(data, "rules", loc[1])
    name = rule.get("name") if isinstance(rule, dict) else None
    name = name.strip() if isinstance(name, str) and name.strip() else None
    part, keys, model = _part(loc[2:], rule)
    return RuleProblem(name, part, _message(error, keys, model), loc[1] + 1)


def _part(loc: list[Any], rule: Any) -> tuple[str, list[Any], type[BaseModel] | None]:
    """The part of a rule an error location points at, the keys inside it, and the part's model."""
    if loc[:1] == ["if"]:
        labels, group, loc = ["if"], _at(rule, "if"), loc[1:]
        while len(loc) >= 2 and loc[0] in ("all", "any") and isinstance(loc[1], int):
            member, number, loc = _at(group, loc[0], loc[1]), loc[1] + 1, loc[2:]
            if loc[:1] == ["group"]:
                mode = "all" if isinstance(member, dict) and "all" in member else "any"
                labels.append(f"group {number} ({mode})")
                group, loc = member, loc[1:]
                continue
            op = member.get("op") if isinstance(member, dict) else None
            labels.append(f"condition {number}" + (f" ({op})" if isinstance(op, str) else ""))
            return " › ".join(labels), loc[2:], _MODELS.get(op) if isinstance(op, str) else None
        return " › ".join(labels), loc, Group
    if len(loc) >= 2 and loc[0] in ("then", "else") and isinstance(loc[1], int):
        action = _at(rule, loc[0], loc[1])
        name = action.get("action") if isinstance(action, dict) else None
        label = f"{loc[0]} › action {loc[1] + 1}" + (f" ({name})" if isinstance(name, str) else "")
        keys = loc[3:] if loc[2:3] == [name] else loc[2:]
        return label, keys, _MODELS.get(name) if isinstance(name, str) else None
    return "", loc, Rule


def _message(error: Any, keys: list[Any], model: type[BaseModel] | None) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    key = " › ".join(f"#{part + 1}" if isinstance(part, int) else str(part) for part in keys)
    what = f"'{key}'" if key else "this"
    if kind == "union_tag_invalid" or (
        kind == "union_tag_not_found" and ctx.get("discriminator") == "'action'"
    ):
        given = value.get("action") if isinstance(value, dict) else None
        start = (
            f"unknown action {given!r}{_close(given, ACTION_NAMES)}" if given else "an action needs 'action'"
        )
        return f"{start} — one of: {', '.join(ACTION_NAMES)}"
    if kind == "union_tag_not_found":
        given = value.get("op") if isinstance(value, dict) else None
        if given is None:
            return (
                f"a condition needs 'op' (one of: {', '.join(CONDITION_OPS)}); a group needs 'all' or 'any'"
            )
        return (
            f"unknown condition {given!r}{_close(given, CONDITION_OPS)} — one of: {', '.join(CONDITION_OPS)}"
        )
    if kind == "extra_forbidden":
        if len(keys) > 1:  # inside a pair or a term
            inside = " › ".join(f"#{part + 1}" if isinstance(part, int) else str(part) for part in keys[:-1])
            return f"unknown key {keys[-1]!r} in '{inside}': remove it"
        return _unknown_key(key, model)
    if kind == "missing":
        return f"{what} is missing: add it"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_too_short":
        return f"{what} is empty: fill it in"
    if kind == "too_short" and keys == ["then"]:
        return "a rule needs at least one THEN action (use 'nothing' to act only in ELSE)"
    if kind == "too_short":
        return f"{what} needs at least {ctx.get('min_length', 1)} entry"
    if kind in ("string_too_long", "too_long"):
        return f"{what} is too long: at most {ctx.get('max_length')}"
    bounds = {"greater_than_equal": "at least", "less_than_equal": "at most", "greater_than": "more than"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return f"{what} must be {bounds[kind]} {limit}, not {value!r}"
    if kind == "literal_error":
        return f"{what} must be one of {ctx.get('expected')}, not {value!r}"
    if kind == "string_pattern_mismatch" and keys[-1:] == ["ending"]:
        return f"'ending' must be a price ending such as .99, 9.99 or 5, not {value!r}"
    if kind.startswith(("float_", "int_")):
        return f"{what} must be a {'whole ' if kind.startswith('int') else ''}number, not {value!r}"
    if kind.startswith("bool_"):
        return f"{what} must be true or false, not {value!r}"
    if kind.startswith("date"):
        return f"{what} must be a date written YYYY-MM-DD, not {value!r}"
    if kind == "list_type":
        return f"{what} must be a list"
    if kind == "string_type":
        return f"{what} must be text, not {value!r}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if not keys:
            return _SHAPES.get(model, "this must be a mapping of keys to values") + f", not {value!r}"
        return f"{what} must be a mapping of keys to values, not {value!r}"
    return f"{what}: {error['msg']}"


def _unknown_key(key: str, model: type[BaseModel] | None) -> str:
    if model is None or not key:
        return f"unknown key {key!r}: remove it"
    allowed = [
        info.alias or name for name, info in model.model_fields.items() if name not in ("op", "action")
    ]
    return f"unknown key {key!r}{_close(key, allowed)} (keys here: {', '.join(allowed)})"


def _close(given: Any, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(given), known, n=1)
    return f" — did you mean {close[0]!r}?" if close else ""


def _at(data: Any, *path: Any) -> Any:
    """`data[path…]`, or None where the data has no such place."""
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data
