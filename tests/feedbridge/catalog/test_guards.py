from pathlib import Path

import polars as pl
import pytest

from feedbridge.catalog.guards import VerdictStatus, held, judge_snapshot
from feedbridge.catalog.identity import deduplicate
from feedbridge.catalog.model import FieldType
from feedbridge.catalog.snapshots import SnapshotRef, write_snapshot


def snapshot(directory: Path, ids: list[str], previous: SnapshotRef | None = None) -> SnapshotRef:
    kept, report = deduplicate(
        pl.DataFrame({"id": ids, "title": ["t"] * len(ids)}, schema={"id": pl.String, "title": pl.String}),
        "id",
    )
    types = {"id": FieldType.TEXT, "title": FieldType.TEXT}
    return write_snapshot(
        directory, kept, id_field="id", field_types=types, previous=previous, id_report=report
    )


def test_a_normal_update_is_accepted(tmp_path: Path) -> None:
    first = snapshot(tmp_path, [str(n) for n in range(10)])
    second = snapshot(tmp_path, [str(n) for n in range(3, 12)], previous=first)  # 3 of 10 gone: 30%

    assert judge_snapshot(first, None).accepted
    assert judge_snapshot(second, first).status is VerdictStatus.ACCEPTED


def test_dropping_more_than_the_allowed_share_holds_the_snapshot(tmp_path: Path) -> None:
    first = snapshot(tmp_path, [str(n) for n in range(10)])
    second = snapshot(tmp_path, [str(n) for n in range(4, 10)], previous=first)

    verdict = judge_snapshot(second, first)

    assert verdict.status is VerdictStatus.HELD
    assert "4 of the 10 items" in verdict.reason and "30%" in verdict.reason
    assert judge_snapshot(second, first, max_drop_share=0.5).accepted


def test_an_empty_feed_is_held(tmp_path: Path) -> None:
    first = snapshot(tmp_path, ["1"])
    empty = snapshot(tmp_path, [], previous=first)

    assert "no items" in judge_snapshot(empty, first).reason
    assert "no items" in judge_snapshot(empty, None).reason


def test_a_feed_without_any_id_is_held_with_the_reason(tmp_path: Path) -> None:
    verdict = judge_snapshot(snapshot(tmp_path, ["", " "]), None)

    assert not verdict.accepted and "None of the feed's 2 rows" in verdict.reason


def test_a_missing_id_field_is_held(tmp_path: Path) -> None:
    first = snapshot(tmp_path, ["1"])
    ref = write_snapshot(
        tmp_path,
        pl.DataFrame({"sku": ["1"]}),
        id_field="id",
        field_types={"sku": FieldType.TEXT},
        previous=first,
    )

    verdict = judge_snapshot(ref, first)

    assert not verdict.accepted and "'id' is missing" in verdict.reason


def test_a_failed_run_is_held_with_its_error() -> None:
    assert held("feed.csv, line 3: unbalanced quote").reasons == ("feed.csv, line 3: unbalanced quote",)


def test_the_share_must_be_a_fraction(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        judge_snapshot(snapshot(tmp_path, ["1"]), None, max_drop_share=30)
