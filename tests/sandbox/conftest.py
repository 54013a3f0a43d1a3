"""Fixtures: a real sandbox over HTTP, a signed wire client, and a seller token obtained through OAuth."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support.oauth import authorization_code
from support.server import RunningSandbox
from support.wire import Gateway


@pytest.fixture
def gateway(sandbox: RunningSandbox, http: httpx.Client) -> Gateway:
    app = sandbox.credentials["app"]
    return Gateway(http, sandbox.base_url, app["app_key"], app["app_secret"])


@pytest.fixture
def token_json(sandbox: RunningSandbox, http: httpx.Client, gateway: Gateway) -> dict[str, Any]:
    code = authorization_code(http, sandbox.base_url, sandbox.credentials)
    return gateway.ok("/auth/token/create", {"code": code})


@pytest.fixture
def token(token_json: dict[str, Any]) -> str:
    return str(token_json["access_token"])
