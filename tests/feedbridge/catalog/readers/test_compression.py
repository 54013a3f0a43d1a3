"""Compressed feeds, detected by their magic bytes: gzip, zip (one member or a chosen one), bzip2, xz."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile

import pytest

CSV = b"id,title\n1,Mug\n2,Cup\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "packed", "compression"),
    [
        ("feed.csv.gz", gzip.compress(CSV), "gzip"),
        ("feed.bin", gzip.compress(CSV), "gzip"),  # the name does not matter, the bytes do
        ("feed.csv.bz2", bz2.compress(CSV), "bzip2"),
        ("feed.csv.xz", lzma.compress(CSV), "xz"),
        ("feed.zip", _zip({"feed.csv": CSV}), "zip"),
    ],
)
def test_compressed_feed_is_unpacked(feeds, name, packed, compression):
    feed = feeds.read(name, packed)
    assert feed.details["compression"] == compression
    assert feed.frame["title"].to_list() == ["Mug", "Cup"]


def test_compressed_xml_and_ndjson(feeds):
    xml = b"<products><product><id>1</id></product><product><id>2</id></product></products>"
    assert feeds.read("f.xml.gz", gzip.compress(xml)).frame["id"].to_list() == ["1", "2"]
    ndjson = b'{"id": "1"}\n{"id": "2"}\n'
    assert feeds.read("f.zip", _zip({"items.ndjson": ndjson})).frame["id"].to_list() == ["1", "2"]


def test_zip_ignores_folders_and_mac_metadata(feeds):
    packed = _zip({"feeds/feed.csv": CSV, "__MACOSX/feeds/._feed.csv": b"junk", ".DS_Store": b"junk"})
    feed = feeds.read("feed.zip", packed)
    assert feed.details["zip_member"] == "feeds/feed.csv"


def test_zip_with_several_members_needs_a_choice(feeds):
    packed = _zip({"products.csv": CSV, "prices.csv": b"id,price\n1,2\n"})
    error = feeds.error("feed.zip", packed)
    assert "2 files" in error.reason
    assert error.hint and "products.csv" in error.hint and "prices.csv" in error.hint
    chosen = feeds.read("feed.zip", packed, zip_member="prices.csv")
    assert chosen.frame.to_dicts() == [{"id": "1", "price": "2"}]
    missing = feeds.error("feed.zip", packed, zip_member="stock.csv")
    assert "stock.csv" in missing.reason and missing.hint and "products.csv" in missing.hint


def test_errors_inside_a_zip_name_the_member(feeds):
    error = feeds.error("feed.zip", _zip({"feed.csv": b'id,title\n1,"open\n'}))
    assert error.source == "feed.zip › feed.csv"
    assert error.line == 2


def test_truncated_gzip_is_a_feed_error(feeds):
    packed = gzip.compress(CSV * 1000)
    error = feeds.error("feed.csv.gz", packed[: len(packed) // 2])
    assert "damaged or truncated" in error.reason


def test_an_excel_workbook_is_recognised(feeds):
    packed = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    error = feeds.error("feed.xlsx", packed)
    assert "Excel" in error.reason and error.hint and "CSV" in error.hint


def test_progress_reports_bytes_of_the_file_on_disk(feeds):
    path = feeds.write("feed.csv.gz", gzip.compress(CSV * 50_000))
    seen: list[int] = []
    feeds.read_path(path, progress=seen.append)
    assert seen and seen[-1] == path.stat().st_size
    assert seen == sorted(seen)
