"""Actions on list fields: split (text → list), join (list → text), sort_list, slice_list, search_list."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from feedbridge.rules.model import JoinList, Kind, SearchInList, SliceList, SortList, SplitText
from feedbridge.rules.values import folded


def split(action: SplitText, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    field = pl.col(action.field)
    if kinds.get(action.field, Kind.TEXT) is Kind.LIST:
        return {action.field: field}
    parts = field.str.split(action.separator, literal=True).list.eval(pl.element().str.strip_chars())
    return {action.field: parts.list.filter(pl.element() != "")}


def join(action: JoinList, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    field = pl.col(action.field)
    if kinds.get(action.field, Kind.TEXT) is Kind.TEXT:
        return {action.field: field}
    return {action.field: field.list.join(action.separator)}


def sort_list(action: SortList, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    field = pl.col(action.field)
    if kinds.get(action.field, Kind.TEXT) is Kind.TEXT:
        return {action.field: field}
    # Polars orders strings by their UTF-8 bytes, which is code point order.
    return {action.field: field.list.sort(descending=action.descending)}


def slice_list(action: SliceList, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    field = pl.col(action.field)
    if kinds.get(action.field, Kind.TEXT) is Kind.TEXT:
        return {action.field: field}
    start: int | pl.Expr = action.start
    if action.start < 0:
        # As Python slices: a start before the first element is the first element.
        start = (field.list.len().cast(pl.Int64) + action.start).clip(lower_bound=0)
    return {action.field: field.list.slice(start, action.length)}


def search_list(action: SearchInList, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    field = pl.col(action.field)
    kind = kinds.get(action.field, Kind.TEXT)
    terms = pl.Series(action.terms, dtype=pl.String)
    terms = terms if action.case_sensitive else terms.str.to_lowercase()

    def matches(text: pl.Expr) -> pl.Expr:
        text = folded(text, action.case_sensitive)
        return text.is_in(terms.implode()) if action.whole else text.str.contains_any(terms.to_list())

    if action.mode == "count":
        count = field.list.eval(matches(pl.element())).list.sum() if kind is Kind.LIST else matches(field)
        return {action.target or "": count.cast(pl.Int64).fill_null(0).cast(pl.String)}

    def kept(text: pl.Expr) -> pl.Expr:
        return matches(text) if action.mode == "keep" else ~matches(text)

    if kind is Kind.LIST:
        return {action.field: field.list.filter(kept(pl.element()))}
    # Text is a one-element list: where its element goes, empty text is left (null stays null).
    return {
        action.field: pl.when(kept(field) | field.is_null())
        .then(field)
        .otherwise(pl.lit("", dtype=pl.String))
    }
