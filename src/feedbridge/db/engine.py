"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (multi-machine deployments)."""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, SessionTransaction, SessionTransactionOrigin, sessionmaker
from sqlalchemy.pool import Pool

from feedbridge.config import ConfigError
from feedbridge.errors import FeedbridgeError

SQLITE_BUSY_TIMEOUT_MS = 5000
_EXAMPLES = "sqlite:////var/lib/feedbridge/feedbridge.db or postgresql://user:password@host:5432/feedbridge"


class DatabaseUnavailable(FeedbridgeError):
    """The database cannot be reached or opened."""


def normalize_url(database_url: str) -> URL:
    """Parse a database URL and pick the psycopg 3 driver for PostgreSQL."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        # The URL is not echoed back: it may contain a password.
        raise ConfigError(f"FEEDBRIDGE_DATABASE_URL could not be parsed; use e.g. {_EXAMPLES}") from None
    backend = url.get_backend_name()
    if backend in {"postgresql", "postgres"}:
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise ConfigError(f"FEEDBRIDGE_DATABASE_URL uses '{backend}'; feedbridge supports {_EXAMPLES}")


def display_url(database_url: str) -> str:
    """The URL with any password masked, safe to print or log."""
    url = normalize_url(database_url)
    masked_query = {key: "***" for key in url.query if key.lower() == "password"}
    return url.update_query_dict(masked_query).render_as_string(hide_password=True)


def create_engine(
    database_url: str, *, sqlite_foreign_keys: bool = True, poolclass: type[Pool] | None = None
) -> Engine:
    """An engine for `database_url`; SQLite gets WAL, a busy timeout and (by default) foreign keys."""
    url = normalize_url(database_url)
    options: dict[str, Any] = {} if poolclass is None else {"poolclass": poolclass}
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, **options)
    _create_sqlite_directory(url)
    engine = sa.create_engine(url, **options)
    _configure_sqlite(engine, foreign_keys=sqlite_foreign_keys)
    return engine


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: pages and CLI output use them once the transaction ends.
    return sessionmaker(engine, expire_on_commit=False)


def writes_first(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """`sessions` as they are on PostgreSQL; on SQLite, a factory like it whose explicit transactions
    (`sessions.begin()`) take the database's write lock before their first statement, as BEGIN IMMEDIATE
    would. For code that runs short read-then-write transactions next to other writers (runs in parallel
    threads or processes): one that read first fails at once ("database is locked") when another
    committed in between, whereas one that starts with the lock waits its turn (the busy timeout).
    Sessions that begin by themselves (reads) are left as they are."""
    bind = sessions.kw.get("bind")
    if (
        bind is None
        or bind.dialect.name != "sqlite"
        or event.contains(sessions, "after_begin", _lock_for_write)
    ):
        return sessions
    factory = sessionmaker(class_=sessions.class_, **sessions.kw)
    event.listen(factory, "after_begin", _lock_for_write)
    return factory


def _lock_for_write(session: Session, transaction: SessionTransaction, connection: sa.Connection) -> None:
    if transaction.origin is SessionTransactionOrigin.BEGIN and transaction.parent is None:
        # A write that changes nothing takes the lock; every migrated database has this table.
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num WHERE 0")


def _create_sqlite_directory(url: URL) -> None:
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    directory = Path(database).expanduser().parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            f"cannot create the database directory {directory}: {error.strerror}; set FEEDBRIDGE_DATA_DIR "
            "or FEEDBRIDGE_DATABASE_URL to a writable location."
        ) from None


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop sqlite3 from managing transactions itself: its legacy mode skips BEGIN before
        # SELECT, DDL and SAVEPOINT, which breaks savepoints and atomic migrations.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")
