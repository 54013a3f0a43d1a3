from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from feedbridge.accounts.models import Company
from feedbridge.config import ConfigError
from feedbridge.db.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine, display_url, normalize_url


def test_sqlite_uses_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'fb.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    assert (tmp_path / "nested" / "dir" / "fb.db").is_file()


def test_an_unusable_sqlite_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(
        ConfigError, match=r"cannot create the database directory .*file.*FEEDBRIDGE_DATA_DIR"
    ):
        create_engine(f"sqlite:///{tmp_path / 'file' / 'fb.db'}")


def test_postgresql_urls_use_psycopg_3() -> None:
    for url in ("postgresql://u@host/db", "postgres://u@host/db", "postgresql+psycopg://u@host/db"):
        assert normalize_url(url).drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url", ["not a url", "mysql://u:hunter2@host/db"])
def test_unusable_urls_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        normalize_url(url)
    assert "FEEDBRIDGE_DATABASE_URL" in str(raised.value)
    assert "postgresql://" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_display_url_masks_passwords() -> None:
    shown = display_url("postgresql://app:hunter2@db:5432/feedbridge?password=hunter3&sslmode=require")
    assert "hunter2" not in shown
    assert "hunter3" not in shown
    assert shown.startswith("postgresql+psycopg://app:***@db:5432/feedbridge")
    assert "sslmode=require" in shown


def test_a_rolled_back_savepoint_keeps_the_rest_of_the_transaction(engine: Engine) -> None:
    # On SQLite this needs the engine to emit BEGIN itself (sqlite3's legacy mode breaks savepoints).
    with Session(engine) as session:
        session.add(Company(name="Kept", slug="kept"))
        session.flush()
        with session.begin_nested() as savepoint:
            session.add(Company(name="Dropped", slug="dropped"))
            session.flush()
            savepoint.rollback()
        session.commit()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT slug FROM companies")).scalars().all() == ["kept"]


def test_timestamps_come_back_timezone_aware_in_utc(engine: Engine) -> None:
    created = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    with Session(engine) as session:
        session.add(Company(name="Acme", slug="acme", created_at=created))
        session.commit()
    with Session(engine) as session:
        stored = session.query(Company).one().created_at
    assert stored == created
    assert stored.tzinfo == UTC


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Company(name="Acme", slug="acme", created_at=datetime(2026, 3, 1)))
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()
