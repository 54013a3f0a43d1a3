"""Every real merchant feed in ../shared/data/feeds imports through the whole pipeline as an accepted run."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedbridge.catalog.models import RunStatus
from feedbridge.catalog.reports import run_report

from .conftest import Catalog

FEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "feeds"

# file: (unique ID field, items, expected types of its price, link and image fields)
EXPECTED: dict[str, tuple[str, int, dict[str, str]]] = {
    "google-merchant-xml/groundies_us_merchant_feed.xml": ("id", 2200, {"price": "number", "link": "url", "image_link": "url"}),
    "google-merchant-xml/opispot_google_feed.xml": ("id", 486, {"price": "number", "link": "url", "image_link": "url", "additional_image_link": "list"}),
    # One id is repeated in the feed: the first is kept and the ID report says so.
    "google-merchant-xml/importpc_cz_google_feed.xml": ("id", 1254, {"price": "number", "link": "url", "image_link": "url", "shipping.price": "number"}),
    "google-merchant-xml/marsupiu_ro_merchant_feed.xml": ("id", 14, {"price": "number", "sale_price": "number", "link": "url", "image_link": "url"}),
    "google-merchant-xml/sparklingresindelights_uk_google_feed.xml": ("id", 73, {"price": "number", "link": "url", "image_link": "url"}),
    "shopify-csv/rosarose_jewelry_products_export_1.csv": ("id", 1477, {"Variant Price": "number", "Image Src": "list", "Variant Image": "url"}),
    "shopify-csv/bilali_swimwear_products_export.csv": ("id", 130, {"Variant Price": "number", "Image Src": "list", "Variant Image": "url"}),
    "shopify-csv/hair_wigs_products_export_1.csv": ("id", 445, {"Variant Price": "number", "Image Src": "list", "Variant Image": "url"}),
    "shopify-csv/velofant_bikes_products_export_1.csv": ("id", 19, {"Variant Price": "number", "Image Src": "list", "Variant Image": "url"}),
    "shopify-csv/shopify_sample_apparel.csv": ("id", 22, {"Variant Price": "number", "Image Src": "list"}),
    "shopify-csv/shopify_sample_jewelery.csv": ("id", 23, {"Variant Price": "number", "Image Src": "list", "Variant Image": "url"}),
    "shopify-csv/shopify_sample_home-and-garden.csv": ("id", 21, {"Variant Price": "number", "Image Src": "list"}),
    "woocommerce-csv/woocommerce_sample_products.csv": ("ID", 24, {"Regular price": "number", "Sale price": "number", "External URL": "url"}),
    "woocommerce-csv/vinoteka15milja_woocommerce-products.csv": ("SKU", 404, {"Regular price": "number", "Images": "url"}),
    "woocommerce-csv/bambini_rs_woocommerce_products.csv": ("id", 96, {"price": "number", "regular_price": "number", "main_image": "url", "permalink": "url"}),
    "woocommerce-csv/bambini_rs_woocommerce_variations.csv": ("id", 577, {"price": "number", "image": "url"}),
    "facebook-catalog-csv/kirsten_liebieg_wine_facebook_catalog.csv": ("id", 80, {"price": "number", "link": "url", "image_link": "url"}),
    "facebook-catalog-csv/santopadre_facebook_catalog.csv": ("id", 25, {"price": "number", "link": "url", "image_link": "url"}),
    "other/bilali_awin_product_feed.csv": ("id", 48, {"price": "number", "link": "url", "image_link": "url"}),
    "other/velofant_prisjakt_feed.xml": ("id", 9, {"price": "number", "url": "url", "image": "url"}),
}  # fmt: skip

pytestmark = pytest.mark.skipif(not FEEDS.is_dir(), reason=f"the shared real feeds are not at {FEEDS}")


def test_every_real_feed_is_covered() -> None:
    assert {str(p.relative_to(FEEDS)) for p in FEEDS.rglob("*") if p.is_file()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_feed_imports(catalog: Catalog, name: str) -> None:
    id_field, items, types = EXPECTED[name]
    run = catalog.run(catalog.add("feed", FEEDS / name))
    assert run.status == RunStatus.ACCEPTED, run.message
    with catalog.sessions() as session:
        snapshot = run_report(session, catalog.company_id, run.id).snapshot
    assert snapshot is not None
    assert snapshot.id_field == id_field and snapshot.stats.items == items
    assert {field: snapshot.field_types[field] for field in types} == types
    assert catalog.items().height == items
