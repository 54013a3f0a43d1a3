"""Runs end to end against the sandbox over HTTP: the initial run's three scenarios, later runs that send
only what changed, removal by each policy, guard rails, and an expired connection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from feedbridge.sync.models import Binding, IgnoredProduct, RunStatus, SyncResult, SyncRun
from feedbridge.sync.runner import run_api
from support.shop import ConnectedShop
from support.sync import (
    ImageServer,
    by_sku,
    dress_group,
    existing_product,
    feed,
    image_server,
    lamp,
    new_seller,
    products_of,
    ready_api,
)


@pytest.fixture(scope="module")
def images() -> Iterator[ImageServer]:
    with image_server() as server:
        yield server


def _run(shop: ConnectedShop, api_id: int, **options: object) -> SyncRun:
    run_id = run_api(shop.sessions, shop.ctx, shop.company_id, api_id, **options)  # type: ignore[arg-type]
    with shop.sessions() as session:
        return session.get_one(SyncRun, run_id)


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

    run = _run(shop, api_id)

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
    first = _run(shop, api_id)
    assert first.status == RunStatus.SUCCEEDED, first.message

    second = _run(shop, api_id)

    assert second.status == RunStatus.SUCCEEDED, second.message
    assert not second.initial
    assert second.calls == 0
    assert second.counts["unchanged"] == 2
    assert _results(shop, second.id) == []
