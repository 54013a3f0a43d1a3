"""Random items written by standard tools (csv, lxml, json) read back identical."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from feedbridge.catalog.model import ReadOptions
from feedbridge.catalog.readers import read_feed

FIELDS = ["id", "title", "description", "price"]
# Text with delimiters, quotes, line breaks and non-ASCII; XML 1.0 cannot hold most control characters.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(",;|\t\"'\n\r <>&é€中😀")),
        st.characters(min_codepoint=0x20, max_codepoint=0x2FFF, blacklist_categories=("Cs",)),
    ),
    max_size=30,
)
ITEMS = st.lists(st.fixed_dictionaries({name: TEXT for name in FIELDS}), min_size=1, max_size=15)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read(content: bytes, name: str) -> list[dict]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_bytes(content)
        return read_feed(path, ReadOptions(), work=Path(directory)).frame.collect().to_dicts()


@SETTINGS
@given(ITEMS)
def test_csv_round_trip(items):
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(items)
    assert _read(buffer.getvalue().encode("utf-8"), "feed.csv") == items


@SETTINGS
@given(ITEMS)
def test_xml_round_trip(items):
    g = "http://base.google.com/ns/1.0"
    rss = etree.Element("rss", nsmap={"g": g})
    channel = etree.SubElement(rss, "channel")
    for item in items:
        element = etree.SubElement(channel, "item")
        for name, value in item.items():
            etree.SubElement(element, f"{{{g}}}{name}").text = value
    content = etree.tostring(rss, xml_declaration=True, encoding="UTF-8")
    # XML text is trimmed: indentation is not content (lxml writes \r as &#13;, so it survives).
    expected = [{k: v.strip() for k, v in i.items()} for i in items]
    assert _read(content, "feed.xml") == expected


@SETTINGS
@given(ITEMS, st.booleans())
def test_json_and_ndjson_round_trip(items, ndjson):
    if ndjson:
        content = "\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n"
    else:
        content = json.dumps({"data": {"products": items}}, ensure_ascii=False, indent=1)
    assert _read(content.encode("utf-8"), "feed.ndjson" if ndjson else "feed.json") == items
