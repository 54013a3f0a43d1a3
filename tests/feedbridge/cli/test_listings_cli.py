"""`feedbridge build|quality|preview` and `apis activate|delete` end to end, against a real sandbox, on
SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from feedbridge.apis.folders import api_folder
from feedbridge.apis.models import AliExpressApi
from feedbridge.cli.main import app
from feedbridge.listings import services
from support.listings import small_api
from support.shop import ConnectedShop

runner = CliRunner()
_projects = itertools.count()


def cli(shop: ConnectedShop, *args: str, code: int = 0, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), obj=shop.settings, env={"COLUMNS": "250"}, input=stdin)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def api(connected_shop: ConnectedShop) -> tuple[str, int]:
    """(project name, API id): the services test's feed, lines and build; its listings built once with
    the test clock, so that the commands find the account data cached."""
    shop = connected_shop
    name = f"CLI shop {next(_projects)}"
    api_id = small_api(shop, name)
    services.computed_listings(shop.sessions, shop.ctx, shop.company_id, api_id)
    return name, api_id


def test_quality_lists_mandatory_issues_first_with_their_fix(
    connected_shop: ConnectedShop, api: tuple[str, int]
) -> None:
    project, _ = api
    out = cli(connected_shop, "quality", "AE", "-p", project)
    assert "3 listings from 5 items: 1 ready, 2 blocked by mandatory issues" in out
    assert out.index("range:stock") < out.index("recommended:ean")
    assert "set categories (categories lines)" in out and "view items (preview --issue CODE)" in out


def test_preview_pages_filters_and_payload(connected_shop: ConnectedShop, api: tuple[str, int]) -> None:
    project, _ = api
    out = cli(connected_shop, "preview", "AE", "-p", project, "--issue", "range:stock")
    assert "D1" in out and "D3" in out and "S1" not in out and "Page 1 of 1 (3 items)." in out
    assert "(on another variant)" in out and "blocked" in out
    out = cli(connected_shop, "preview", "AE", "-p", project, "--page-size", "2", "--page", "3")
    assert "S2" in out and "Page 3 of 3 (5 items)." in out
    payload = cli(connected_shop, "preview", "AE", "-p", project, "--payload", "S1")
    data = orjson.loads(payload[payload.index("{") :])
    assert data["sku_info_list"][0]["sku_code"] == "S1" and data["package_weight"] == "1.200"
    posted = cli(connected_shop, "preview", "AE", "-p", project, "--payload", "S1", "--format", "post")
    assert '"aliexpress_category_id"' in posted and '"weight": "1.200"' in posted
    out = cli(connected_shop, "preview", "AE", "-p", project, "--issue", "nope", code=1)
    assert "Error: issue: no check has the code 'nope'" in out


def test_build_show_set_values_export_and_import(
    connected_shop: ConnectedShop, api: tuple[str, int], tmp_path: Path
) -> None:
    project, _ = api
    shop = connected_shop
    shown = cli(shop, "build", "show", "AE", "-p", project)
    assert "Title" in shown and "field title" in shown and "mandatory" in shown and "Material" in shown
    assert "Variants grouped by field: item_group_id" in shown and "localized prices: FR" in shown

    values = cli(shop, "build", "values", "AE", "sku_attribute.14", "-p", project)
    assert "Rot" in values and "Red (900001403)" in values and "by name" in values and "not mapped" in values
    assert "1 values (1 items) map to nothing" in values

    out = cli(shop, "build", "set", "AE", "variant.14", "-p", project, "--map", "Navy=Blue")
    assert "Saved the build of API 'AE'" in out
    assert "Navy" not in cli(shop, "build", "values", "AE", "variant.14", "-p", project, "--unmapped")

    allowed = cli(shop, "build", "choices", "AE", "variant.14", "-p", project, "--search", "blau")
    assert "900001404" in allowed and "Blue" in allowed and "Red" not in allowed
    out = cli(shop, "build", "set", "AE", "category.10", "-p", project, "--static", "Unobtainium", code=1)
    assert "category › 10: 'Unobtainium' is not one of the allowed values (47 Cotton" in out
    out = cli(shop, "build", "set", "AE", "language", "-p", project, "--static", "xx", code=1)
    assert "language: 'xx' is not an AliExpress main language" in out
    out = cli(shop, "build", "set", "AE", "dispatch_time", "-p", project, "--static", "zero", code=1)
    assert "shared › dispatch_time: static value 'zero' is not a number" in out
    assert "Saved" in cli(shop, "build", "set", "AE", "dispatch_time", "-p", project, "--static", "4")
    assert "static 4" in cli(shop, "build", "show", "AE", "-p", project, "--tab", "shipping")

    exported = tmp_path / "build.yaml"
    cli(shop, "build", "export", "AE", str(exported), "-p", project)
    text = exported.read_text()
    # Values given by name are stored by id.
    assert "dispatch_time:\n    static: '4'" in text and "Navy: '900001404'" in text
    exported.write_text(text.replace("static: '4'", "static: '5'"))
    assert "Imported the build of API 'AE'" in cli(
        shop, "build", "import", "AE", str(exported), "-p", project
    )
    assert "static 5" in cli(shop, "build", "show", "AE", "-p", project, "--tab", "shipping")
    exported.write_text("shared:\n  title: {field: nope}\n")
    out = cli(shop, "build", "import", "AE", str(exported), "-p", project, code=1)
    assert "shared › title: the items have no field 'nope'" in out


def test_activate_reports_skipped_listings_and_delete_forgets_the_api(
    connected_shop: ConnectedShop, api: tuple[str, int]
) -> None:
    project, api_id = api
    shop = connected_shop
    out = cli(shop, "apis", "activate", "AE", "-p", project)
    assert "Activated API 'AE'." in out and "2 of 3 listings have mandatory issues and will be skipped" in out
    with shop.sessions() as session:
        folder = api_folder(shop.settings, session.get_one(AliExpressApi, api_id))
    assert folder.exists()
    cli(shop, "apis", "delete", "AE", "-p", project, stdin="n\n", code=1)
    assert "Deleted API 'AE'" in cli(shop, "apis", "delete", "AE", "-p", project, "--yes")
    assert not folder.exists()
    assert "has no APIs yet" in cli(shop, "apis", "list", "-p", project)
