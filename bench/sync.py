"""Runs (issue 7, "Benchmarks"): planning 1,000,000 items with no change in at most 5 s with no write call,
and pushing 5,000 new listings to the sandbox at a 25/s seller limit at no less than 90 % of that rate.

One sandbox runs in its own process (`feedbridge sandbox serve --admin`) for both; feedbridge's side is a
company in a SQLite database in a temporary directory, connected to a seller through the OAuth flow
(tests/support's connected_shop). Steps, each in a fresh process (`python -m bench.sync step …`):

- plan-prepare: bench/feedgen.py's 1,000,000 items imported into a project as a CSV feed, an API with
  bench/listings.py's category lines and careful build, its listings built once (the warm-up: the timed run
  finds them stored for this hour), then the state after a successful initial run written directly: one LIVE
  binding per ready listing with the hashes of what it sends, and a succeeded run.
- plan: `run_api` (not a dry run) timed as a whole and by stage (the run's progress steps, and the stage
  functions wrapped with timers), with its CPU seconds and peak memory; the AliExpress calls it made are the
  run's own count and the sandbox's count for the seller.
- push: a new seller, BENCH_SYNC_PUSH (5,000) single-SKU lamps in the home category that needs only a brand
  and an origin, BENCH_SYNC_IMAGES (100) distinct pictures on a loopback image server, all of them put in the
  photobank before the run; the seller limit of `schema.product.instance.post` set to 25/s in the sandbox.
  The rate is creates per second from the first create's result to the last one's (`sync_results.at`).
- push-fresh: the same with BENCH_SYNC_FRESH (250, at most 256) lamps of a picture of their own, none in the
  photobank: each create waits for its picture's upload, which the client paces at 10/s × 0.95 (the photobank's
  rate is not documented: the client's default).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import httpx
import polars as pl
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench import listings as bench_listings
from bench.feedgen import write_feed
from bench.measure import own_peak_mb, run_step
from bench.sandbox_throughput import start_sandbox
from feedbridge.apis.services import activate_api
from feedbridge.categories.services import add_line, category_tree
from feedbridge.channels.aliexpress import payloads as p
from feedbridge.channels.aliexpress.client import AliExpressClient
from feedbridge.channels.aliexpress.client.products import INSTANCE_POST
from feedbridge.channels.aliexpress.images import Photobank
from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.models import Connection
from feedbridge.connections.tokens import access_token_for
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.encryption import load_keyring
from feedbridge.listings import columns as c
from feedbridge.listings.services import account_shared, computed_listings, save_build
from feedbridge.listings.spec import parse_build
from feedbridge.sync import runner
from feedbridge.sync.models import Binding, RunStatus, SyncResult, SyncRun, Trigger
from support.server import RunningSandbox
from support.shop import ConnectedShop, connected_shop
from support.sync import feed, image_server, lamp, new_seller, ready_api

ITEMS = int(os.environ.get("BENCH_SYNC_ITEMS", "1000000"))
PUSH = int(os.environ.get("BENCH_SYNC_PUSH", "5000"))
IMAGES = int(os.environ.get("BENCH_SYNC_IMAGES", "100"))
FRESH = int(os.environ.get("BENCH_SYNC_FRESH", "250"))
PLAN_RUNS = 3
PLAN_TARGET_SECONDS, SELLER_RATE, RATE_TARGET_SHARE = 5.0, 25.0, 0.9


# ── feedbridge's side: the shop, its context, the calls the sandbox answered ───────────────────────────


@dataclass(frozen=True)
class CountingContext(ConnectionContext):
    """The product's context (with the system clock, by default: the limiter really waits), keeping the
    clients it made so that their ApiCallLimit bans (`client.bans`) can be read after the run."""

    clients: list[AliExpressClient] = field(default_factory=list)

    @contextmanager
    def client(self, app_key: str, app_secret: str, gateway_url: str) -> Iterator[AliExpressClient]:
        with super().client(app_key, app_secret, gateway_url) as made:
            self.clients.append(made)
            yield made

    def bans(self) -> int:
        return sum(client.bans for client in self.clients)


@contextmanager
def _shop(directory: Path, base_url: str) -> Iterator[ConnectedShop]:
    """tests/support's connected shop on the benchmark's sandbox process (not a sandbox thread of this
    process, which would share its interpreter with the run). Its context has the tests' stepping clock,
    which moves the sandbox's clock instead of sleeping: setting up reads the seller's category tree at the
    client's 10 calls/s (731 calls). The timed runs use `_timed(shop)`."""
    sandbox = RunningSandbox(base_url, directory.parent / "sandbox")
    with connected_shop(directory, f"sqlite:///{directory / 'feedbridge.db'}", sandbox) as shop:
        yield shop


def _timed(shop: ConnectedShop) -> CountingContext:
    return CountingContext(shop.ctx.settings, shop.ctx.keyring)


def _reopened(directory: Path, base_url: str) -> tuple[Any, CountingContext]:
    """The sessions and context of a shop made by an earlier step (connected_shop's settings)."""
    url = f"sqlite:///{directory / 'feedbridge.db'}"
    settings = Settings(
        data_dir=directory / "data",
        database_url=url,
        aliexpress_gateway_url=base_url,
        image_allow_private_urls=True,
    )
    return create_session_factory(create_engine(url)), CountingContext(settings, load_keyring(settings))


def _answered(base_url: str, seller_id: int) -> dict[str, int]:
    """Calls the sandbox answered for the seller, per API (past authentication and rate limits)."""
    return dict(httpx.get(f"{base_url}/_admin/calls", params={"seller_id": seller_id}).json())


def _seller_id(base_url: str, directory: Path) -> int:
    return int(RunningSandbox(base_url, directory / "sandbox").credentials["seller"]["seller_id"])


def _run_row(sessions: Any, run_id: int) -> SyncRun:
    with sessions() as session:
        return session.get_one(SyncRun, run_id)


# ── 1. planning 1,000,000 items with no change ──────────────────────────────────────────────────────────


def step_plan_prepare(directory: Path, base_url: str) -> dict[str, Any]:
    write_feed(directory / "items.csv", ITEMS, "csv")
    with _shop(directory / "plan", base_url) as shop:
        project = shop.new_project()
        started = time.perf_counter()
        shop.import_feed(project, directory / "items.csv")
        imported = time.perf_counter() - started
        (directory / "items.csv").unlink()
        api_id = shop.new_api(project)
        tree = category_tree(shop.sessions, shop.ctx, shop.connection_id)
        with shop.sessions.begin() as session:
            for line in bench_listings._lines():
                add_line(session, shop.company_id, api_id, line, tree=tree)
        shared = account_shared(shop.sessions, shop.ctx, shop.connection_id)
        choices = {s.key: s.choices[0].id for s in shared if s.key in ("product_group", "freight_template")}
        save_build(
            shop.sessions, shop.ctx, shop.company_id, api_id, parse_build(bench_listings._build(choices))
        )
        with shop.sessions.begin() as session:
            activate_api(session, shop.company_id, api_id)
        started = time.perf_counter()  # the warm-up build, stored under the real clock's hour, as the run's
        computed = computed_listings(shop.sessions, _timed(shop), shop.company_id, api_id)
        built = time.perf_counter() - started
        ready = computed.stored.listings().filter(~pl.col(c.BLOCKED) & pl.col(c.CATEGORY).is_not_null())
        bindings = ready.select(
            pl.lit(api_id).alias("api_id"), pl.col(c.LISTING).alias("listing_key"),
            (pl.int_range(pl.len(), dtype=pl.Int64) + 3_000_000_000).alias("product_id"),
            pl.col(p.SKU_CODES).alias("sku_codes"), pl.lit("created").alias("origin"), pl.lit("live").alias("status"),
            pl.col(p.CONTENT_HASH).alias("content_hash"), pl.col(p.PRICE_HASH).alias("price_hash"),
            pl.col(p.STOCK_HASH).alias("stock_hash"), pl.col(p.LOWEST_PRICE).alias("price"),
        ).collect()  # fmt: skip
        with shop.sessions.begin() as session:  # the state a successful initial run leaves
            for rows in bindings.iter_slices(20_000):
                session.execute(insert(Binding), rows.to_dicts())
            now = _timed(shop).now()
            session.add(
                SyncRun(api_id=api_id, trigger=Trigger.MANUAL, status=RunStatus.SUCCEEDED, started_at=now,
                        finished_at=now)
            )  # fmt: skip
        summary = computed.stored.summary
        ids = {"company_id": shop.company_id, "api_id": api_id}
    (directory / "plan.json").write_text(json.dumps(ids))
    return {
        "import_seconds": imported, "build_seconds": built, "items": summary.items, "listings": summary.listings,
        "ready": summary.ready, "blocked": summary.blocked, "bindings": bindings.height,
    }  # fmt: skip


@contextmanager
def _stage_timers(names: dict[str, tuple[Any, str]]) -> Iterator[dict[str, float]]:
    """Seconds spent in each (owner, attribute) function while the block runs, under its label."""
    spent = dict.fromkeys(names, 0.0)

    def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started

        return wrapper

    patches = [
        patch.object(owner, name, timed(label, getattr(owner, name)))
        for label, (owner, name) in names.items()
    ]
    for patcher in patches:
        patcher.start()
    try:
        yield spent
    finally:
        for patcher in patches:
            patcher.stop()


def step_plan(directory: Path, base_url: str) -> dict[str, Any]:
    ids = json.loads((directory / "plan.json").read_text())
    sessions, ctx = _reopened(directory / "plan", base_url)
    seller_id = _seller_id(base_url, directory)
    before = _answered(base_url, seller_id)
    marks: list[tuple[str, int, float]] = []
    stages = {
        "listings (stored, reused)": (runner, "computed_listings"),
        "bindings read": (runner, "bindings_frame"),
        "plan": (runner.pn, "plan"),
        "plan file written": (pl.DataFrame, "write_parquet"),
    }
    with _stage_timers(stages) as spent:
        started, cpu = time.perf_counter(), time.process_time()
        run_id = runner.run_api(
            sessions, ctx, ids["company_id"], ids["api_id"],
            progress=lambda step, done, total: marks.append((step, done, time.perf_counter())),
        )  # fmt: skip
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    run = _run_row(sessions, run_id)
    answered = _answered(base_url, seller_id)
    at = {f"{step} {done}": moment - started for step, done, moment in marks}
    planning = at["planning 1"] - at["planning 0"]
    return {
        "seconds": seconds, "cpu_seconds": cpu, "peak_mb": own_peak_mb(), "status": run.status,
        "message": run.message, "calls": run.calls, "planned": run.planned, "counts": run.counts,
        "sandbox_calls": {api: n - before.get(api, 0) for api, n in answered.items() if n != before.get(api, 0)},
        "listings_rebuilt": "categories 0" in at,
        "stages": {
            "run started, connection checked": at["rules 0"],
            **spent,
            "details joined to the plan": planning - spent["plan"] - spent["plan file written"],
            "after planning (guard rails, nothing to send, end)": seconds - at["planning 1"],
        },
    }  # fmt: skip


# ── 2. pushing new listings at the seller limit ─────────────────────────────────────────────────────────


def _cache_images(shop: ConnectedShop, connection_id: int, urls: list[str]) -> None:
    """The images in the seller's photobank before the run (the run finds them in its cache); uploaded at
    the client's 10/s on the stepping clock."""
    token = access_token_for(shop.sessions, shop.ctx, connection_id)
    with shop.sessions() as session:
        connection = session.get_one(Connection, connection_id)
    with (
        shop.ctx.client_for(connection) as client,
        closing(Photobank(shop.sessions, shop.ctx.settings, connection_id, client, token)) as photobank,
    ):
        for url in urls:
            photobank.url_for(url)


def _pictures(count: int) -> list[str]:
    """Paths of `count` (at most 256) different pictures on the image server, which draws a path's picture
    from 256 colours (support.products.png, seeded by a hash of the path); the photobank keeps one upload per
    picture, whatever its URL."""
    found: dict[int, str] = {}
    for n in itertools.count():
        path = f"/image-{n}.png"
        found.setdefault(int(hashlib.sha256(path.encode()).hexdigest()[:6], 16) % 256, path)
        if len(found) == count:
            return list(found.values())
    raise AssertionError("unreachable")


def step_push(directory: Path, base_url: str, count: int, distinct: int, cached: bool) -> dict[str, Any]:
    pictures = _pictures(distinct)
    with _shop(directory, base_url) as shop, image_server() as images:
        seller = new_seller(shop)
        # lamp() gives every item an image of its own: the pictures are shared out by renaming the file.
        rows = [
            lamp(f"L{n:05d}", images.base_url).replace(f"/L{n:05d}.png", pictures[n % distinct])
            for n in range(count)
        ]
        _, api_id = ready_api(shop, seller, feed(*rows))
        if cached:
            _cache_images(shop, seller.connection_id, [images.base_url + path for path in pictures])
        ctx = _timed(shop)
        computed_listings(
            shop.sessions, ctx, shop.company_id, api_id
        )  # built before the run, as after a preview
        before = _answered(base_url, seller.seller_id)
        marks: list[tuple[str, int, float]] = []
        started, cpu = time.perf_counter(), time.process_time()
        run_id = runner.run_api(
            shop.sessions, ctx, shop.company_id, api_id,
            progress=lambda step, done, total: marks.append((step, total, time.perf_counter())),
        )  # fmt: skip
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        answered = _answered(base_url, seller.seller_id)
        run = _run_row(shop.sessions, run_id)
        with shop.sessions() as session:
            query = select(SyncResult.at).where(SyncResult.run_id == run_id, SyncResult.action == "create")
            moments = sorted(session.scalars(query))
        sending = [moment for step, total, moment in marks if step == "sending" and total > 0]
        uploads = sum(1 for url in images.requests if "image-" in url)
    first_to_last = (moments[-1] - moments[0]).total_seconds() if len(moments) > 1 else 0.0
    return {
        "seconds": seconds, "cpu_seconds": cpu, "peak_mb": own_peak_mb(), "status": run.status,
        "message": run.message, "counts": run.counts, "calls": run.calls, "bans": ctx.bans(),
        "sandbox_calls": {api: n - before.get(api, 0) for api, n in answered.items() if n != before.get(api, 0)},
        "creates": len(moments), "first_to_last_seconds": first_to_last,
        "rate": (len(moments) - 1) / first_to_last if first_to_last else 0.0,
        "sending_seconds": sending[-1] - sending[0] if sending else 0.0,
        "distinct_images": distinct, "cached": cached, "images_downloaded": uploads,
    }  # fmt: skip


# ── the steps and the report ────────────────────────────────────────────────────────────────────────────


def run_steps(argv: list[str]) -> None:
    name, directory, base_url = argv[:3]
    path = Path(directory)
    steps: dict[str, Callable[[], dict[str, Any]]] = {
        "plan-prepare": lambda: step_plan_prepare(path, base_url),
        "plan": lambda: step_plan(path, base_url),
        "push": lambda: step_push(path / "push", base_url, PUSH, IMAGES, cached=True),
        "push-fresh": lambda: step_push(path / "push-fresh", base_url, FRESH, FRESH, cached=False),
    }
    print(json.dumps(steps[name](), default=str))


def _print_plan(prepared: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    print("sync, planning with no change:")
    print(f"  {prepared['items']:,} items → {prepared['listings']:,} listings ({prepared['ready']:,} ready, "
          f"{prepared['blocked']:,} blocked), {prepared['bindings']:,} LIVE bindings; import "
          f"{prepared['import_seconds']:.1f} s, warm-up build {prepared['build_seconds']:.1f} s")  # fmt: skip
    print(f"  planned: { {action: n for action, n in runs[0]['planned'].items() if n} }")
    print(
        f"  {'run_api, each run in a fresh process':<52} "
        + "  ".join(f"{run['seconds']:6.2f} s" for run in runs)
    )
    for stage in runs[0]["stages"]:
        print(f"    {stage:<50} " + "  ".join(f"{run['stages'][stage]:6.2f} s" for run in runs))
    print(f"  {'CPU':<52} " + "  ".join(f"{run['cpu_seconds']:6.2f} s" for run in runs))
    print(f"  {'peak memory':<52} " + "  ".join(f"{run['peak_mb']:5,.0f} MB" for run in runs))
    for run in runs:
        print(f"  {run['status']}, listings rebuilt: {run['listings_rebuilt']}; AliExpress calls: the run's count "
              f"{run['calls']}, the sandbox's {run['sandbox_calls'] or 'none'}")  # fmt: skip
    ok = all(
        run["seconds"] <= PLAN_TARGET_SECONDS and run["calls"] == 0 and not run["sandbox_calls"]
        for run in runs
    )
    print(f"  -> {'OK' if ok else 'BELOW TARGET'} (every run <= {PLAN_TARGET_SECONDS:.0f} s with no call)")


def _print_push(run: dict[str, Any], target: bool) -> None:
    share = run["rate"] / SELLER_RATE
    where = "in the photobank before the run" if run["cached"] else "uploaded by the run"
    print(
        f"sync, pushing {run['creates']:,} new listings ({run['distinct_images']} distinct pictures, {where}):"
    )
    print(f"  first to last create {run['first_to_last_seconds']:.1f} s = {run['rate']:.2f}/s = {share:.1%} of the "
          f"{SELLER_RATE:.0f}/s seller limit; whole run {run['seconds']:.1f} s, {run['cpu_seconds']:.1f} CPU-s, "
          f"peak {run['peak_mb']:,.0f} MB")  # fmt: skip
    print(f"  {run['status']}, {run['counts']}; calls {run['calls']} (client), bans {run['bans']}; "
          f"the sandbox answered {run['sandbox_calls']}")  # fmt: skip
    ok = (
        share >= RATE_TARGET_SHARE
        and run["counts"].get("created") == run["creates"]
        and not run["counts"].get("failed")
    )
    verdict = (
        ("OK" if ok else "BELOW TARGET") + f" (target >= {RATE_TARGET_SHARE:.0%})" if target else "no target"
    )
    print(f"  -> {verdict}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="feedbridge-bench-sync-") as name:
        process, base_url = start_sandbox(Path(name) / "sandbox")
        try:
            limits = {"seller_rates": {INSTANCE_POST.name: SELLER_RATE}}
            httpx.post(f"{base_url}/_admin/behaviour", json={"limits": limits}).raise_for_status()
            prepared = run_step("bench.sync", "plan-prepare", name, base_url)
            planned = [run_step("bench.sync", "plan", name, base_url) for _ in range(PLAN_RUNS)]
            pushed = run_step("bench.sync", "push", name, base_url)
            fresh = run_step("bench.sync", "push-fresh", name, base_url) if FRESH else None
        finally:
            process.terminate()
            process.wait(timeout=30)
    _print_plan(prepared, planned)
    _print_push(pushed, target=True)
    if fresh is not None:
        _print_push(fresh, target=False)
    everything = {"prepare": prepared, "plan": planned, "push": pushed, "push_fresh": fresh}
    print(json.dumps({"sync": everything}, default=str))


if __name__ == "__main__":
    if sys.argv[1:2] == ["step"]:
        run_steps(sys.argv[2:])
    else:
        main()
