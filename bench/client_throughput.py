"""How close the AliExpress client runs to a seller's rate limit (target: >= 90 % of 25/s over a minute, no ban).

The sandbox runs in its own process (as `feedbridge sandbox serve`) with the documented seller limit of
`product.schema.get`, 25 calls per second, set explicitly. The client is the real one with its defaults: the
system clock, a LocalLimiter and the spec's declared `seller_rate=25`. One thread calls the API back to back
for BENCH_CLIENT_SECONDS (default 60) seconds; the limiter alone decides the pace. Bans are counted by the
client (`client.bans`: every ApiCallLimit answer, whether retried or raised).
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.sandbox_throughput import start_sandbox
from feedbridge.channels.aliexpress.client import AliExpressClient, AliExpressError, ClientConfig
from feedbridge.channels.aliexpress.client.auth import create_token
from feedbridge.channels.aliexpress.client.categories import PRODUCT_SCHEMA
from support.oauth import authorization_code
from support.products import DRESSES
from support.server import RunningSandbox

SELLER_RATE = 25.0
TARGET_SHARE = 0.9
SECONDS = float(os.environ.get("BENCH_CLIENT_SECONDS", "60"))


@dataclass
class Run:
    successes: int
    failures: int
    attempts: int
    bans: int
    seconds: float


def measure(base_url: str, data_dir: Path) -> Run:
    """Call the API back to back for SECONDS through a client with its default clock and limiter."""
    credentials = RunningSandbox(base_url, data_dir).credentials
    with httpx.Client(timeout=30) as http:
        limits = {"seller_rates": {PRODUCT_SCHEMA.name: SELLER_RATE}}
        http.post(base_url + "/_admin/behaviour", json={"limits": limits})
        code = authorization_code(http, base_url, credentials)
    app = credentials["app"]
    config = ClientConfig(app_key=app["app_key"], app_secret=app["app_secret"], gateway_url=base_url)
    with closing(AliExpressClient(config)) as client:
        token = create_token(client, code).access_token.get_secret_value()
    params = {"aliexpress_category_id": DRESSES}
    successes = failures = 0
    with closing(AliExpressClient(config)) as client:
        started = time.monotonic()
        while time.monotonic() - started < SECONDS:
            try:
                client.call(PRODUCT_SCHEMA, params, token=token)
                successes += 1
            except AliExpressError:
                failures += 1
        return Run(successes, failures, client.calls, client.bans, time.monotonic() - started)


def main() -> None:
    assert PRODUCT_SCHEMA.seller_rate == SELLER_RATE, "the spec must declare the limit under test"
    with tempfile.TemporaryDirectory() as tmp:
        process, base_url = start_sandbox(Path(tmp))
        try:
            run = measure(base_url, Path(tmp))
        finally:
            process.terminate()
            process.wait(timeout=30)
    rate = run.successes / run.seconds
    share = rate / SELLER_RATE
    verdict = "OK" if share >= TARGET_SHARE and run.bans == 0 and run.failures == 0 else "BELOW TARGET"
    print(
        f"client: {run.successes} x {PRODUCT_SCHEMA.name} in {run.seconds:.1f} s = {rate:.2f}/s = {share:.1%} "
        f"of the {SELLER_RATE:.0f}/s seller limit (target >= {TARGET_SHARE:.0%}); attempts {run.attempts}, "
        f"bans {run.bans}, failures {run.failures} -> {verdict}"
    )


if __name__ == "__main__":
    main()
