"""Every real merchant feed in ../shared/data/feeds reads without error and with the expected items."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from feedbridge.catalog.identity import deduplicate, propose_id_field
from feedbridge.catalog.model import FeedFormat

FEEDS = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "feeds"

# Items per file: rows from ../shared/data/README.md §3; Shopify exports read as one item per variant
# (README rows minus image-only rows, counted in test_shopify.py from the raw file).
EXPECTED = {
    "google-merchant-xml/groundies_us_merchant_feed.xml": 2200,
    "google-merchant-xml/opispot_google_feed.xml": 486,
    "google-merchant-xml/importpc_cz_google_feed.xml": 1255,
    "google-merchant-xml/marsupiu_ro_merchant_feed.xml": 14,
    "google-merchant-xml/sparklingresindelights_uk_google_feed.xml": 73,
    "shopify-csv/rosarose_jewelry_products_export_1.csv": 1477,  # 1,775 rows
    "shopify-csv/bilali_swimwear_products_export.csv": 130,  # 194 rows
    "shopify-csv/hair_wigs_products_export_1.csv": 445,  # 565 rows
    "shopify-csv/velofant_bikes_products_export_1.csv": 19,  # 48 rows
    "shopify-csv/shopify_sample_apparel.csv": 22,
    "shopify-csv/shopify_sample_jewelery.csv": 23,  # 41 rows
    "shopify-csv/shopify_sample_home-and-garden.csv": 21,
    "woocommerce-csv/woocommerce_sample_products.csv": 24,
    "woocommerce-csv/vinoteka15milja_woocommerce-products.csv": 404,
    "woocommerce-csv/bambini_rs_woocommerce_products.csv": 96,
    "woocommerce-csv/bambini_rs_woocommerce_variations.csv": 577,
    "facebook-catalog-csv/kirsten_liebieg_wine_facebook_catalog.csv": 80,
    "facebook-catalog-csv/santopadre_facebook_catalog.csv": 25,
    "other/bilali_awin_product_feed.csv": 48,
    "other/velofant_prisjakt_feed.xml": 9,
}

pytestmark = pytest.mark.skipif(not FEEDS.is_dir(), reason=f"the shared real feeds are not at {FEEDS}")


def test_every_real_feed_is_listed():
    present = {str(path.relative_to(FEEDS)) for path in FEEDS.rglob("*") if path.is_file()}
    assert present == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_feed_reads(name, feeds):
    feed = feeds.read_path(FEEDS / name)
    assert feed.frame.height == EXPECTED[name]
    if name.startswith("shopify"):  # every real export has variants without a unique SKU
        assert len(feed.warnings) == 1 and "no unique 'Variant SKU'" in feed.warnings[0]
    else:
        assert feed.warnings == []
    assert all(dtype in (pl.String, pl.List(pl.String)) for dtype in feed.frame.dtypes)
    id_column = next(c for c in ("id", "Handle", "ID", "SKU", "parent_id", "Type") if c in feed.frame.columns)
    assert feed.frame[id_column].null_count() == 0
    if feed.format is FeedFormat.XML and name.startswith("google"):
        assert {"id", "title", "price"} <= set(feed.frame.columns)
        assert feed.frame["id"].n_unique() >= feed.frame.height - 1  # importpc repeats one id


def test_real_feed_details(feeds):
    opispot = feeds.read_path(FEEDS / "google-merchant-xml/opispot_google_feed.xml")
    assert opispot.frame.schema["additional_image_link"] == pl.List(pl.String)
    assert opispot.frame["item_group_id"].null_count() == 0
    sparkling = feeds.read_path(FEEDS / "google-merchant-xml/sparklingresindelights_uk_google_feed.xml")
    assert "shipping.country" in sparkling.frame.columns
    groundies = feeds.read_path(FEEDS / "google-merchant-xml/groundies_us_merchant_feed.xml")
    assert "title" in groundies.frame.columns and "size" in groundies.frame.columns
    rosarose = feeds.read_path(FEEDS / "shopify-csv/rosarose_jewelry_products_export_1.csv")
    assert (
        rosarose.frame.width == 81 + 2 and rosarose.frame["Handle"].n_unique() == 196
    )  # + id, item_group_id


# The unique ID proposed for each real feed, and the rows enforcing it keeps.
EXPECTED_ID = {
    "google-merchant-xml/groundies_us_merchant_feed.xml": ("id", 2200),
    "google-merchant-xml/opispot_google_feed.xml": ("id", 486),
    # The feed lists 'BC-FU-LI3560' twice with identical title, price and link: a genuine repeat.
    "google-merchant-xml/importpc_cz_google_feed.xml": ("id", 1254),
    "google-merchant-xml/marsupiu_ro_merchant_feed.xml": ("id", 14),
    "google-merchant-xml/sparklingresindelights_uk_google_feed.xml": ("id", 73),
    # Shopify: the `id` made by readers/shopify.py (Variant SKU where unique, else Handle + options).
    "shopify-csv/rosarose_jewelry_products_export_1.csv": ("id", 1477),
    "shopify-csv/bilali_swimwear_products_export.csv": ("id", 130),
    "shopify-csv/hair_wigs_products_export_1.csv": ("id", 445),
    "shopify-csv/velofant_bikes_products_export_1.csv": ("id", 19),
    "shopify-csv/shopify_sample_apparel.csv": ("id", 22),
    "shopify-csv/shopify_sample_jewelery.csv": ("id", 23),
    "shopify-csv/shopify_sample_home-and-garden.csv": ("id", 21),
    "woocommerce-csv/woocommerce_sample_products.csv": ("ID", 24),  # ID and SKU both unique: ID ranks first
    "woocommerce-csv/vinoteka15milja_woocommerce-products.csv": ("SKU", 404),  # import layout: no ID column
    "woocommerce-csv/bambini_rs_woocommerce_products.csv": ("id", 96),
    "woocommerce-csv/bambini_rs_woocommerce_variations.csv": ("id", 577),  # sku repeats the parent's
    "facebook-catalog-csv/kirsten_liebieg_wine_facebook_catalog.csv": ("id", 80),
    "facebook-catalog-csv/santopadre_facebook_catalog.csv": ("id", 25),
    "other/bilali_awin_product_feed.csv": ("id", 48),
    "other/velofant_prisjakt_feed.xml": ("id", 9),
}


def test_every_real_feed_has_an_expected_id():
    assert set(EXPECTED_ID) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED_ID))
def test_real_feed_unique_id_keeps_its_items(name, feeds):
    frame = feeds.read_path(FEEDS / name).frame
    field, items = EXPECTED_ID[name]
    assert propose_id_field(frame) == field
    kept, report = deduplicate(frame, field)
    assert report.items == kept.height == items
    assert kept.height >= 0.95 * frame.height
    assert kept[field].n_unique() == kept.height
