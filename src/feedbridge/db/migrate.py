"""Bring a database schema up to date with the Alembic migrations shipped inside the package."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from feedbridge.db.engine import DatabaseUnavailable, display_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(target: str | Connection) -> Config:
    """Alembic configuration for a database URL, or for a connection whose transaction the caller owns."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as attributes rather than the `sqlalchemy.url` option: ini interpolation would
    # mangle a URL-encoded password containing '%'.
    key = "database_url" if isinstance(target, str) else "connection"
    config.attributes[key] = target
    return config


def upgrade(target: str | Connection, revision: str = "head") -> str:
    """Apply migrations up to `revision` and return the newest revision shipped with feedbridge."""
    config = alembic_config(target)
    try:
        command.upgrade(config, revision)
    except OperationalError as error:
        where = display_url(target) if isinstance(target, str) else target.engine.url.render_as_string()
        raise DatabaseUnavailable(
            f"cannot upgrade the database {where}: {error.orig}\n"
            "Check FEEDBRIDGE_DATABASE_URL and that the database server is running and reachable."
        ) from error
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, f"no migrations found in {MIGRATIONS_DIR}"
    return head
