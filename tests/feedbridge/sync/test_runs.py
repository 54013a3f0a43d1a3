"""Runs end to end against the sandbox over HTTP: the initial run's three scenarios, later runs that send
only what changed, removal by each policy, guard rails, and an expired connection."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from feedbridge.apis.models import AliExpressApi
from feedbridge.apis.services import activate_api
from feedbridge.channels.aliexpress.client import batch
from feedbridge.connections.models import Connection
from feedbridge.connections.tokens import access_token_for
from feedbridge.sync.clear import clear_api, clear_preview
from feedbridge.sync.errors import WrongApiName
from feedbridge.sync.models import Binding, IgnoredProduct, RunStatus, SyncResult, SyncRun
from feedbridge.sync.results import run_errors
from support.shop import ConnectedShop
from support.sync import (
    ImageServer,
    after_review,
    by_sku,
    dress_group,
    existing_product,
    feed,
    lamp,
    new_seller,
    products_of,
    ready_api,
    run_now,
    write_calls,
)


def _results(shop: ConnectedShop, run_id: int) -> list[SyncResult]:
    with shop.sessions() as session:
        return list(session.scalars(select(SyncResult).where(SyncResult.run_id == run_id)))


def test_the_initial_run_binds_ignores_and_creates(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    both = existing_product(shop, seller, "A-L1", title="Old lamp title")
    only = existing_product(shop, seller, "HANDMADE-1", title="Only on AliExpress")
    before = {p["product_id"]: p for p in products_of(shop, seller)}
    text = feed(
        lamp("A-L1", images.base_url), lamp("A-L2", images.base_url), dress_group("A-G1", images.base_url)
    )
    _, api_id = ready_api(shop, seller, text)

    run = run_now(shop, api_id)

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.initial
    assert run.counts["bound"] == 1
    assert run.counts["content_updated"] == 1
    assert run.counts["created"] == 2
    assert run.counts["ignored"] == 1
    after = products_of(shop, seller)
    skus = by_sku(after)
    assert skus["A-L1"]["product_id"] == both  # synchronised, not created again
    assert skus["A-L1"]["subjects"] == {"en": "Table lamp A-L1"}
    assert skus["A-G1-S"]["product_id"] == skus["A-G1-M"]["product_id"]  # one product, two SKUs
    assert len(after) == 4
    untouched = next(p for p in after if p["product_id"] == only)
    assert untouched == before[only]
    with shop.sessions() as session:
        ignored = session.scalars(select(IgnoredProduct).where(IgnoredProduct.api_id == api_id)).all()
        bindings = session.scalars(select(Binding).where(Binding.api_id == api_id)).all()
    assert [(i.product_id, i.sku_codes) for i in ignored] == [(only, ["HANDMADE-1"])]
    assert {b.listing_key: b.origin for b in bindings} == {
        "i:A-L1": "matched",
        "i:A-L2": "created",
        "g:A-G1": "created",
    }


def test_a_second_run_without_changes_makes_no_call(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    _, api_id = ready_api(
        shop, seller, feed(lamp("B-L1", images.base_url), dress_group("B-G1", images.base_url))
    )
    first = run_now(shop, api_id)
    assert first.status == RunStatus.SUCCEEDED, first.message

    second = run_now(shop, api_id)

    assert second.status == RunStatus.SUCCEEDED, second.message
    assert not second.initial
    assert second.calls == 0
    assert second.counts["unchanged"] == 2
    assert _results(shop, second.id) == []


def test_a_price_change_alone_uses_only_the_batch_price_api(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    project, api_id = ready_api(
        shop, seller, feed(lamp("C-L1", images.base_url), lamp("C-L2", images.base_url))
    )
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    after_review(shop)
    shop.admin.post("/calls")
    shop.replace_feed(
        project, feed(lamp("C-L1", images.base_url, price="36,00"), lamp("C-L2", images.base_url))
    )

    run = run_now(shop, api_id)

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert write_calls(shop, seller) == {"aliexpress.solution.batch.product.price.update": 1}
    assert run.counts["price_updated"] == 1
    assert run.counts["unchanged"] == 1
    sku = by_sku(products_of(shop, seller))["C-L1"]["skus"][0]
    assert sku["price"] == "36.00"


def test_a_stock_change_alone_uses_only_the_inventory_api(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    project, api_id = ready_api(
        shop, seller, feed(lamp("E-L1", images.base_url), dress_group("E-G1", images.base_url))
    )
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    after_review(shop)
    shop.admin.post("/calls")
    shop.replace_feed(
        project, feed(lamp("E-L1", images.base_url, stock=9), dress_group("E-G1", images.base_url))
    )

    run = run_now(shop, api_id)

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert write_calls(shop, seller) == {"aliexpress.solution.batch.product.inventory.update": 1}
    assert run.counts["stock_updated"] == 1
    assert by_sku(products_of(shop, seller))["E-L1"]["skus"][0]["inventory"] == 9


def test_a_listing_that_left_the_feed_goes_offline_and_comes_back(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    rows = [lamp(f"F-L{n}", images.base_url) for n in range(1, 6)]
    project, api_id = ready_api(shop, seller, feed(*rows))
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    after_review(shop)
    shop.replace_feed(project, feed(*rows[1:]))

    removed = run_now(shop, api_id)

    assert removed.status == RunStatus.SUCCEEDED, removed.message
    assert removed.counts["removed"] == 1
    gone = by_sku(products_of(shop, seller))["F-L1"]
    assert gone["status"] == "offline"  # kept, with its reviews and history
    shop.replace_feed(project, feed(*rows))

    back = run_now(shop, api_id)

    assert back.counts["brought_online"] == 1
    assert back.counts.get("created", 0) == 0
    returned = by_sku(products_of(shop, seller))["F-L1"]
    assert (returned["product_id"], returned["status"]) == (gone["product_id"], "onSelling")


def test_the_delete_policy_deletes_a_listing_that_left_the_feed(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    rows = [lamp(f"H-L{n}", images.base_url) for n in range(1, 6)]
    project, api_id = ready_api(shop, seller, feed(*rows), removal="delete")
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    after_review(shop)
    shop.replace_feed(project, feed(*rows[1:]))

    run = run_now(shop, api_id)

    assert run.counts["removed"] == 1
    assert "H-L1" not in by_sku(products_of(shop, seller))
    with shop.sessions() as session:
        keys = set(session.scalars(select(Binding.listing_key).where(Binding.api_id == api_id)))
    assert keys == {f"i:H-L{n}" for n in range(2, 6)}


def test_an_error_on_one_variant_is_shown_on_every_variant(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    project, api_id = ready_api(shop, seller, feed(lamp("V-L1", images.base_url)))
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    # Listed by hand after the initial run, so never matched: its SKU code is taken on AliExpress.
    taken = existing_product(shop, seller, "V-G1-M")
    shop.replace_feed(project, feed(lamp("V-L1", images.base_url), dress_group("V-G1", images.base_url)))

    run = run_now(shop, api_id)

    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.counts["failed"] == 1
    with shop.sessions() as session:
        errors = run_errors(session, shop.settings, shop.company_id, run.id)
    assert sorted(errors.get_column("item_id").to_list()) == ["V-G1-M", "V-G1-S"]
    assert errors.get_column("error_code").unique().to_list() == ["SBX.SKU_CODE_IN_USE"]
    assert all(str(taken) in text for text in errors.get_column("explanation"))
    with shop.sessions() as session:
        binding = session.scalars(select(Binding).where(Binding.listing_key == "g:V-G1")).first()
    assert binding is None  # refused: nothing was made, the next run tries again


def test_guard_rails_hold_a_run_until_it_is_confirmed(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    rows = [lamp(f"K-L{n}", images.base_url) for n in range(1, 4)]
    project, api_id = ready_api(shop, seller, feed(*rows))
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    after_review(shop)
    shop.replace_feed(project, feed(rows[0]))
    before = products_of(shop, seller)

    held = run_now(shop, api_id)

    assert held.status == RunStatus.HELD
    assert held.hold is not None and held.hold["removed"] == 2
    assert "2 of 3 live listings" in (held.message or "")
    assert products_of(shop, seller) == before

    confirmed = run_now(shop, api_id, confirm=True)

    assert confirmed.id == held.id  # the plan that was shown is the one executed
    assert confirmed.status == RunStatus.SUCCEEDED, confirmed.message
    assert confirmed.counts["removed"] == 2
    assert sorted(p["status"] for p in products_of(shop, seller)) == ["offline", "offline", "onSelling"]


def test_a_price_jump_on_most_listings_is_held(connected_shop: ConnectedShop, images: ImageServer) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    project, api_id = ready_api(shop, seller, feed(*[lamp(f"J-L{n}", images.base_url) for n in range(1, 4)]))
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    after_review(shop)
    shop.replace_feed(project, feed(*[lamp(f"J-L{n}", images.base_url, price="3,55") for n in range(1, 4)]))

    held = run_now(shop, api_id)

    assert held.status == RunStatus.HELD
    assert held.hold is not None and held.hold["repriced"] == 3


def test_a_dry_run_plans_and_sends_nothing(connected_shop: ConnectedShop, images: ImageServer) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    existing_product(shop, seller, "M-L1")
    _, api_id = ready_api(shop, seller, feed(lamp("M-L1", images.base_url), lamp("M-L2", images.base_url)))
    shop.admin.post("/calls")

    run = run_now(shop, api_id, dry_run=True)

    assert run.status == RunStatus.PLANNED
    assert run.planned["create"] == 1 and run.planned["bind"] == 1 and run.planned["update_content"] == 1
    assert write_calls(shop, seller) == {}
    with shop.sessions() as session:
        assert session.scalars(select(Binding).where(Binding.api_id == api_id)).first() is None
    # A dry run is not the initial run: the next real run still matches.
    assert run_now(shop, api_id).counts["bound"] == 1


def test_an_expired_connection_stops_the_run_before_it_sends_anything(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    _, api_id = ready_api(shop, seller, feed(lamp("X-L1", images.base_url)))
    with shop.sessions.begin() as session:
        connection = session.get_one(Connection, seller.connection_id)
        connection.refresh_expires_at = connection.access_expires_at = shop.ctx.now() - timedelta(days=1)
    shop.admin.post("/calls")

    run = run_now(shop, api_id)

    assert run.status == RunStatus.FAILED
    assert "has expired" in (run.message or "") and "Reconnect" in (run.message or "")
    assert shop.admin.get("/calls", seller_id=seller.seller_id) == {}


def test_a_product_in_review_is_updated_by_a_later_run(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    project, api_id = ready_api(shop, seller, feed(lamp("R-L1", images.base_url)))
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    shop.replace_feed(project, feed(lamp("R-L1", images.base_url, price="40,00")))

    in_review = run_now(shop, api_id)

    assert in_review.status == RunStatus.SUCCEEDED
    assert in_review.counts["deferred"] == 1 and in_review.counts.get("failed", 0) == 0
    after_review(shop)
    later = run_now(shop, api_id)
    assert later.counts["price_updated"] == 1
    assert by_sku(products_of(shop, seller))["R-L1"]["skus"][0]["price"] == "40.00"


def test_clear_api_deletes_only_what_the_api_created_or_bound(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    bound = existing_product(shop, seller, "Z-L1")
    only = existing_product(shop, seller, "HANDMADE-Z")
    _, api_id = ready_api(shop, seller, feed(lamp("Z-L1", images.base_url), lamp("Z-L2", images.base_url)))
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    with shop.sessions() as session:
        preview = clear_preview(session, shop.company_id, api_id)
    assert (preview.created, preview.matched, preview.total) == (1, 1, 2)

    with pytest.raises(WrongApiName):
        clear_api(shop.sessions, shop.ctx, shop.company_id, api_id, typed_name="something else")
    assert len(products_of(shop, seller)) == 3

    run_id = clear_api(shop.sessions, shop.ctx, shop.company_id, api_id, typed_name="AE")

    with shop.sessions() as session:
        run = session.get_one(SyncRun, run_id)
        left = session.scalars(select(Binding).where(Binding.api_id == api_id)).all()
        api = session.get_one(AliExpressApi, api_id)
    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.counts["removed"] == 2
    assert [p["product_id"] for p in products_of(shop, seller)] == [only]
    assert bound not in {p["product_id"] for p in products_of(shop, seller)}
    assert left == [] and not api.is_active
    with shop.sessions.begin() as session:
        activate_api(session, shop.company_id, api_id)
    again = run_now(shop, api_id)
    assert again.initial and again.counts["created"] == 2 and again.counts["ignored"] == 1


UPLOAD = "aliexpress.photobank.redefining.uploadimageforsdk"
POST = "aliexpress.solution.schema.product.instance.post"


def test_each_distinct_image_goes_to_the_photobank_once(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    # Paths of this seller's own (the image server outlives the test).
    shared, front, copy = (
        f"/{seller.seller_id}-shared.png",
        *(f"/same/{seller.seller_id}-{n}.png" for n in ("front", "copy")),
    )
    rows = [
        lamp("P-L1", images.base_url, image=shared),
        lamp("P-L2", images.base_url, image=shared),
        lamp("P-L3", images.base_url, image=front),
        lamp("P-L4", images.base_url, image=copy),  # the same picture under another URL
    ]
    _, api_id = ready_api(shop, seller, feed(*rows))
    shop.admin.post("/calls")

    assert run_now(shop, api_id).counts["created"] == 4

    assert shop.admin.get("/calls", seller_id=seller.seller_id)[UPLOAD] == 2
    assert [images.requests[path] for path in (shared, front, copy)] == [1, 1, 1]
    pictures = {tuple(p["images"]) for p in products_of(shop, seller)}
    assert len(pictures) == 2
    # Another API of the same seller finds them in the photobank already.
    _, other_api = ready_api(shop, seller, feed(lamp("P-L5", images.base_url, image=shared)))
    assert run_now(shop, other_api).counts["created"] == 1
    assert shop.admin.get("/calls", seller_id=seller.seller_id)[UPLOAD] == 2
    assert images.requests[shared] == 1


def test_an_image_that_cannot_be_fetched_fails_its_listing_only(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    rows = [lamp("Q-L1", images.base_url), lamp("Q-L2", images.base_url, image="/missing.png")]
    _, api_id = ready_api(shop, seller, feed(*rows))

    run = run_now(shop, api_id)

    assert (run.counts["created"], run.counts["failed"]) == (1, 1)
    with shop.sessions() as session:
        errors = run_errors(session, shop.settings, shop.company_id, run.id)
    assert errors.get_column("error_code").to_list() == ["IMAGE_UNUSABLE"]
    assert "/missing.png" in errors.item(0, "explanation") and "404" in errors.item(0, "explanation")


FEED_SUBMIT = "aliexpress.solution.feed.submit"


def test_many_creates_and_content_updates_go_as_feed_jobs(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    rows = [lamp(f"FD-L{n}", images.base_url) for n in range(1, 6)]
    project, api_id = ready_api(
        shop, seller, feed(*rows, dress_group("FD-G1", images.base_url)), feed_min_listings=3
    )
    shop.admin.post("/calls")

    created = run_now(shop, api_id)

    assert created.status == RunStatus.SUCCEEDED, created.message
    assert created.counts["created"] == 6
    calls = write_calls(shop, seller)
    assert calls[FEED_SUBMIT] == 1 and POST not in calls  # one job of six, no product posted by itself
    assert len(products_of(shop, seller)) == 6
    after_review(shop)
    shop.admin.post("/calls")
    renamed = [lamp(f"FD-L{n}", images.base_url, title=f"Brass lamp {n}") for n in range(1, 6)]
    shop.replace_feed(project, feed(*renamed, dress_group("FD-G1", images.base_url)))

    updated = run_now(shop, api_id)

    assert updated.counts["content_updated"] == 5
    assert write_calls(shop, seller) == {FEED_SUBMIT: 1}
    assert by_sku(products_of(shop, seller))["FD-L3"]["subjects"] == {"en": "Brass lamp 3"}


def test_a_product_deleted_on_aliexpress_is_created_again(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    project, api_id = ready_api(
        shop, seller, feed(lamp("W-L1", images.base_url), lamp("W-L2", images.base_url))
    )
    assert run_now(shop, api_id).status == RunStatus.SUCCEEDED
    after_review(shop)
    deleted = by_sku(products_of(shop, seller))["W-L1"]["product_id"]
    token = access_token_for(shop.sessions, shop.ctx, seller.connection_id)
    with shop.sessions() as session:
        connection = session.get_one(Connection, seller.connection_id)
    with shop.ctx.client_for(connection) as client:
        batch.delete_products(client, token, [deleted])  # by hand, on AliExpress
    shop.replace_feed(
        project, feed(lamp("W-L1", images.base_url, price="30,00"), lamp("W-L2", images.base_url))
    )

    noticed = run_now(shop, api_id)

    assert noticed.counts["failed"] == 1
    with shop.sessions() as session:
        errors = run_errors(session, shop.settings, shop.company_id, noticed.id)
    assert errors.item(0, "error_code") == "090014"
    recreated = run_now(shop, api_id)
    assert recreated.counts["created"] == 1
    assert by_sku(products_of(shop, seller))["W-L1"]["product_id"] != deleted
