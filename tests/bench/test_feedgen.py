"""The benchmark feed generator writes valid, realistic feeds: parsable, complete, with variants and real GTINs."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from bench import feedgen

FIELDS, write_feed = feedgen.FIELDS, feedgen.write_feed

REPO = Path(__file__).resolve().parents[2]
G = "{http://base.google.com/ns/1.0}"
ITEMS = 400


def gtin_is_valid(gtin: str) -> bool:
    """GS1 check: weights 3, 1, 3, … from the digit left of the check digit, for any GTIN length."""
    digits = [int(d) for d in gtin]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        assert tuple(reader.fieldnames or ()) == FIELDS
        return list(reader)


def read_xml(path: Path) -> list[dict[str, Any]]:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = []
    for element in root.iterfind("channel/item"):
        item: dict[str, Any] = {}
        for child in element:
            name = child.tag.removeprefix(G)
            if name == "additional_image_link":
                item.setdefault(name, []).append(child.text)
            else:
                item[name] = child.text
        items.append(item)
    return items


def read_ndjson(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("feeds")
    paths = {fmt: folder / f"feed.{fmt}" for fmt in feedgen.FORMATS}
    for fmt, path in paths.items():
        write_feed(path, ITEMS, fmt, seed=5)
    return paths


def test_csv_has_every_field_and_realistic_values(feeds: dict[str, Path]) -> None:
    rows = read_csv(feeds["csv"])
    assert len(rows) == ITEMS and len({row["id"] for row in rows}) == ITEMS
    assert any(re.fullmatch(r"0\d{7}", row["id"]) for row in rows), "some IDs are digits with leading zeros"
    gtins = [row["gtin"] for row in rows if row["gtin"]]
    assert len(gtins) > ITEMS * 0.8 and all(len(g) == 13 and gtin_is_valid(g) for g in gtins)
    assert any(g.startswith("0") for g in gtins)
    assert all(re.fullmatch(r"\d+\.\d\d", row["price"]) for row in rows)
    assert any(row["sale_price"] for row in rows) and any(not row["sale_price"] for row in rows)
    for row in rows:
        assert (
            len(row["description"]) >= 300
            and row["description"].startswith("<p>")
            and "\n" in row["description"]
        )
        assert " > " in row["product_type"] and row["google_product_category"].isdigit()
        assert row["link"].startswith("https://") and row["image_link"].endswith(".jpg")
        assert all(
            url.startswith("https://") for url in filter(None, row["additional_image_link"].split(","))
        )
        assert row["availability"] in {"in_stock", "out_of_stock", "backorder", "preorder"}
        assert int(row["quantity"]) >= 0 and row["shipping_weight"].endswith(" kg")
    assert any("," in row["additional_image_link"] for row in rows), "several images in one cell"
    assert any("&" in row["brand"] for row in rows) and any('"' in row["description"] for row in rows)


def test_variants_share_their_group_id_base_title_and_brand(feeds: dict[str, Path]) -> None:
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv(feeds["csv"]):
        groups[row["item_group_id"]].append(row)
    singles = groups.pop("")
    assert singles and len(groups) > 20
    for members in groups.values():
        assert len(members) >= 2
        assert len({m["brand"] for m in members}) == 1
        assert len({m["title"].split(", ")[0] for m in members}) == 1
        assert len({(m["color"], m["size"]) for m in members}) == len(members), "each variant is distinct"
        assert all(m["title"].startswith(m["title"].split(", ")[0] + ", ") for m in members)


def test_xml_is_google_shopping_rss_with_repeated_image_elements(feeds: dict[str, Path]) -> None:
    items = read_xml(feeds["xml"])
    assert len(items) == ITEMS
    assert all(re.fullmatch(r"\d+\.\d\d EUR", item["price"]) for item in items)
    assert all(
        {"id", "title", "description", "link", "price", "availability", "image_link"} <= item.keys()
        for item in items
    )
    assert any(len(item.get("additional_image_link", [])) >= 2 for item in items)
    assert all(gtin_is_valid(item["gtin"]) for item in items if "gtin" in item)
    # The HTML description survives as text (CDATA), brands with '&' come back unescaped.
    assert all(item["description"].startswith("<p><strong>") for item in items)
    assert {item["brand"] for item in items} == {row["brand"] for row in read_csv(feeds["csv"])}


def test_ndjson_has_numbers_and_image_arrays(feeds: dict[str, Path]) -> None:
    objects = read_ndjson(feeds["ndjson"])
    assert len(objects) == ITEMS and all(tuple(obj) == FIELDS for obj in objects)
    assert all(isinstance(obj["price"], float) and isinstance(obj["quantity"], int) for obj in objects)
    assert all(isinstance(obj["additional_image_link"], list) for obj in objects)


def test_the_three_formats_hold_the_same_items(feeds: dict[str, Path]) -> None:
    rows = read_csv(feeds["csv"])
    xml, ndjson = read_xml(feeds["xml"]), read_ndjson(feeds["ndjson"])
    assert [r["id"] for r in rows] == [i["id"] for i in xml] == [o["id"] for o in ndjson]
    assert [r["price"] + " EUR" for r in rows] == [i["price"] for i in xml]
    assert [r["additional_image_link"] for r in rows] == [
        ",".join(o["additional_image_link"]) for o in ndjson
    ]


@pytest.mark.parametrize("fmt", feedgen.FORMATS)
def test_a_seed_writes_the_same_feed_and_another_seed_another(fmt: str, tmp_path: Path) -> None:
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        write_feed(tmp_path / name, 50, fmt, seed)
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes() != (tmp_path / "c").read_bytes()


def test_ids_and_groups_stay_unique_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedgen, "CHUNK_ITEMS", 7)
    write_feed(tmp_path / "feed.csv", 100, "csv", seed=3)
    rows = read_csv(tmp_path / "feed.csv")
    assert len(rows) == 100 and len({row["id"] for row in rows}) == 100
    seen: list[str] = []
    for row in rows:  # a group's variants are adjacent, and a group id never comes back later
        group = row["item_group_id"]
        if group and (not seen or seen[-1] != group):
            assert group not in seen
            seen.append(group)


def test_an_empty_feed_is_still_well_formed(tmp_path: Path) -> None:
    for fmt in feedgen.FORMATS:
        write_feed(tmp_path / f"empty.{fmt}", 0, fmt)
    assert read_csv(tmp_path / "empty.csv") == [] and read_xml(tmp_path / "empty.xml") == []
    assert (tmp_path / "empty.ndjson").read_bytes() == b""


def test_the_command_line_writes_a_feed(tmp_path: Path) -> None:
    out = tmp_path / "feed.xml"
    command = [sys.executable, "-m", "bench.feedgen", "--items", "12", "--format", "xml", "--out", str(out)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    assert "12 items as xml" in done.stdout and len(read_xml(out)) == 12


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="csv, xml, ndjson"):
        write_feed(tmp_path / "f", 1, "parquet")
