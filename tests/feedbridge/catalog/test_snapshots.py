import os
import stat
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedbridge.catalog.diff import diff_frames
from feedbridge.catalog.fields import infer_field_types
from feedbridge.catalog.identity import deduplicate
from feedbridge.catalog.model import FieldType
from feedbridge.catalog.snapshots import SnapshotRef, load_snapshot_ref, read_snapshot, write_snapshot


def feed(ids: list[str], prices: list[str] | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ids,
            "title": [f"Item {i}" for i in ids],
            "price": prices or ["9.99 EUR"] * len(ids),
            "images": [[f"https://cdn.example/{i}.jpg"] for i in ids],
        }
    )


def snapshot(directory: Path, frame: pl.DataFrame, previous: SnapshotRef | None = None) -> SnapshotRef:
    kept, report = deduplicate(frame, "id")
    types = infer_field_types(kept)
    return write_snapshot(
        directory, kept, id_field="id", field_types=types, previous=previous, id_report=report
    )


def test_a_snapshot_keeps_the_items_exactly_and_is_read_only(tmp_path: Path) -> None:
    frame = feed(["1", "2"], ["9.99 EUR", "N/A"])

    types = {
        "id": FieldType.TEXT,
        "title": FieldType.TEXT,
        "price": FieldType.NUMBER,
        "images": FieldType.LIST,
    }

    ref = write_snapshot(tmp_path, frame, id_field="id", field_types=types, previous=None)

    assert read_snapshot(ref).collect().equals(frame)
    assert not os.stat(ref.path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in ref.files)
    assert ref.stats.items == 2 and ref.stats.fields == ("id", "title", "price", "images")
    assert ref.field_types == types and ref.formats == {"price": "."}
    assert ref.stats.type_problems["price"].examples == ("N/A",)
    assert ref.diff is None


def test_statistics_count_empties_duplicates_and_type_problems(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "id": ["1", "2", "2", "", "3"] + [str(n) for n in range(4, 104)],
            "stock": ["5", "", " ", "1", "x"] + ["1"] * 100,
            "images": [["a"], [], None, ["b"], ["c"]] + [["d"]] * 100,
        }
    )

    ref = snapshot(tmp_path, frame)

    assert ref.stats.items == 103
    assert ref.stats.empties == {"id": 0, "stock": 1, "images": 1}
    assert ref.stats.id_report is not None
    assert (ref.stats.id_report.duplicate_count, ref.stats.id_report.empty_count) == (1, 1)
    assert ref.stats.type_problems["stock"].examples == ("x",)


def test_the_difference_to_the_previous_snapshot(tmp_path: Path) -> None:
    first = snapshot(tmp_path, feed(["1", "2", "3", "4"]))
    changed = feed(["2", "3", "4", "5"], ["9.99 EUR", "1.00 EUR", "9.99 EUR", "9.99 EUR"])

    second = snapshot(tmp_path, changed, previous=first)

    assert second.diff is not None
    assert (second.diff.added, second.diff.removed, second.diff.changed, second.diff.unchanged) == (
        1,
        1,
        1,
        2,
    )
    assert (second.diff.added_examples, second.diff.removed_examples, second.diff.changed_examples) == (
        ("5",),
        ("1",),
        ("3",),
    )
    assert second.diff.previous_id == first.id


def test_identical_content_reuses_the_previous_snapshot(tmp_path: Path) -> None:
    first = snapshot(tmp_path, feed(["1", "2"]))

    again = snapshot(tmp_path, feed(["1", "2"]), previous=first)

    assert again.unchanged and again.id == first.id and again.path == first.path
    assert again.diff is not None and again.diff.unchanged == 2
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_a_new_empty_field_changes_no_item_but_a_filled_one_does(tmp_path: Path) -> None:
    first = snapshot(tmp_path, feed(["1", "2"]))

    with_empty = snapshot(tmp_path, feed(["1", "2"]).with_columns(color=pl.lit("")), previous=first)
    with_value = snapshot(
        tmp_path, feed(["1", "2"]).with_columns(color=pl.Series(["red", ""])), previous=first
    )

    assert with_empty.diff is not None and with_empty.diff.changed == 0 and not with_empty.unchanged
    assert with_value.diff is not None and with_value.diff.changed_examples == ("1",)


def test_the_difference_is_computed_from_the_snapshot_when_stored_hashes_do_not_fit(tmp_path: Path) -> None:
    first = snapshot(tmp_path, feed(["1", "2"]))
    first.hashes_path.chmod(0o644)
    first.hashes_path.unlink()

    second = snapshot(tmp_path, feed(["2", "3"]), previous=first)

    assert second.diff is not None and (second.diff.added, second.diff.removed) == (1, 1)


def test_metadata_round_trips_through_the_json_sidecar(tmp_path: Path) -> None:
    first = snapshot(tmp_path, feed(["1", "1", "2"], ["1", "2", "x"]))
    second = snapshot(tmp_path, feed(["2", "3"]), previous=first)

    assert load_snapshot_ref(second.metadata_path) == second
    assert load_snapshot_ref(first.metadata_path) == first


def test_a_missing_id_field_still_writes_a_snapshot_without_a_difference(tmp_path: Path) -> None:
    first = snapshot(tmp_path, feed(["1"]))
    frame = pl.DataFrame({"title": ["x"]})

    ref = write_snapshot(
        tmp_path, frame, id_field="id", field_types={"title": FieldType.TEXT}, previous=first
    )

    assert ref.diff is None and not ref.stats.id_field_present


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.sampled_from(["", "x", "y"]), max_size=25),
    st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.sampled_from(["", "x", "y"]), max_size=25),
)
def test_the_difference_matches_a_set_oracle(before: dict[str, str], after: dict[str, str]) -> None:
    def frame(items: dict[str, str]) -> pl.DataFrame:
        return pl.DataFrame(
            {"id": list(items), "v": list(items.values())}, schema={"id": pl.String, "v": pl.String}
        )

    diff = diff_frames(frame(after), frame(before), "id", max_examples=100)

    both = after.keys() & before.keys()
    assert set(diff.added_examples) == after.keys() - before.keys()
    assert set(diff.removed_examples) == before.keys() - after.keys()
    assert set(diff.changed_examples) == {k for k in both if after[k] != before[k]}
    assert (diff.added, diff.removed, diff.changed, diff.unchanged) == (
        len(after.keys() - before.keys()),
        len(before.keys() - after.keys()),
        len({k for k in both if after[k] != before[k]}),
        len({k for k in both if after[k] == before[k]}),
    )
