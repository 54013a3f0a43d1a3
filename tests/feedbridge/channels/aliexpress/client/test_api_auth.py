"""create_token / refresh_token against the sandbox's OAuth (REFERENCE §2.2-§2.4)."""

from __future__ import annotations

from datetime import UTC, timedelta

import httpx
import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, AuthError, RefreshTokenExpired
from feedbridge.channels.aliexpress.client.auth import TokenGrant, create_token, refresh_token
from support.oauth import authorization_code
from support.server import RunningSandbox


def test_create_token_parses_the_grant(sandbox: RunningSandbox, grant: TokenGrant) -> None:
    seller = sandbox.credentials["seller"]
    assert grant.seller_id == str(seller["seller_id"])
    assert grant.account == seller["email"]
    # An online app: 30 days, refresh 60 days (§2.5), counted in whole seconds left.
    assert 30 * 86400 - 5 <= grant.expires_in <= 30 * 86400
    assert 60 * 86400 - 5 <= grant.refresh_expires_in <= 60 * 86400
    assert grant.access_expires_at.tzinfo is UTC
    assert grant.access_expires_at.timestamp() * 1000 == pytest.approx(grant.expire_time, abs=1)
    assert abs(grant.refresh_expires_at - grant.access_expires_at - timedelta(days=30)) < timedelta(seconds=1)


def test_tokens_never_show_in_reprs(grant: TokenGrant) -> None:
    text = repr(grant) + str(grant) + str(grant.model_dump())
    assert grant.access_token.get_secret_value() not in text
    assert grant.refresh_token.get_secret_value() not in text


def test_refresh_gives_a_new_pair_and_spends_the_old_refresh_token(
    api_client: AliExpressClient, grant: TokenGrant
) -> None:
    old = grant.refresh_token.get_secret_value()
    renewed = refresh_token(api_client, old)
    assert renewed.access_token != grant.access_token
    assert renewed.refresh_token != grant.refresh_token
    assert renewed.refresh_token_valid_time == grant.refresh_token_valid_time  # its expiry does not move
    with pytest.raises(RefreshTokenExpired) as raised:
        refresh_token(api_client, old)
    assert old not in str(raised.value)


def test_a_code_is_single_use(
    sandbox: RunningSandbox, http: httpx.Client, api_client: AliExpressClient
) -> None:
    code = authorization_code(http, sandbox.base_url, sandbox.credentials)
    create_token(api_client, code)
    calls = api_client.calls
    with pytest.raises(AuthError):
        create_token(api_client, code)
    assert api_client.calls == calls + 1  # a refused create is not repeated
