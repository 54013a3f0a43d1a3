"""Opening the database on start: migrate to head first, then hand out the engine and sessions."""

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.config import Settings
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.db.migrate import upgrade


@dataclass(frozen=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    revision: str


def open_database(settings: Settings) -> Database:
    """Every long-running entry point (web app, workers, runs) starts here, so the schema is always current."""
    revision = upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    return Database(engine, create_session_factory(engine), revision)
