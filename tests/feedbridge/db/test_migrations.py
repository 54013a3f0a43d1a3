from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from feedbridge.db.engine import create_engine
from feedbridge.db.migrate import alembic_config, upgrade
from feedbridge.db.models import metadata

APP_TABLES = {"companies", "users", "projects"}


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_downgrade_and_upgrade_again(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        head = upgrade(db_url)
        assert _tables(engine) >= APP_TABLES
        assert _revision(engine) == head

        command.downgrade(alembic_config(db_url), "base")
        assert _tables(engine) & APP_TABLES == set()
        assert _revision(engine) is None

        assert upgrade(db_url) == head
        assert _tables(engine) >= APP_TABLES
        assert upgrade(db_url) == head  # idempotent
    finally:
        engine.dispose()


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_upgrade_runs_on_a_connection_the_caller_owns(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            upgrade(connection)
        assert _tables(engine) >= APP_TABLES
    finally:
        engine.dispose()
