"""Each error class, raised by the client from real sandbox answers, with the platform's identifiers."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import replace

import pytest

from feedbridge.channels.aliexpress.client import (
    AliExpressClient,
    ApiSpec,
    AuthError,
    ClientConfig,
    InvalidRequest,
    PlatformError,
    RateLimited,
    RefreshTokenExpired,
    TokenExpired,
    TransportError,
)
from feedbridge.channels.aliexpress.client.retry import RetryPolicy
from support.fixtures import Admin

PROFILE = ApiSpec("aliexpress.solution.merchant.profile.get")
INFO = ApiSpec("aliexpress.solution.product.info.get")
TOKEN_CREATE = ApiSpec("/auth/token/create", idempotent=False, needs_token=False)
TOKEN_REFRESH = ApiSpec("/auth/token/refresh", idempotent=False, needs_token=False)
ONCE = RetryPolicy(max_attempts=1)

Make = Callable[..., AliExpressClient]


def test_unknown_product_is_an_invalid_request(make_client: Make, token: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        make_client().call(INFO, {"product_id": 1}, token=token)
    error = raised.value
    assert (error.api, error.code, error.sub_code) == (INFO.name, "15", "090014")
    assert error.request_id and error.message


def test_wrong_app_secret_is_an_auth_error(make_client: Make, config: ClientConfig, token: str) -> None:
    with (
        closing(AliExpressClient(replace(config, app_secret="not-the-secret"))) as client,
        pytest.raises(AuthError) as raised,
    ):
        client.call(PROFILE, token=token)
    assert raised.value.code == "IncompleteSignature" and raised.value.request_id
    assert type(raised.value) is AuthError


def test_unknown_token_is_token_expired(make_client: Make, token: str) -> None:
    with pytest.raises(TokenExpired) as raised:
        make_client().call(PROFILE, token="not-a-token")
    assert raised.value.code == "IllegalAccessToken" and raised.value.api == PROFILE.name


def test_token_past_its_expiry_is_token_expired(make_client: Make, token: str, admin: Admin) -> None:
    client = make_client()
    client.call(PROFILE, token=token)
    admin.post("/clock", {"advance_seconds": 31 * 86400})
    with pytest.raises(TokenExpired):
        client.call(PROFILE, token=token)


def test_spent_refresh_token_is_refresh_token_expired(make_client: Make, token_json: dict[str, str]) -> None:
    client = make_client()
    client.call(TOKEN_REFRESH, {"refresh_token": token_json["refresh_token"]})
    with pytest.raises(RefreshTokenExpired) as raised:
        client.call(TOKEN_REFRESH, {"refresh_token": token_json["refresh_token"]})
    assert raised.value.code == "IllegalRefreshToken" and raised.value.request_id
    assert raised.value.api == "/auth/token/refresh"


def test_unknown_authorization_code_is_an_auth_error(make_client: Make) -> None:
    with pytest.raises(AuthError) as raised:
        make_client().call(TOKEN_CREATE, {"code": "3_500102_nothing"})
    assert raised.value.code == "InvalidCode" and raised.value.request_id


def test_over_the_rate_is_rate_limited_with_the_ban(make_client: Make, token: str, admin: Admin) -> None:
    admin.post("/clock", {"frozen": True})
    admin.post("/behaviour", {"limits": {"seller_rates": {PROFILE.name: 1}, "ban_seconds": 4}})
    client = make_client(ONCE)
    client.call(PROFILE, token=token)
    with pytest.raises(RateLimited) as raised:
        client.call(PROFILE, token=token)
    assert raised.value.code == "ApiCallLimit" and raised.value.ban_seconds == 4 and raised.value.request_id
    assert client.bans == 1


def test_daily_quota_is_rate_limited_and_not_waited_for(make_client: Make, token: str, admin: Admin) -> None:
    admin.post("/behaviour", {"limits": {"daily_quota": 0}})
    client = make_client()
    with pytest.raises(RateLimited) as raised:
        client.call(PROFILE, token=token)
    assert raised.value.code == "AppCallLimit"
    assert client.calls == 1  # a ban until midnight is longer than any retry budget


@pytest.mark.parametrize(
    ("fault", "code", "sub_code"),
    [
        ("isp_error", "15", "isp.remote-service-error"),
        ("system_error", "SystemError", None),
        ("gateway_5xx", "502", None),
    ],
)
def test_platform_faults_are_platform_errors(
    fault: str, code: str, sub_code: str | None, make_client: Make, token: str, admin: Admin
) -> None:
    admin.post("/behaviour", {"faults": {fault: 1.0}})
    with pytest.raises(PlatformError) as raised:
        make_client(ONCE).call(PROFILE, token=token)
    error = raised.value
    assert (error.api, error.code, error.sub_code) == (PROFILE.name, code, sub_code)
    assert error.request_id or fault == "gateway_5xx"  # a bare 502 page carries none


def test_dropped_connection_is_a_transport_error_that_was_sent(
    make_client: Make, token: str, admin: Admin
) -> None:
    admin.post("/behaviour", {"faults": {"drop_connection": 1.0}})
    with pytest.raises(TransportError) as raised:
        make_client(ONCE).call(PROFILE, token=token)
    assert raised.value.sent and raised.value.api == PROFILE.name


def test_refused_connection_is_a_transport_error_never_sent(config: ClientConfig, closed_url: str) -> None:
    with (
        closing(AliExpressClient(replace(config, gateway_url=closed_url, retry=ONCE))) as client,
        pytest.raises(TransportError) as raised,
    ):
        client.call(PROFILE, token="t")
    assert not raised.value.sent and raised.value.api == PROFILE.name


def test_a_token_is_required_where_the_api_needs_one(make_client: Make) -> None:
    with pytest.raises(ValueError, match="access token"):
        make_client().call(PROFILE)
