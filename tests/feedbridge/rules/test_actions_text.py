"""Text actions: set, append / prepend, copy, combine, replace, search_replace, max_length, case,
strip_html, trim — each on hand-written values, every item written."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbridge.rules.actions import compile_action
from feedbridge.rules.model import (
    AddText,
    ChangeCase,
    Combine,
    Copy,
    Exclude,
    Kind,
    MaxLength,
    Nothing,
    Pair,
    Replace,
    SearchReplace,
    SetValue,
    SplitItems,
    StripHtml,
    Trim,
)
from support.rules.actions_support import column, run

# ── set, copy ──────────────────────────────────────────────────────────────────────────────────


def test_set_writes_the_value_everywhere_and_makes_a_list_field_text() -> None:
    assert column(SetValue(action="set", field="t", value="Neu"), "t", t=["a", None, ""]) == ["Neu"] * 3
    assert column(SetValue(action="set", field="l", value=""), "l", l=[["a"], [], None]) == ["", "", ""]


def test_set_creates_a_missing_field() -> None:
    assert run(SetValue(action="set", field="new", value="x"), t=["a", "b"]) == {
        "t": ["a", "b"],
        "new": ["x", "x"],
    }


def test_copy_takes_the_source_value_and_kind() -> None:
    copied = run(Copy(action="copy", field="t", source="s"), t=["a", "b", "c"], s=["x", None, " "])
    assert copied["t"] == ["x", None, " "]
    assert column(
        Copy(action="copy", field="t", source="l"), "t", t=["a", "b", "c"], l=[["x", "y"], [], None]
    ) == [
        ["x", "y"],
        [],
        None,
    ]


def test_copy_of_a_missing_field_is_null() -> None:
    assert column(Copy(action="copy", field="t", source="nope"), "t", t=["a"], nope=[None]) == [None]


# ── append / prepend ───────────────────────────────────────────────────────────────────────────


def test_append_text_that_is_not_whitespace_in_unicode() -> None:
    action = AddText(action="append", field="t", value="\x1c", separator="")
    assert column(action, "t", t=["a", None]) == ["a\x1c", "\x1c"]


def test_append_value_with_separator() -> None:
    action = AddText(action="append", field="t", value="XL", separator=" / ")
    assert column(action, "t", t=["Shirt", "", "  ", None, "Ünï"]) == [
        "Shirt / XL",
        "XL",
        "XL",
        "XL",
        "Ünï / XL",
    ]


def test_prepend_value() -> None:
    action = AddText(action="prepend", field="t", value="Acme", separator=" ")
    assert column(action, "t", t=["Shirt", None, " x "]) == ["Acme Shirt", "Acme", "Acme  x "]


def test_an_empty_or_blank_value_changes_nothing() -> None:
    for value in ["", "  ", "\u3000"]:
        action = AddText(action="append", field="t", value=value, separator="-")
        assert column(action, "t", t=["Shirt", None, ""]) == ["Shirt", None, ""]


def test_append_source_field_and_empty_sources_leave_the_field() -> None:
    action = AddText(action="append", field="t", source="s", separator=", ")
    result = column(
        action, "t", t=["Shirt", "Shirt", "Shirt", None, ""], s=["Red", None, " ", "Blue", "Green"]
    )
    assert result == ["Shirt, Red", "Shirt", "Shirt", "Blue", "Green"]


def test_a_list_source_is_added_as_its_elements_joined() -> None:
    action = AddText(action="prepend", field="t", source="l", separator=": ")
    result = column(action, "t", t=["Shirt", "Shirt", "Shirt"], l=[["Red", "Blue"], [], None])
    assert result == ["Red, Blue: Shirt", "Shirt", "Shirt"]


def test_max_length_changes_only_items_whose_result_fits() -> None:
    action = AddText(action="append", field="t", value="XL", separator=" ", max_length=8)
    assert column(action, "t", t=["Shirt", "T-Shirts", "Hé", None]) == ["Shirt XL", "T-Shirts", "Hé XL", "XL"]
    too_long = AddText(action="append", field="t", value="Extra", separator=" ", max_length=4)
    assert column(too_long, "t", t=[None, "a"]) == [None, "a"]


def test_append_value_to_each_element_of_a_list() -> None:
    action = AddText(action="append", field="l", value="cm", separator=" ")
    result = column(action, "l", l=[["10", "20"], [" ", "5"], [], None])
    assert result == [["10 cm", "20 cm"], ["cm", "5 cm"], ["cm"], ["cm"]]


def test_max_length_applies_to_each_element() -> None:
    action = AddText(action="prepend", field="l", value="ab", separator="", max_length=3)
    assert column(action, "l", l=[["x", "yy"], [], None]) == [["abx", "yy"], ["ab"], ["ab"]]
    too_long = AddText(action="prepend", field="l", value="abcd", separator="", max_length=3)
    assert column(too_long, "l", l=[["x"], [], None]) == [["x"], [], None]


def test_append_source_to_each_element_of_a_list() -> None:
    action = AddText(action="append", field="l", source="s", separator="-", max_length=5)
    result = column(
        action,
        "l",
        l=[["a", "bbbb", " "], ["a"], [], None, ["ü"]],
        s=["X", None, "Y", "Z", "Ä"],
    )
    assert result == [["a-X", "bbbb", "X"], ["a"], ["Y"], ["Z"], ["ü-Ä"]]


def test_prepend_source_onto_a_list_and_a_too_long_source_on_an_empty_list() -> None:
    action = AddText(action="prepend", field="l", source="s", separator=" ", max_length=3)
    assert column(action, "l", l=[["a", "b"], [], ["c"]], s=["x", "long", "toolong"]) == [
        ["x a", "x b"],
        [],
        ["c"],
    ]


# ── combine ────────────────────────────────────────────────────────────────────────────────────

COLOURED = Combine(action="combine", field="out", template="{brand} - {title} - {colour}")


def test_combine_docstring_example_and_dropped_separators() -> None:
    result = column(
        COLOURED,
        "out",
        brand=["", "Acme", "Acme", "Acme", None, "  "],
        title=["Title", "Title", None, "Title", None, " "],
        colour=["Red", "Red", "Red", "", "Red", None],
    )
    assert result == ["Title - Red", "Acme - Title - Red", "Acme - Red", "Acme - Title", "Red", None]


def test_combine_keeps_text_before_and_after_and_writes_braces() -> None:
    action = Combine(action="combine", field="out", template="{{{a}}}: {b}, {c}!")
    result = column(
        action, "out", a=["1", None, None, "x"], b=["2", "2", None, None], c=["3", None, "3", None]
    )
    assert result == ["{1}: 2, 3!", "{2!", "{3!", "{x!"]


def test_combine_reads_list_fields_joined_and_treats_empty_lists_as_empty() -> None:
    # " (" is the separator after {title}; ")" after the last field is always kept.
    action = Combine(action="combine", field="out", template="{title} ({sizes})")
    result = column(action, "out", title=["Shirt", "Shirt", None], sizes=[["S", "M"], [], ["L"]])
    assert result == ["Shirt (S, M)", "Shirt)", "L)"]


def test_combine_reads_unbalanced_braces_as_text() -> None:
    action = Combine(action="combine", field="out", template="{a}}}{ {b")
    assert column(action, "out", a=["x", None]) == ["x}{ {b", None]


def test_combine_keeps_values_as_they_are_and_can_name_a_field_twice() -> None:
    action = Combine(action="combine", field="t", template="{t}|{t}")
    assert column(action, "t", t=[" a ", "ü", None]) == [" a | a ", "ü|ü", None]


# ── replace ────────────────────────────────────────────────────────────────────────────────────


def test_replace_is_case_insensitive_by_default_and_literal() -> None:
    action = Replace(action="replace", field="t", find="ÄB.", replace_with="x")
    assert column(action, "t", t=["äb. ÄB. aB.", "abc", None, ""]) == ["x x aB.", "abc", None, ""]


def test_replace_case_sensitive() -> None:
    action = Replace(action="replace", field="t", find="Red", replace_with="Rot", case_sensitive=True)
    assert column(action, "t", t=["Red red RED Red"]) == ["Rot red RED Rot"]


@pytest.mark.parametrize("case_sensitive", [True, False])
def test_replace_treats_regex_characters_and_dollars_as_text(case_sensitive: bool) -> None:
    action = Replace(
        action="replace", field="t", find="(a|b)*$", replace_with="$1 $$", case_sensitive=case_sensitive
    )
    assert column(action, "t", t=["x(a|b)*$y", "ab"]) == ["x$1 $$y", "ab"]


def test_replace_with_nothing_and_on_each_element() -> None:
    action = Replace(action="replace", field="l", find=" cm")
    assert column(action, "l", l=[["10 cm", "20 CM"], [], None]) == [["10", "20"], [], None]


# ── search_replace ─────────────────────────────────────────────────────────────────────────────


def test_pairs_apply_in_order_each_to_the_previous_result() -> None:
    action = SearchReplace(
        action="search_replace",
        field="t",
        pairs=[Pair(find="a", replace_with="b"), Pair(find="b", replace_with="c")],
        case_sensitive=True,
    )
    assert column(action, "t", t=["aB", None]) == ["cB", None]


def test_literal_pairs_ignore_case_unless_told() -> None:
    pairs = [Pair(find="COLOR", replace_with="colour")]
    insensitive = SearchReplace(action="search_replace", field="t", pairs=pairs)
    sensitive = SearchReplace(action="search_replace", field="t", pairs=pairs, case_sensitive=True)
    assert column(insensitive, "t", t=["Color color"]) == ["colour colour"]
    assert column(sensitive, "t", t=["Color COLOR"]) == ["Color colour"]


def test_regex_pairs_with_groups_and_dollars() -> None:
    action = SearchReplace(
        action="search_replace",
        field="t",
        pairs=[Pair(find=r"(\d+)\s*x\s*(\d+)", replace_with="$2×$1 $$ $1st $ $x $10")],
        regex=True,
    )
    assert column(action, "t", t=["Size 10 X 20 cm", "none"]) == ["Size 20×10 $ 10st $ $x 100 cm", "none"]


def test_regex_pairs_case_switch() -> None:
    pairs = [Pair(find="^red|blue$", replace_with="-")]
    insensitive = SearchReplace(action="search_replace", field="t", pairs=pairs, regex=True)
    sensitive = SearchReplace(
        action="search_replace", field="t", pairs=pairs, regex=True, case_sensitive=True
    )
    assert column(insensitive, "t", t=["RED and BLUE", "Ärger"]) == ["- and -", "Ärger"]
    assert column(sensitive, "t", t=["RED and blue", "red"]) == ["RED and -", "-"]


def test_regex_on_each_element_and_unmatched_group_is_empty() -> None:
    action = SearchReplace(
        action="search_replace", field="l", pairs=[Pair(find="(a)|(b)", replace_with="[$1$2]")], regex=True
    )
    assert column(action, "l", l=[["ab", "c"], [], None]) == [["[a][b]", "c"], [], None]


# ── max_length ─────────────────────────────────────────────────────────────────────────────────


def test_max_length_cuts_exactly_and_leaves_short_text() -> None:
    action = MaxLength(action="max_length", field="t", length=5)
    assert column(action, "t", t=["Hello world", "Hello", "", None, "Ünïcödé"]) == [
        "Hello",
        "Hello",
        "",
        None,
        "Ünïcö",
    ]


def test_max_length_counts_the_ellipsis_and_removes_trailing_whitespace_before_it() -> None:
    action = MaxLength(action="max_length", field="t", length=8, ellipsis="…")
    assert column(action, "t", t=["Hello world", "Hello  \tworld", "12345678", "123456789"]) == [
        "Hello w…",
        "Hello…",
        "12345678",
        "1234567…",
    ]
    plain = MaxLength(action="max_length", field="t", length=6)
    assert column(plain, "t", t=["Hello world"]) == ["Hello"]


def test_max_length_on_word() -> None:
    action = MaxLength(action="max_length", field="t", length=11, on_word=True, ellipsis="...")
    # kept part: 8 characters
    assert column(
        action,
        "t",
        t=[
            "Blue cotton shirt",  # "Blue cot" splits "cotton" → back to "Blue"
            "Blue co ton shirt",  # "Blue co " ends with whitespace: no word split
            "Blue cot tonshirt",  # the cut falls right before whitespace: no word split
            "Bluecottonshirt!!",  # no whitespace in the kept part: cut exactly
            "Blue\u00a0cotton shirt",  # no-break space is whitespace
        ],
    ) == ["Blue...", "Blue co...", "Blue cot...", "Bluecott...", "Blue..."]


def test_max_length_on_each_element() -> None:
    action = MaxLength(action="max_length", field="l", length=3, on_word=True)
    assert column(action, "l", l=[["ab cd", "abcd", "ab"], [], None]) == [["ab", "abc", "ab"], [], None]


# ── case ───────────────────────────────────────────────────────────────────────────────────────


def test_lowercase_and_uppercase_are_full_unicode() -> None:
    values = ["Straße ÀÉÎ", None, ""]
    assert column(ChangeCase(action="lowercase", field="t"), "t", t=values) == ["straße àéî", None, ""]
    assert column(ChangeCase(action="uppercase", field="t"), "t", t=values) == ["STRASSE ÀÉÎ", None, ""]


def test_capitalize_uppercases_the_first_character_only() -> None:
    action = ChangeCase(action="capitalize", field="t")
    assert column(action, "t", t=["élan VITAL", " x", "", None]) == ["Élan VITAL", " x", "", None]


def test_titlecase_words_are_runs_between_whitespace() -> None:
    action = ChangeCase(action="titlecase", field="t")
    result = column(action, "t", t=["o'NEIL t-shirt (BLUE)", "  two\u00a0wORDS\tÜBER ", "1st", "", None])
    assert result == ["O'neil T-shirt (blue)", "  Two\u00a0Words\tÜber ", "1st", "", None]


def test_case_on_each_element() -> None:
    action = ChangeCase(action="titlecase", field="l")
    assert column(action, "l", l=[["red WINE", "x-y"], [], None]) == [["Red Wine", "X-y"], [], None]


# ── strip_html, trim ───────────────────────────────────────────────────────────────────────────


def test_strip_html_replaces_tags_by_spaces_and_decodes_entities_once() -> None:
    action = StripHtml(action="strip_html", field="t")
    result = column(
        action,
        "t",
        t=[
            "<p>Soft<br/>cotton</p>",
            "Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&apos;",
            "a&nbsp;&nbsp;b",
            "&amp;lt;b&amp;gt;",
            '<a href="x">\n  link </a>',
            "5 < 6",
            None,
            "<br>",
        ],
    )
    assert result == [
        "Soft cotton",
        "Tom & Jerry <3 \"x\" 'y'",
        "a b",
        "&lt;b&gt;",
        "link",
        "5 < 6",
        None,
        "",
    ]


def test_trim_collapses_unicode_whitespace_only() -> None:
    action = Trim(action="trim", field="t")
    result = column(action, "t", t=["  a \t\n b\u3000", "\u2003", "x\x1cy\u200b", None, "a b"])
    assert result == ["a b", "", "x\x1cy\u200b", None, "a b"]


def test_trim_on_each_element() -> None:
    assert column(Trim(action="trim", field="l"), "l", l=[[" a ", "b  c"], []]) == [["a", "b c"], []]


# ── what compile_action leaves to the engine ───────────────────────────────────────────────────


def test_item_level_actions_are_not_compiled_here() -> None:
    assert compile_action(Nothing(action="nothing"), {}) == {}
    for action in [Exclude(action="exclude"), SplitItems(action="split_items", field="l")]:
        with pytest.raises(TypeError, match="item-level"):
            compile_action(action, {"l": Kind.LIST})


# ── strip_html, trim and titlecase against plain Python definitions ────────────────────────────

# Unicode White_Space (what Rust's `\s` matches; Python's `str.isspace` also takes \x1c–\x1f).
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
ENTITY_CHARACTERS = {
    "&amp;": "&",
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&#39;": "'",
    "&apos;": "'",
    "&nbsp;": "\xa0",
}
HTML_PIECES = [
    "<",
    ">",
    "<p>",
    "</b>",
    "<br/>",
    "a",
    "B",
    "é",
    "&",
    ";",
    "amp",
    "lt",
    "nbsp",
    *ENTITY_CHARACTERS,
]
HTML_PIECES += [" ", "  ", "\n", "\t", "\xa0", "\u3000", "\x1c", "\u200b"]


def trimmed(text: str) -> str:
    return re.sub(f"[{WHITE_SPACE}]+", " ", text).strip(" ")


def stripped(text: str) -> str:
    untagged = re.sub(r"<[^>]*>", " ", text)
    decoded = re.sub("|".join(ENTITY_CHARACTERS), lambda match: ENTITY_CHARACTERS[match.group()], untagged)
    return trimmed(decoded)


def titlecased(text: str) -> str:
    runs = re.findall(f"[{WHITE_SPACE}]+|[^{WHITE_SPACE}]+", text)
    return "".join(run if run[0] in WHITE_SPACE else run[0].upper() + run[1:].lower() for run in runs)


html = st.lists(st.sampled_from(HTML_PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(html, min_size=1, max_size=8))
def test_strip_html_and_trim_match_their_definitions(texts: list[str]) -> None:
    assert column(StripHtml(action="strip_html", field="t"), "t", t=texts) == [
        stripped(text) for text in texts
    ]
    assert column(Trim(action="trim", field="t"), "t", t=texts) == [trimmed(text) for text in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="aZé ÉßǆΣσ'-1.\t\xa0\u3000\x1c", max_size=12), min_size=1, max_size=8))
def test_titlecase_matches_its_definition(texts: list[str]) -> None:
    assert column(ChangeCase(action="titlecase", field="t"), "t", t=texts) == [
        titlecased(text) for text in texts
    ]
