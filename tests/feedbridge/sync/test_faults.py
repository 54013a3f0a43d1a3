"""Runs against a sandbox that fails: 5xx answers, dropped connections, answers lost after the call was
carried out, slow answers, platform errors and rate-limit bans. Whatever happens, runs converge to the
AliExpress state a run without faults reaches, and then make no write call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from feedbridge.sync.models import RunStatus, SyncRun
from support.shop import ConnectedShop
from support.sync import (
    after_review,
    dress_group,
    feed,
    image_server,
    lamp,
    new_seller,
    products_of,
    ready_api,
    run_now,
)

FAULTS = {
    "seed": 7,
    "gateway_5xx": 0.08,
    "drop_connection": 0.08,
    "lost_answer": 0.12,
    "slow": 0.05,
    "slow_seconds": 0.02,
    "isp_error": 0.05,
    "system_error": 0.05,
}
POST = "aliexpress.solution.schema.product.instance.post"
# Lower than the client's own spacing for creates (25/s): the sandbox bans, the client waits the bans out.
BANNING_LIMITS = {"seller_rates": {POST: 4}, "ban_seconds": 1}
# What two sellers' copies of the same listing share (ids, times, templates and photobank URLs are theirs).
_OWN = ("product_id", "seller_id", "created_at", "modified_at", "images", "freight_template_id", "group_ids")


def _versions(images: str) -> list[str]:
    lamps = [lamp(f"L{n}", images) for n in range(1, 9)]
    groups = [dress_group(f"G{n}", images) for n in range(1, 4)]
    first = feed(*lamps, *groups)
    changed = [
        lamp("L1", images, price="41,00"),
        lamp("L2", images, stock=9),
        lamp("L3", images, title="Brass table lamp"),
        *lamps[4:],
        lamp("L9", images),
        dress_group("G1", images, price="22,00"),
        *groups[1:],
    ]
    return [first, feed(*changed)]


def _comparable(products: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each product by its SKU codes, without what belongs to its seller."""
    shared = {}
    for product in products:
        skus = [{k: v for k, v in sku.items() if k != "attributes"} for sku in product["skus"]]
        codes = ",".join(sorted(sku["sku_code"] for sku in skus))
        shared[codes] = {**{k: v for k, v in product.items() if k not in _OWN}, "skus": skus}
    return shared


def _run(shop: ConnectedShop, api_id: int) -> SyncRun:
    run = run_now(shop, api_id)
    after_review(shop)
    return run


def _converged(shop: ConnectedShop, api_id: int, attempts: int = 8) -> None:
    """Run until a run ends with nothing left to retry (a run may also stop early when AliExpress keeps
    failing past the client's retries: the next one carries on)."""
    for _ in range(attempts):
        run = _run(shop, api_id)
        assert run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED), run.message
        if (
            run.status == RunStatus.SUCCEEDED
            and not run.counts.get("failed")
            and not run.counts.get("deferred")
        ):
            return
    raise AssertionError(f"still failing after {attempts} runs: {run.status} {run.counts} {run.message}")


@pytest.fixture
def calm(connected_shop: ConnectedShop) -> Iterator[None]:
    """No faults after the test, whatever it set."""
    yield
    off = {key: 0.0 for key in FAULTS if key != "seed"}
    connected_shop.admin.post("/behaviour", {"faults": off, "limits": {"seller_rates": {}}})


def _synchronise(shop: ConnectedShop, project: int, api_id: int, versions: list[str]) -> None:
    _converged(shop, api_id)
    for text in versions[1:]:
        shop.replace_feed(project, text)
        _converged(shop, api_id)


def test_runs_converge_to_the_state_without_faults(connected_shop: ConnectedShop, calm: None) -> None:
    shop = connected_shop
    with image_server() as images:
        versions = _versions(images.base_url)
        options = {"max_repriced_share": 1, "max_removed_share": 1}
        reference, stormy = new_seller(shop), new_seller(shop)
        reference_api = ready_api(shop, reference, versions[0], **options)
        stormy_api = ready_api(shop, stormy, versions[0], **options)
        _synchronise(shop, *reference_api, versions)
        shop.admin.post("/behaviour", {"faults": FAULTS, "limits": BANNING_LIMITS})
        _synchronise(shop, *stormy_api, versions)
        shop.admin.post("/behaviour", {"faults": {key: 0.0 for key in FAULTS if key != "seed"}})
        calls = {
            seller: sum(shop.admin.get("/calls", seller_id=seller.seller_id).values())
            for seller in (reference, stormy)
        }
        assert calls[stormy] > calls[reference]  # the faults were there: calls were repeated
        shop.admin.post("/calls")

        settled = _run(shop, stormy_api[1])

    assert settled.calls == 0, settled.counts  # the bindings say exactly what AliExpress has
    assert _comparable(products_of(shop, stormy)) == _comparable(products_of(shop, reference))
    assert len(products_of(shop, stormy)) == 12  # eleven listings of v2 and L4, offline
