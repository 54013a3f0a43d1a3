"""`feedbridge projects create|list|activate|deactivate` on a real database."""

from pathlib import Path

from typer.testing import CliRunner

from feedbridge.cli.main import app
from feedbridge.config import Settings

runner = CliRunner()


def test_create_and_list_projects(db_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)
    empty = runner.invoke(app, ["projects", "list"], obj=settings)
    assert empty.exit_code == 0 and "No projects yet" in empty.output

    created = runner.invoke(app, ["projects", "create", "Spring catalogue"], obj=settings)
    assert created.exit_code == 0, created.output
    assert "Created project 'Spring catalogue'" in created.output

    listed = runner.invoke(app, ["projects", "list"], obj=settings)
    assert listed.exit_code == 0 and "Spring catalogue" in listed.output

    duplicate = runner.invoke(app, ["projects", "create", "Spring catalogue"], obj=settings)
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output and "Traceback" not in duplicate.output


def test_unknown_company_is_a_clear_error(db_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)
    result = runner.invoke(app, ["projects", "create", "X", "--company", "nope"], obj=settings)
    assert result.exit_code == 1 and "no company with slug 'nope'" in result.output


def test_deactivate_and_activate_a_project(db_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)
    runner.invoke(app, ["projects", "create", "Shoes"], obj=settings)

    off = runner.invoke(app, ["projects", "deactivate", "Shoes"], obj=settings)
    assert off.exit_code == 0 and "'Shoes' is now inactive" in off.output
    assert " no " in runner.invoke(app, ["projects", "list"], obj=settings).output

    on = runner.invoke(app, ["projects", "activate", "Shoes"], obj=settings)
    assert on.exit_code == 0 and "'Shoes' is now active" in on.output
    unknown = runner.invoke(app, ["projects", "activate", "Hats"], obj=settings)
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
