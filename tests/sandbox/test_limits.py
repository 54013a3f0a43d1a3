"""Rate limits per (app, API) and (seller, API), bans that follow the sandbox clock, the daily quota."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support.oauth import authorization_code
from support.server import RunningSandbox
from support.wire import Gateway

PROFILE = "aliexpress.solution.merchant.profile.get"
FREIGHT = "aliexpress.freight.redefining.listfreighttemplate"


@pytest.fixture
def frozen(sandbox: RunningSandbox, http: httpx.Client) -> None:
    http.post(sandbox.base_url + "/_admin/clock", json={"frozen": True})


def _behaviour(http: httpx.Client, sandbox: RunningSandbox, **sections: Any) -> dict[str, Any]:
    response = http.post(sandbox.base_url + "/_admin/behaviour", json=sections)
    assert response.status_code == 200, response.text
    return response.json()


def _advance(http: httpx.Client, sandbox: RunningSandbox, seconds: float) -> None:
    http.post(sandbox.base_url + "/_admin/clock", json={"advance_seconds": seconds})


def test_documented_rate_bans_the_81st_call_within_a_second(
    frozen: None, gateway: Gateway, token: str
) -> None:
    """product.info.get allows 80 calls per second (REFERENCE §5.4); the clock is frozen, so all fall in one."""
    info = "aliexpress.solution.product.info.get"
    for _ in range(80):
        # An unknown product is a business error: the call passed the rate limit.
        assert gateway.error(info, {"product_id": 1}, token=token)["sub_code"] == "090014"
    error = gateway.error(info, {"product_id": 1}, token=token)
    assert error["code"] == "ApiCallLimit" and error["type"] == "ISV"
    assert error["msg"] == "Api access frequency exceeds the limit. this ban will last 1 seconds"
    # Other APIs have their own buckets.
    gateway.ok(FREIGHT, token=token)


def test_schema_apis_allow_25_calls_per_seller(frozen: None, gateway: Gateway, token: str) -> None:
    schema = "aliexpress.solution.product.schema.get"
    for _ in range(25):
        gateway.ok(schema, {"aliexpress_category_id": 200003482}, token=token)
    assert gateway.error(schema, {"aliexpress_category_id": 200003482}, token=token)["code"] == "ApiCallLimit"


def test_ban_lasts_the_named_seconds(
    frozen: None, gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _behaviour(http, sandbox, limits={"app_rates": {PROFILE: 1}, "ban_seconds": 5})
    gateway.ok(PROFILE, token=token)
    assert gateway.error(PROFILE, token=token)["msg"].endswith("this ban will last 5 seconds")
    _advance(http, sandbox, 2)
    assert gateway.error(PROFILE, token=token)["msg"].endswith("this ban will last 3 seconds")
    _advance(http, sandbox, 3)
    gateway.ok(PROFILE, token=token)


def test_seller_limit_is_per_seller(
    frozen: None, gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _behaviour(http, sandbox, limits={"seller_rates": {PROFILE: 1}})
    second = http.post(
        sandbox.base_url + "/_admin/sellers", json={"email": "two@sandbox.test", "password": "pw"}
    ).json()
    code = authorization_code(http, sandbox.base_url, {**sandbox.credentials, "seller": second})
    other_token = gateway.ok("/auth/token/create", {"code": code})["access_token"]
    gateway.ok(PROFILE, token=token)
    assert gateway.error(PROFILE, token=token)["code"] == "ApiCallLimit"
    gateway.ok(PROFILE, token=other_token)


def test_limits_can_be_switched_off(
    frozen: None, gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _behaviour(http, sandbox, limits={"enabled": False, "app_rates": {PROFILE: 1}})
    for _ in range(5):
        gateway.ok(PROFILE, token=token)


def test_daily_quota_resets_at_beijing_midnight(
    frozen: None, gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _behaviour(http, sandbox, limits={"daily_quota": 3})
    for _ in range(3):
        gateway.ok(PROFILE, token=token)
    assert gateway.error(PROFILE, token=token)["code"] == "AppCallLimit"
    _advance(http, sandbox, 86400)
    gateway.ok(PROFILE, token=token)


def test_invalid_behaviour_is_rejected_and_changes_nothing(
    http: httpx.Client, sandbox: RunningSandbox
) -> None:
    before = http.get(sandbox.base_url + "/_admin/behaviour").json()
    response = http.post(sandbox.base_url + "/_admin/behaviour", json={"limits": {"default_rate": -1}})
    assert response.status_code == 422 and "default_rate" in response.text
    response = http.post(sandbox.base_url + "/_admin/behaviour", content=b"{not json")
    assert response.status_code == 400
    assert http.get(sandbox.base_url + "/_admin/behaviour").json() == before


def test_calls_are_counted_per_seller_and_api_past_the_limits(
    frozen: None, gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _behaviour(http, sandbox, limits={"seller_rates": {PROFILE: 2}})
    gateway.ok(PROFILE, token=token)
    gateway.ok(PROFILE, token=token)
    assert gateway.error(PROFILE, token=token)["code"] == "ApiCallLimit"  # refused: not counted
    gateway.ok(FREIGHT, token=token)
    seller = sandbox.credentials["seller"]["seller_id"]
    counted = http.get(sandbox.base_url + "/_admin/calls", params={"seller_id": seller}).json()
    assert counted == {PROFILE: 2, FREIGHT: 1}
    http.post(sandbox.base_url + "/_admin/calls")
    assert http.get(sandbox.base_url + "/_admin/calls").json() == {}
