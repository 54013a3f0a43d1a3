"""How many signed requests per second the sandbox serves on loopback (target: at least 500).

The sandbox runs in its own process (as `feedbridge sandbox serve`, rate limits off). The load comes from
this process: requests are signed up front, then sent over keep-alive connections by a small asyncio
client that writes raw HTTP/1.1, so the client costs little of the machine's two cores.
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
from support.wire import Gateway, sign

TARGET_PER_SECOND = 500
REQUESTS = int(os.environ.get("BENCH_SANDBOX_REQUESTS", "6000"))
CONNECTIONS = int(os.environ.get("BENCH_SANDBOX_CONNECTIONS", "16"))
APIS = (
    "aliexpress.solution.merchant.profile.get",
    "aliexpress.freight.redefining.listfreighttemplate",
    "aliexpress.product.productgroups.get",
)


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


def signed_requests(base_url: str, app_key: str, secret: str, token: str, count: int) -> list[bytes]:
    host = urlsplit(base_url).netloc
    requests = []
    for i in range(count):
        api = APIS[i % len(APIS)]
        values = {
            "app_key": app_key,
            "method": api,
            "session": token,
            "sign_method": "sha256",
            "timestamp": str(int(time.time() * 1000)),
            "format": "json",
            "v": "2.0",
        }
        values["sign"] = sign(values, secret, api_path=api)
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
        length = int(
            next(
                line.split(b":")[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        process, base_url = start_sandbox(Path(tmp))
        try:
            with httpx.Client(timeout=30) as http:
                creds = json.loads((Path(tmp) / "credentials.json").read_text())
                http.post(base_url + "/_admin/behaviour", json={"limits": {"enabled": False}})
                app = creds["app"]
                gateway = Gateway(http, base_url, app["app_key"], app["app_secret"])
                token = gateway.ok("/auth/token/create", {"code": authorization_code(http, base_url, creds)})[
                    "access_token"
                ]
            requests = signed_requests(base_url, app["app_key"], app["app_secret"], token, REQUESTS)
            asyncio.run(blast(base_url, requests[:300], CONNECTIONS))  # warm-up
            elapsed, failures = asyncio.run(blast(base_url, requests, CONNECTIONS))
        finally:
            process.terminate()
            process.wait(timeout=30)
    rate = len(requests) / elapsed
    verdict = "OK" if rate >= TARGET_PER_SECOND and not failures else "BELOW TARGET"
    print(
        f"sandbox: {len(requests)} signed requests over {CONNECTIONS} keep-alive connections in {elapsed:.2f} s"
        f" = {rate:.0f} requests/s (target >= {TARGET_PER_SECOND}); failures: {len(failures)} -> {verdict}"
    )
    if failures:
        print("first failure:", failures[0][:300])


if __name__ == "__main__":
    main()
