"""Encodings: detected (BOM, UTF-16 NUL pattern, strict UTF-8, else cp1252) or set by the merchant."""

from __future__ import annotations

import codecs

import pytest

TEXT = "id;title;price\n1;Crème brûlée “deluxe”;5 €\n2;Müsli;3,50 €\n"
ROWS = [
    {"id": "1", "title": "Crème brûlée “deluxe”", "price": "5 €"},
    {"id": "2", "title": "Müsli", "price": "3,50 €"},
]


@pytest.mark.parametrize(
    ("raw", "detected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_encoding_is_detected(feeds, raw, detected):
    feed = feeds.read("feed.csv", raw)
    assert feed.details["encoding"] == detected
    assert feed.frame.to_dicts() == ROWS


@pytest.mark.parametrize(
    ("encoding", "codec"), [("windows-1252", "cp1252"), ("Latin-1", "cp1252"), ("utf-16", "utf-16")]
)
def test_encoding_set_by_the_merchant_is_used(feeds, encoding, codec):
    feed = feeds.read("feed.csv", TEXT.encode(codec), encoding=encoding)
    assert feed.frame.to_dicts() == ROWS


def test_cp1252_late_in_a_utf8_looking_file_is_read_with_a_warning(feeds):
    raw = ("id;title\n" + "".join(f"{i};plain\n" for i in range(200_000))).encode() + "x;café €\n".encode(
        "cp1252"
    )
    feed = feeds.read("feed.csv", raw)
    assert feed.frame["title"][-1] == "café €"
    assert feed.details["encoding"] == "cp1252"
    assert feed.warnings


def test_utf8_set_on_a_cp1252_file_names_the_line(feeds):
    error = feeds.error("feed.csv", TEXT.encode("cp1252"), encoding="utf-8")
    assert error.line == 2
    assert "not valid utf-8" in error.reason
    assert error.hint and "encoding" in error.hint


def test_utf16_set_on_a_utf8_file_is_refused(feeds):
    error = feeds.error("feed.csv", TEXT.encode("utf-8"), encoding="utf-16")
    assert error.line == 1
    assert "UTF-16" in error.reason


def test_cp1252_set_on_a_utf8_file_warns_about_garbled_letters(feeds):
    feed = feeds.read("feed.csv", TEXT.encode("utf-8"), encoding="cp1252")
    assert any("looks like UTF-8" in warning for warning in feed.warnings)


def test_unknown_encoding_is_refused(feeds):
    error = feeds.error("feed.csv", TEXT, encoding="klingon-8")
    assert "unknown encoding" in error.reason


def test_xml_declared_encoding_and_set_encoding(feeds):
    xml = '<?xml version="1.0" encoding="windows-1252"?><products><product><name>Crème €</name></product></products>'
    assert feeds.read("a.xml", xml.encode("cp1252")).frame["name"].to_list() == ["Crème €"]
    plain = "<products><product><name>Crème €</name></product></products>"
    set_feed = feeds.read("b.xml", plain.encode("cp1252"), encoding="windows-1252")
    assert set_feed.frame["name"].to_list() == ["Crème €"]
    error = feeds.error("c.xml", plain.encode("cp1252"))
    assert error.line == 1 and error.hint and "encoding" in error.hint


def test_utf16_xml_and_json(feeds):
    xml = "<products><product><name>Ünïcode</name></product></products>"
    assert feeds.read("a.xml", codecs.BOM_UTF16_LE + xml.encode("utf-16-le")).frame["name"].to_list() == [
        "Ünïcode"
    ]
    json_text = '[{"name": "Ünïcode"}]'
    assert feeds.read("a.json", json_text.encode("utf-16")).frame["name"].to_list() == ["Ünïcode"]
