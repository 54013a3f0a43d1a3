"""Real merchants' feeds from ../shared/data/feeds through categories, the suggested build and quality;
a few of their ready listings are posted to the sandbox, images uploaded first as a run will."""

from __future__ import annotations

from pathlib import Path

import orjson
import polars as pl
import pytest

from feedbridge.catalog.items import current_items
from feedbridge.catalog.snapshots import read_snapshot
from feedbridge.categories.services import category_tree, generate_lines, set_line_category
from feedbridge.listings import columns as c
from feedbridge.listings import services
from feedbridge.listings.spec import Value
from support.listings import COOKWARE, NO_BRAND, WOMEN_DRESSES, poster
from support.shop import ConnectedShop

FEEDS = Path(__file__).parents[4] / "shared" / "data" / "feeds"
pytestmark = pytest.mark.skipif(not FEEDS.exists(), reason=f"the shared real feeds are not at {FEEDS}")
POSTED = 4

# feed, its category field, the leaf its products go to, its variant fields (colour, size). The merch
# shop's sizes (15″, 11oz …) are no apparel sizes, so its products go to a home category without sizes.
CASES = [
    ("google-merchant-xml/opispot_google_feed.xml", "product_type", COOKWARE, "color", "size"),
    (
        "shopify-csv/bilali_swimwear_products_export.csv",
        "Type",
        WOMEN_DRESSES,
        "Option1 Value",
        "Option2 Value",
    ),
]


@pytest.mark.parametrize(("feed", "category_field", "category", "colour", "size"), CASES)
def test_a_real_feed_becomes_listings_the_sandbox_accepts(
    connected_shop: ConnectedShop, feed: str, category_field: str, category: int, colour: str, size: str
) -> None:
    shop = connected_shop
    project = shop.new_project()
    shop.import_feed(project, FEEDS / feed)
    api = shop.new_api(project)
    tree = category_tree(shop.sessions, shop.ctx, shop.connection_id)
    generated = shop.call(generate_lines, api, category_field)
    assert generated and sum(line.matched for line in generated) > 0
    for line in generated:  # every product type into one leaf, as a merchant might start
        shop.call(set_line_category, api, line.position, category, tree=tree)

    with shop.sessions() as session:
        build = services.get_build(session, shop.company_id, api)
    assert build.shared["title"].field is not None and build.shared["main_image"].field is not None
    shared = {spec.key: spec for spec in services.account_shared(shop.sessions, shop.ctx, shop.connection_id)}
    statics = {
        "stock": "5", "length": "30", "width": "20", "height": "3", "dispatch_time": "3",
        "product_group": shared["product_group"].choices[0].id,
        "freight_template": shared["freight_template"].choices[0].id,
    }  # fmt: skip
    for key, value in statics.items():
        build = services.set_value(build, key, Value(static=value))
    if "weight" not in build.shared:
        build = services.set_value(build, "weight", Value(static="0.3"))
    for key, value in {"category.2": Value(static=NO_BRAND), "category.219": Value(static="CN(Origin)"),
                       "category.10": Value(static="Cotton"), "variant.14": Value(field=colour),
                       "variant.5": Value(field=size)}.items():  # fmt: skip
        build = services.set_value(build, key, value)
    services.save_build(shop.sessions, shop.ctx, shop.company_id, api, build)

    stored = services.computed_listings(shop.sessions, shop.ctx, shop.company_id, api).stored
    with shop.sessions() as session:
        ref = current_items(session, shop.company_id, project)
    items = read_snapshot(ref).collect()
    groups = build.variants.group_field
    expected = (
        items.select(pl.coalesce(pl.col(groups), pl.col(ref.id_field))).n_unique() if groups else items.height
    )
    listings = stored.listings().collect()
    assert stored.summary.items == items.height and listings.height == expected
    assert listings.get_column("item_ids").explode().sort().to_list() == sorted(
        items.get_column(ref.id_field)
    )
    for payload in listings.get_column("payload"):
        orjson.loads(payload)
    ready = listings.filter(~pl.col(c.BLOCKED))
    assert ready.height >= POSTED, stored.summary.issues[:5]
    with poster(shop) as post:
        for payload in ready.head(POSTED).get_column("payload"):
            assert post.post_instance(payload) > 0
