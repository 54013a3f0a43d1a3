"""Delimited text: delimiters, quoting, headers, and the malformed files merchants send."""

from __future__ import annotations

import polars as pl
import pytest

from feedbridge.catalog.model import FeedFormat


@pytest.mark.parametrize(
    ("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")]
)
def test_delimiter_is_sniffed(feeds, delimiter, name):
    text = delimiter.join(["id", "title", "price"]) + "\n" + delimiter.join(["1", "Mug, blue", "9.90"]) + "\n"
    if delimiter == ",":
        text = 'id,title,price\n1,"Mug, blue",9.90\n'
    feed = feeds.read("feed.csv", text)
    assert feed.format is FeedFormat.CSV
    assert feed.details["delimiter"] == name
    assert feed.frame.to_dicts() == [{"id": "1", "title": "Mug, blue", "price": "9.90"}]


def test_delimiter_set_wins_over_sniffing(feeds):
    feed = feeds.read("feed.txt", "id,title\n1,x\n", delimiter="tab")
    assert feed.frame.to_dicts() == [{"id,title": "1,x"}]
    named = feeds.read("feed2.txt", "id|title\n1|x\n", delimiter="pipe")
    assert named.frame.to_dicts() == [{"id": "1", "title": "x"}]


def test_an_unusable_delimiter_is_refused(feeds):
    error = feeds.error("feed.csv", "a,b\n1,2\n", delimiter="::")
    assert "delimiter" in str(error)


def test_quoted_fields_keep_newlines_delimiters_and_quotes(feeds):
    text = 'id,description\r\n1,"Line one\r\nline two, with ""quotes"""\r\n2,plain\r\n'
    feed = feeds.read("feed.csv", text)
    assert feed.frame["description"].to_list() == ['Line one\r\nline two, with "quotes"', "plain"]


def test_every_value_is_text_and_empty_stays_empty(feeds):
    feed = feeds.read("feed.csv", "gtin,price,stock\n00012345,1.50,\n")
    assert feed.frame.schema == pl.Schema({"gtin": pl.String, "price": pl.String, "stock": pl.String})
    assert feed.frame.row(0) == ("00012345", "1.50", "")


def test_header_names_are_trimmed_named_and_deduplicated(feeds):
    feed = feeds.read("feed.csv", " id ,,title,title, \n1,2,3,4,5\n")
    assert feed.frame.columns == ["id", "column_2", "title", "title_2", "column_5"]


def test_header_only_gives_no_rows(feeds):
    feed = feeds.read("feed.csv", "id,title\n")
    assert feed.frame.shape == (0, 2)


def test_a_quote_inside_an_unquoted_value_is_kept(feeds):
    feed = feeds.read("feed.csv", 'id,title\n1,15" screen\n2,ok\n')
    assert feed.frame["title"].to_list() == ['15" screen', "ok"]


def test_trailing_empty_fields_beyond_the_header_are_dropped_with_a_warning(feeds):
    feed = feeds.read("feed.csv", "id,title\n1,a,\n2,b,\n")
    assert feed.frame.to_dicts() == [{"id": "1", "title": "a"}, {"id": "2", "title": "b"}]
    assert any("beyond the header" in warning for warning in feed.warnings)


def test_unbalanced_quote_names_the_line_where_it_starts(feeds):
    error = feeds.error("feed.csv", 'id,title\n1,ok\n2,"never closed\n3,x\n4,y\n')
    assert error.line == 3
    assert "never closed" in error.reason
    assert error.hint and '""' in error.hint


def test_text_after_a_closing_quote_is_reported(feeds):
    error = feeds.error("feed.csv", 'id,title\n1,ok\n2,"12"" x"y\n')
    assert error.line == 3
    assert error.hint


def test_a_row_with_too_many_fields_is_reported(feeds):
    error = feeds.error("feed.csv", "id,title,price\n1,a,2\n2,Mug, blue,3\n")
    assert error.line == 3
    assert "4 fields" in error.reason and "header has 3" in error.reason
    assert error.hint and "quotes" in error.hint


def test_a_row_with_too_few_fields_is_reported(feeds):
    error = feeds.error("feed.csv", "id,title,price\n1,a,2\n2,b\n3,c,4\n")
    assert error.line == 3
    assert "2 fields" in error.reason
    assert str(error).startswith("feed.csv, line 3:")


def test_ragged_row_after_a_multiline_value_counts_physical_lines(feeds):
    error = feeds.error("feed.csv", 'id,title\n1,"two\nlines"\n2\n')
    assert error.line == 4
