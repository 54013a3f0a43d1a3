"""The AI assignments file of an API: written whole and atomically, read lazily, bad input refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feedbridge.categories.assignments import assignments_path, read_assignments, write_assignments
from feedbridge.errors import InvalidInput

GOOD = {
    "item_id": ["a", "a", "b"],
    "category_id": [11, 12, 13],
    "confidence": [0.9, 0.05, 1.0],
    "status": ["accepted", "suggested", "suggested"],
}


def _read(folder: Path) -> pl.DataFrame:
    found = read_assignments(folder)
    assert isinstance(found, pl.LazyFrame)
    return found.collect()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "apis" / "7-1700000000"


def test_written_whole_in_the_api_folder_and_read_back_lazily(folder: Path) -> None:
    assert read_assignments(folder) is None
    # Integer ids of any width and any numeric confidence are stored as Int64 and Float64.
    frame = pl.DataFrame(GOOD).with_columns(
        pl.col("category_id").cast(pl.Int32), pl.col("confidence").cast(pl.Float32)
    )
    write_assignments(folder, frame.lazy())

    path = assignments_path(folder)
    assert path == folder / "category_assignments.parquet"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    collected = _read(folder)
    assert collected.schema == pl.Schema(
        {"item_id": pl.String, "category_id": pl.Int64, "confidence": pl.Float64, "status": pl.String}
    )
    assert collected.select("item_id", "category_id", "status").equals(pl.DataFrame(GOOD).drop("confidence"))
    assert read_assignments(folder.with_name("8-1700000000")) is None

    write_assignments(folder, pl.DataFrame(GOOD).head(1))
    assert _read(folder).height == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"extra": [1, 2, 3]},
            r"need exactly the columns item_id, category_id, confidence, status \(unexpected extra\)",
        ),
        ({"item_id": None}, r"need exactly the columns .* \(missing item_id\)"),
        ({"category_id": ["11", "12", "13"]}, "column category_id is String, not Int64"),
        ({"confidence": ["high", "low", "low"]}, "column confidence is String, not Float64"),
        ({"item_id": ["a", " ", "b"]}, "row 2: item_id is empty"),
        ({"category_id": [11, None, 13]}, "row 2: category_id is missing or not positive"),
        ({"category_id": [11, 12, -1]}, "row 3: category_id is missing or not positive"),
        ({"confidence": [0.5, 1.5, 0.1]}, "row 2: confidence is not between 0 and 1"),
        ({"confidence": [0.5, float("nan"), 0.1]}, "row 2: confidence is not between 0 and 1"),
        (
            {"status": ["accepted", "maybe", "suggested"]},
            "row 2: status is not one of suggested, applied, accepted",
        ),
        (
            {"status": ["accepted", "accepted", "suggested"]},
            "row 1: the item has more than one applied or accepted row",
        ),
    ],
)
def test_bad_assignments_are_refused_and_the_file_is_kept(
    folder: Path, change: dict[str, Any], message: str
) -> None:
    write_assignments(folder, pl.DataFrame(GOOD))
    data = {**GOOD, **change}
    frame = pl.DataFrame({name: values for name, values in data.items() if values is not None}, strict=False)

    with pytest.raises(InvalidInput, match=f"^category assignments: {message}"):
        write_assignments(folder, frame)
    assert _read(folder).height == 3
