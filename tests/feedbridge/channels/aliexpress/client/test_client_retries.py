"""Retries against a sandbox that injects faults and bans: calls converge, attempts stay bounded, creates
whose answer was lost are not sent again. The client's clock never sleeps; it moves the sandbox clock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace

import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, ApiSpec, ClientConfig, TransportError
from feedbridge.channels.aliexpress.client.retry import RetryPolicy
from support.clock import SteppingClock
from support.fixtures import Admin

PROFILE = ApiSpec("aliexpress.solution.merchant.profile.get")
PRODUCT_POST = ApiSpec("aliexpress.solution.product.post", idempotent=False)
PATIENT = RetryPolicy(max_attempts=10, max_total_seconds=600)
CALLS = 40

Make = Callable[..., AliExpressClient]


def test_calls_converge_through_injected_faults(
    make_client: Make, token: str, admin: Admin, caplog: pytest.LogCaptureFixture
) -> None:
    # Four independent faults at 10 % each: about a third of the attempts fail, in a reproducible order.
    faults = {"seed": 3, "apis": [PROFILE.name]}
    faults |= dict.fromkeys(("gateway_5xx", "drop_connection", "isp_error", "system_error"), 0.1)
    admin.post("/behaviour", {"faults": faults})
    client = make_client(PATIENT)
    with caplog.at_level(logging.WARNING, "feedbridge.channels.aliexpress.client"):
        answers = [client.call(PROFILE, token=token) for _ in range(CALLS)]
    assert all(answer["request_id"] for answer in answers)
    retried = [record.getMessage() for record in caplog.records if record.name.startswith("feedbridge")]
    assert client.calls == CALLS + len(retried)
    assert CALLS < client.calls <= 2 * CALLS  # bounded: well under CALLS * max_attempts
    for seen in ("HTTP 502", "no answer from", "isp.remote-service-error", "SystemError"):
        assert any(seen in message for message in retried), seen


def test_calls_converge_through_bans(make_client: Make, token: str, admin: Admin) -> None:
    """The client believes 10/s; the sandbox allows 2/s and bans for 3 s: each ban is waited out once."""
    admin.post("/behaviour", {"limits": {"seller_rates": {PROFILE.name: 2}, "ban_seconds": 3}})
    clock = SteppingClock(admin)
    client = make_client(PATIENT, clock=clock)
    for _ in range(20):
        client.call(PROFILE, token=token)
    assert client.bans > 0
    assert client.calls == 20 + client.bans
    margin = PATIENT.ban_margin
    assert sum(1 for wait in clock.waits if wait == pytest.approx(3 + margin)) == client.bans


def test_a_create_whose_connection_dropped_is_not_sent_again(
    make_client: Make, token: str, admin: Admin
) -> None:
    admin.post("/behaviour", {"faults": {"drop_connection": 1.0, "apis": [PRODUCT_POST.name]}})
    client = make_client(PATIENT)
    with pytest.raises(TransportError) as raised:
        client.call(PRODUCT_POST, {"post_product_request": {"subject": "x"}}, token=token)
    assert raised.value.sent
    assert client.calls == 1


def test_a_read_whose_connection_dropped_is_retried_up_to_the_cap(
    make_client: Make, token: str, admin: Admin
) -> None:
    admin.post("/behaviour", {"faults": {"drop_connection": 1.0}})
    client = make_client(RetryPolicy(max_attempts=4))
    with pytest.raises(TransportError):
        client.call(PROFILE, token=token)
    assert client.calls == 4


def test_a_create_that_never_reached_the_platform_is_retried(config: ClientConfig, closed_url: str) -> None:
    clock = SteppingClock()
    refused = replace(config, gateway_url=closed_url, retry=RetryPolicy(max_attempts=3))
    with closing(AliExpressClient(refused, clock=clock)) as client, pytest.raises(TransportError) as raised:
        client.call(PRODUCT_POST, {"post_product_request": {}}, token="t")
    assert not raised.value.sent
    assert client.calls == 3
