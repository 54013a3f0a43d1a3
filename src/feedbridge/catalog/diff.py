"""What changed between two snapshots: added, removed and changed IDs, by a hash of each item's values.

An item's hash combines one hash per field (seeded by the field's name) with XOR, and an empty value
(null, "", empty list) adds nothing: a field that appears or disappears empty changes no item, and
two snapshots with different fields compare without reading either in full. The hashes are Polars' own,
stable within one Polars version, so stored hashes carry the version they were made with.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

import polars as pl

from feedbridge.catalog.model import Frame, collect, collect_all

MAX_EXAMPLES = 10
HASH_COLUMN = "hash"
HASH_VERSION = f"polars {pl.__version__}; xor of per-field hashes v1"
_PREVIOUS = "\x00previous"


@dataclass(frozen=True)
class SnapshotDiff:
    """The difference of a snapshot to the previous good one, by unique ID."""

    previous_id: str | None
    added: int
    removed: int
    changed: int  # in both, with any field value different (empty and missing are the same)
    unchanged: int
    added_examples: tuple[str, ...] = ()
    removed_examples: tuple[str, ...] = ()
    changed_examples: tuple[str, ...] = ()


def _blank(name: str, dtype: pl.DataType) -> pl.Expr:
    """Null, "" or an empty list (cheaper than `is_empty`: text of only spaces counts as a value here)."""
    column = pl.col(name)
    if isinstance(dtype, pl.List):
        return column.is_null() | (column.list.len() == 0)
    if dtype == pl.String:
        return column.is_null() | (column.str.len_bytes() == 0)
    return column.is_null()


def row_hash(schema: pl.Schema | dict[str, pl.DataType]) -> pl.Expr:
    """A UInt64 per row over every field of `schema`."""
    combined = pl.lit(0, dtype=pl.UInt64)
    for name, dtype in schema.items():
        seed = zlib.crc32(name.encode())
        value = (
            pl.when(_blank(name, dtype)).then(pl.lit(0, dtype=pl.UInt64)).otherwise(pl.col(name).hash(seed))
        )
        combined = combined ^ value
    return combined.alias(HASH_COLUMN)


def item_hashes(frame: Frame, id_field: str) -> pl.DataFrame:
    """(`id_field`, hash) for every row of `frame`, in order: small, whatever the size of the items."""
    lazy = frame.lazy()
    return collect(lazy.select(pl.col(id_field), row_hash(lazy.collect_schema())))


def content_hash(frame: Frame, hashes: pl.Series | None = None) -> str:
    """A digest of the frame's fields (names, types, order) and every value, in row order; `hashes` are
    its row hashes, when already known."""
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    digest = hashlib.sha256(f"{HASH_VERSION}\n{list(schema.items())!r}\n".encode())
    if hashes is None:
        hashes = collect(lazy.select(row_hash(schema))).to_series()
    if len(hashes):
        digest.update(hashes.cast(pl.String).str.join(",").item().encode())
    return digest.hexdigest()


def diff_hashes(
    new: pl.DataFrame,
    previous: pl.DataFrame,
    id_field: str,
    *,
    previous_id: str | None = None,
    max_examples: int = MAX_EXAMPLES,
) -> SnapshotDiff:
    """Added, removed and changed IDs between two (`id_field`, hash) frames, each unique by ID.

    The join runs once, streamed, for the counts and the examples together (it never sits in memory).
    """
    joined = new.lazy().join(
        previous.lazy().rename({HASH_COLUMN: _PREVIOUS}),
        on=id_field,
        how="full",
        coalesce=True,
        maintain_order="left_right",
    )
    added = pl.col(_PREVIOUS).is_null() & pl.col(HASH_COLUMN).is_not_null()
    removed = pl.col(HASH_COLUMN).is_null()
    changed = pl.col(HASH_COLUMN) != pl.col(_PREVIOUS)  # null (so not counted) unless in both
    kinds = {"added": added, "removed": removed, "changed": changed}
    counts_query = joined.select([where.sum().alias(kind) for kind, where in kinds.items()])
    example_queries = [
        joined.select(pl.col(id_field).filter(where).head(max_examples)) for where in kinds.values()
    ]
    counts, *examples = collect_all([counts_query, *example_queries])
    count = {kind: int(n) for kind, n in counts.row(0, named=True).items()}
    added_ids, removed_ids, changed_ids = (tuple(frame.to_series().to_list()) for frame in examples)
    return SnapshotDiff(
        previous_id=previous_id,
        added=count["added"],
        removed=count["removed"],
        changed=count["changed"],
        unchanged=new.height - count["added"] - count["changed"],
        added_examples=added_ids,
        removed_examples=removed_ids,
        changed_examples=changed_ids,
    )


def diff_frames(
    new: Frame,
    previous: Frame,
    id_field: str,
    *,
    previous_id: str | None = None,
    max_examples: int = MAX_EXAMPLES,
) -> SnapshotDiff:
    """Added, removed and changed IDs of `new` against `previous` (both unique by `id_field`)."""
    return diff_hashes(
        item_hashes(new, id_field),
        item_hashes(previous, id_field),
        id_field,
        previous_id=previous_id,
        max_examples=max_examples,
    )
