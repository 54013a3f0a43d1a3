"""State survives a restart; concurrent requests are served correctly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from support.oauth import authorization_code
from support.products import Shop, png
from support.server import RunningSandbox, running_sandbox
from support.wire import Gateway

PROFILE = "aliexpress.solution.merchant.profile.get"


def test_restart_keeps_apps_sellers_tokens_products_images_clock_and_behaviour(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    with httpx.Client(timeout=30) as http:
        with running_sandbox(data_dir) as first:
            creds = first.credentials
            app = creds["app"]
            gateway = Gateway(http, first.base_url, app["app_key"], app["app_secret"])
            tokens = gateway.ok(
                "/auth/token/create", {"code": authorization_code(http, first.base_url, creds)}
            )
            shop = Shop.open(gateway, tokens["access_token"], images=1)
            product_id = shop.post()
            info = shop.info(product_id)
            http.post(first.base_url + "/_admin/behaviour", json={"limits": {"default_rate": 7}})
            clock = http.post(
                first.base_url + "/_admin/clock", json={"frozen": True, "advance_seconds": 3600}
            ).json()
        with running_sandbox(data_dir) as second:
            assert second.credentials["app"] == app
            assert second.credentials["seller"] == creds["seller"]
            gateway = Gateway(http, second.base_url, app["app_key"], app["app_secret"])
            assert gateway.ok(PROFILE, token=tokens["access_token"])["country_code"] == "ES"
            assert http.get(second.base_url + "/_admin/behaviour").json()["limits"]["default_rate"] == 7
            assert http.get(second.base_url + "/_admin/clock").json()["now"] == clock["now"]
            again = gateway.ok(
                "aliexpress.solution.product.info.get",
                {"product_id": product_id},
                token=tokens["access_token"],
            )["result"]
            # Everything is as it was, except that the audit has ended in the hour the clock moved.
            assert info["product_status_type"] == "auditing"
            assert again == {**info, "product_status_type": "onSelling"}
            # The restarted sandbox listens on another port; the image path stays the same.
            assert http.get(second.base_url + urlsplit(shop.images[0]).path).content == png(seed=0)


def test_concurrent_calls_are_all_answered(
    gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    http.post(sandbox.base_url + "/_admin/behaviour", json={"limits": {"enabled": False}})

    def call(_: int) -> dict[str, Any]:
        with httpx.Client(timeout=30) as own:
            client = Gateway(own, gateway.base_url, gateway.app_key, gateway.app_secret)
            return client.ok(PROFILE, token=token)

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(call, range(200)))
    assert len({a["request_id"] for a in answers}) == 200
    assert {a["country_code"] for a in answers} == {"ES"}


def test_concurrent_refreshes_of_one_refresh_token_succeed_once(
    gateway: Gateway, token_json: dict[str, Any]
) -> None:
    def refresh(_: int) -> dict[str, Any]:
        with httpx.Client(timeout=30) as own:
            client = Gateway(own, gateway.base_url, gateway.app_key, gateway.app_secret)
            return client.call("/auth/token/refresh", {"refresh_token": token_json["refresh_token"]}).json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(refresh, range(8)))
    assert sum(1 for a in answers if a["code"] == "0") == 1
    assert {a["code"] for a in answers if a["code"] != "0"} == {"IllegalRefreshToken"}
