"""Hypothesis strategies for random items and random rule sets that meet them.

Each example draws a small pool of words; items are made mostly of those words (with case variants,
unicode, blanks, whitespace of every kind, numbers in text, HTML, GTIN-like digits and dates) and
rules look for the same words, so that conditions select some items and actions change some values.
Items use a small fixed set of field names; rules also name fields no item has. Rule sets are drawn
rule by rule, tracking each field's kind (text or list) so that every action gets a field of a kind
the rule language defines it for.

Characters left out of generated text, because Python and Polars (Rust) honestly disagree on them
and the product is not wrong either way:
- U+0130 (capital I with dot) and U+0131 (dotless i): Rust's case-insensitive regexes use Unicode
  simple case folding, where neither folds to "i"; Python's re.IGNORECASE matches both with "i".
- U+03A3 (capital sigma): the final-sigma rule makes its lowercase depend on the letters around it,
  so titlecase ("first character up, the rest down", per word) can honestly differ by context.
- characters unassigned in Python's Unicode database (category Cn): Polars knows a newer Unicode
  version and lowercases some of them.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from feedbridge.rules.flow import kind_after
from feedbridge.rules.model import (
    AddText,
    AllItems,
    BuildGroup,
    Calculate,
    CalculateGroup,
    ChangeCase,
    Combine,
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
    Pair,
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
    Term,
    TextCondition,
    TodayCondition,
    Trim,
)

ID_FIELD = "id"
FIELDS: dict[str, Kind] = {
    ID_FIELD: Kind.TEXT,
    "title": Kind.TEXT,
    "brand": Kind.TEXT,
    "price": Kind.TEXT,
    "stock": Kind.TEXT,
    "gtin": Kind.TEXT,
    "date": Kind.TEXT,
    "group": Kind.TEXT,
    "tags": Kind.LIST,
    "colors": Kind.LIST,
}
MISSING = ("missing", "extra")  # names no item has: rules read them as null
NEW = ("new_a", "new_b")  # names rules may create
DATE_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%m-%d-%Y %H:%M")
EXCLUDED_CHARACTERS = "\u0130\u0131\u03a3"
NOW = dt.datetime(2024, 3, 15, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))

WORDS = [
    "red",
    "Red",
    "RED",
    "rED",
    "shirt",
    "Shirt",
    "sHIRT",
    "T-Shirt",
    "straße",
    "STRASSE",
    "Straße",
    "café",
    "CAFÉ",
    "Café",
    "blue",
    "Ärmel",
    "ärmel",
    "ǅemal",
    "ǆ",
    "ﬁne",
    "σοφία",
    "naïve",
    "K",
    "ſ",
    "x",
    "X",
    "a",
    "ab",
    "Ab",
    "new",
    "NEW",
    "XL",
    "xl",
    "50%",
    "$9",
    "€5",
    "-3",
    "0",
    "1,5",
    "7.",
    ".5",
    "2.675",
    "12.99",
    "(x)",
    "[y]",
    "a|b",
    "<b>",
    "</b>",
    "<br/>",
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&amp;lt;",
    "日本",
    "🙂",
]
# Whitespace as Rust has it (Unicode White_Space) and look-alikes that are not: \x1c–\x1f are
# str.isspace() in Python, U+200B (zero width space) is neither.
ODD_SPACES = ("\x1c", "\x1f", "\x85", "\u2028", "\u3000", "\xa0", "\u200b", "\x0b")
SEPARATORS = (" ", " ", " ", "  ", ", ", ",", "\t", "\n", "", "-", " - ", "/", "|", *ODD_SPACES)
BLANKS = ("", " ", "  ", "\t", "\n", "\u3000 ", *ODD_SPACES)
FRAGMENTS = ("e", "E", "R", "ss", "SS", "ä", " ", "1", "-", ".", "é", "Ǆ", "ed", "T", "\x1c")
GROUPS = ("g1", "g2", "G1", "", " ", None)

characters = st.characters(exclude_categories=("Cs", "Cn"), exclude_characters=EXCLUDED_CHARACTERS)


@dataclass(frozen=True)
class Pool:
    """The words one example's items are mostly made of and its rules mostly look for."""

    words: tuple[str, ...]

    def word(self) -> st.SearchStrategy[str]:
        return st.one_of(st.sampled_from(self.words), st.sampled_from(self.words), st.sampled_from(WORDS))

    def needle(self) -> st.SearchStrategy[str]:
        """Non-empty text to look for: a word, a case variant, a piece of a word, a fragment."""
        variants = self.word().flatmap(
            lambda word: st.sampled_from((word, word.upper(), word.lower(), word[: max(1, len(word) // 2)]))
        )
        return st.one_of(self.word(), variants, st.sampled_from(FRAGMENTS))


pools = st.lists(st.sampled_from(WORDS), min_size=2, max_size=4, unique=True).map(
    lambda words: Pool(tuple(words))
)


# ── item values ────────────────────────────────────────────────────────────────────────────────


@st.composite
def phrases(draw: st.DrawFn, pool: Pool) -> str:
    """Words joined by assorted separators (whitespace of every kind included)."""
    parts = draw(
        st.lists(
            st.one_of(pool.word(), pool.word(), st.text(characters, min_size=1, max_size=3)),
            min_size=1,
            max_size=5,
        )
    )
    text = ""
    for part in parts:
        text += (draw(st.sampled_from(SEPARATORS)) if text else "") + part
    ends = st.sampled_from(("", "", "", " ", "\t", *ODD_SPACES))
    return draw(ends) + text + draw(ends)


def texts(pool: Pool) -> st.SearchStrategy[str]:
    return st.one_of(
        phrases(pool), phrases(pool), pool.word(), st.text(characters, max_size=8), st.sampled_from(BLANKS)
    )


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    """Numbers as merchants write them: signs, decimals, currency, units, several numbers, none."""
    sign = draw(st.sampled_from(("", "", "-", "+")))
    whole = str(draw(st.integers(0, 10 ** draw(st.sampled_from((1, 2, 3, 6, 20))))))
    fraction = draw(st.sampled_from(("", "", ".5", ".25", ".99", ".125", ".005", ".675", ".")))
    shape = draw(
        st.sampled_from(("{}", "{}", "{} USD", "EUR {}", "  {}", "SKU-{}", "{} / 2.5", "ab", "1.2.3"))
    )
    return shape.format(sign + whole + fraction)


def _check_digit(body: str) -> str:
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


@st.composite
def gtins(draw: st.DrawFn) -> str:
    """GTIN-like digits: right and wrong lengths and check digits, padding, non-ASCII digits."""
    length = draw(st.sampled_from((8, 12, 13, 14, 7, 9, 15)))
    body = draw(st.text(string.digits, min_size=length - 1, max_size=length - 1))
    code = body + (_check_digit(body) if draw(st.booleans()) else draw(st.sampled_from(string.digits)))
    return draw(
        st.sampled_from((code, code, f" {code}\t", f"\xa0{code}", code.replace("1", "\u0661"), code + "x"))
    )


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    near = st.integers(-2, 2).map(lambda offset: NOW.date() + dt.timedelta(days=offset))
    day = draw(st.one_of(near, near, st.dates(dt.date(1999, 1, 1), dt.date(2031, 12, 31))))
    shape = draw(st.sampled_from(("iso", "iso", "iso time", "format", "junk")))
    if shape == "iso":
        return day.isoformat()
    if shape == "iso time":
        return day.isoformat() + draw(st.sampled_from(("T10:00:00", " 23:59", "Z", "x")))
    if shape == "format":
        return dt.datetime.combine(day, dt.time(9, 5)).strftime(draw(st.sampled_from(DATE_FORMATS)))
    return draw(st.sampled_from(("2024-13-01", "2024-02-30", "2024-3-15", "24-03-15", "15/03/2024", "today")))


def _nullable(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values, values, values, values)


def _lists(elements: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.lists(elements, max_size=4), st.lists(elements, min_size=2, max_size=4))


def values(name: str, pool: Pool) -> st.SearchStrategy[Any]:
    numbers = st.one_of(number_texts(), st.integers(-5, 50).map(str))
    return {
        "title": _nullable(texts(pool)),
        "brand": _nullable(st.one_of(pool.word(), st.sampled_from(BLANKS))),
        "price": _nullable(st.one_of(numbers, numbers, texts(pool))),
        "stock": _nullable(numbers),
        "gtin": _nullable(st.one_of(gtins(), gtins(), texts(pool))),
        "date": _nullable(st.one_of(date_texts(), date_texts(), texts(pool))),
        "group": st.sampled_from(GROUPS),
        "tags": _lists(st.one_of(pool.word(), texts(pool), number_texts())),
        "colors": st.one_of(_lists(pool.word()), st.none()),  # sometimes null on every item
    }[name]


@st.composite
def feeds(draw: st.DrawFn, pool: Pool, max_items: int = 8) -> tuple[dict[str, Kind], list[dict[str, Any]]]:
    """A feed's fields (with kinds, in column order) and its items, every field on every item."""
    present = [name for name in FIELDS if name == ID_FIELD or draw(st.integers(0, 9)) > 0]
    fields = {name: FIELDS[name] for name in present}
    items = []
    for index in range(draw(st.integers(0, max_items))):
        item = {ID_FIELD: f"p{index}"}
        item.update({name: draw(values(name, pool)) for name in present if name != ID_FIELD})
        items.append(item)
    return fields, items


# ── fields ─────────────────────────────────────────────────────────────────────────────────────


def _named(kinds: dict[str, Kind], kind: Kind | None = None) -> list[str]:
    return [name for name, held in kinds.items() if kind is None or held is kind]


def text_fields(kinds: dict[str, Kind], prefer: str | None = None) -> st.SearchStrategy[str]:
    """Text fields, or fields no item has (read as null text); `prefer` (if text) half the time."""
    names = [*_named(kinds, Kind.TEXT), *MISSING]
    if prefer in _named(kinds, Kind.TEXT):
        return st.one_of(st.just(prefer), st.sampled_from(names))
    return st.sampled_from(names)


def any_fields(kinds: dict[str, Kind]) -> st.SearchStrategy[str]:
    return st.sampled_from([*_named(kinds), *MISSING])


def written_fields(kinds: dict[str, Kind], kind: Kind | None = None) -> st.SearchStrategy[str]:
    """Fields an action may write: not the unique ID (it identifies the items); new names too."""
    return st.sampled_from([*(name for name in _named(kinds, kind) if name != ID_FIELD), *NEW])


# ── conditions ─────────────────────────────────────────────────────────────────────────────────


@st.composite
def regexes(draw: st.DrawFn) -> tuple[str, int]:
    """A pattern from a grammar on which Rust and Python agree (ASCII atoms and classes, `\\d`,
    `\\s`, repetitions, groups, alternation, anchors), and its number of groups."""
    atoms = ("a", "b", "e", "r", "R", "x", "0", "1", " ", "-", r"\.", ".", "[a-z]", "[A-Z]", "[0-9]", r"\d")
    atoms += (r"\s", "[^a ]", "[ab]", "ß", "é")
    groups = 0

    def piece() -> str:
        nonlocal groups
        if draw(st.integers(0, 4)) == 0:
            groups += 1
            count = draw(st.integers(1, 2))
            alternatives = [
                "".join(draw(st.lists(st.sampled_from(atoms), min_size=1, max_size=2))) for _ in range(count)
            ]
            body = "(" + "|".join(alternatives) + ")"
        else:
            body = draw(st.sampled_from(atoms))
        return body + draw(st.sampled_from(("", "", "", "*", "+", "?", "*?")))

    pattern = "".join(piece() for _ in range(draw(st.integers(1, 3))))
    if draw(st.integers(0, 4)) == 0:
        pattern += "|" + piece()
    return draw(st.sampled_from(("", "", "^"))) + pattern + draw(st.sampled_from(("", "", "$"))), groups


@st.composite
def conditions(draw: st.DrawFn, kinds: dict[str, Kind], pool: Pool) -> Any:
    kind = draw(
        st.sampled_from(
            [
                "all",
                "text",
                "text",
                "list",
                "regex",
                "empty",
                "number",
                "length",
                "rank",
                "gtin",
                "date",
                "today",
            ]
        )
    )
    cs = draw(st.booleans())
    field = draw(any_fields(kinds))
    if kind == "all":
        return AllItems()
    if kind == "text":
        op = draw(
            st.sampled_from(("contains", "not_contains", "equals", "not_equals", "starts_with", "ends_with"))
        )
        if draw(st.integers(0, 3)) == 0:
            return TextCondition(op=op, field=field, other_field=draw(any_fields(kinds)), case_sensitive=cs)
        return TextCondition(op=op, field=field, value=draw(pool.needle()), case_sensitive=cs)
    if kind == "list":
        listed = draw(st.lists(st.one_of(pool.needle(), st.sampled_from(("", " "))), min_size=1, max_size=4))
        op = draw(st.sampled_from(("contains_any", "contains_none", "equals_any")))
        return ListCondition(op=op, field=field, values=listed, case_sensitive=cs)
    if kind == "regex":
        op = draw(st.sampled_from(("matches", "not_matches")))
        return RegexCondition(op=op, field=field, pattern=draw(regexes())[0], case_sensitive=cs)
    if kind == "empty":
        return EmptyCondition(op=draw(st.sampled_from(("is_empty", "not_empty"))), field=field)
    if kind in ("number", "rank"):
        field = draw(st.one_of(text_fields(kinds, prefer="price"), st.just(field)))
        if kind == "rank":
            return RankCondition(
                op=draw(st.sampled_from(("top_n", "bottom_n"))), field=field, n=draw(st.integers(1, 4))
            )
        op = draw(st.sampled_from(("less_than", "at_most", "greater_than", "at_least")))
        if draw(st.integers(0, 3)) == 0:
            return NumberCondition(op=op, field=field, other_field=draw(text_fields(kinds, prefer="stock")))
        value = draw(st.sampled_from((0.0, 1.0, 5.0, 12.99, -3.0, 0.5, 10.0, 100.0, 1e6)))
        return NumberCondition(op=op, field=field, value=value)
    if kind == "length":
        op = draw(st.sampled_from(("length_exceeds", "length_at_most", "words_exceed", "words_at_most")))
        return LengthCondition(op=op, field=field, n=draw(st.integers(0, 6)))
    if kind == "gtin":
        op = draw(st.sampled_from(("gtin_valid", "gtin_invalid")))
        return GtinCondition(op=op, field=draw(text_fields(kinds, prefer="gtin")))
    if kind == "date":
        op = draw(st.sampled_from(("date_before", "date_on_or_after", "date_equals")))
        # A format only on the dates field (as text): chrono reads "%Y" leniently ("1.2.3" is a date
        # in year 3 for "%d.%m.%Y") where Python's strptime wants four digits; neither is wrong.
        dated = kinds.get("date", Kind.TEXT) is Kind.TEXT
        date_format = draw(st.sampled_from((None, None, *DATE_FORMATS))) if dated else None
        field = "date" if date_format else draw(text_fields(kinds, prefer="date"))
        if draw(st.booleans()):
            return DateCondition(op=op, field=field, days=draw(st.integers(-5, 5)), format=date_format)
        day = NOW.date() + dt.timedelta(days=draw(st.integers(-2, 2)))
        return DateCondition(op=op, field=field, date=day, format=date_format)
    part = draw(st.sampled_from(("weekday", "day_of_month", "month", "hour")))
    low, high = {"weekday": (1, 7), "day_of_month": (1, 31), "month": (1, 12), "hour": (0, 23)}[part]
    return TodayCondition(part=part, values=draw(st.lists(st.integers(low, high), min_size=1, max_size=4)))


@st.composite
def groups(draw: st.DrawFn, kinds: dict[str, Kind], pool: Pool, depth: int = 2) -> Group:
    """AND / OR groups of 0–3 members, nested up to `depth` levels."""
    members: list[Any] = []
    for _ in range(draw(st.integers(0, 3))):
        nested = depth > 0 and draw(st.integers(0, 3)) == 0
        members.append(draw(groups(kinds, pool, depth - 1)) if nested else draw(conditions(kinds, pool)))
    return Group(all=members) if draw(st.booleans()) else Group(any=members)


# ── actions ────────────────────────────────────────────────────────────────────────────────────


@st.composite
def calculations(draw: st.DrawFn, kinds: dict[str, Kind], depth: int = 2) -> str:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        if draw(st.booleans()):
            return "{" + draw(text_fields(kinds, prefer="price")) + "}"
        return draw(st.sampled_from(("0", "1", "2", "100", "1.5", "0.1", "3", ".5", "1.19")))
    left, right = draw(calculations(kinds, depth - 1)), draw(calculations(kinds, depth - 1))
    shape = draw(
        st.sampled_from(("{} + {}", "{} - {}", "{} * {}", "{} / {}", "({} + {})", "-{} * {}", "{}/({} - 1)"))
    )
    return shape.format(left, right)


@st.composite
def templates(draw: st.DrawFn, kinds: dict[str, Kind]) -> str:
    names = draw(st.lists(any_fields(kinds), min_size=1, max_size=3))
    body = ""
    for index, name in enumerate(names):
        body += (draw(st.sampled_from((" - ", " ", "", ", ", " | "))) if index else "") + "{" + name + "}"
    prefix = draw(st.sampled_from(("", "", "Brand: ", "{{ ", "{{", "{x")))
    return prefix + body + draw(st.sampled_from(("", "", " (new)", " }}", "}}", "}")))


def replacements(groups_: int) -> st.SearchStrategy[str]:
    """Replacement text: literal text, `$$`, a `$` before a letter, and `$n` for existing groups."""
    parts = ["x", "", "-", "$$", "$USD", " ", "Ä", *(f"${n}" for n in range(1, groups_ + 1))]
    return st.lists(st.sampled_from(parts), max_size=3).map("".join)


def _unique(keys: list[str], case_sensitive: bool) -> list[str]:
    seen: dict[str, str] = {}
    for key in keys:
        seen.setdefault(key if case_sensitive else key.lower(), key)
    return list(seen.values())


ACTION_KINDS = [
    "set",
    "copy",
    "combine",
    "replace",
    "search_replace",
    "lookup",
    "search_value",
    "calculate",
    "round",
    "max_length",
    "case",
    "strip_html",
    "trim",
    "split",
    "exclude",
    "nothing",
    "build_group",
    "calculate_group",
    "search_list",
    "append",
]
LIST_ACTION_KINDS = ["join", "sort_list", "slice_list", "split_items", "split_items", "search_list"]


@st.composite
def actions(draw: st.DrawFn, kinds: dict[str, Kind], pool: Pool) -> Any:
    lists = _named(kinds, Kind.LIST)
    kind = draw(st.sampled_from([*ACTION_KINDS, *(LIST_ACTION_KINDS if lists else ())]))
    cs = draw(st.booleans())
    field = draw(written_fields(kinds))  # text or list: actions that change text work per element
    if kind == "set":
        return SetValue(action="set", field=field, value=draw(st.one_of(pool.needle(), st.just(""))))
    if kind == "append":
        operand = {"value": draw(st.one_of(pool.needle(), st.sampled_from(("", " "))))}
        if draw(st.booleans()):
            operand = {"source": draw(any_fields(kinds))}
        return AddText(
            action=draw(st.sampled_from(("append", "prepend"))),
            field=field,
            separator=draw(st.sampled_from((" ", " - ", "", ", "))),
            max_length=draw(st.one_of(st.none(), st.integers(1, 20))),
            **operand,
        )
    if kind == "copy":
        return Copy(action="copy", field=field, source=draw(any_fields(kinds)))
    if kind == "combine":
        return Combine(action="combine", field=field, template=draw(templates(kinds)))
    if kind == "replace":
        replace_with = draw(st.sampled_from(("", "x", "$1", " ", "Ä")))
        return Replace(
            action="replace",
            field=field,
            find=draw(pool.needle()),
            replace_with=replace_with,
            case_sensitive=cs,
        )
    if kind == "search_replace":
        regex = draw(st.booleans())
        pairs = []
        for _ in range(draw(st.integers(1, 3))):
            find, count = draw(regexes()) if regex else (draw(pool.needle()), 0)
            pairs.append(Pair(find=find, replace_with=draw(replacements(count))))
        return SearchReplace(
            action="search_replace", field=field, pairs=pairs, case_sensitive=cs, regex=regex
        )
    if kind == "lookup":
        keys = _unique(draw(st.lists(st.one_of(pool.word(), pool.needle()), min_size=1, max_size=5)), cs)
        table = [Pair(find=key, replace_with=draw(st.one_of(pool.word(), st.just("")))) for key in keys]
        return Lookup(action="lookup", field=field, table=table, case_sensitive=cs)
    if kind == "search_value":
        terms = [
            Term(term=term, alias=draw(st.one_of(st.none(), pool.word(), st.just(""))))
            for term in draw(st.lists(pool.needle(), min_size=1, max_size=4))
        ]
        source = draw(any_fields(kinds))
        return SearchValue(action="search_value", field=field, source=source, terms=terms, case_sensitive=cs)
    if kind == "calculate":
        expression = draw(calculations(kinds))
        return Calculate(
            action="calculate", field=field, expression=expression, decimals=draw(st.integers(0, 3))
        )
    if kind == "round":
        field = draw(st.one_of(text_fields(kinds, prefer="price"), st.just(field)))
        if draw(st.booleans()):
            return Round(action="round", field=field, decimals=draw(st.integers(0, 3)))
        ending = draw(st.sampled_from((".99", "9.99", "5", ".5", "0", "10", "99.95", ".05")))
        direction = draw(st.sampled_from(("up", "down", "nearest")))
        return Round(action="round", field=field, ending=ending, direction=direction)
    if kind == "max_length":
        length = draw(st.integers(1, 16))
        ellipsis = draw(st.sampled_from(("", "", "…", "...")))
        ellipsis = ellipsis if len(ellipsis) < length else ""
        return MaxLength(
            action="max_length", field=field, length=length, on_word=draw(st.booleans()), ellipsis=ellipsis
        )
    if kind == "case":
        return ChangeCase(
            action=draw(st.sampled_from(("lowercase", "uppercase", "capitalize", "titlecase"))), field=field
        )
    if kind == "strip_html":
        return StripHtml(action="strip_html", field=field)
    if kind == "trim":
        return Trim(action="trim", field=field)
    if kind == "split":
        # Mostly on text; on a list field it does nothing.
        field = draw(
            st.one_of(written_fields(kinds, Kind.TEXT), written_fields(kinds, Kind.TEXT), st.just(field))
        )
        return SplitText(
            action="split", field=field, separator=draw(st.sampled_from((",", " ", ", ", "|", "ab", "\n")))
        )
    if kind == "exclude":
        return Exclude(action="exclude")
    if kind == "nothing":
        return Nothing(action="nothing")
    if kind in ("build_group", "calculate_group"):
        source, group_field = draw(any_fields(kinds)), draw(text_fields(kinds, prefer="group"))
        if kind == "build_group":
            return BuildGroup(action="build_group", field=field, source=source, group_field=group_field)
        function = draw(st.sampled_from(("count", "sum", "min", "max")))
        return CalculateGroup(
            action="calculate_group",
            field=field,
            source=draw(st.one_of(text_fields(kinds, prefer="price"), st.just(source))),
            group_field=group_field,
            function=function,
            decimals=draw(st.integers(0, 3)),
        )
    if kind == "search_list":
        mode = draw(st.sampled_from(("delete", "keep", "count")))
        if lists and draw(st.integers(0, 3)) > 0:
            field = draw(st.sampled_from(lists))
        terms = draw(st.lists(st.one_of(pool.needle(), st.just("")), min_size=1, max_size=3))
        target = draw(written_fields(kinds)) if mode == "count" else None
        return SearchInList(
            action="search_list",
            field=field,
            mode=mode,
            terms=terms,
            whole=draw(st.booleans()),
            case_sensitive=cs,
            target=target,
        )
    field = draw(st.sampled_from(lists))
    if kind == "join":
        return JoinList(action="join", field=field, separator=draw(st.sampled_from((", ", "|", "", " "))))
    if kind == "sort_list":
        return SortList(action="sort_list", field=field, descending=draw(st.booleans()))
    if kind == "slice_list":
        length = draw(st.one_of(st.none(), st.integers(0, 3)))
        return SliceList(action="slice_list", field=field, start=draw(st.integers(-4, 3)), length=length)
    return SplitItems(action="split_items", field=field)


@st.composite
def condition_rule_sets(draw: st.DrawFn, fields: dict[str, Kind], pool: Pool, max_rules: int = 6) -> RuleSet:
    """One rule per condition, each marking the items it selects in a field of its own, so that
    every condition's answer shows in the result."""
    rules = [
        Rule(
            name=f"condition {index}",
            when=Group(all=[draw(conditions(fields, pool))]),
            then=[SetValue(action="set", field=f"hit {index}", value="y")],
        )
        for index in range(draw(st.integers(1, max_rules)))
    ]
    return RuleSet(name="conditions", rules=rules)


@st.composite
def action_rule_sets(draw: st.DrawFn, fields: dict[str, Kind], pool: Pool, max_rules: int = 4) -> RuleSet:
    """One rule per action, each on every item, so that every action's result shows."""
    kinds, rules = dict(fields), []
    for index in range(draw(st.integers(1, max_rules))):
        action = draw(actions(kinds, pool))
        kinds.update(kind_after(action, kinds))
        rules.append(Rule(name=f"action {index}", then=[action]))
    return RuleSet(name="actions", rules=rules)


@st.composite
def rule_sets(draw: st.DrawFn, fields: dict[str, Kind], pool: Pool, max_rules: int = 5) -> RuleSet:
    """Rules drawn in order against the fields' kinds as the earlier rules leave them."""
    kinds = dict(fields)
    rules = []
    for index in range(draw(st.integers(1, max_rules))):
        enabled = draw(st.integers(0, 9)) > 0
        after = dict(kinds)
        when = draw(groups(after, pool))
        branches: list[list[Any]] = []
        for low, high in ((1, 3), (0, 2)):
            branch = []
            for _ in range(draw(st.integers(low, high))):
                action = draw(actions(after, pool))
                after.update(kind_after(action, after))
                branch.append(action)
            branches.append(branch)
        rules.append(
            Rule(name=f"rule {index}", enabled=enabled, when=when, then=branches[0], otherwise=branches[1])
        )
        if enabled:
            kinds = after
    return RuleSet(name="random", rules=rules)


nows = st.one_of(
    st.just(NOW),
    st.datetimes(
        dt.datetime(2020, 1, 1),
        dt.datetime(2030, 12, 31),
        timezones=st.sampled_from(
            [dt.UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=14))]
        ),
    ),
)
