"""How many signed requests per second the sandbox serves on loopback (target: at least 500).

The sandbox runs in its own process (as `feedbridge sandbox serve`, rate limits off) with 200 products.
The load comes from this process: requests are signed up front, then sent over keep-alive connections by
a small asyncio client that writes raw HTTP/1.1, so the client costs little of the machine's two cores.
The mix is what a sync run calls most: product reads, a product list page, account data, a category schema.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.oauth import authorization_code
from support.products import DRESSES, Shop
from support.wire import Gateway, sign

TARGET_PER_SECOND = 500
PRODUCTS = 200
REQUESTS = int(os.environ.get("BENCH_SANDBOX_REQUESTS", "6000"))
CONNECTIONS = int(os.environ.get("BENCH_SANDBOX_CONNECTIONS", "16"))
LIST_QUERY = '{"product_status_type":"onSelling","page_size":20}'


def start_sandbox(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "feedbridge",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--admin",
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "FEEDBRIDGE_DATA_DIR": str(data_dir / "fb"), "COLUMNS": "200"},
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("listening on "):
            return process, line.removeprefix("listening on ").strip()
    raise RuntimeError("the sandbox did not start")


def business_params(i: int, product_ids: list[int]) -> tuple[str, dict[str, str]]:
    mix: list[tuple[str, dict[str, str]]] = [
        ("aliexpress.solution.product.info.get", {"product_id": str(product_ids[i % len(product_ids)])}),
        ("aliexpress.solution.product.list.get", {"aeop_a_e_product_list_query": LIST_QUERY}),
        ("aliexpress.solution.merchant.profile.get", {}),
        ("aliexpress.freight.redefining.listfreighttemplate", {}),
        ("aliexpress.solution.product.schema.get", {"aliexpress_category_id": str(DRESSES)}),
    ]
    return mix[i % len(mix)]


def signed_requests(
    base_url: str, app: dict[str, str], token: str, product_ids: list[int], count: int
) -> list[bytes]:
    host = urlsplit(base_url).netloc
    requests = []
    for i in range(count):
        api, params = business_params(i, product_ids)
        values = {
            "app_key": app["app_key"],
            "method": api,
            "session": token,
            "sign_method": "sha256",
            "timestamp": str(int(time.time() * 1000)),
            "format": "json",
            "v": "2.0",
            **params,
        }
        values["sign"] = sign(values, app["app_secret"], api_path=api)
        body = urlencode(values).encode()
        head = (
            f"POST /sync HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        requests.append(head + body)
    return requests


async def _connection(host: str, port: int, requests: list[bytes], failures: list[bytes]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    for request in requests:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        body = await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200") or b"_response" not in body[:80]:
            failures.append(body)
    writer.close()


async def blast(base_url: str, requests: list[bytes], connections: int) -> tuple[float, list[bytes]]:
    parts = urlsplit(base_url)
    failures: list[bytes] = []
    shares = [requests[i::connections] for i in range(connections)]
    started = time.perf_counter()
    await asyncio.gather(*(_connection(parts.hostname or "", parts.port or 80, s, failures) for s in shares))
    return time.perf_counter() - started, failures


def prepare(base_url: str, data_dir: Path) -> tuple[dict[str, str], str, list[int]]:
    """Limits off, a token through the OAuth form, 200 products through the API."""
    creds = json.loads((data_dir / "credentials.json").read_text())
    app = creds["app"]
    with httpx.Client(timeout=30) as http:
        http.post(
            base_url + "/_admin/behaviour",
            json={"limits": {"enabled": False}, "timings": {"audit_seconds": 0}},
        )
        gateway = Gateway(http, base_url, app["app_key"], app["app_secret"])
        token = gateway.ok("/auth/token/create", {"code": authorization_code(http, base_url, creds)})[
            "access_token"
        ]
        shop = Shop.open(gateway, token)
        product_ids = [shop.post() for _ in range(PRODUCTS)]
    return app, token, product_ids


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        process, base_url = start_sandbox(Path(tmp))
        try:
            app, token, product_ids = prepare(base_url, Path(tmp))
            requests = signed_requests(base_url, app, token, product_ids, REQUESTS)
            asyncio.run(blast(base_url, requests[:300], CONNECTIONS))  # warm-up
            elapsed, failures = asyncio.run(blast(base_url, requests, CONNECTIONS))
        finally:
            process.terminate()
            process.wait(timeout=30)
    rate = len(requests) / elapsed
    verdict = "OK" if rate >= TARGET_PER_SECOND and not failures else "BELOW TARGET"
    print(
        f"sandbox: {len(requests)} signed requests ({PRODUCTS} products; info/list/profile/freight/schema mix) over "
        f"{CONNECTIONS} keep-alive connections in {elapsed:.2f} s = {rate:.0f} requests/s "
        f"(target >= {TARGET_PER_SECOND}); failures: {len(failures)} -> {verdict}"
    )
    if failures:
        print("first failure:", failures[0][:300])


if __name__ == "__main__":
    main()
