"""Finding, listing, locking and removing a company's connections.

Every lookup is scoped by company. Services add and flush; the caller owns the transaction and commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from feedbridge.connections.errors import ConnectionNotFound
from feedbridge.connections.models import Connection
from feedbridge.validation import clean_name


def find_connection(session: Session, company_id: int, label: str) -> Connection | None:
    label = clean_name(label, field="label")
    query = select(Connection).where(Connection.company_id == company_id, Connection.label == label)
    return session.scalar(query)


def get_connection(session: Session, company_id: int, label: str) -> Connection:
    connection = find_connection(session, company_id, label)
    if connection is None:
        raise ConnectionNotFound(" ".join(label.split()))
    return connection


def list_connections(session: Session, company_id: int) -> list[Connection]:
    query = select(Connection).where(Connection.company_id == company_id).order_by(Connection.label)
    return list(session.scalars(query))


def remove_connection(session: Session, company_id: int, label: str) -> None:
    """Forget the connection and its cached account data; nothing on AliExpress is touched."""
    session.delete(get_connection(session, company_id, label))
    session.flush()


def lock_connections(session: Session, *criteria: Any) -> list[Connection]:
    """The matching connections, locked until the transaction ends, read fresh from the database.

    PostgreSQL locks the rows (SELECT ... FOR UPDATE). SQLite has no row locks: a write as the
    transaction's first statement takes the database's write lock before anything is read, so the
    read below already sees what a writer that went first committed.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Connection).where(*criteria).values(updated_at=Connection.updated_at))
    query = select(Connection).where(*criteria).order_by(Connection.id).with_for_update()
    return list(session.scalars(query.execution_options(populate_existing=True)))
