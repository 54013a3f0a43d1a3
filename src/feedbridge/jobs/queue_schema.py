"""Procrastinate's own tables in feedbridge's PostgreSQL database: created when missing, upgraded when the
installed procrastinate brings migrations the database has not had.

Procrastinate ships its schema (`schema.sql`, the current one) and its migrations (`sql/migrations/*.sql`,
named `xx.yy.zz_NN_[pre|post_]name.sql`) and leaves the bookkeeping to its users. feedbridge keeps it in
a comment on the `procrastinate_jobs` table: the name of the last migration the schema contains. A new
schema is the installed package's `schema.sql` and so contains every migration the package ships; it is
marked with the last of them. On a later start, the migrations whose names sort after the mark (name order
is version order, then serial number, "pre" before "post") are applied in order, each in a transaction of
its own together with the new mark.

Both the "pre" and the "post" migrations are applied at once, which is procrastinate's "upgrade with a
service interruption": before upgrading feedbridge to a version that brings a newer procrastinate, stop
every worker and web process on every machine, then start them again on the new version (the first worker
to start upgrades the schema; the others wait for it on an advisory lock). A schema created by hand
(`procrastinate schema --apply`) carries no mark: feedbridge leaves it alone and its operator keeps it up
to date.

The SQL is read from the installed package at run time; nothing of procrastinate's is copied here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

import psycopg
from procrastinate.schema import SchemaManager
from psycopg import sql

log = logging.getLogger(__name__)

MARK_PREFIX = "feedbridge: procrastinate schema at "
# pg_advisory_lock key held while the schema is created or upgraded ("fbqueue" in ASCII).
LOCK_KEY = 0x666271756575
JOBS_TABLE = "procrastinate_jobs"


class Prepared(StrEnum):
    CREATED = "created"
    UPGRADED = "upgraded"
    CURRENT = "current"
    UNMANAGED = "unmanaged"  # created outside feedbridge (no mark): left as it is


def migrations(directory: Path | None = None) -> list[str]:
    """The migration files the installed procrastinate ships, in the order they apply."""
    folder = Path(directory or SchemaManager.get_migrations_path())
    return sorted(path.name for path in folder.glob("*.sql"))


def pending(mark: str, available: Iterable[str]) -> list[str]:
    """The migrations a schema marked with `mark` has not had, in order."""
    return sorted(name for name in available if name > mark)


def prepare_schema(conninfo: str) -> Prepared:
    """Create procrastinate's tables, or bring them up to the installed version; safe to call from any
    number of processes at once (they take turns on an advisory lock)."""
    shipped = migrations()
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            return _prepare(connection, shipped)
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))


def schema_mark(connection: psycopg.Connection) -> str | None:
    """The last migration the schema contains, as marked; None when it has no mark."""
    row = connection.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", (JOBS_TABLE,)).fetchone()
    comment = row[0] if row else None
    if not comment or not comment.startswith(MARK_PREFIX):
        return None
    return str(comment).removeprefix(MARK_PREFIX)


def _prepare(connection: psycopg.Connection, shipped: list[str]) -> Prepared:
    exists = connection.execute("SELECT to_regclass(%s) IS NOT NULL", (JOBS_TABLE,)).fetchone()
    if not (exists and exists[0]):
        with connection.transaction():
            connection.execute(SchemaManager.get_schema().encode())
            _mark(connection, shipped[-1] if shipped else "")
        log.info("created procrastinate's tables (procrastinate migrations up to %s)", shipped[-1:])
        return Prepared.CREATED
    mark = schema_mark(connection)
    if mark is None:
        log.info("procrastinate's tables were created outside feedbridge: their upgrades are left to you")
        return Prepared.UNMANAGED
    todo = pending(mark, shipped)
    if not todo:
        return Prepared.CURRENT
    for name in todo:
        script = (Path(SchemaManager.get_migrations_path()) / name).read_bytes()
        with connection.transaction():
            connection.execute(script)  # no parameters: several statements in one go
            _mark(connection, name)
        log.info("applied procrastinate migration %s", name)
    return Prepared.UPGRADED


def _mark(connection: psycopg.Connection, name: str) -> None:
    # COMMENT takes no parameters: the literal is quoted by psycopg's own quoting.
    statement = sql.SQL("COMMENT ON TABLE procrastinate_jobs IS {}").format(sql.Literal(MARK_PREFIX + name))
    connection.execute(statement)
