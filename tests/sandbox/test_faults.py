"""Fault injection: gateway 5xx, dropped connections, slow answers, ISP and SYSTEM errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support.products import Shop
from support.server import RunningSandbox
from support.wire import Gateway

PROFILE = "aliexpress.solution.merchant.profile.get"


def _faults(http: httpx.Client, sandbox: RunningSandbox, **faults: Any) -> None:
    response = http.post(sandbox.base_url + "/_admin/behaviour", json={"faults": faults})
    assert response.status_code == 200, response.text


def test_gateway_5xx(gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox) -> None:
    _faults(http, sandbox, gateway_5xx=1.0)
    assert gateway.call(PROFILE, token=token).status_code == 502


def test_dropped_connection(
    gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _faults(http, sandbox, drop_connection=1.0)
    with pytest.raises(httpx.TransportError):
        gateway.call(PROFILE, token=token)


def test_slow_answer_times_the_client_out(
    gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _faults(http, sandbox, slow=1.0, slow_seconds=5)
    impatient = Gateway(httpx.Client(timeout=0.2), gateway.base_url, gateway.app_key, gateway.app_secret)
    with pytest.raises(httpx.ReadTimeout):
        impatient.call(PROFILE, token=token)


@pytest.mark.parametrize(("fault", "kind"), [("isp_error", "ISP"), ("system_error", "SYSTEM")])
def test_isp_and_system_errors(
    fault: str, kind: str, gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _faults(http, sandbox, **{fault: 1.0})
    error = gateway.error(PROFILE, token=token)
    assert error["type"] == kind and error["request_id"]


def test_faults_can_target_one_api(
    gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    _faults(http, sandbox, isp_error=1.0, apis=[PROFILE])
    assert gateway.error(PROFILE, token=token)["type"] == "ISP"
    gateway.ok("aliexpress.freight.redefining.listfreighttemplate", token=token)


def test_probability_mixes_outcomes_reproducibly(
    gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    def outcomes() -> list[int]:
        _faults(http, sandbox, gateway_5xx=0.5, seed=7)
        return [gateway.call(PROFILE, token=token).status_code for _ in range(30)]

    first = outcomes()
    assert set(first) == {200, 502}
    assert outcomes() == first


def test_a_lost_answer_comes_after_the_call_was_carried_out(
    gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    shop = Shop.open(gateway, token)
    post = "aliexpress.solution.product.post"
    _faults(http, sandbox, lost_answer=1.0, apis=[post])
    with pytest.raises(httpx.TransportError):
        gateway.call(post, {"post_product_request": shop.post_request()}, token=token)
    _faults(http, sandbox, lost_answer=0.0)
    listed = gateway.ok(
        "aliexpress.solution.product.list.get",
        {"aeop_a_e_product_list_query": {"product_status_type": "auditing"}},
        token=token,
    )
    assert listed["result"]["product_count"] == 1  # made, though the client never heard of it
