"""A run killed with SIGKILL at random points of its work, again and again: the next run carries on, and in
the end every listing is exactly one AliExpress product with its SKUs — none created twice, none lost."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from feedbridge.sync.models import Binding, BindingStatus, RunStatus, SyncRun
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

TRIALS = 24
CHILD = Path(__file__).parents[2] / "support" / "run_child.py"


def _versions(images: str) -> list[str]:
    """Feeds that keep each run busy: creates, content, price and stock updates, removals, returns."""
    lamps = [lamp(f"K{n}", images) for n in range(1, 11)]
    groups = [dress_group(f"KG{n}", images) for n in range(1, 4)]
    return [
        feed(*lamps, *groups),
        feed(*[lamp(f"K{n}", images, price="39,00") for n in range(1, 8)], *groups[1:], lamp("K11", images)),
        feed(*[lamp(f"K{n}", images, stock=7, title=f"Lamp K{n}") for n in range(3, 13)], *groups),
        feed(*lamps[:6], dress_group("KG1", images, sizes=("S", "M", "L")), groups[2]),
    ]


def _killed_run(shop: ConnectedShop, api_id: int, after_lines: int) -> None:
    """Start a run in a child process and SIGKILL it once it has reported `after_lines` times."""
    arguments = [
        shop.settings.database_url, str(shop.settings.data_dir), shop.settings.aliexpress_gateway_url,
        str(shop.company_id), str(api_id),
    ]  # fmt: skip
    child = subprocess.Popen([sys.executable, str(CHILD), *arguments], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for seen, _ in enumerate(child.stdout, 1):
        if seen >= after_lines:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()


def _settle(shop: ConnectedShop, api_id: int) -> int:
    """Run until a run has nothing to send (a product an interrupted run had made is updated by the run
    after the one that found it, once its review is over); returns how many runs that took."""
    for runs in range(1, 5):
        after_review(shop)
        run = run_now(shop, api_id)
        assert run.status == RunStatus.SUCCEEDED, run.message
        assert not run.counts.get("failed"), run.counts
        if run.calls == 0:
            return runs
    raise AssertionError(f"the runs do not settle: {run.counts}")


def test_runs_killed_at_random_points_leave_no_duplicate_and_no_lost_listing(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    rng = random.Random(7)
    seller = new_seller(shop)
    with image_server() as images:
        versions = _versions(images.base_url)
        options = {"max_repriced_share": 1, "max_removed_share": 1}
        project, api_id = ready_api(shop, seller, versions[0], **options)
        shop.admin.post(
            "/behaviour", {"faults": {"latency_ms": 10}}
        )  # calls take a while: kills land in them
        try:
            for trial in range(TRIALS):
                shop.replace_feed(project, versions[trial % len(versions)])
                after_review(shop)
                _killed_run(shop, api_id, after_lines=rng.randint(1, 30))
            shop.replace_feed(project, versions[-1])
        finally:
            shop.admin.post(
                "/behaviour",
                {
                    "faults": {"latency_ms": 0},
                    "timings": {"feed_queue_seconds": 1, "feed_item_seconds": 0.05},
                },
            )

        assert _settle(shop, api_id) <= 3
    with shop.sessions() as session:
        bindings = session.scalars(select(Binding).where(Binding.api_id == api_id)).all()
        interrupted = session.scalars(select(SyncRun).where(SyncRun.status == RunStatus.INTERRUPTED)).all()
    assert len(interrupted) >= TRIALS // 2  # most kills caught a run at work
    products = {p["product_id"]: p for p in products_of(shop, seller)}
    # No duplicate: every product on AliExpress is one of the API's listings, and no listing has two.
    assert sorted(products) == sorted(b.product_id for b in bindings)
    # Nothing lost: every listing of the feed is live, as exactly the product holding its SKU codes.
    live = {b.listing_key: b for b in bindings if b.status == BindingStatus.LIVE}
    wanted = {"i:K1", "i:K2", "i:K3", "i:K4", "i:K5", "i:K6", "g:KG1", "g:KG3"}
    assert set(live) == wanted
    for binding in live.values():
        product = products[binding.product_id]
        assert sorted(sku["sku_code"] for sku in product["skus"]) == sorted(binding.sku_codes)
        assert product["status"] == "onSelling"
