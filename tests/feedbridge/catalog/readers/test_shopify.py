"""Shopify product exports: one item per variant, images folded in, product fields filled, unique IDs."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from feedbridge.catalog.identity import deduplicate, propose_id_field
from feedbridge.catalog.model import FeedFormat, RawFeed
from feedbridge.catalog.readers.shopify import normalise_shopify

SHOPIFY = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "feeds" / "shopify-csv"

# A current-layout excerpt: a product with three variants (unique, missing SKUs) and images spread over
# its variant rows and an image-only row, out of position order; two products sharing a SKU; one
# single-variant product ("Default Title").
EXPORT = """\
Handle,Title,Vendor,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price,\
Variant Compare At Price,Image Src,Image Position,Image Alt Text,Variant Image,Google Shopping / Gender,\
Included / Canada,Price / Canada,Farbe (product.metafields.shopify.color-pattern),Status
tee,Tee,Acme,Color,Red,Size,S,TEE-RS,10.00,12.00,https://x/tee-2.jpg,2,Back,https://x/red.jpg,unisex,\
TRUE,14.00,red,active
tee,,,,Red,,M,,10.00,,https://x/tee-1.jpg,1,Front,https://x/red.jpg,,,,,
tee,,,,Blue & Navy,,S,,11.00,,,,,https://x/blue.jpg,,,,,
tee,,,,,,,,,,https://x/tee-3.jpg,3,,,,,,,
mug,Mug,Acme,Title,Default Title,,,DUP,5.00,,https://x/mug.jpg,1,Mug,,,FALSE,,,active
cap,Cap,Other,Size,One Size,,,DUP,7.00,,,,,,,,,,draft
cap,,,,,,,,,,https://x/cap.jpg,1,,,,,,,
"""

TEE_IMAGES = ["https://x/tee-1.jpg", "https://x/tee-2.jpg", "https://x/tee-3.jpg"]


def test_a_shopify_export_becomes_one_row_per_variant(feeds):
    feed = feeds.read("products_export.csv", EXPORT)
    rows = feed.frame.select(
        "id", "item_group_id", "Title", "Vendor", "Option1 Name", "Option1 Value", "Option2 Value",
        "Variant SKU", "Variant Price", "Variant Compare At Price", "Variant Image", "Status",
    ).rows()  # fmt: skip
    assert rows == [
        ("TEE-RS", "tee", "Tee", "Acme", "Color", "Red", "S", "TEE-RS", "10.00", "12.00", "https://x/red.jpg", "active"),
        ("tee-red-m", "tee", "Tee", "Acme", "Color", "Red", "M", "", "10.00", "", "https://x/red.jpg", "active"),
        ("tee-blue-navy-s", "tee", "Tee", "Acme", "Color", "Blue & Navy", "S", "", "11.00", "", "https://x/blue.jpg", "active"),
        ("mug", "mug", "Mug", "Acme", "Title", "Default Title", "", "DUP", "5.00", "", "", "active"),
        ("cap-one-size", "cap", "Cap", "Other", "Size", "One Size", "", "DUP", "7.00", "", "", "draft"),
    ]  # fmt: skip
    assert feed.frame.columns[:2] == ["id", "item_group_id"]
    assert feed.frame.width == 21  # every column of the export is kept, plus id and item_group_id


def test_images_become_one_list_per_product_in_position_order(feeds):
    frame = feeds.read("products_export.csv", EXPORT).frame
    assert frame["Image Src"].to_list() == [TEE_IMAGES] * 3 + [["https://x/mug.jpg"], ["https://x/cap.jpg"]]
    assert frame["Image Position"].to_list() == [["1", "2", "3"]] * 3 + [["1"], ["1"]]
    assert frame["Image Alt Text"].to_list() == [["Front", "Back", ""]] * 3 + [["Mug"], [""]]


def test_product_fields_are_filled_and_variant_fields_are_not(feeds):
    frame = feeds.read("products_export.csv", EXPORT).frame
    assert frame["Google Shopping / Gender"].to_list() == ["unisex"] * 3 + ["", ""]
    assert frame["Included / Canada"].to_list() == ["TRUE"] * 3 + ["FALSE", ""]
    assert frame["Farbe (product.metafields.shopify.color-pattern)"].to_list() == ["red"] * 3 + ["", ""]
    assert frame["Price / Canada"].to_list() == ["14.00", "", "", "", ""]  # a per-variant market price


def test_the_merchant_is_told_what_was_folded_and_which_ids_were_made(feeds):
    feed = feeds.read("products_export.csv", EXPORT)
    assert feed.details["layout"] == "shopify"
    assert feed.details["layout rows"] == (
        "7 rows → 5 variants of 3 products; 2 image rows folded into their product's 'Image Src' list"
    )
    assert len(feed.warnings) == 1
    assert feed.warnings[0].startswith("4 of 5 variants have no unique 'Variant SKU'")


def test_the_new_id_is_proposed_and_keeps_every_variant(feeds):
    frame = feeds.read("products_export.csv", EXPORT).frame
    assert propose_id_field(frame) == "id"
    kept, report = deduplicate(frame, "id")
    assert kept.height == 5 and report.empty_count == 0 and report.duplicate_count == 0


def test_made_up_ids_that_collide_get_the_variant_position(feeds):
    text = (
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Image Src\n"
        "bag,Bag,Size,L,,20,\n"
        "bag,,,L,,21,\n"  # the same option value twice
        "bag,,,XL,bag-l,22,\n"  # a SKU that spells another variant's made-up ID keeps it
        "shoe,Shoe,Größe,Weiß / 36½,,30,\n"  # letters beyond ASCII stay, other signs become '-'
    )
    frame = feeds.read("products_export.csv", text).frame
    assert frame["id"].to_list() == ["bag-l-1", "bag-l-2", "bag-l", "shoe-weiß-36½"]


def test_a_product_without_variant_data_keeps_its_first_row(feeds):
    text = (
        "Handle,Title,Option1 Value,Variant Price,Image Src,Image Position\n"
        "ghost,Ghost,,,https://x/g2.jpg,2\n"
        "ghost,,,,https://x/g1.jpg,1\n"
        "ghost,,,,https://x/g0.jpg,\n"  # no position: after the positioned ones
    )
    frame = feeds.read("products_export.csv", text).frame
    assert frame.select("id", "item_group_id", "Title").rows() == [("ghost", "ghost", "Ghost")]
    assert frame["Image Src"].to_list() == [["https://x/g1.jpg", "https://x/g2.jpg", "https://x/g0.jpg"]]


def test_the_older_layout_without_a_sku_column_is_recognised(feeds):
    text = (
        "Handle,Title,Option1 Name,Option1 Value,Variant Grams,Variant Inventory Qty,Variant Price,"
        "Image Src,Google Shopping / AdWords Grouping\n"
        "plant,Plant,Size,Large,500,3,19.00,https://x/p.jpg,garden\n"
        "plant,,,Small,200,5,9.00,,\n"
    )
    feed = feeds.read("home-and-garden.csv", text)
    assert feed.frame.select("id", "Option1 Value", "Google Shopping / AdWords Grouping").rows() == [
        ("plant-large", "Large", "garden"),
        ("plant-small", "Small", "garden"),
    ]
    assert feed.details["layout rows"] == "2 rows → 2 variants of 1 products"


def test_rows_without_a_handle_stay_separate(feeds):
    text = (
        "Handle,Title,Option1 Value,Variant SKU,Variant Price,Image Src\n"
        ",Loose,,LOOSE-1,3,https://x/l.jpg\n"
        ",Lost,,,4,\n"  # neither SKU nor Handle: no ID, the import skips it and says so
    )
    frame = feeds.read("products_export.csv", text).frame
    assert frame.select("id", "item_group_id", "Title").rows() == [("LOOSE-1", "", "Loose"), ("", "", "Lost")]
    assert frame["Image Src"].to_list() == [["https://x/l.jpg"], []]
    assert deduplicate(frame, "id")[1].empty_count == 1


def test_other_feeds_with_a_handle_column_are_left_alone(feeds):
    feed = feeds.read("feed.csv", "Handle,Title,price\nh1,One,1\nh1,,2\n")
    assert feed.frame.rows() == [("h1", "One", "1"), ("h1", "", "2")]
    assert "layout" not in feed.details
    unchanged = feeds.read("empty.csv", "Handle,Title,Option1 Value,Variant Price,Image Src\n")
    assert unchanged.frame.height == 0 and "layout" not in unchanged.details
    empty = RawFeed(frame=unchanged.frame.lazy(), format=FeedFormat.CSV)
    assert normalise_shopify(empty) is empty


# The real exports, against an oracle read with the csv module: a row is a variant when it has a price
# or an option value; every product's images are the non-empty Image Src of all its rows.


def _raw(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.skipif(not SHOPIFY.is_dir(), reason=f"the shared real Shopify exports are not at {SHOPIFY}")
@pytest.mark.parametrize("name", sorted(p.name for p in SHOPIFY.glob("*.csv")) if SHOPIFY.is_dir() else [])
def test_real_shopify_exports(name: str, feeds) -> None:
    raw = _raw(SHOPIFY / name)
    variants = [r for r in raw if r["Variant Price"].strip() or r["Option1 Value"].strip()]
    images: dict[str, list[tuple[int, str]]] = defaultdict(list)
    titles: dict[str, str] = {}
    for row in raw:
        titles.setdefault(row["Handle"], row["Title"])
        if row["Image Src"].strip():
            images[row["Handle"]].append((int(row["Image Position"] or 10**9), row["Image Src"]))

    feed = feeds.read_path(SHOPIFY / name)
    frame = feed.frame
    assert feed.details["layout"] == "shopify"
    assert frame.height == len(variants)
    assert frame["Variant SKU"].to_list() == [r["Variant SKU"] for r in variants]  # file order, no loss
    ids = frame["id"].to_list()
    assert all(i.strip() for i in ids) and len(set(ids)) == len(ids)
    assert frame["item_group_id"].to_list() == [r["Handle"] for r in variants]
    for handle, title, srcs in frame.select("Handle", "Title", "Image Src").iter_rows():
        assert title == titles[handle]
        assert srcs == [src for _, src in sorted(images[handle], key=lambda pair: pair[0])]
    assert propose_id_field(frame) == "id"
    assert deduplicate(frame, "id")[1].items == len(variants)
