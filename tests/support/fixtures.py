"""Fixtures every test package shares: a real sandbox over HTTP, an HTTP client, the sandbox's admin API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.server import RunningSandbox, running_sandbox


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


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path / "sandbox") as running:
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30, follow_redirects=False) as client:
        yield client


@pytest.fixture
def admin(sandbox: RunningSandbox, http: httpx.Client) -> Admin:
    return Admin(http, sandbox.base_url + "/_admin")
