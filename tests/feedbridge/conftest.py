"""Fixtures for feedbridge tests: an isolated environment and a database on SQLite and PostgreSQL."""

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from feedbridge.config import ENV_PREFIX, get_settings
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.db.migrate import upgrade
from support.shop import ConnectedShop
from support.shop import connected_shop as connected_shop_for
from support.sync import ImageServer, image_server

TEST_DATABASE_URL_VAR = "FEEDBRIDGE_TEST_DATABASE_URL"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's FEEDBRIDGE_* variables, .env file, home directory or log setup."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIX) and name != TEST_DATABASE_URL_VAR:
            monkeypatch.delenv(name)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    root.handlers[:] = handlers
    root.setLevel(level)


def _fresh_postgres_schema(base_url: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema (dropped afterwards), so runs never interfere."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a fresh SQLite file, or a fresh schema in FEEDBRIDGE_TEST_DATABASE_URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'feedbridge.db'}"
        return
    base_url = os.environ.get(TEST_DATABASE_URL_VAR)
    if not base_url:
        pytest.skip(f"PostgreSQL variant: set {TEST_DATABASE_URL_VAR} to a PostgreSQL database URL to run it")
    yield from _fresh_postgres_schema(base_url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the latest schema."""
    upgrade(db_url)
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with create_session_factory(engine)() as session:
        yield session


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def connected_shop(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConnectedShop]:
    """One connected shop per test module and database (see support/shop.py); tests add their own
    projects and APIs to it."""
    directory = tmp_path_factory.mktemp("shop")
    if request.param == "sqlite":
        with connected_shop_for(directory, f"sqlite:///{directory / 'feedbridge.db'}") as shop:
            yield shop
        return
    base_url = os.environ.get(TEST_DATABASE_URL_VAR)
    if not base_url:
        pytest.skip(f"PostgreSQL variant: set {TEST_DATABASE_URL_VAR} to a PostgreSQL database URL to run it")
    for url in _fresh_postgres_schema(base_url):
        with connected_shop_for(directory, url) as shop:
            yield shop


@pytest.fixture(scope="session")
def images() -> Iterator[ImageServer]:
    """A loopback server of product images for runs to download (support/sync.py)."""
    with image_server() as server:
        yield server
