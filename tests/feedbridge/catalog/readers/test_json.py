"""JSON arrays, objects holding the array, NDJSON, flattening, and broken JSON."""

from __future__ import annotations

import polars as pl

from feedbridge.catalog.model import FeedFormat
from feedbridge.catalog.readers import columns

ITEMS = """[
 {"id": "1", "title": "Mug", "price": 9.9, "stock": 3, "active": true, "gtin": null,
  "brand": {"name": "Acme", "country": {"code": "DE"}}, "images": ["a.jpg", "b.jpg"],
  "variants": [{"sku": "1-S", "size": "S"}, {"sku": "1-M", "size": "M"}]},
 {"id": "2", "title": "Cup", "images": [], "variants": [{"sku": "2-S"}], "specs": [[1, 2], [3]]}
]"""


def test_json_array_is_flattened(feeds):
    feed = feeds.read("feed.json", ITEMS)
    assert feed.format is FeedFormat.JSON
    frame = feed.frame
    assert frame.row(0, named=True) == {
        "id": "1", "title": "Mug", "price": "9.9", "stock": "3", "active": "true",
        "brand.name": "Acme", "brand.country.code": "DE", "images": ["a.jpg", "b.jpg"],
        "variants.sku": ["1-S", "1-M"], "variants.size": ["S", "M"], "specs": None,
    }  # fmt: skip
    assert frame.schema["images"] == pl.List(pl.String)
    assert frame["images"].to_list()[1] == []
    assert frame["variants.sku"].to_list()[1] == ["2-S"]
    assert frame["specs"].to_list()[1] == "[[1,2],[3]]"


def test_array_inside_an_object_is_found_or_taken_from_the_path(feeds):
    doc = '{"meta": {"count": 2}, "data": {"products": [{"id": "1"}, {"id": "2"}]}, "tags": [{"a": 1}]}'
    found = feeds.read("feed.json", doc)
    assert found.details["json_path"] == "data.products"
    assert found.frame["id"].to_list() == ["1", "2"]
    chosen = feeds.read("feed.json", doc, json_path="tags")
    assert chosen.frame.to_dicts() == [{"a": "1"}]
    error = feeds.error("feed.json", doc, json_path="data.items")
    assert "data.items" in error.reason and error.hint and "products" in error.hint


def test_ndjson(feeds):
    feed = feeds.read("feed.ndjson", '{"id": "1", "a": {"b": "x"}}\n\n{"id": "2", "c": ["y"]}\n')
    assert feed.format is FeedFormat.NDJSON
    assert feed.frame.to_dicts() == [{"id": "1", "a.b": "x", "c": None}, {"id": "2", "a.b": None, "c": ["y"]}]
    detected = feeds.read("feed.txt", '{"id": "1"}\n{"id": "2"}\n{"id": "3"}\n')
    assert detected.format is FeedFormat.NDJSON and detected.frame.height == 3


def test_big_integers_keep_their_digits(feeds):
    feed = feeds.read("feed.json", '[{"id": 123456789012345678901234567890, "gtin": 4006381333931}]')
    assert feed.frame.row(0) == ("123456789012345678901234567890", "4006381333931")


def test_broken_json_names_line(feeds):
    error = feeds.error("feed.json", '[\n{"id": "1"},\n{"id": "2",}\n]')
    assert error.line == 3 and "broken JSON" in error.reason and error.hint


def test_broken_ndjson_names_line_and_item(feeds):
    error = feeds.error("feed.ndjson", '{"id": "1"}\n{"id": "2"}\n\n{"id": 3\n')
    assert (error.line, error.item) == (4, 3)


def test_items_must_be_objects(feeds):
    error = feeds.error("feed.json", '[{"id": "1"}, "two"]')
    assert error.item == 2 and "a string" in error.reason
    assert "no array of items" in feeds.error("feed.json", '{"a": 1}').reason


def test_ndjson_read_in_chunks_is_read_whole(feeds, monkeypatch):
    lines = '{"id": "1", "a": {"b": "x"}}\n{"id": "2", "c": ["y"]}\n{"id": "3", "c": []}\n'
    whole = feeds.read("whole.ndjson", lines).frame
    monkeypatch.setattr(columns, "CHUNK_ROWS", 1)  # one chunk file per item
    assert feeds.read("chunked.ndjson", lines).frame.equals(whole)
    assert whole["c"].to_list() == [None, ["y"], []]
