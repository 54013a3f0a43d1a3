"""`feedbridge apis …` on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from feedbridge.cli.main import app
from feedbridge.config import Settings
from feedbridge.db.engine import create_engine, create_session_factory
from support.connections import stored_connection

runner = CliRunner()
FEED = "sku,title\nA1,Wool jumper\nB2,Cotton shirt\n"
RULES = "name: AE rules\nrules:\n  - name: Upper title\n    then: [{action: uppercase, field: title}]\n"


def _cli(settings: Settings, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), obj=settings, env={"COLUMNS": "200"})
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)
    feed = tmp_path / "feed.csv"
    feed.write_text(FEED)
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    _cli(settings, "projects", "create", "Shop")
    _cli(settings, "imports", "add", "Shop", "main", "--file", str(feed), "--id-field", "sku")
    _cli(settings, "imports", "run", "Shop", "main")
    _cli(settings, "rules", "import", str(rules), "--project", "Shop", "--layer", "api")
    engine = create_engine(db_url)
    with create_session_factory(engine).begin() as session:
        stored_connection(session, 1, "Main shop")
    engine.dispose()
    return settings


def test_create_list_show_activate_and_deactivate(settings: Settings) -> None:
    assert "has no APIs yet" in _cli(settings, "apis", "list", "-p", "Shop")
    out = _cli(settings, "apis", "create", "AE EN", "-p", "Shop", "-c", "Main shop", "--language", "en",
               "--rule-set", "AE rules")  # fmt: skip
    assert "Created API 'AE EN' (id 1, en); SKU codes come from field 'sku'." in out

    listed = _cli(settings, "apis", "list", "-p", "Shop")
    assert "AE EN" in listed and "Main shop" in listed and "AE rules" in listed and "no" in listed
    shown = _cli(settings, "apis", "show", "AE EN", "-p", "Shop")
    assert "unique ID field: sku (the SKU code; fixed)" in shown and "active:          no" in shown

    assert "Activated API 'AE EN'." in _cli(settings, "apis", "activate", "AE EN", "-p", "Shop")
    assert "active:          yes" in _cli(settings, "apis", "show", "AE EN", "-p", "Shop")
    assert "Deactivated API 'AE EN'" in _cli(settings, "apis", "deactivate", "AE EN", "-p", "Shop")
    assert "active:          no" in _cli(settings, "apis", "show", "AE EN", "-p", "Shop")

    out = _cli(settings, "rules", "delete", "AE rules", "-p", "Shop", code=1)
    assert "Error: rule set 'AE rules' is used by API 'AE EN'" in out


def test_errors_are_one_line(settings: Settings) -> None:
    args = ("apis", "create", "AE EN", "-p", "Shop", "-c", "Main shop", "--language")
    assert "'xx' is not one of" in _cli(settings, *args, "xx", code=2)
    out = _cli(settings, *args, "de", "--unique-id", "ean", code=1)
    assert "Error: unique ID field: project 'Shop' has no field 'ean'" in out
    out = _cli(settings, "apis", "create", "AE", "-p", "Shop", "-c", "Nope", "--language", "de", code=1)
    assert "no connection labelled 'Nope'" in out
    _cli(settings, *args, "de")
    assert "already exists" in _cli(settings, *args, "de", code=1)
    assert "API 'Other' does not exist" in _cli(settings, "apis", "activate", "Other", "-p", "Shop", code=1)
