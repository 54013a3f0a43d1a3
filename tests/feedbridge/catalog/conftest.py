"""A project on a real database (SQLite and PostgreSQL) with helpers to add and run its imports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.accounts.services import create_company
from feedbridge.catalog.imports import ImportSpec, add_import
from feedbridge.catalog.items import current_items
from feedbridge.catalog.models import ImportRun, Snapshot
from feedbridge.catalog.runs import accept_run, run_import
from feedbridge.catalog.snapshot_rows import current_snapshot
from feedbridge.catalog.snapshots import read_snapshot
from feedbridge.catalog.sources import Source
from feedbridge.config import Settings
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.db.migrate import upgrade
from feedbridge.projects.services import create_project


@dataclass
class Catalog:
    settings: Settings
    sessions: sessionmaker[Session]
    company_id: int
    project_id: int
    files: Path

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.files / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    def add(self, name: str, source: Source | Path, **spec: Any) -> int:
        source = Source.from_file(source) if isinstance(source, Path) else source
        with self.sessions.begin() as session:
            return add_import(
                session, self.company_id, self.project_id, name, ImportSpec(source=source, **spec)
            ).id

    def run(self, import_id: int, **options: Any) -> ImportRun:
        with self.sessions.begin() as session:
            return run_import(session, self.settings, self.company_id, import_id, **options)

    def accept(self, run_id: int) -> ImportRun:
        with self.sessions.begin() as session:
            return accept_run(session, self.settings, self.company_id, run_id)

    def items(self) -> pl.DataFrame:
        with self.sessions() as session:
            return read_snapshot(current_items(session, self.company_id, self.project_id)).collect()

    def current(self, import_id: int | None) -> Snapshot | None:
        with self.sessions() as session:
            return current_snapshot(session, self.project_id, import_id)


@pytest.fixture
def catalog(db_url: str, tmp_path: Path) -> Iterator[Catalog]:
    upgrade(db_url)
    engine = create_engine(db_url)
    sessions = create_session_factory(engine)
    with sessions.begin() as session:
        company_id = create_company(session, "Shop", "shop").id
        project_id = create_project(session, company_id, "Catalogue").id
    files = tmp_path / "feeds"
    files.mkdir()
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        feed_allow_private_urls=True,  # the tests' feed server listens on loopback
        download_read_timeout_seconds=0.3,
        download_max_attempts=1,
        snapshots_kept_per_import=2,
    )
    yield Catalog(settings, sessions, company_id, project_id, files)
    engine.dispose()


def csv(rows: list[dict[str, str]]) -> str:
    """A CSV feed of these rows (every row has the first row's fields)."""
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(row[h] for h in header) for row in rows]
    return "\n".join(lines) + "\n"


def products(count: int, *, start: int = 1, price: str = "9.99") -> str:
    return csv(
        [{"id": f"SKU{i}", "title": f"Product {i}", "price": price} for i in range(start, start + count)]
    )
