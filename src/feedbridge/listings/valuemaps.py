"""Value maps: the merchant's values of an attribute with allowed values → the ids of those values.

The merchant's own map comes first (exact value, trimmed); values it lacks are matched by name: a value
matches an allowed value when their normalised spellings are equal — in any language the marketplace
names the value, or one of its aliases ("navy", "marineblau" for Navy Blue). Normalised means
lowercase, accents removed, and only letters and digits kept ("Rouge-Foncé" → "rougefonce"); a spelling
that fits several allowed values matches none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from feedbridge.listings.requirements import Choice


def normalised(text: pl.Expr) -> pl.Expr:
    return (
        text.str.to_lowercase()
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all(r"[^\p{L}\p{N}]", "")
    )


def normalised_text(text: str) -> str:
    """`normalised` for one text (the same expression, so both spell alike)."""
    return str(pl.select(normalised(pl.lit(text, dtype=pl.String))).item() or "")


def spellings(choices: Iterable[Choice]) -> dict[str, str]:
    """Normalised spelling → choice id, for the spellings that name exactly one choice."""
    pairs = [(name, c.id) for c in choices for name in (*c.names.values(), *c.aliases)]
    if not pairs:
        return {}
    frame = pl.DataFrame(pairs, schema={"name": pl.String, "id": pl.String}, orient="row")
    unique = (
        frame.select(normalised(pl.col("name")).alias("spelling"), "id")
        .filter(pl.col("spelling") != "")
        .unique()
        .filter(pl.len().over("spelling") == 1)
    )
    return dict(zip(unique["spelling"], unique["id"], strict=True))


def explicit_ids(value_map: Mapping[str, str], choices: Iterable[Choice]) -> dict[str, str]:
    """The merchant's map with each target as an id: a target may be given as an id or by name."""
    known = {choice.id for choice in choices}
    by_name = spellings(choices)
    return {
        merchant.strip(): target if target in known else by_name.get(normalised_text(target), target)
        for merchant, target in value_map.items()
    }


def mapped(value: pl.Expr, explicit: Mapping[str, str], automatic: Mapping[str, str]) -> pl.Expr:
    """The choice id for each text `value` (null where neither map knows it)."""
    trimmed = value.str.strip_chars()
    found = [
        trimmed.replace_strict(dict(explicit), default=None, return_dtype=pl.String) if explicit else None,
        normalised(trimmed).replace_strict(dict(automatic), default=None, return_dtype=pl.String)
        if automatic
        else None,
    ]
    parts = [part for part in found if part is not None]
    if not parts:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce(parts) if len(parts) > 1 else parts[0]
