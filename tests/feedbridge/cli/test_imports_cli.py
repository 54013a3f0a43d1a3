"""`feedbridge imports add|run|list|show|accept|remove` and `feedbridge items list|show` on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from feedbridge.cli.main import app
from feedbridge.config import Settings

runner = CliRunner()


def _csv(count: int, price: str = "9.99") -> str:
    return "id,title,price\n" + "".join(f"SKU{i},Product {i},{price}\n" for i in range(1, count + 1))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)
    assert runner.invoke(app, ["projects", "create", "Shop"], obj=settings).exit_code == 0
    return settings


def _cli(settings: Settings, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), obj=settings)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def test_add_run_list_show_and_items(settings: Settings, tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(_csv(3))
    out = _cli(
        settings,
        "imports",
        "add",
        "Shop",
        "main",
        "--file",
        str(feed),
        "--type",
        "price=text",
        "--id-field",
        "id",
    )
    assert "Added import 'main'" in out and "defines the project's items" in out

    out = _cli(settings, "imports", "run", "Shop", "main")
    assert "accepted" in out and "Items: 3" in out and "unique ID: 'id' (set on the import)" in out

    assert "unchanged" in _cli(settings, "imports", "run", "Shop", "main")
    listed = _cli(settings, "imports", "list", "Shop")
    assert "main" in listed and "unchanged" in listed

    shown = _cli(settings, "imports", "show", "Shop", "main", "--run", "1")
    assert "Run 1 of 'main': accepted" in shown and "price" in shown and "text" in shown

    items = _cli(settings, "items", "list", "Shop", "--where", "title~product 2", "--fields", "title")
    assert "SKU2" in items and "SKU1" not in items and "1 items; page 1 of 1" in items
    item = _cli(settings, "items", "show", "Shop", "SKU3")
    assert "Product 3" in item and "id = SKU3" in item


def test_held_run_exits_2_and_can_be_accepted(settings: Settings, tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(_csv(10))
    _cli(settings, "imports", "add", "Shop", "main", "--file", str(feed))
    _cli(settings, "imports", "run", "Shop", "main")
    feed.write_text(_csv(2))

    out = _cli(settings, "imports", "run", "Shop", "main", code=2)
    assert "held" in out and "8 of the 10 items" in out and "feedbridge imports accept 'Shop' 'main' 2" in out
    assert "10 items" in _cli(settings, "items", "list", "Shop")

    assert "Accepted run 2" in _cli(settings, "imports", "accept", "Shop", "main", "2")
    assert "2 items" in _cli(settings, "items", "list", "Shop")
    assert "is accepted, not held" in _cli(settings, "imports", "accept", "Shop", "main", "2", code=1)
    assert "run 99 does not exist" in _cli(settings, "imports", "show", "Shop", "main", "--run", "99", code=1)


def test_failed_run_exits_1_with_the_message(settings: Settings, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss>&e;</rss>'
    )
    _cli(settings, "imports", "add", "Shop", "xml", "--file", str(feed))
    out = _cli(settings, "imports", "run", "Shop", "xml", code=1)
    assert "failed" in out and "DOCTYPE" in out


def test_upload_and_bad_options(settings: Settings, tmp_path: Path) -> None:
    feed = tmp_path / "export.csv"
    feed.write_text(_csv(4).replace(",", ";"))
    _cli(
        settings, "imports", "add", "Shop", "up", "--upload", str(feed), "--delimiter", ";", "--format", "csv"
    )
    assert "Items: 4" in _cli(settings, "imports", "run", "Shop", "up")
    assert "exactly one of" in _cli(settings, "imports", "add", "Shop", "x", code=1)
    out = _cli(settings, "imports", "add", "Shop", "x", "--file", str(feed), "--type", "price=money", code=1)
    assert "not a field type" in out
    out = _cli(settings, "imports", "add", "Shop", "x", "--url", "ftp://example.com/feed.csv", code=1)
    assert "http:// or https://" in out
    assert "Removed import 'up'" in _cli(settings, "imports", "remove", "Shop", "up")
    assert "has no imports yet" in _cli(settings, "imports", "list", "Shop")
