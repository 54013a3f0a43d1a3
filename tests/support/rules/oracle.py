"""The reference evaluator: rules applied row by row in plain Python, straight from the docstrings of
`feedbridge.rules.model`. It shares nothing with the compiler (no Polars, no `values.py`), so the
hypothesis tests can check the compiled plans against an independent reading of the same contract.
The benchmark also runs it as the "straightforward pure-Python evaluator" of issue 5.

Items are dicts of field → text, list of text or None (a missing key is null). Regexes are the Rust
dialect; `rust_pattern` translates the constructs whose meaning differs in Python's `re` (`$`, `\\s`),
and `_find_all` reproduces Rust's handling of empty matches. `\\w` and `\\b` are not translated (their
Unicode definitions differ between the two engines).

Where a docstring leaves a case open, the oracle's choice is commented with "Assumed:".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from feedbridge.rules.calculation import Binary, FieldValue, Negate, Node, Number, parse_calculation
from feedbridge.rules.model import (
    AddText,
    AllItems,
    BuildGroup,
    Calculate,
    CalculateGroup,
    ChangeCase,
    Combine,
    Condition,
    Copy,
    DateCondition,
    EmptyCondition,
    Exclude,
    Group,
    GtinCondition,
    JoinList,
    Kind,
    LengthCondition,
    ListCondition,
    Lookup,
    MaxLength,
    Nothing,
    NumberCondition,
    RankCondition,
    RegexCondition,
    Replace,
    Round,
    Rule,
    RuleSet,
    SearchInList,
    SearchReplace,
    SearchValue,
    SetValue,
    SliceList,
    SortList,
    SplitItems,
    SplitText,
    StripHtml,
    TextCondition,
    TodayCondition,
    Trim,
)

Value = str | list[str] | None
Item = dict[str, Any]

# Unicode White_Space, what Rust's `\s` and `str::trim` use (Python's str.isspace also takes \x1c–\x1f).
WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_WS = "".join(sorted(WHITESPACE))
_WS_CLASS = "[" + re.escape(_WS) + "]"
_WS_RUN = re.compile(_WS_CLASS + "+")
_WORD = re.compile("[^" + re.escape(_WS) + "]+")
_LEADING_NUMBER = re.compile(r"^" + _WS_CLASS + r"*(-?[0-9]+(?:\.[0-9]+)?)")
_FIRST_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(amp|lt|gt|quot|#39|apos|nbsp);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'", "apos": "'", "nbsp": "\xa0"}
_GTIN_LENGTHS = (8, 12, 13, 14)
LARGEST_SCALED = 2**53


# ── values ─────────────────────────────────────────────────────────────────────────────────────


def strip_ws(text: str) -> str:
    return text.strip(_WS)


def is_blank(text: str) -> bool:
    return strip_ws(text) == ""


def is_empty(value: Value) -> bool:
    if value is None:
        return True
    return len(value) == 0 if isinstance(value, list) else is_blank(value)


def number(text: str | None) -> float | None:
    """A leading signed number, else the first unsigned one (ASCII digits, "." decimal mark)."""
    if text is None:
        return None
    match = _LEADING_NUMBER.match(text) or _FIRST_NUMBER.search(text)
    if match is None:
        return None
    return float(match.group(1) if match.re is _LEADING_NUMBER else match.group(0))


def format_number(value: float, decimals: int) -> str | None:
    """floor(value · 10^decimals + 0.5) in float64, as exact decimal text; None when not writable."""
    scaled = value * float(10**decimals) + 0.5
    if not math.isfinite(scaled):
        return None
    whole = math.floor(scaled)
    return scaled_to_text(whole, decimals) if abs(whole) < LARGEST_SCALED else None


def scaled_to_text(scaled: int, decimals: int) -> str:
    sign = "-" if scaled < 0 else ""
    integer, fraction = divmod(abs(scaled), 10**decimals)
    return f"{sign}{integer}" + (f".{str(fraction).zfill(decimals)}" if decimals else "")


def fold(text: str, case_sensitive: bool) -> str:
    return text if case_sensitive else text.lower()


def as_text(value: Value) -> str | None:
    """A value read as text: a list as its elements joined with ", "."""
    return ", ".join(value) if isinstance(value, list) else value


def convert(value: Value, kind: Kind, separator: str = ", ") -> Value:
    """A value as the other kind: text → one-element list (blank → empty list), list → joined."""
    if value is None:
        return None
    if kind is Kind.LIST and isinstance(value, str):
        return [] if is_blank(value) else [value]
    if kind is Kind.TEXT and isinstance(value, list):
        return separator.join(value)
    return value


def per_element(transform: Callable[[str], str | None], value: Value) -> Value:
    """A text transformation on text, or on each element of a list (null stays null)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [transform(element) for element in value]
    return transform(value)


# ── Rust regexes in Python ─────────────────────────────────────────────────────────────────────


@lru_cache(maxsize=1024)
def rust_pattern(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    """A Rust-dialect pattern compiled by Python with Rust's meaning of `$` (the very end of the
    text; Python's also matches before a final newline) and of `\\s`/`\\S` (Unicode White_Space)."""
    out: list[str] = []
    in_class = False
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern):
            escaped = pattern[position + 1]
            if escaped == "s":
                out.append(re.escape(_WS) if in_class else _WS_CLASS)
            elif escaped == "S" and not in_class:
                out.append("[^" + re.escape(_WS) + "]")
            elif escaped == "S":
                raise ValueError(f"oracle: \\S inside a character class is not supported: {pattern!r}")
            else:
                out.append(pattern[position : position + 2])
            position += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            # A "]" (after an optional "^") right after "[" is a literal member, not the end.
            start = position + 1 + (pattern[position + 1 : position + 2] == "^")
            if pattern[start : start + 1] == "]":
                out.append(pattern[position : start + 1])
                position = start + 1
                in_class = True
                continue
            in_class = True
            out.append(char)
        else:
            out.append(r"\Z" if char == "$" else char)
        position += 1
    return re.compile("".join(out), 0 if case_sensitive else re.IGNORECASE)


def _find_all(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches as Rust's `find_iter` reports them: an empty match right where the previous match
    ended is skipped (Python reports it)."""
    start, last_end = 0, -1
    while start <= len(text):
        match = regex.search(text, start)
        if match is None:
            return
        if match.start() == match.end() == last_end:
            start = match.end() + 1
            continue
        yield match
        last_end = start = match.end()


def _expand(replacement: str, match: re.Match[str]) -> str:
    """`$1` … `$9` are groups (empty when they did not take part), `$$` a dollar; other text literal."""
    out: list[str] = []
    position = 0
    while position < len(replacement):
        char = replacement[position]
        following = replacement[position + 1 : position + 2]
        if char == "$" and following == "$":
            out.append("$")
            position += 2
        elif char == "$" and following in tuple("123456789"):
            group = int(following)
            out.append((match.group(group) or "") if group <= (match.re.groups or 0) else "")
            position += 2
        else:
            out.append(char)
            position += 1
    return "".join(out)


def regex_replace_all(regex: re.Pattern[str], text: str, replacement: str) -> str:
    out: list[str] = []
    position = 0
    for match in _find_all(regex, text):
        out.append(text[position : match.start()])
        out.append(_expand(replacement, match))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def literal_replace_all(text: str, find: str, replacement: str, case_sensitive: bool) -> str:
    if case_sensitive:
        return text.replace(find, replacement)
    return rust_pattern(re.escape(find), False).sub(lambda _: replacement, text)


# ── evaluation state ───────────────────────────────────────────────────────────────────────────


@dataclass
class OracleStats:
    position: int
    name: str
    selected: int
    before: int
    after: int
    changed: dict[str, int]


@dataclass
class Row:
    values: Item  # shared with the rule's start rows until the first write (copy on write)
    origin: int  # index of the row this one came from at the start of the rule
    selected: bool = False
    excluded: bool = False
    shared: bool = True

    def put(self, name: str, value: Value) -> None:
        if self.shared:
            self.values, self.shared = dict(self.values), False
        self.values[name] = value


@dataclass
class OracleResult:
    items: list[Item]
    stats: list[OracleStats]
    fields: dict[str, Kind]  # the output's fields in order, with their kinds


@dataclass
class _State:
    fields: dict[str, Kind]
    id_field: str
    now: dt.datetime
    start: list[Item] = field(default_factory=list)  # the rows as the rule found them
    touched: set[str] = field(default_factory=set)  # fields the current rule wrote

    def kind(self, name: str) -> Kind:
        return self.fields.get(name, Kind.TEXT)


def evaluate(
    items: Sequence[Mapping[str, Any]], rule_set: RuleSet, *, id_field: str, now: dt.datetime
) -> tuple[list[Item], list[OracleStats]]:
    """The items after the rules (excluded ones removed) and the statistics of each enabled rule."""
    result = run(items, rule_set, id_field=id_field, now=now)
    return result.items, result.stats


def run(
    items: Sequence[Mapping[str, Any]],
    rule_set: RuleSet,
    *,
    id_field: str,
    now: dt.datetime,
    kinds: Mapping[str, Kind] | None = None,
) -> OracleResult:
    """`evaluate`, with the fields' kinds given (else a field holding any list is a list field) and
    the output fields returned too."""
    fields = dict(kinds or {})
    for item in items:
        for name, value in item.items():
            if name not in fields or isinstance(value, list):
                fields[name] = Kind.LIST if isinstance(value, list) else fields.get(name, Kind.TEXT)
    state = _State(fields=fields, id_field=id_field, now=now)
    rows = [{name: item.get(name) for name in fields} for item in items]
    stats: list[OracleStats] = []
    for position, rule in enumerate(rule_set.rules):
        if rule.enabled:
            rows, rule_stats = _run_rule(rows, rule, position, state)
            stats.append(rule_stats)
    return OracleResult([{name: row.get(name) for name in state.fields} for row in rows], stats, state.fields)


def _run_rule(items: list[Item], rule: Rule, position: int, state: _State) -> tuple[list[Item], OracleStats]:
    state.start, state.touched = items, set()
    matched = holds(rule.when, items, state)
    rows = [Row(item, index, chosen) for index, (item, chosen) in enumerate(zip(items, matched, strict=True))]
    for branch, actions in ((True, rule.then), (False, rule.otherwise)):
        for action in actions:
            rows = ACTIONS[type(action)](action, rows, [row.selected is branch for row in rows], state)
    kept = [row for row in rows if not row.excluded]
    changed: dict[str, int] = {}
    for name in state.fields:
        if name in state.touched:
            count = sum(row.values.get(name) != items[row.origin].get(name) for row in kept)
            if count:
                changed[name] = count
    stats = OracleStats(position, rule.name, sum(matched), len(items), len(kept), changed)
    return [row.values for row in kept], stats


# ── conditions ─────────────────────────────────────────────────────────────────────────────────


def holds(group: Group, items: list[Item], state: _State) -> list[bool]:
    """Whether each item satisfies the group (AND of nothing holds, OR of nothing does not)."""
    result = [group.mode == "all"] * len(items)
    for member in group.members:
        part = holds(member, items, state) if isinstance(member, Group) else _condition(member, items, state)
        combine = (lambda a, b: a and b) if group.mode == "all" else (lambda a, b: a or b)
        result = [combine(a, b) for a, b in zip(result, part, strict=True)]
    return result


def _any(value: Value, test: Callable[[str], bool]) -> bool:
    """A test on text, or on any element of a list; never on null."""
    if value is None:
        return False
    return any(test(element) for element in value) if isinstance(value, list) else test(value)


def _condition(condition: Condition, items: list[Item], state: _State) -> list[bool]:
    if isinstance(condition, RankCondition):
        return _rank(condition, items)
    if isinstance(condition, TodayCondition):
        return [_today_part(condition.part, state.now) in condition.values] * len(items)
    test = _row_condition(condition, state)
    return [test(item) for item in items]


def _row_condition(condition: Condition, state: _State) -> Callable[[Item], bool]:
    if isinstance(condition, AllItems):
        return lambda item: True
    if isinstance(condition, TextCondition):
        return _text_condition(condition)
    if isinstance(condition, ListCondition):
        return _list_condition(condition)
    if isinstance(condition, RegexCondition):
        regex = rust_pattern(condition.pattern, condition.case_sensitive)
        found = lambda item: _any(item.get(condition.field), lambda text: regex.search(text) is not None)  # noqa: E731
        return found if condition.op == "matches" else lambda item: not found(item)
    if isinstance(condition, EmptyCondition):
        empty = condition.op == "is_empty"
        return lambda item: is_empty(item.get(condition.field)) is empty
    if isinstance(condition, NumberCondition):
        return _number_condition(condition)
    if isinstance(condition, LengthCondition):
        return _length_condition(condition)
    if isinstance(condition, GtinCondition):
        valid = condition.op == "gtin_valid"
        return lambda item: _any(item.get(condition.field), gtin_is_valid) is valid
    if isinstance(condition, DateCondition):
        return _date_condition(condition, state.now.date())
    raise TypeError(f"oracle: unknown condition {condition!r}")


def _text_condition(condition: TextCondition) -> Callable[[Item], bool]:
    cs = condition.case_sensitive
    compare: Callable[[str, str], bool] = {
        "contains": lambda text, other: other in text,
        "not_contains": lambda text, other: other in text,
        "equals": lambda text, other: text == other,
        "not_equals": lambda text, other: text == other,
        "starts_with": lambda text, other: text.startswith(other),
        "ends_with": lambda text, other: text.endswith(other),
    }[condition.op]

    def positive(item: Item) -> bool:
        if condition.value is not None:
            other = fold(condition.value, cs)
        else:
            other_value = as_text(item.get(condition.other_field or ""))
            if other_value is None or is_blank(other_value):
                return False
            other = fold(other_value, cs)
        return _any(item.get(condition.field), lambda text: compare(fold(text, cs), other))

    return (lambda item: not positive(item)) if condition.op.startswith("not_") else positive


def _list_condition(condition: ListCondition) -> Callable[[Item], bool]:
    cs = condition.case_sensitive
    # Assumed: "empty lines are ignored" drops blank values too (the module's definition of empty).
    values = [fold(value, cs) for value in condition.values if not is_blank(value)]
    if condition.op == "equals_any":
        wanted = set(values)
        return lambda item: _any(item.get(condition.field), lambda text: fold(text, cs) in wanted)

    def contains(text: str) -> bool:
        folded = fold(text, cs)
        return any(value in folded for value in values)

    found = lambda item: _any(item.get(condition.field), contains)  # noqa: E731
    return found if condition.op == "contains_any" else lambda item: not found(item)


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "less_than": lambda a, b: a < b,
    "at_most": lambda a, b: a <= b,
    "greater_than": lambda a, b: a > b,
    "at_least": lambda a, b: a >= b,
}


def _number_condition(condition: NumberCondition) -> Callable[[Item], bool]:
    compare = _COMPARE[condition.op]

    def test(item: Item) -> bool:
        if condition.value is not None:
            other: float | None = condition.value
        else:
            other = number(as_text(item.get(condition.other_field or "")))
        if other is None:
            return False
        return _any(
            item.get(condition.field), lambda text: (x := number(text)) is not None and compare(x, other)
        )

    return test


def words(text: str) -> int:
    return len(_WORD.findall(text))


def _length_condition(condition: LengthCondition) -> Callable[[Item], bool]:
    def measure(value: Value) -> int:
        if value is None:
            return 0
        if condition.op.startswith("length"):
            return len(value)
        return sum(words(element) for element in value) if isinstance(value, list) else words(value)

    if condition.op in ("length_exceeds", "words_exceed"):
        return lambda item: measure(item.get(condition.field)) > condition.n
    return lambda item: measure(item.get(condition.field)) <= condition.n


def _rank(condition: RankCondition, items: list[Item]) -> list[bool]:
    values = [item.get(condition.field) for item in items]  # a list has no number to rank by
    ranked = [
        (x, index)
        for index, value in enumerate(values)
        if (x := number(value if isinstance(value, str) else None)) is not None
    ]
    ranked.sort(key=lambda pair: (-pair[0] if condition.op == "top_n" else pair[0], pair[1]))
    chosen = {index for _, index in ranked[: condition.n]}
    return [index in chosen for index in range(len(items))]


def gtin_is_valid(text: str) -> bool:
    digits = strip_ws(text)
    if len(digits) not in _GTIN_LENGTHS or any(char not in "0123456789" for char in digits):
        return False
    body = [int(char) for char in reversed(digits[:-1])]
    total = sum(digit * (3 if index % 2 == 0 else 1) for index, digit in enumerate(body))
    return (10 - total % 10) % 10 == int(digits[-1])


def parse_date(text: str, date_format: str | None) -> dt.date | None:
    if date_format is not None:
        try:
            return dt.datetime.strptime(text, date_format).date()
        except ValueError:
            return None
    head = text[:10]
    if not _ISO_DATE.fullmatch(head):
        return None
    try:
        return dt.date(int(head[:4]), int(head[5:7]), int(head[8:10]))
    except ValueError:
        return None


def _date_condition(condition: DateCondition, today: dt.date) -> Callable[[Item], bool]:
    target = condition.date if condition.date is not None else today + dt.timedelta(days=condition.days or 0)
    compare: Callable[[dt.date], bool] = {
        "date_before": lambda day: day < target,
        "date_on_or_after": lambda day: day >= target,
        "date_equals": lambda day: day == target,
    }[condition.op]

    def test(text: str) -> bool:
        day = parse_date(text, condition.format)
        return day is not None and compare(day)

    return lambda item: _any(item.get(condition.field), test)


def _today_part(part: str, now: dt.datetime) -> int:
    return {"weekday": now.isoweekday(), "day_of_month": now.day, "month": now.month, "hour": now.hour}[part]


# ── actions ────────────────────────────────────────────────────────────────────────────────────
# Each action takes the rows and which of them it writes, and returns the rows (split_items makes
# more). Column actions go through `_write`, which also converts unwritten rows when the kind changes.

ActionFunction = Callable[[Any, list[Row], list[bool], _State], list[Row]]


def on_item(new: Callable[[Item], Value]) -> Callable[[Row], Value]:
    return lambda row: new(row.values)


def _write(
    state: _State,
    rows: list[Row],
    write: list[bool],
    name: str,
    kind: Kind,
    new: Callable[[Row], Value],
    separator: str = ", ",
) -> list[Row]:
    """`name` becomes new(row) where written; other rows keep their value, converted to `kind`."""
    state.fields.setdefault(name, Kind.TEXT)
    state.touched.add(name)
    for row, written in zip(rows, write, strict=True):
        value = new(row) if written else row.values.get(name)
        converted = convert(value, kind, separator)
        if written or converted is not value:
            row.put(name, converted)
    state.fields[name] = kind
    return rows


def _text_action(transform: Callable[[Any], Callable[[str], str | None]]) -> ActionFunction:
    """An action that changes text, on each element of a list field."""

    def apply(action: Any, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
        change = transform(action)
        new = on_item(lambda item: per_element(change, item.get(action.field)))
        return _write(state, rows, write, action.field, state.kind(action.field), new)

    return apply


def _set(action: SetValue, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    return _write(state, rows, write, action.field, Kind.TEXT, on_item(lambda item: action.value))


def _add_text(action: AddText, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    def add(text: str | None, added: str | None) -> str | None:
        # Assumed: blank added text counts as empty (the module's definition), so it changes nothing.
        if added is None or is_blank(added):
            return text
        if text is None or is_blank(text):
            result = added
        elif action.action == "append":
            result = text + action.separator + added
        else:
            result = added + action.separator + text
        return text if action.max_length is not None and len(result) > action.max_length else result

    def new(item: Item) -> Value:
        added = action.value if action.value is not None else as_text(item.get(action.source or ""))
        value = item.get(action.field)
        if state.kind(action.field) is Kind.TEXT:
            return add(as_text(value), added)
        if not value:  # a null or empty list: a one-element list of the added text, if it fits
            alone = add(None, added)
            return value if alone is None else [alone]
        return [add(element, added) or "" for element in value]

    return _write(state, rows, write, action.field, state.kind(action.field), on_item(new))


def _copy(action: Copy, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    return _write(
        state,
        rows,
        write,
        action.field,
        state.kind(action.source),
        on_item(lambda item: item.get(action.source)),
    )


def _combine(action: Combine, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    literals, names = template_parts(action.template)

    def new(item: Item) -> Value:
        values = [item.get(name) for name in names]
        present = [index for index, value in enumerate(values) if not is_empty(value)]
        texts = [as_text(value) for value in values]
        if not present:
            return None
        body = "".join(
            (texts[index] or "") + (literals[index + 1] if index != present[-1] else "") for index in present
        )
        return literals[0] + body + literals[-1]

    return _write(state, rows, write, action.field, Kind.TEXT, on_item(new))


def template_parts(template: str) -> tuple[list[str], list[str]]:
    """Literal texts (one more than the fields) and field names, read left to right: `{{` and `}}`
    are braces, `{name}` a field, any other brace itself."""
    literals, names, text, position = [], [], "", 0
    while position < len(template):
        pair = template[position : position + 2]
        close = template.find("}", position + 1) if template[position] == "{" else -1
        if pair in ("{{", "}}"):
            text, position = text + pair[0], position + 2
        elif close > position + 1 and "{" not in template[position + 1 : close]:
            literals.append(text)
            names.append(template[position + 1 : close])
            text, position = "", close + 1
        else:
            text, position = text + template[position], position + 1
    return [*literals, text], names


def _replace(action: Replace) -> Callable[[str], str]:
    return lambda text: literal_replace_all(text, action.find, action.replace_with, action.case_sensitive)


def _search_replace(action: SearchReplace) -> Callable[[str], str]:
    cs = action.case_sensitive
    regexes = [rust_pattern(pair.find, cs) if action.regex else None for pair in action.pairs]

    def change(text: str) -> str:
        for pair, regex in zip(action.pairs, regexes, strict=True):
            if regex is None:
                text = literal_replace_all(text, pair.find, pair.replace_with, cs)
            else:
                text = regex_replace_all(regex, text, pair.replace_with)
        return text

    return change


def _lookup(action: Lookup) -> Callable[[str], str]:
    table = {fold(pair.find, action.case_sensitive): pair.replace_with for pair in action.table}
    return lambda text: table.get(fold(text, action.case_sensitive), text)


def _search_value(action: SearchValue, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    cs = action.case_sensitive
    terms = [
        (fold(term.term, cs), term.alias if term.alias is not None else term.term) for term in action.terms
    ]

    def new(item: Item) -> Value:
        source = item.get(action.source)
        elements = [fold(text, cs) for text in ([source] if isinstance(source, str) else source or [])]
        for term, written in terms:
            if any(term in element for element in elements):
                return written
        return item.get(action.field)

    return _write(state, rows, write, action.field, Kind.TEXT, on_item(new))


def calculate(node: Node, item: Item) -> float | None:
    """The value of a calculation; None where a field has no number or a division is by zero."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, FieldValue):
        return number(as_text(item.get(node.name)))
    if isinstance(node, Negate):
        operand = calculate(node.operand, item)
        return None if operand is None else -operand
    assert isinstance(node, Binary)
    left, right = calculate(node.left, item), calculate(node.right, item)
    if left is None or right is None:
        return None
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    return None if right == 0 else left / right


def _calculate(action: Calculate, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    tree = parse_calculation(action.expression)

    def new(item: Item) -> Value:
        result = calculate(tree, item)
        return item.get(action.field) if result is None else format_number(result, action.decimals)

    return _write(state, rows, write, action.field, Kind.TEXT, on_item(new))


def _round(action: Round) -> Callable[[str], str | None]:
    if action.decimals is not None:
        decimals = action.decimals
        return lambda text: text if (x := number(text)) is None else format_number(x, decimals)
    whole, _, fraction = (action.ending or "").partition(".")
    ending = int(whole or "0") * 100 + int(fraction.ljust(2, "0") or "0")
    step = 100
    while step <= ending:
        step *= 10

    def to_ending(text: str) -> str | None:
        x = number(text)
        if x is None:
            return text
        scaled = x * 100.0 + 0.5
        if not math.isfinite(scaled) or abs(math.floor(scaled)) >= LARGEST_SCALED:
            return None
        cents = math.floor(scaled)
        down = (cents - ending) // step * step + ending
        up = down if down == cents else down + step
        if action.direction == "up":
            return scaled_to_text(up, 2)
        if action.direction == "down":
            return scaled_to_text(down, 2)
        return scaled_to_text(up if up - cents <= cents - down else down, 2)

    return to_ending


def _max_length(action: MaxLength) -> Callable[[str], str]:
    keep = action.length - len(action.ellipsis)

    def cut(text: str) -> str:
        if len(text) <= action.length:
            return text
        kept = text[:keep]
        if action.on_word and kept and kept[-1] not in WHITESPACE and text[keep] not in WHITESPACE:
            last = max((index for index, char in enumerate(kept) if char in WHITESPACE), default=None)
            kept = kept if last is None else kept[:last]
        return kept.rstrip(_WS) + action.ellipsis

    return cut


def _titlecase_word(match: re.Match[str]) -> str:
    word = match.group(0)
    return word[0].upper() + word[1:].lower()


def _change_case(action: ChangeCase) -> Callable[[str], str]:
    return {
        "lowercase": str.lower,
        "uppercase": str.upper,
        "capitalize": lambda text: text[:1].upper() + text[1:],
        "titlecase": lambda text: _WORD.sub(_titlecase_word, text),
    }[action.action]


def trim(text: str) -> str:
    return strip_ws(_WS_RUN.sub(" ", text))


def strip_html(text: str) -> str:
    return trim(_ENTITY.sub(lambda match: _ENTITIES[match.group(1)], _TAG.sub(" ", text)))


def _split(action: SplitText, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    if state.kind(action.field) is Kind.LIST:
        return rows

    def new(item: Item) -> Value:
        text = item.get(action.field)
        if not isinstance(text, str):
            return text
        return [part for part in (strip_ws(piece) for piece in text.split(action.separator)) if part]

    return _write(state, rows, write, action.field, Kind.LIST, on_item(new))


def _join(action: JoinList, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    if state.kind(action.field) is Kind.TEXT:
        return rows
    return _write(
        state,
        rows,
        write,
        action.field,
        Kind.TEXT,
        on_item(lambda item: item.get(action.field)),
        action.separator,
    )


def _list_action(change: Callable[[Any, list[str]], list[str]]) -> ActionFunction:
    """An action on the elements of a list field; text and null are left as they are."""

    def apply(action: Any, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
        def new(item: Item) -> Value:
            value = item.get(action.field)
            return change(action, value) if isinstance(value, list) else value

        return _write(state, rows, write, action.field, state.kind(action.field), on_item(new))

    return apply


def _sort(action: SortList, elements: list[str]) -> list[str]:
    return sorted(elements, reverse=action.descending)


def _slice(action: SliceList, elements: list[str]) -> list[str]:
    start = action.start if action.start >= 0 else max(len(elements) + action.start, 0)
    return elements[start:] if action.length is None else elements[start : start + action.length]


def _search_list(action: SearchInList, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    cs = action.case_sensitive
    terms = [fold(term, cs) for term in action.terms]

    def hit(element: str) -> bool:
        text = fold(element, cs)
        return any(term == text if action.whole else term in text for term in terms)

    def elements(item: Item) -> list[str] | None:
        value = item.get(action.field)
        return [value] if isinstance(value, str) else value

    if action.mode == "count":
        count = lambda item: str(sum(hit(element) for element in elements(item) or []))  # noqa: E731
        return _write(state, rows, write, action.target or "", Kind.TEXT, on_item(count))
    keep = action.mode == "keep"

    def new(item: Item) -> Value:
        value, found = item.get(action.field), elements(item)
        if found is None:
            return None
        kept = [element for element in found if hit(element) is keep]
        # Text whose element goes is left empty.
        return kept if isinstance(value, list) else ", ".join(kept)

    return _write(state, rows, write, action.field, state.kind(action.field), on_item(new))


def _split_items(action: SplitItems, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    name, id_field = action.field, state.id_field
    out: list[Row] = []
    for row, written in zip(rows, write, strict=True):
        value = row.values.get(name)
        if not written:
            row.put(name, convert(value, Kind.TEXT))
            out.append(row)
            continue
        elements = convert(value, Kind.LIST) or []
        if len(elements) < 2:
            row.put(name, elements[0] if elements else None)
            out.append(row)
            continue
        item_id = row.values.get(id_field)
        for number_, element in enumerate(elements, start=1):
            values = {**row.values, name: element}
            if id_field in state.fields:
                values[id_field] = None if item_id is None else f"{item_id}-{number_}"
            out.append(Row(values, row.origin, row.selected, row.excluded, shared=False))
    state.fields.setdefault(name, Kind.TEXT)
    state.fields[name] = Kind.TEXT
    state.touched.update({name, id_field})
    return out


def _groups(state: _State, group_field: str) -> list[Any]:
    """Each start row's group key: its group field's value, or its own index when that is empty."""
    keys: list[Any] = []
    for index, item in enumerate(state.start):
        value = item.get(group_field)
        keys.append(("own", index) if is_empty(value) else ("value", as_text(value)))
    return keys


def _build_group(action: BuildGroup, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    keys = _groups(state, action.group_field)
    collected: dict[Any, list[str]] = {}
    for key, item in zip(keys, state.start, strict=True):
        value = item.get(action.source)
        found = collected.setdefault(key, [])
        for element in value if isinstance(value, list) else [value] if value is not None else []:
            if not is_blank(element) and element not in found:
                found.append(element)
    found = lambda row: list(collected[keys[row.origin]])  # noqa: E731
    return _write(state, rows, write, action.field, Kind.LIST, found)


def _calculate_group(action: CalculateGroup, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    keys = _groups(state, action.group_field)
    sizes: dict[Any, int] = {}
    members: dict[Any, list[float]] = {}
    for key, item in zip(keys, state.start, strict=True):
        sizes[key] = sizes.get(key, 0) + 1
        value = item.get(action.source)
        found = [number(text) for text in ([value] if isinstance(value, str) else value or [])]
        members.setdefault(key, []).extend(x for x in found if x is not None)

    def result(key: Any) -> str | None:
        if action.function == "count":
            return str(sizes[key])
        numbers = members[key]
        if not numbers:
            return None
        total = {"sum": sum, "min": min, "max": max}[action.function](numbers)
        return format_number(total, action.decimals)

    calculated = lambda row: result(keys[row.origin])  # noqa: E731
    return _write(state, rows, write, action.field, Kind.TEXT, calculated)


def _exclude(action: Exclude, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    for row, written in zip(rows, write, strict=True):
        row.excluded = row.excluded or written
    return rows


def _nothing(action: Nothing, rows: list[Row], write: list[bool], state: _State) -> list[Row]:
    return rows


ACTIONS: dict[type, ActionFunction] = {
    SetValue: _set,
    AddText: _add_text,
    Copy: _copy,
    Combine: _combine,
    Replace: _text_action(_replace),
    SearchReplace: _text_action(_search_replace),
    Lookup: _text_action(_lookup),
    SearchValue: _search_value,
    Calculate: _calculate,
    Round: _text_action(_round),
    MaxLength: _text_action(_max_length),
    ChangeCase: _text_action(_change_case),
    StripHtml: _text_action(lambda action: strip_html),
    Trim: _text_action(lambda action: trim),
    SplitText: _split,
    JoinList: _join,
    SortList: _list_action(_sort),
    SliceList: _list_action(_slice),
    SearchInList: _search_list,
    SplitItems: _split_items,
    BuildGroup: _build_group,
    CalculateGroup: _calculate_group,
    Exclude: _exclude,
    Nothing: _nothing,
}
