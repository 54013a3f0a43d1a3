"""Inputs that are not a feed: HTML pages, binary files, empty files."""

from __future__ import annotations

import os

import pytest

from feedbridge.catalog.model import FeedError, ReadOptions
from feedbridge.catalog.readers import read_feed


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html><html><head><title>Login</title></head><body>Sign in</body></html>",
        "\n  <html lang='en'><body>404 Not Found</body></html>",
        '<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><html/>',
    ],
)
def test_html_page_is_recognised(feeds, page):
    error = feeds.error("feed.xml", page)
    assert "HTML page" in error.reason and error.hint


def test_html_page_names_its_title(feeds):
    assert "'Login'" in feeds.error("feed.csv", "<!doctype html><title>Login</title>").reason


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (os.urandom(5000), "control characters"),
        (b"%PDF-1.7\n" + os.urandom(200), "PDF"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
    ],
)
def test_binary_is_not_text(feeds, content, what):
    error = feeds.error("feed.csv", content)
    assert error.reason.startswith("this is not text") and what in error.reason


def test_empty_file_gives_no_items_and_says_so(feeds):
    for content in (b"", b"\n\n  \n", b"\xef\xbb\xbf"):
        feed = feeds.read("feed.csv", content)
        assert feed.frame.height == 0 and "empty" in feed.warnings[0]


def test_missing_file(tmp_path):
    with pytest.raises(FeedError, match="does not exist"):
        read_feed(tmp_path / "nope.csv", ReadOptions(), work=tmp_path)
