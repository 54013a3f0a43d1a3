"""Payloads the sandbox accepts: a sample of listings is posted, images uploaded first as a run will.

Every listing without a mandatory issue must be accepted; every listing with one must be refused, for a
reason that is one of its mandatory issues (the sandbox reports the first rule a product breaks).
"""

from __future__ import annotations

import polars as pl
import pytest

from feedbridge.channels.aliexpress.client import AliExpressError
from feedbridge.channels.aliexpress.payloads import ITEM_IDS, PAYLOAD, PayloadFormat
from feedbridge.listings import columns as c
from feedbridge.listings.services import computed_listings, listing_payload
from feedbridge.listings.store import StoredListings
from support.listings import feed_with_defects, issue_codes_of, poster, set_up_api
from support.shop import ConnectedShop

READY_SAMPLE, BLOCKED_PER_ISSUE = 25, 3
PLANTED = {
    "too_long:title", "title_characters", "missing:main_image", "image_url_invalid", "missing:price",
    "range:price", "range:stock", "range:weight", "missing:weight", "missing:category",
    "missing:sku_attribute.14", "country_price_low", "range:dispatch_time", "range:length",
    "variant_duplicate", "variant_attributes_missing", "too_many_variants", "missing:attribute.2",
}  # fmt: skip


@pytest.fixture(scope="module")
def built(
    connected_shop: ConnectedShop, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, StoredListings]:
    feed = feed_with_defects(tmp_path_factory.mktemp("feed"))
    api = set_up_api(connected_shop, feed)
    computed = computed_listings(connected_shop.sessions, connected_shop.ctx, connected_shop.company_id, api)
    return api, computed.stored


def _sample(stored: StoredListings) -> tuple[pl.DataFrame, pl.DataFrame]:
    listings = stored.listings().collect()
    ready = listings.filter(~pl.col(c.BLOCKED)).head(READY_SAMPLE)
    picked = [
        listings.filter(stored.issues.has(issue.code)).head(BLOCKED_PER_ISSUE)
        for issue in stored.summary.mandatory
    ]
    return ready, pl.concat(picked).unique(c.LISTING, keep="first", maintain_order=True)


def test_the_planted_defects_are_found(built: tuple[int, StoredListings]) -> None:
    _, stored = built
    found = {issue.code for issue in stored.summary.mandatory}
    assert found >= PLANTED, PLANTED - found
    assert stored.summary.ready >= READY_SAMPLE


def test_ready_listings_are_accepted_and_blocked_ones_refused_for_their_issue(
    connected_shop: ConnectedShop, built: tuple[int, StoredListings]
) -> None:
    _, stored = built
    ready, blocked = _sample(stored)
    with poster(connected_shop) as post:
        for row in ready.iter_rows(named=True):
            assert post.post_instance(row[PAYLOAD]) > 0, row[c.LISTING]
        for row in blocked.iter_rows(named=True):
            mandatory = set(stored.issues.codes_of([row["listing_issues.0"], row["listing_issues.1"]]))
            mandatory &= stored.issues.mandatory
            with pytest.raises(AliExpressError) as refused:
                post.post_instance(row[PAYLOAD])
            reasons = issue_codes_of(refused.value)
            assert reasons & mandatory, (
                row[c.LISTING],
                refused.value.sub_code,
                refused.value.message,
                mandatory,
            )


def test_the_product_post_format_is_accepted_too(
    connected_shop: ConnectedShop, built: tuple[int, StoredListings]
) -> None:
    api, stored = built
    # Ready listings the other test does not post: SKU codes are once per seller.
    others = stored.listings().filter(~pl.col(c.BLOCKED)).slice(READY_SAMPLE, 3).collect()
    assert others.height == 3
    with poster(connected_shop) as post:
        for row in others.iter_rows(named=True):
            item = row[ITEM_IDS][0]
            shop = connected_shop
            found = listing_payload(
                shop.sessions, shop.ctx, shop.company_id, api, item, fmt=PayloadFormat.POST
            )
            assert post.post_product(found.payload) > 0
