"""Several imports per project: later imports enrich the first one's items by a key field, or add items."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from feedbridge.catalog.model import is_empty
from feedbridge.errors import InvalidInput

MAX_EXAMPLES = 10
_KEY = "\x00key"
_MATCHED = "\x00matched"
_OTHER = "\x00other:"


class MergeMode(StrEnum):
    OVERWRITE = "overwrite"  # the later import's non-empty values replace the item's
    FILL_EMPTY = "fill_empty"  # the later import only fills fields that are empty in the item
    ADD = "add"  # the later import's rows become new items; keys already present are skipped


@dataclass(frozen=True)
class MergeReport:
    mode: MergeMode
    matched: int  # rows of the later import whose key is an item's (in add mode: skipped)
    unmatched: int  # rows whose key is no item's (ignored; in add mode: added as new items)
    empty_keys: int  # rows without a key value: ignored
    duplicate_keys: int  # rows repeating an earlier key of the same import: ignored, the first is used
    new_fields: tuple[str, ...]  # fields the later import brought that the items did not have
    examples: tuple[str, ...]  # up to 10 keys: unmatched ones, or in add mode the skipped ones

    @property
    def added(self) -> int:
        return self.unmatched if self.mode is MergeMode.ADD else 0


def _match_key(column: str, case_sensitive: bool) -> pl.Expr:
    """The value keys are compared by: stripped, case-folded unless case-sensitive; null when empty."""
    key = pl.col(column).str.strip_chars()
    if not case_sensitive:
        key = key.str.to_lowercase()
    return pl.when(key.str.len_bytes() > 0).then(key).otherwise(None).alias(_KEY)


def _as_list(column: str, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.List):
        return pl.col(column)
    return pl.when(is_empty(column, dtype)).then(None).otherwise(pl.concat_list(pl.col(column))).alias(column)


def _align(base: pl.DataFrame, other: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A field that is a list in one import and text in the other becomes a list in both (lossless)."""
    mixed = [c for c in other.columns if c in base.columns and base.schema[c] != other.schema[c]]
    if not mixed:
        return base, other
    return (
        base.with_columns([_as_list(c, base.schema[c]) for c in mixed]),
        other.with_columns([_as_list(c, other.schema[c]) for c in mixed]),
    )


def _check_key(frame: pl.DataFrame, column: str, which: str) -> None:
    if column not in frame.columns:
        raise InvalidInput("key", f"the {which} has no field {column!r}")
    if frame.schema[column] != pl.String:
        raise InvalidInput("key", f"the field {column!r} of the {which} holds lists, not one key per item")


def merge_imports(
    base: pl.DataFrame,
    base_id: str,
    other: pl.DataFrame,
    *,
    key: str,
    other_key: str | None = None,
    mode: MergeMode,
    case_sensitive: bool = True,
) -> tuple[pl.DataFrame, MergeReport]:
    """Combine a later import (`other`) into the items of the earlier ones (`base`, unique by `base_id`).

    Rows of `other` are matched to items by `base[key]` == `other[other_key or key]` (surrounding spaces
    ignored; case too unless `case_sensitive`). New fields are added; `base_id` is never changed.
    """
    other_key = other_key or key
    _check_key(base, key, "project's items")
    _check_key(other, other_key, "import")
    base, other = _align(base, other)
    keyed = other.with_columns(_match_key(other_key, case_sensitive))
    empty_keys = int(keyed.get_column(_KEY).null_count())
    keyed = keyed.filter(pl.col(_KEY).is_not_null())
    first = keyed.filter(pl.col(_KEY).is_first_distinct())
    base_keys = base.select(_match_key(key, case_sensitive)).get_column(_KEY).drop_nulls().unique()
    is_match = pl.col(_KEY).is_in(base_keys.implode())
    matched = int(first.select(is_match.sum()).item())
    if mode is MergeMode.ADD:
        merged = _add(base, first.filter(~is_match), key, other_key)
        example_rows = first.filter(is_match)
    else:
        merged = _update(
            base,
            first,
            key=key,
            base_id=base_id,
            other_key=other_key,
            mode=mode,
            case_sensitive=case_sensitive,
        )
        example_rows = first.filter(~is_match)
    report = MergeReport(
        mode=mode,
        matched=matched,
        unmatched=first.height - matched,
        empty_keys=empty_keys,
        duplicate_keys=keyed.height - first.height,
        new_fields=tuple(c for c in merged.columns if c not in base.columns),
        examples=tuple(example_rows.get_column(other_key).head(MAX_EXAMPLES).to_list()),
    )
    return merged, report


def _add(base: pl.DataFrame, rows: pl.DataFrame, key: str, other_key: str) -> pl.DataFrame:
    rows = rows.drop(_KEY)
    if other_key != key:
        rows = rows.with_columns(pl.col(other_key).alias(key))
    return pl.concat([base, rows], how="diagonal")


def _update(
    base: pl.DataFrame,
    other: pl.DataFrame,
    *,
    key: str,
    base_id: str,
    other_key: str,
    mode: MergeMode,
    case_sensitive: bool,
) -> pl.DataFrame:
    fields = [c for c in other.columns if c != _KEY and not (c == other_key and other_key == key)]
    renamed = other.select(
        pl.col(_KEY), pl.lit(True).alias(_MATCHED), *[pl.col(c).alias(_OTHER + c) for c in fields]
    )
    joined = base.with_columns(_match_key(key, case_sensitive)).join(
        renamed, on=_KEY, how="left", maintain_order="left"
    )
    matched = pl.col(_MATCHED).fill_null(False)
    picks: list[pl.Expr] = []
    for field in fields:
        theirs = pl.col(_OTHER + field)
        if field not in base.columns:
            picks.append(theirs.alias(field))
            continue
        if field == base_id:
            continue
        has_theirs = matched & ~is_empty(_OTHER + field, other.schema[field])
        if mode is MergeMode.FILL_EMPTY:
            has_theirs = has_theirs & is_empty(field, base.schema[field])
        picks.append(pl.when(has_theirs).then(theirs).otherwise(pl.col(field)).alias(field))
    return joined.with_columns(picks).select([*base.columns, *[c for c in fields if c not in base.columns]])
