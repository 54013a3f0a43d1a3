"""Actions that look values up in a table: lookup (whole values) and search_value (terms in text)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from feedbridge.rules.actions.text import as_text
from feedbridge.rules.model import Kind, Lookup, SearchValue
from feedbridge.rules.values import folded, per_element

# Up to this many terms, search_value scans the text once per term instead of collecting every match.
FEW_TERMS = 8


def lookup(action: Lookup, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    keys = _folded_texts([pair.find for pair in action.table], action.case_sensitive)
    first = _first_positions(keys)  # validation refuses duplicate keys; if one slips through, the first wins
    table_keys = [keys[position] for position in first]
    replacements = [action.table[position].replace_with for position in first]

    def transform(text: pl.Expr) -> pl.Expr:
        return folded(text, action.case_sensitive).replace_strict(
            table_keys, replacements, default=text, return_dtype=pl.String
        )

    kind = kinds.get(action.field, Kind.TEXT)
    return {action.field: per_element(transform, pl.col(action.field), kind)}


def search_value(action: SearchValue, kinds: Mapping[str, Kind]) -> dict[str, pl.Expr]:
    terms = _folded_texts([term.term for term in action.terms], action.case_sensitive)
    first = _first_positions(terms)
    distinct = [terms[position] for position in first]
    source = pl.col(action.source)
    if kinds.get(action.source, Kind.TEXT) is Kind.LIST:
        # Join the elements with a character no term holds, so that no term matches across two.
        source = source.list.join(_unused_mark(terms))
    position = _first_found(source, distinct, first, action.case_sensitive)
    outputs = [term.term if term.alias is None else term.alias for term in action.terms]
    written = position.replace_strict(
        list(range(len(outputs))), outputs, default=None, return_dtype=pl.String
    )
    # Outputs are never null, so null means no term was found (and the search is referred to once).
    return {action.field: pl.coalesce(written, as_text(action.field, kinds))}


def _first_found(text: pl.Expr, terms: list[str], positions: list[int], case_sensitive: bool) -> pl.Expr:
    """The list position of the first of the distinct (folded) `terms` each text contains, or null."""
    # Lowercasing long text costs more than the search itself. For ASCII terms, comparing ASCII
    # letters without case is the same once the only two characters whose lowercase form holds an
    # ASCII letter are written that way (İ → "i̇", the Kelvin sign → "k").
    ascii_only = not case_sensitive and all(term.isascii() for term in terms)
    text = (
        text.str.replace_many(["\u0130", "\u212a"], ["i\u0307", "k"])
        if ascii_only
        else folded(text, case_sensitive)
    )
    if len(terms) <= FEW_TERMS:
        # A few scans, each with a fast literal search, beat collecting every match of every term.
        first: pl.Expr = pl.lit(None, dtype=pl.Int64)
        for term, position in reversed(list(zip(terms, positions, strict=True))):
            found = (
                text.str.contains(f"(?i-u){pl.escape_regex(term)}")
                if ascii_only
                else text.str.contains(term, literal=True)
            )
            first = pl.when(found).then(pl.lit(position, dtype=pl.Int64)).otherwise(first)
        return first
    # Aho–Corasick finds every term in the text at once (overlapping, so terms inside other terms
    # count); the first term in list order is the smallest position among those found.
    found = text.str.extract_many(terms, overlapping=True, ascii_case_insensitive=ascii_only)
    folded_found = found.list.eval(pl.element().str.to_lowercase()) if ascii_only else found
    return folded_found.list.eval(
        pl.element().replace_strict(terms, positions, return_dtype=pl.Int64)
    ).list.min()


def _folded_texts(texts: list[str], case_sensitive: bool) -> list[str]:
    """Table texts compared as the values are: lowercased by Polars itself when case-insensitive."""
    if case_sensitive:
        return texts
    return pl.Series(texts, dtype=pl.String).str.to_lowercase().to_list()


def _first_positions(texts: list[str]) -> list[int]:
    """The position of each distinct text's first occurrence, in order."""
    seen: dict[str, int] = {}
    for position, text in enumerate(texts):
        seen.setdefault(text, position)
    return list(seen.values())


def _unused_mark(texts: list[str]) -> str:
    """A private-use character that none of `texts` holds."""
    return next(mark for mark in map(chr, range(0xE000, 0xF900)) if not any(mark in text for text in texts))
