"""One worker process of test_shared_limiter: calls one API through its own client, retries off, and reports.

Usage: limiter_worker.py GATEWAY_URL API SELLER_RATE CALLS DATABASE_URL|local
The app key, app secret and seller token come in the environment (never on a command line, which other
users can read). The worker prints "ready", waits for a line on stdin so that all workers start together,
then prints one JSON line: {"ok": <successes>, "rate_limited": <ApiCallLimit answers>}.
"""

from __future__ import annotations

import json
import os
import sys

from feedbridge.channels.aliexpress.client import AliExpressClient, ApiSpec, ClientConfig, RateLimited
from feedbridge.channels.aliexpress.client.clock import SystemClock
from feedbridge.channels.aliexpress.client.limiter import Limiter, LocalLimiter
from feedbridge.channels.aliexpress.client.retry import RetryPolicy
from feedbridge.channels.aliexpress.client.shared_limiter import SharedLimiter


def main(gateway_url: str, api: str, seller_rate: float, calls: int, database: str) -> None:
    config = ClientConfig(
        app_key=os.environ["WORKER_APP_KEY"],
        app_secret=os.environ["WORKER_APP_SECRET"],
        gateway_url=gateway_url,
        retry=RetryPolicy(max_attempts=1),
    )
    clock = SystemClock()
    limiter: Limiter = LocalLimiter(clock) if database == "local" else SharedLimiter(database, clock=clock)
    client = AliExpressClient(config, clock=clock, limiter=limiter)
    spec = ApiSpec(api, seller_rate=seller_rate)
    token = os.environ["WORKER_TOKEN"]
    print("ready", flush=True)
    sys.stdin.readline()
    ok = rate_limited = 0
    for _ in range(calls):
        try:
            client.call(spec, token=token)
            ok += 1
        except RateLimited:
            rate_limited += 1
    client.close()
    print(json.dumps({"ok": ok, "rate_limited": rate_limited}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
