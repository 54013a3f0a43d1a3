"""Fixtures: a real sandbox over HTTP, a signed wire client, and a seller token obtained through OAuth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.oauth import authorization_code
from support.server import RunningSandbox, running_sandbox
from support.wire import Gateway


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path / "sandbox") as running:
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30, follow_redirects=False) as client:
        yield client


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


@pytest.fixture
def admin(sandbox: RunningSandbox, http: httpx.Client) -> Admin:
    return Admin(http, sandbox.base_url + "/_admin")


class Admin:
    """The sandbox's admin API (unsigned, only with --admin)."""

    def __init__(self, http: httpx.Client, url: str) -> None:
        self.http, self.url = http, url

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(self.url + path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: Any = None, expect: int = 200) -> Any:
        response = self.http.post(self.url + path, json=body if body is not None else {})
        assert response.status_code == expect, response.text
        return response.json()
