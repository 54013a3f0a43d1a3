"""Actions that rework a field's text in place: replace, search_replace, max_length, the case
actions, strip_html, trim. On a list field each works on every element."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import polars as pl

from feedbridge.rules.model import ChangeCase, Kind, MaxLength, Replace, SearchReplace, StripHtml, Trim
from feedbridge.rules.values import per_element

# The entities strip_html decodes in one pass (so "&amp;lt;" becomes "&lt;", not "<"); &nbsp; is
# decoded as part of the whitespace: it only ever ends up in a run of whitespace collapsed to one space.
ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&apos;": "'"}
# A run of tags, &nbsp; and whitespace, or a whitespace character other than a lone space: each becomes
# one space. (Replacing only these, not every single space, keeps the number of replacements small.)
TAGS_AND_WHITESPACE = r"(?:<[^>]*>|&nbsp;)(?:\s|<[^>]*>|&nbsp;)*|\s(?:\s|<[^>]*>|&nbsp;)+|[^\S ]"
WHITESPACE_RUNS = r"\s\s+|[^\S ]"
# In a replacement: `$$`, a group `$1`…`$9`, or any other `$` (written as it is).
DOLLAR = re.compile(r"\$(\$|[1-9])?")


def _in_place(
    action: ChangeCase | MaxLength | Replace | SearchReplace | StripHtml | Trim,
    kinds: Mapping[str, Kind],
    transform: Callable[[pl.Expr], pl.Expr],
) -> dict[str, pl.Expr]:
    kind = kinds.get(action.field, Kind.TEXT)
    return {action.field: per_element(transform, pl.col(action.field), kind)}


def replace(action: Replace, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    return _in_place(
        action,
        kinds,
        lambda text: replace_all(text, action.find, action.replace_with, action.case_sensitive, regex=False),
    )


def search_replace(action: SearchReplace, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    def transform(text: pl.Expr) -> pl.Expr:
        for pair in action.pairs:
            text = replace_all(text, pair.find, pair.replace_with, action.case_sensitive, regex=action.regex)
        return text

    return _in_place(action, kinds, transform)


def replace_all(text: pl.Expr, find: str, replace_with: str, case_sensitive: bool, *, regex: bool) -> pl.Expr:
    """Every occurrence of `find` replaced. Case-insensitive search is a `(?i)` regex: Unicode simple
    case folding, which agrees with comparing lowercase forms but for a few characters whose
    lowercase form is longer (such as "İ")."""
    if not regex:
        if case_sensitive:
            return text.str.replace_all(find, replace_with, literal=True)
        find, replace_with = pl.escape_regex(find), replace_with.replace("$", "$$")
    else:
        replace_with = DOLLAR.sub(_dollar, replace_with)
    return text.str.replace_all(find if case_sensitive else f"(?i){find}", replace_with)


def _dollar(match: re.Match[str]) -> str:
    """`$1` → `${1}` (so "$1st" is group 1 then "st"); `$$` stays; a lone `$` is a dollar sign."""
    group = match.group(1)
    return "$$" if group in (None, "$") else "${" + group + "}"


def max_length(action: MaxLength, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    keep = action.length - len(action.ellipsis)

    def transform(text: pl.Expr) -> pl.Expr:
        kept = text.str.slice(0, keep)
        if action.on_word:
            # The cut splits a word when the characters on both sides of it are not whitespace;
            # then drop that word's kept part and the whitespace before it (if there is any).
            splits = kept.str.contains(r"\S$") & text.str.slice(keep, 1).str.contains(r"^\S")
            kept = pl.when(splits).then(kept.str.replace(r"\s\S*$", "")).otherwise(kept)
        cut = pl.concat_str([kept.str.strip_chars_end(), pl.lit(action.ellipsis)])
        return pl.when(text.str.len_chars() > action.length).then(cut).otherwise(text)

    return _in_place(action, kinds, transform)


def change_case(action: ChangeCase, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    transforms: dict[str, Callable[[pl.Expr], pl.Expr]] = {
        "lowercase": lambda text: text.str.to_lowercase(),
        "uppercase": lambda text: text.str.to_uppercase(),
        "capitalize": _capitalized,
        "titlecase": _titlecased,
    }
    return _in_place(action, kinds, transforms[action.action])


def _capitalized(text: pl.Expr) -> pl.Expr:
    return pl.concat_str([text.str.slice(0, 1).str.to_uppercase(), text.str.slice(1)])


def _titlecased(text: pl.Expr) -> pl.Expr:
    # Polars' to_titlecase also starts a word after punctuation ("o'neil" → "O'Neil"); words here
    # are runs between whitespace, so cut the text into runs of whitespace and of the rest.
    word = pl.element()
    runs = text.str.extract_all(r"\s+|\S+")
    capitalised = pl.concat_str(
        [word.str.slice(0, 1).str.to_uppercase(), word.str.slice(1).str.to_lowercase()]
    )
    return runs.list.eval(capitalised).list.join("")


def strip_html(action: StripHtml, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    def transform(text: pl.Expr) -> pl.Expr:
        text = text.str.replace_all(TAGS_AND_WHITESPACE, " ")
        return text.str.replace_many(list(ENTITIES), list(ENTITIES.values())).str.strip_chars(" ")

    return _in_place(action, kinds, transform)


def trim(action: Trim, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    """Whitespace (Unicode White_Space, Rust's `\\s`) collapsed to single spaces, none at the ends."""
    return _in_place(
        action, kinds, lambda text: text.str.replace_all(WHITESPACE_RUNS, " ").str.strip_chars(" ")
    )
