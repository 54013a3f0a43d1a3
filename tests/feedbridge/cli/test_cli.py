from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from pydantic import SecretStr
from sqlalchemy import inspect
from typer.testing import CliRunner

from feedbridge.cli.main import app
from feedbridge.config import Settings
from feedbridge.db.engine import create_engine
from feedbridge.db.migrate import alembic_config

runner = CliRunner()


def test_db_upgrade_creates_the_schema_and_masks_the_password(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade"], obj=Settings(database_url=db_url))

    assert result.exit_code == 0, result.output
    head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    assert f"is up to date (revision {head})" in result.output
    engine = create_engine(db_url)
    assert {"companies", "users", "projects"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_db_upgrade_uses_the_environment_and_creates_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FEEDBRIDGE_DATA_DIR", str(tmp_path / "data"))

    result = runner.invoke(app, ["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert f"Database sqlite:///{tmp_path / 'data' / 'feedbridge.db'} is up to date" in result.output
    assert (tmp_path / "data" / "feedbridge.db").is_file()


def test_db_upgrade_hides_the_database_password() -> None:
    # Nothing listens on port 1: the command fails, and must still not reveal the password.
    settings = Settings(database_url="postgresql://app:hunter2@127.0.0.1:1/feedbridge")
    result = runner.invoke(app, ["db", "upgrade"], obj=settings)
    assert result.exit_code == 1
    assert (
        "Error: cannot upgrade the database postgresql+psycopg://app:***@127.0.0.1:1/feedbridge"
        in result.output
    )
    assert "Check FEEDBRIDGE_DATABASE_URL" in result.output
    assert "hunter2" not in result.output


def test_config_show_prints_every_setting_with_secrets_masked(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url="postgresql://app:hunter2@db.example:5432/feedbridge",
        secret_key=SecretStr("fernet-key-material"),
        log_format="json",
    )

    result = runner.invoke(app, ["config", "show"], obj=settings)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"data_dir = {tmp_path / 'data'}" in lines
    assert "database_url = postgresql+psycopg://app:***@db.example:5432/feedbridge" in lines
    assert f"secret_key_file = {tmp_path / 'data' / 'secret.key'}" in lines
    assert "secret_key = *** (set)" in lines
    assert "aliexpress_gateway_url = http://127.0.0.1:8765" in lines
    assert "log_level = INFO" in lines
    assert "log_format = json" in lines
    assert "hunter2" not in result.output
    assert "fernet-key-material" not in result.output


def test_config_show_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBRIDGE_SECRET_KEY", "env-secret-value")
    monkeypatch.setenv("FEEDBRIDGE_LOG_LEVEL", "warning")

    result = runner.invoke(app, ["config", "show"])

    assert result.exit_code == 0, result.output
    assert "log_level = WARNING" in result.output.splitlines()
    assert "env-secret-value" not in result.output


def test_bad_configuration_is_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBRIDGE_DATABASE_URL", "mysql://root:hunter2@localhost/shop")

    result = runner.invoke(app, ["db", "upgrade"])

    assert result.exit_code == 1
    assert "Error: FEEDBRIDGE_DATABASE_URL uses 'mysql'" in result.output
    assert "Traceback" not in result.output
    assert "hunter2" not in result.output
