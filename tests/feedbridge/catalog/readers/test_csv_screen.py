"""The short-row screens: the cheap separator count must never let a short row through."""

from __future__ import annotations

import polars as pl
import pytest

from feedbridge.catalog.readers import csv_screen

QUOTED = 'id,description,label\n1,"a, b\nc, d",\n2,"e,\n,f",x\n'


def _frame(path):
    return pl.read_csv(path, infer_schema=False, empty_string_is_null=False)


def test_separators_inside_quoted_values_balance(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(QUOTED)
    assert csv_screen.separators_balanced(path, _frame(path), ",")


@pytest.mark.parametrize(
    "text",
    [
        QUOTED + "3,only two\n",  # one field missing
        QUOTED + "3\n",  # two missing
        QUOTED + "\n4,x,\n",  # a blank line: Polars makes it a row, the exact screen decides
    ],
)
def test_a_missing_field_or_blank_line_unbalances_the_count(tmp_path, text):
    path = tmp_path / "feed.csv"
    path.write_text(text)
    assert not csv_screen.separators_balanced(path, _frame(path), ",")


def test_the_count_is_the_same_in_small_chunks(tmp_path, monkeypatch):
    path = tmp_path / "feed.csv"
    path.write_text(QUOTED)
    monkeypatch.setattr(csv_screen, "_CHUNK", 3)
    assert csv_screen.separators_balanced(path, _frame(path), ",")
    path.write_text(QUOTED + "3,x\n")
    assert not csv_screen.separators_balanced(path, _frame(path), ",")


def test_a_short_row_after_quoted_separators_is_still_reported(feeds):
    error = feeds.error("feed.csv", QUOTED + "3,only two\n4,x,\n")
    assert error.line == 6
    assert "2 fields" in error.reason


def test_empty_last_values_with_all_fields_read_without_the_exact_screen(feeds, monkeypatch):
    def exact(*args):
        raise AssertionError("the exact screen ran although the separators balance")

    monkeypatch.setattr("feedbridge.catalog.readers.delimited.short_rows_suspected", exact)
    feed = feeds.read("feed.csv", QUOTED)
    assert feed.frame["label"].to_list() == ["", "x"]
