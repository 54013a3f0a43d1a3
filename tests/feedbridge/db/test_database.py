"""Opening the database on start migrates it to head and hands out working sessions."""

from pathlib import Path

from sqlalchemy import inspect, select

from feedbridge.accounts.models import Company
from feedbridge.config import Settings
from feedbridge.db.database import open_database


def test_open_database_migrates_on_start(db_url: str, tmp_path: Path) -> None:
    database = open_database(Settings(data_dir=tmp_path / "data", database_url=db_url))
    try:
        assert {"companies", "users", "projects", "alembic_version"} <= set(
            inspect(database.engine).get_table_names()
        )
        with database.sessions() as session, session.begin():
            session.add(Company(name="Acme", slug="acme"))
        with database.sessions() as session:
            assert session.scalars(select(Company.slug)).all() == ["acme"]
        # A second start finds the schema current and changes nothing.
        assert (
            open_database(Settings(data_dir=tmp_path / "data", database_url=db_url)).revision
            == database.revision
        )
    finally:
        database.engine.dispose()
