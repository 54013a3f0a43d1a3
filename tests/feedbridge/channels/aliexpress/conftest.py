"""Fixtures for the AliExpress client tests: a real sandbox over HTTP, a seller token, a clock that never sleeps."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, ApiSpec, ClientConfig
from feedbridge.channels.aliexpress.client.retry import RetryPolicy
from support.clock import SteppingClock
from support.fixtures import Admin
from support.oauth import authorization_code
from support.server import RunningSandbox

TOKEN_CREATE = ApiSpec("/auth/token/create", idempotent=False, needs_token=False)


@pytest.fixture
def config(sandbox: RunningSandbox) -> ClientConfig:
    app = sandbox.credentials["app"]
    return ClientConfig(app_key=app["app_key"], app_secret=app["app_secret"], gateway_url=sandbox.base_url)


@pytest.fixture
def make_client(config: ClientConfig, admin: Admin) -> Iterator[Callable[..., AliExpressClient]]:
    """Clients on the sandbox with a SteppingClock tied to the sandbox clock; `retry` overrides the policy."""
    clients: list[AliExpressClient] = []

    def make(retry: RetryPolicy | None = None, **options: Any) -> AliExpressClient:
        options.setdefault("clock", SteppingClock(admin))
        client = AliExpressClient(replace(config, retry=retry) if retry else config, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def closed_url() -> str:
    """A loopback URL nothing listens on: connecting is refused, so no request is ever sent."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{unused.getsockname()[1]}"


@pytest.fixture
def token_json(sandbox: RunningSandbox, http: httpx.Client, config: ClientConfig) -> dict[str, Any]:
    code = authorization_code(http, sandbox.base_url, sandbox.credentials)
    client = AliExpressClient(config)
    try:
        return client.call(TOKEN_CREATE, {"code": code})
    finally:
        client.close()


@pytest.fixture
def token(token_json: dict[str, Any]) -> str:
    return str(token_json["access_token"])
