"""The rule language: rules are data (pydantic), saved as JSON or YAML, compiled to Polars plans.

This module is the contract between the compiler (`compile/`), the reference evaluator in the tests
and the docs: each class's docstring says exactly what it does, including empty values and nulls.

Values. An item's field holds text (a string), a list of text, or nothing (null). A value is *empty*
when it is null, blank text (nothing but whitespace) or an empty list — the catalog's definition.
A field an item does not have reads as null; an action that writes a new field creates it (null for
the items the action does not write). Numbers are read from text by `values.number`: the first
decimal number in the text (`12.99 USD` → 12.99; `,` is not a decimal mark), else none.

Text comparisons are case-insensitive unless `case_sensitive` is set; case-insensitive compares
lowercase forms (full Unicode lowercasing). On a list field a text condition asks whether *any*
element satisfies it; its negative form ("does not …") is the negation of the positive one, so it
holds for null values and empty lists. Conditions that need a number (or a date) never hold where the
value has none.

Actions that change text (append, prepend, replace, search_replace, lookup, round, max_length, the
case actions, strip_html, trim) work on each element of a list field. Actions write only the items the
rule selected (THEN) or did not select (ELSE); others keep their values — except where an action
changes what kind of value a field holds, so that every item's field keeps one kind: items it does not
write are then converted too. Text becomes a one-element list (blank text an empty list); a list
becomes its elements joined with ", " (join uses its own separator); null stays null.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from feedbridge.rules.calculation import parse_calculation

# A combine template, read left to right: an escaped brace, or a field placeholder.
TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")


class Layer(StrEnum):
    IMPORT = "import"  # at import time, before the snapshot is written
    PROJECT = "project"  # shared by every API of the project
    API = "api"  # one AliExpress API


class Kind(StrEnum):
    """What a field holds for the rules: text (every catalog type but list) or a list of text."""

    TEXT = "text"
    LIST = "list"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ── conditions ─────────────────────────────────────────────────────────────────────────────────


class AllItems(_Part):
    """Every item."""

    op: Literal["all"] = "all"


class TextCondition(_Part):
    """contains / not_contains / equals / not_equals / starts_with / ends_with a text.

    Compared with `value`, or with the same item's `other_field` (whose empty value never matches a
    positive condition; a list `other_field` reads as its elements joined with ", "). Whole values
    for equals; substrings otherwise; an empty `value` is not allowed. Null values never satisfy the
    positive forms.
    """

    op: Literal["contains", "not_contains", "equals", "not_equals", "starts_with", "ends_with"]
    field: str
    value: str | None = None
    other_field: str | None = None
    case_sensitive: bool = False

    @model_validator(mode="after")
    def _one_operand(self) -> TextCondition:
        if (self.value is None) == (self.other_field is None):
            raise ValueError("give exactly one of 'value' and 'other_field'")
        if self.value == "":
            raise ValueError("'value' is empty: use is_empty / not_empty to test for empty values")
        return self


class ListCondition(_Part):
    """contains_any / contains_none of `values` (substrings), or equals_any (whole value equals one).

    One value per line in the UI; empty (blank) lines are ignored. contains_none is the negation of
    contains_any.
    """

    op: Literal["contains_any", "contains_none", "equals_any"]
    field: str
    values: list[str] = Field(min_length=1)
    case_sensitive: bool = False


class RegexCondition(_Part):
    """matches / not_matches a regular expression (Rust dialect: no look-around, no back-references),
    searched anywhere in the value (anchor with ^ and $). Case-insensitive unless `case_sensitive`."""

    op: Literal["matches", "not_matches"]
    field: str
    pattern: str = Field(min_length=1)
    case_sensitive: bool = False


class EmptyCondition(_Part):
    """is_empty / not_empty: null, blank text or an empty list."""

    op: Literal["is_empty", "not_empty"]
    field: str


class NumberCondition(_Part):
    """less_than / at_most / greater_than / at_least `value`, or the same item's `other_field`.

    Holds only where both sides have a number (see `values.number`); on a list field, where any
    element's number satisfies it. A list `other_field` reads as its elements joined with ", ".
    """

    op: Literal["less_than", "at_most", "greater_than", "at_least"]
    field: str
    value: float | None = None
    other_field: str | None = None

    @model_validator(mode="after")
    def _one_operand(self) -> NumberCondition:
        if (self.value is None) == (self.other_field is None):
            raise ValueError("give exactly one of 'value' and 'other_field'")
        return self


class LengthCondition(_Part):
    """length_exceeds / length_at_most `n` characters; words_exceed / words_at_most `n` words.

    Length counts Unicode code points of text, or the elements of a list. Words are runs of
    non-whitespace characters; a list's words are those of all its elements. Null counts as
    length 0 and 0 words.
    """

    op: Literal["length_exceeds", "length_at_most", "words_exceed", "words_at_most"]
    field: str
    n: int = Field(ge=0)


class RankCondition(_Part):
    """top_n / bottom_n: the item is among the `n` items with the highest / lowest number in `field`,
    among the items that reach this rule. Items without a number are never selected (a list has no
    number to rank by); equal numbers are ranked in item order (the earlier item first)."""

    op: Literal["top_n", "bottom_n"]
    field: str
    n: int = Field(ge=1)


class GtinCondition(_Part):
    """gtin_valid / gtin_invalid: valid means exactly 8, 12, 13 or 14 digits (after trimming
    whitespace) with a correct GS1 check digit. gtin_invalid is its negation (so empty values are
    invalid)."""

    op: Literal["gtin_valid", "gtin_invalid"]
    field: str


class DateCondition(_Part):
    """date_before / date_on_or_after / date_equals a date.

    The target is the absolute `date`, or `days` from today (0 today, 7 a week ahead, -7 a week ago;
    "today" comes from the evaluation's clock). The field's value is read with `format` (strftime
    codes) if given, else as ISO 8601: its first 10 characters as YYYY-MM-DD (a time after them is
    ignored). Values that do not parse never satisfy it.
    """

    op: Literal["date_before", "date_on_or_after", "date_equals"]
    field: str
    date: dt.date | None = None
    days: int | None = None
    format: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> DateCondition:
        if (self.date is None) == (self.days is None):
            raise ValueError("give exactly one of 'date' (absolute) and 'days' (relative to today)")
        return self


class TodayCondition(_Part):
    """today: a part of the current date and time is one of `values` (same answer for every item).

    weekday 1 (Monday) … 7 (Sunday); day_of_month 1 … 31; month 1 … 12; hour 0 … 23 (the clock's
    time zone, UTC unless configured)."""

    op: Literal["today"] = "today"
    part: Literal["weekday", "day_of_month", "month", "hour"]
    values: list[int] = Field(min_length=1)


Condition = Annotated[
    Annotated[AllItems, Tag("all")]
    | Annotated[TextCondition, Tag("text")]
    | Annotated[ListCondition, Tag("list")]
    | Annotated[RegexCondition, Tag("regex")]
    | Annotated[EmptyCondition, Tag("empty")]
    | Annotated[NumberCondition, Tag("number")]
    | Annotated[LengthCondition, Tag("length")]
    | Annotated[RankCondition, Tag("rank")]
    | Annotated[GtinCondition, Tag("gtin")]
    | Annotated[DateCondition, Tag("date")]
    | Annotated[TodayCondition, Tag("today")],
    Discriminator(lambda value: _condition_tag(value)),
]

_CONDITION_TAGS = {
    "all": "all",
    **dict.fromkeys(["contains", "not_contains", "equals", "not_equals", "starts_with", "ends_with"], "text"),
    **dict.fromkeys(["contains_any", "contains_none", "equals_any"], "list"),
    **dict.fromkeys(["matches", "not_matches"], "regex"),
    **dict.fromkeys(["is_empty", "not_empty"], "empty"),
    **dict.fromkeys(["less_than", "at_most", "greater_than", "at_least"], "number"),
    **dict.fromkeys(["length_exceeds", "length_at_most", "words_exceed", "words_at_most"], "length"),
    **dict.fromkeys(["top_n", "bottom_n"], "rank"),
    **dict.fromkeys(["gtin_valid", "gtin_invalid"], "gtin"),
    **dict.fromkeys(["date_before", "date_on_or_after", "date_equals"], "date"),
    "today": "today",
}
CONDITION_OPS = tuple(_CONDITION_TAGS)


def _condition_tag(value: Any) -> str | None:
    op = value.get("op") if isinstance(value, dict) else getattr(value, "op", None)
    return _CONDITION_TAGS.get(op) if isinstance(op, str) else None


class Group(_Part):
    """Conditions combined: `all` of them must hold (AND) or `any` of them (OR); groups nest.

    An empty `all` holds for every item; an empty `any` for none.
    """

    all: list[Member] | None = None
    any: list[Member] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Group:
        if (self.all is None) == (self.any is None):
            raise ValueError("a group has exactly one of 'all' (AND) and 'any' (OR)")
        return self

    @property
    def mode(self) -> Literal["all", "any"]:
        return "all" if self.all is not None else "any"

    @property
    def members(self) -> list[Condition | Group]:
        return self.all if self.all is not None else (self.any or [])


def _member_tag(part: Any) -> str:
    """Tell groups from conditions for pydantic: a dict with `all`/`any` and no `op` is a group.
    (A discriminator, not a validator, so that errors inside nested groups keep their full path.)"""
    if isinstance(part, dict):
        return "group" if "op" not in part and ("all" in part or "any" in part) else "condition"
    return "group" if isinstance(part, Group) else "condition"


Member = Annotated[
    Annotated[Condition, Tag("condition")] | Annotated[Group, Tag("group")], Discriminator(_member_tag)
]
Group.model_rebuild()


# ── actions ────────────────────────────────────────────────────────────────────────────────────
# `field` is always the field an action writes; the fields it reads are named `source` (or are in
# a template or calculation).


class SetValue(_Part):
    """set: the field becomes `value` (text; a list field becomes text)."""

    action: Literal["set"]
    field: str
    value: str


class AddText(_Part):
    """append / prepend `value`, or the same item's `source` field, with `separator` between.

    Where the field is empty the result is the added text alone; where the added text is empty
    (blank, or an empty source) the field is unchanged. With `max_length`, an item is changed only
    if the result has at most that many characters. A list source reads as its elements joined
    with ", ".
    On a list field the text is added to each element (`max_length` applies to each element), and
    a null or empty list becomes a one-element list of the added text.
    """

    action: Literal["append", "prepend"]
    field: str
    value: str | None = None
    source: str | None = None
    separator: str = " "
    max_length: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_operand(self) -> AddText:
        if (self.value is None) == (self.source is None):
            raise ValueError("give exactly one of 'value' and 'source'")
        return self


class Copy(_Part):
    """copy: the field becomes `source`'s value (text or list, as the source holds)."""

    action: Literal["copy"]
    field: str
    source: str


class Combine(_Part):
    """combine: the field becomes `template`, with `{name}` replaced by the field's text.

    Text before the first placeholder and after the last is kept as it is. The text between two
    placeholders is a separator: an empty field (by its value: a list of blank elements is not empty)
    is left out together with the separator that follows it (the last non-empty field's following
    separator is dropped too). With every field empty the result is null. A list field reads as
    its elements joined with ", ". `{{` and `}}` write braces.
    Example: "{brand} - {title} - {colour}" with an empty brand → "Title - Red".
    """

    action: Literal["combine"]
    field: str
    template: str

    @model_validator(mode="after")
    def _has_fields(self) -> Combine:
        if not template_fields(self.template):
            raise ValueError("the template names no field: write fields as {name}")
        return self


class Replace(_Part):
    """replace: every occurrence of `find` (literal text) becomes `replace_with`."""

    action: Literal["replace"]
    field: str
    find: str = Field(min_length=1)
    replace_with: str = ""
    case_sensitive: bool = False


class Pair(_Part):
    find: str = Field(min_length=1)
    replace_with: str = ""


class SearchReplace(_Part):
    """search_replace: the `pairs` applied in order, each replacing every occurrence.

    With `regex`, `find` is a regular expression (Rust dialect) and `replace_with` may use `$1` … `$9`
    for its groups (`$$` writes a dollar sign); otherwise both are literal text.
    """

    action: Literal["search_replace"]
    field: str
    pairs: list[Pair] = Field(min_length=1)
    case_sensitive: bool = False
    regex: bool = False


class Lookup(_Part):
    """lookup: a value that equals a key of `table` (the whole value, trimmed of nothing) becomes
    that key's replacement; other values stay. Keys must be unique (case-insensitively, unless
    `case_sensitive`). "Fill from data" starts a table from the field's distinct values
    (`rules.services.distinct_values`)."""

    action: Literal["lookup"]
    field: str
    table: list[Pair] = Field(min_length=1)
    case_sensitive: bool = False


class Term(_Part):
    term: str = Field(min_length=1)
    alias: str | None = None


class SearchValue(_Part):
    """search_value: the first of `terms` (in list order) that `source` contains is written to the
    field — its `alias` if it has one, else the term as it is written in the list. Items whose source
    contains none of them keep their value. A list source contains a term where one of its elements
    does."""

    action: Literal["search_value"]
    field: str
    source: str
    terms: list[Term] = Field(min_length=1)
    case_sensitive: bool = False


class Calculate(_Part):
    """calculate: the field becomes `expression` — numbers, `{field}`s, + - * / and parentheses,
    with the usual precedence — written with `decimals` decimals (see `values.format_number`).
    Items where a field in it has no number, or that divide by zero, keep their value; a result too
    large to write exactly becomes null (as `values.format_number` writes it)."""

    action: Literal["calculate"]
    field: str
    expression: str
    decimals: int = Field(default=2, ge=0, le=6)

    @model_validator(mode="after")
    def _parses(self) -> Calculate:
        parse_calculation(self.expression)
        return self


class Round(_Part):
    """round: to `decimals` decimals (half up), or up / down / to the nearest price with `ending`.

    An ending such as ".99" or "9.99" or "5": the result is k·step + ending, where step is 1 for an
    ending below 1, 10 for one below 10, and so on (so ".99" → 12.99, 13.99…; "9.99" → 19.99, 29.99…),
    the smallest at least the value (up), the largest at most it (down) or the closest (nearest; a tie
    goes up). Prices are taken to the cent first (half up). Values without a number keep their value;
    a number too large to write exactly (see `values.format_number`) becomes null.
    """

    action: Literal["round"]
    field: str
    decimals: int | None = Field(default=None, ge=0, le=6)
    ending: str | None = Field(default=None, pattern=r"^(\d{1,9}(\.\d{1,2})?|\.\d{1,2})$")
    direction: Literal["up", "down", "nearest"] = "up"

    @model_validator(mode="after")
    def _one_mode(self) -> Round:
        if (self.decimals is None) == (self.ending is None):
            raise ValueError("give exactly one of 'decimals' and 'ending'")
        return self


class MaxLength(_Part):
    """max_length: text longer than `length` characters is cut to `length` characters, the ellipsis
    included. With `on_word`, the cut moves back to the last whitespace inside the kept part when it
    would split a word (when the characters on both sides of the cut are not whitespace; not when
    that part has no whitespace). Either way, trailing whitespace is removed before the ellipsis is
    added."""

    action: Literal["max_length"]
    field: str
    length: int = Field(ge=1)
    on_word: bool = False
    ellipsis: str = ""

    @model_validator(mode="after")
    def _fits(self) -> MaxLength:
        if len(self.ellipsis) >= self.length:
            raise ValueError("the ellipsis must be shorter than the maximum length")
        return self


class ChangeCase(_Part):
    """lowercase / uppercase; capitalize (the first character uppercase, the rest unchanged);
    titlecase (each word's first character uppercase and its other characters lowercase, where a
    word is a run of characters between whitespace)."""

    action: Literal["lowercase", "uppercase", "capitalize", "titlecase"]
    field: str


class StripHtml(_Part):
    """strip_html: every tag (`<…>`) becomes a space; the entities &amp; &lt; &gt; &quot; &#39; &apos;
    and &nbsp; become their characters; then whitespace is trimmed and collapsed as by `trim`."""

    action: Literal["strip_html"]
    field: str


class Trim(_Part):
    """trim: leading and trailing whitespace removed, every inner run of whitespace becomes one space."""

    action: Literal["trim"]
    field: str


class SplitText(_Part):
    """split: text becomes a list at each `separator`; elements are trimmed and empty ones dropped.
    Empty text becomes an empty list, null stays null. Items the action does not write get their
    text as a one-element list (empty text → an empty list). On a list field it does nothing."""

    action: Literal["split"]
    field: str
    separator: str = Field(default=",", min_length=1)


class JoinList(_Part):
    """join: a list becomes its elements joined with `separator` (an empty list becomes "").
    Items the action does not write are joined the same way. On a text field it does nothing."""

    action: Literal["join"]
    field: str
    separator: str = ", "


class SortList(_Part):
    """sort_list: elements in Unicode code point order (or reversed); text is unchanged."""

    action: Literal["sort_list"]
    field: str
    descending: bool = False


class SliceList(_Part):
    """slice_list: the elements from `start` (0 the first; negative counts from the end) on, at most
    `length` of them (all if not given); text is unchanged. A negative start before the first
    element starts at the first (as Python's slices do)."""

    action: Literal["slice_list"]
    field: str
    start: int = 0
    length: int | None = Field(default=None, ge=0)


class SearchInList(_Part):
    """search_list: elements that contain (or, with `whole`, equal) any of `terms` are deleted
    (`delete`), or only they are kept (`keep`), or counted into `target` (`count`, a number; the list
    is unchanged). Text counts as a one-element list: where that element goes, empty text is left.
    Null counts as an empty list (it stays null and counts 0)."""

    action: Literal["search_list"]
    field: str
    mode: Literal["delete", "keep", "count"]
    terms: list[str] = Field(min_length=1)
    whole: bool = False
    case_sensitive: bool = False
    target: str | None = None

    @model_validator(mode="after")
    def _target(self) -> SearchInList:
        if (self.mode == "count") != (self.target is not None):
            raise ValueError("'target' is the field the count is written to: give it with mode count only")
        return self


class SplitItems(_Part):
    """split_items: an item whose list field has two or more elements becomes one item per element,
    in order, each with the element as text in the field and the unique ID suffixed "-1", "-2", …
    An item with one element gets it as text, unsuffixed; an empty list or null becomes null (text
    counts as a one-element list, blank text as an empty one). Items the action does not write keep
    one item with the list joined with ", "."""

    action: Literal["split_items"]
    field: str


class BuildGroup(_Part):
    """build_group: the field becomes the list of `source`'s distinct non-empty values (in item order;
    list values contribute their elements) across the items that share `group_field` and reach this
    rule, with their values as the rule found them (THEN and ELSE see the same group). An item with
    an empty group field is a group of its own."""

    action: Literal["build_group"]
    field: str
    source: str
    group_field: str


class CalculateGroup(_Part):
    """calculate_group: the field becomes `function` of `source` over the items that share
    `group_field` and reach this rule: count (items), sum, min or max of the numbers (written with
    `decimals` decimals; null where the group has no number; the count is a whole number). A list
    source contributes the number of each element. An empty group field is a group of its own.
    Like build_group, it sees the group's values as the rule found them (THEN and ELSE alike)."""

    action: Literal["calculate_group"]
    field: str
    source: str
    group_field: str
    function: Literal["count", "sum", "min", "max"]
    decimals: int = Field(default=2, ge=0, le=6)


class Exclude(_Part):
    """exclude: the item leaves the feed; no later rule sees it."""

    action: Literal["exclude"]


class Nothing(_Part):
    """nothing: the item is left as it is (useful in THEN with only an ELSE to act)."""

    action: Literal["nothing"]


Action = Annotated[
    SetValue
    | AddText
    | Copy
    | Combine
    | Replace
    | SearchReplace
    | Lookup
    | SearchValue
    | Calculate
    | Round
    | MaxLength
    | ChangeCase
    | StripHtml
    | Trim
    | SplitText
    | JoinList
    | SortList
    | SliceList
    | SearchInList
    | SplitItems
    | BuildGroup
    | CalculateGroup
    | Exclude
    | Nothing,
    Field(discriminator="action"),
]

# Actions that look at other items (a rule with one runs over the whole set of items, not per item).
GROUP_ACTIONS = (BuildGroup, CalculateGroup)


# ── rules and rule sets ─────────────────────────────────────────────────────────────────────────


class Rule(_Part):
    """IF `when` THEN `then` ELSE `otherwise`; written `if`, `then`, `else` in JSON and YAML."""

    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    labels: list[str] = Field(default_factory=list)
    when: Group = Field(default_factory=lambda: Group(all=[]), alias="if")
    then: list[Action] = Field(min_length=1)
    otherwise: list[Action] = Field(default_factory=list, alias="else")


class RuleSet(_Part):
    """An ordered list of rules, run top to bottom; each rule sees what the previous one left."""

    name: str = Field(min_length=1, max_length=200)
    rules: list[Rule] = Field(default_factory=list)

    @property
    def enabled_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.enabled]


def template_fields(template: str) -> list[str]:
    """The fields a combine template names, in order (`{{`/`}}` are literal braces)."""
    return template_parts(template)[1]


def template_parts(template: str) -> tuple[list[str], list[str]]:
    """A combine template as its literal texts (braces unescaped; one more than the fields: before
    the first field, between fields, after the last) and the field names, in order."""
    literals, names, text, position = [], [], [], 0
    for match in TEMPLATE_TOKEN.finditer(template):
        text.append(template[position : match.start()])
        if match.group(1) is None:
            text.append(match.group()[0])
        else:
            literals.append("".join(text))
            names.append(match.group(1))
            text = []
        position = match.end()
    literals.append("".join([*text, template[position:]]))
    return literals, names


def walk_conditions(group: Group) -> list[Condition]:
    """Every condition in a group and its sub-groups, depth first."""
    found: list[Condition] = []
    for member in group.members:
        found.extend(walk_conditions(member) if isinstance(member, Group) else [member])
    return found
