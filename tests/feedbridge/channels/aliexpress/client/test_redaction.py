"""The app secret and the seller's tokens never show in reprs, error messages or log records."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from typing import Any

import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, AliExpressError, ApiSpec, ClientConfig
from feedbridge.channels.aliexpress.client.retry import RetryPolicy
from feedbridge.channels.aliexpress.client.shared_limiter import SharedLimiter
from support.fixtures import Admin

PROFILE = ApiSpec("aliexpress.solution.merchant.profile.get")
TOKEN_REFRESH = ApiSpec("/auth/token/refresh", idempotent=False, needs_token=False)
FAULTS = ("gateway_5xx", "drop_connection", "isp_error", "system_error")


def test_secrets_stay_out_of_reprs_errors_and_logs(
    make_client: Callable[..., AliExpressClient],
    config: ClientConfig,
    token_json: dict[str, Any],
    admin: Admin,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token, refresh_token = token_json["access_token"], token_json["refresh_token"]
    secrets = [config.app_secret, token, refresh_token]
    client = make_client(RetryPolicy(max_attempts=3))
    seen: list[str] = [repr(client), str(client), repr(config), str(config), repr(client.config)]

    def failure(call: Callable[[], object]) -> None:
        with pytest.raises(AliExpressError) as raised:
            call()
        seen.extend([str(raised.value), repr(raised.value), *traceback.format_exception(raised.value)])

    with caplog.at_level(logging.DEBUG):
        # Every fault is retried and logged, then raised.
        for fault in FAULTS:
            admin.post("/behaviour", {"faults": {**dict.fromkeys(FAULTS, 0.0), fault: 1.0}})
            failure(lambda: client.call(PROFILE, token=token))
        admin.post("/behaviour", {"faults": dict.fromkeys(FAULTS, 0.0)})
        client.call(TOKEN_REFRESH, {"refresh_token": refresh_token})
        failure(lambda: client.call(TOKEN_REFRESH, {"refresh_token": refresh_token}))  # spent
        with closing(AliExpressClient(replace(config, app_secret=config.app_secret[::-1]))) as wrong:
            failure(lambda: wrong.call(PROFILE, token=token))
        admin.post("/clock", {"advance_seconds": 31 * 86400})
        failure(lambda: client.call(PROFILE, token=token))  # expired
    records = [record.getMessage() for record in caplog.records]
    assert any("retrying" in message for message in records)
    for text in seen + records:
        for secret in secrets:
            assert secret not in text


def test_shared_limiter_repr_masks_the_database_password() -> None:
    limiter = SharedLimiter("postgresql://feedbridge:s3cret-pw@db.example/feedbridge")
    try:
        assert "s3cret-pw" not in repr(limiter) and "db.example" in repr(limiter)
    finally:
        limiter.close()
