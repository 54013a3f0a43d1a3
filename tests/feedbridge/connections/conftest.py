"""Fixtures for connection tests: a real sandbox over HTTP, a migrated database, and one clock for both.

`clock.sleep(seconds)` is how tests move time: it moves the services' clock and, through the admin API,
the sandbox's clock by the same amount, without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.accounts.services import create_company
from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.models import Connection
from feedbridge.connections.oauth import begin_connection, complete_connection
from feedbridge.db.engine import create_session_factory
from feedbridge.encryption import load_keyring
from support.clock import SteppingClock
from support.fixtures import Admin
from support.oauth import login
from support.server import RunningSandbox

DAY = 86400.0


@pytest.fixture
def clock(admin: Admin) -> SteppingClock:
    return SteppingClock(admin)


@pytest.fixture
def settings(db_url: str, sandbox: RunningSandbox, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url, aliexpress_gateway_url=sandbox.base_url)


@pytest.fixture
def ctx(settings: Settings, clock: SteppingClock) -> ConnectionContext:
    return ConnectionContext(settings, load_keyring(settings), clock)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return create_session_factory(engine)


@pytest.fixture
def company_id(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        return create_company(session, "Acme Shop").id


@dataclass
class Seller:
    email: str
    password: str
    seller_id: int


@pytest.fixture
def seller(sandbox: RunningSandbox) -> Seller:
    found = sandbox.credentials["seller"]
    return Seller(found["email"], found["password"], int(found["seller_id"]))


@pytest.fixture
def app_credentials(sandbox: RunningSandbox) -> tuple[str, str]:
    app = sandbox.credentials["app"]
    return str(app["app_key"]), str(app["app_secret"])


def sign_in(http: httpx.Client, authorize_url: str, seller: Seller) -> str:
    """What the seller's browser does on the authorize page; returns the address it is sent back to."""
    answer = login(http, authorize_url, seller.email, seller.password)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["location"])


def code_of(redirect_url: str) -> str:
    return parse_qs(urlsplit(redirect_url).query)["code"][0]


Connect = Callable[..., Connection]


@pytest.fixture
def connect(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
) -> Connect:
    """Connect a seller account end to end (authorize URL, login form, callback) and commit."""

    def run(label: str = "Main shop", who: Seller | None = None, **options: Any) -> Connection:
        with sessions.begin() as session:
            url, _ = begin_connection(session, ctx, company_id, label, *app_credentials, **options)
        redirect = sign_in(http, url, who or seller)
        with sessions.begin() as session:
            return complete_connection(session, ctx, company_id, redirect_url=redirect)

    return run
