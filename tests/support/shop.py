"""A connected shop for tests of the channel half: a sandbox over HTTP, a migrated database, a company with
a project and a seller connected through the real OAuth flow, and helpers to import feeds and create APIs.

Building one costs a sandbox and an OAuth round trip, and the connection's account data (the category
tree above all) is read once and then cached in its database, so test modules share one shop
(`connected_shop` in tests/feedbridge/conftest.py) and give each test its own API or project.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.accounts.services import create_company
from feedbridge.apis.services import create_api
from feedbridge.catalog.imports import ImportSpec, add_import
from feedbridge.catalog.models import Import
from feedbridge.catalog.runs import accept_run, run_import
from feedbridge.catalog.sources import Source
from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.oauth import begin_connection, complete_connection
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.db.migrate import upgrade
from feedbridge.encryption import load_keyring
from feedbridge.projects.services import create_project
from support.clock import SteppingClock
from support.fixtures import Admin
from support.oauth import login
from support.server import RunningSandbox, running_sandbox


@dataclass
class ConnectedShop:
    settings: Settings
    ctx: ConnectionContext
    sessions: sessionmaker[Session]
    company_id: int
    connection_id: int
    sandbox: RunningSandbox
    admin: Admin
    directory: Path
    _names: Iterator[int] = field(default_factory=itertools.count)

    def call(self, service: Any, *args: Any, **options: Any) -> Any:
        """`service(session, company_id, *args, **options)` in its own committed transaction."""
        with self.sessions.begin() as session:
            return service(session, self.company_id, *args, **options)

    def new_project(self, name: str | None = None) -> int:
        project = self.call(create_project, name or f"Project {next(self._names)}")
        return int(project.id)

    def import_feed(
        self, project_id: int, feed: Path | str, *, unique_id_field: str | None = None, name: str = "main"
    ) -> None:
        """Import a feed file (or CSV text) into the project; the run must be accepted."""
        if isinstance(feed, str):
            path = self.directory / f"feed-{next(self._names)}.csv"
            path.write_text(feed, encoding="utf-8")
            feed = path
        with self.sessions.begin() as session:
            spec = ImportSpec(source=Source.from_file(feed), unique_id_field=unique_id_field)
            import_id = add_import(session, self.company_id, project_id, name, spec).id
        with self.sessions.begin() as session:
            run = run_import(session, self.settings, self.company_id, import_id)
            assert run.status == "accepted", run

    def replace_feed(self, project_id: int, text: str, name: str = "main") -> None:
        """New contents for the project's import `name` (a CSV written by import_feed), imported again; a
        run the import's safety rules hold (it lost many items) is accepted."""
        with self.sessions() as session:
            imp = session.scalars(
                select(Import).where(Import.project_id == project_id, Import.name == name)
            ).one()
            Path(imp.source_location).write_text(text, encoding="utf-8")
            import_id = imp.id
        with self.sessions.begin() as session:
            run = run_import(session, self.settings, self.company_id, import_id)
            if run.status == "held":
                run = accept_run(session, self.settings, self.company_id, run.id)
            assert run.status in ("accepted", "unchanged"), run.report

    def new_api(self, project_id: int, name: str = "AE", **options: Any) -> int:
        options = {"connection_id": self.connection_id, "language": "en", **options}
        return int(self.call(create_api, project_id, name, **options).id)


@contextmanager
def connected_shop(
    directory: Path, database_url: str, sandbox: RunningSandbox | None = None
) -> Iterator[ConnectedShop]:
    """A shop on a sandbox of its own, or on `sandbox` (one already running, e.g. a benchmark's process)."""
    directory.mkdir(parents=True, exist_ok=True)
    started = nullcontext(sandbox) if sandbox is not None else running_sandbox(directory / "sandbox")
    with started as sandbox, httpx.Client(timeout=30) as http:
        admin = Admin(http, sandbox.base_url + "/_admin")
        settings = Settings(
            data_dir=directory / "data",
            database_url=database_url,
            aliexpress_gateway_url=sandbox.base_url,
            image_allow_private_urls=True,  # runs fetch images from the tests' loopback image server
        )
        ctx = ConnectionContext(settings, load_keyring(settings), SteppingClock(admin))
        upgrade(database_url)
        engine = create_engine(database_url)
        sessions = create_session_factory(engine)
        app, seller = sandbox.credentials["app"], sandbox.credentials["seller"]
        with sessions.begin() as session:
            company_id = create_company(session, "Shop", "shop").id
            url, _ = begin_connection(
                session, ctx, company_id, "Main shop", str(app["app_key"]), str(app["app_secret"])
            )
        answer = login(http, url, seller["email"], seller["password"])
        assert answer.status_code == 302, answer.text
        with sessions.begin() as session:
            connection = complete_connection(
                session, ctx, company_id, redirect_url=answer.headers["location"]
            )
            connection_id = connection.id
        try:
            yield ConnectedShop(settings, ctx, sessions, company_id, connection_id, sandbox, admin, directory)
        finally:
            engine.dispose()
