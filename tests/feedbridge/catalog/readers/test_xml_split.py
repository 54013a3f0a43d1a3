"""Large XML files are read in parts by several processes; the result must be that of one reader."""

from __future__ import annotations

import pytest

from feedbridge.catalog.readers import xml_split

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n<channel><title>Shop</title>\n'


def _item(n: int, description: str = "plain") -> str:
    return (
        f"<item><g:id>{n:05d}</g:id><title>Item {n}</title><description><![CDATA[{description}]]></description>"
        f"<g:image_link>https://img/{n}a.jpg</g:image_link><g:image_link>https://img/{n}b.jpg</g:image_link>"
        f"<g:shipping><g:country>DE</g:country></g:shipping></item>\n"
    )


def _feed(count: int, description: str = "plain") -> str:
    return HEAD + "".join(_item(n, description) for n in range(count)) + "</channel></rss>\n"


@pytest.fixture
def in_parts(monkeypatch):
    """Split anything of 1 KiB or more in two (whatever the machine's cores)."""
    monkeypatch.setattr(xml_split, "MIN_PART_BYTES", 512)
    monkeypatch.setattr(xml_split, "cores", lambda: 2)
    calls = []
    real = xml_split.read_parts
    monkeypatch.setattr(xml_split, "read_parts", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def _whole(feeds, path):
    original = xml_split.MIN_PART_BYTES
    try:
        xml_split.MIN_PART_BYTES = 10**15
        return feeds.read_path(path)
    finally:
        xml_split.MIN_PART_BYTES = original


def test_parts_give_the_same_items_as_one_reader(feeds, in_parts):
    path = feeds.write("feed.xml", _feed(400))
    seen: list[int] = []
    parts = feeds.read_path(path, progress=seen.append)
    assert in_parts, "the file was not read in parts"
    whole = _whole(feeds, path)
    assert parts.frame.equals(whole.frame)
    assert parts.frame.height == 400 and parts.frame["id"][399] == "00399"
    assert parts.frame["image_link"][0].to_list() == ["https://img/0a.jpg", "https://img/0b.jpg"]
    assert parts.details == whole.details
    assert seen[-1] == path.stat().st_size


def test_a_cut_inside_cdata_that_looks_like_an_item_is_not_trusted(feeds, in_parts):
    path = feeds.write("feed.xml", _feed(200, description="<item><g:id>fake</g:id></item> " * 3))
    feed = feeds.read_path(path)
    assert in_parts
    (work,) = feeds.directory.glob("work-*")  # the attempt in parts left no chunk files behind
    assert [p.name for p in work.iterdir()] == ["whole-000000.parquet"]
    assert feed.frame.height == 200
    assert "fake" not in feed.frame["id"].to_list()
    assert feed.frame.equals(_whole(feeds, path).frame)


def test_an_error_in_a_later_part_names_the_line_and_item_of_the_whole_file(feeds, in_parts):
    lines = _feed(400).splitlines(keepends=True)
    lines[350] = lines[350].replace("<title>", "<title>a & b")  # item 347 (lines 0-2 are the head)
    path = feeds.write("feed.xml", "".join(lines))
    with pytest.raises(Exception) as caught:
        feeds.read_path(path)
    assert in_parts
    assert caught.value.line == 351
    assert caught.value.item == 348
