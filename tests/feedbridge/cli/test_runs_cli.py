"""`feedbridge run|runs|results|listings|clear|schedule` and `apis settings` end to end, against a real
sandbox over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from feedbridge.apis.models import AliExpressApi
from feedbridge.cli.main import app
from feedbridge.projects.models import Project
from feedbridge.sync.models import SyncRun
from feedbridge.sync.results import ERROR_COLUMNS
from support.shop import ConnectedShop
from support.sync import (
    ImageServer,
    after_review,
    by_sku,
    dress_group,
    existing_product,
    feed,
    lamp,
    new_seller,
    products_of,
    ready_api,
)

runner = CliRunner()


def cli(shop: ConnectedShop, *args: str, code: int = 0, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), obj=shop.settings, env={"COLUMNS": "250"}, input=stdin)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def _name(shop: ConnectedShop, project_id: int) -> str:
    with shop.sessions() as session:
        return session.get_one(Project, project_id).name


def _last_run(shop: ConnectedShop, api_id: int) -> SyncRun:
    with shop.sessions() as session:
        query = select(SyncRun).where(SyncRun.api_id == api_id).order_by(SyncRun.id.desc())
        return session.scalars(query).first() or pytest.fail("the API has no run")


def _count(out: str, name: str) -> int:
    """A count of the summary's listings table."""
    line = next(line for line in out.splitlines() if line.strip("│ ").startswith(name + " "))
    return int(line.strip("│ ").removeprefix(name).strip(" │"))


def test_a_dry_run_prints_the_plan_and_a_run_its_summary_and_history(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    existing_product(shop, seller, "CA-L1")
    existing_product(shop, seller, "HANDMADE-CA")
    text = feed(
        lamp("CA-L1", images.base_url), lamp("CA-L2", images.base_url), dress_group("CA-G1", images.base_url)
    )
    project_id, api_id = ready_api(shop, seller, text)
    project = _name(shop, project_id)

    planned = cli(shop, "run", "AE", "-p", project, "--dry-run")

    assert "planned (dry run)" in planned and "A dry run: nothing was sent." in planned
    assert "content updated" not in planned  # a plan is counted by its actions
    plan = planned[planned.index("Plan") :]
    assert "create" in plan and "bind" in plan and "update content" in plan
    assert "ignored (on AliExpress only: left alone) │ 1" in plan
    assert "i:CA-L2" in plan and "g:CA-G1" in plan and "Plan rows (4 of 4;" in plan
    assert f"Run it for real with: feedbridge run AE -p '{project}'" in planned
    assert sorted(by_sku(products_of(shop, seller))) == ["CA-L1", "HANDMADE-CA"]

    out = cli(shop, "run", "AE", "-p", project)

    assert "succeeded (manual, initial run" in out and "AliExpress calls." in out
    assert _count(out, "created") == 2 and _count(out, "bound") == 1 and _count(out, "ignored") == 1
    assert _count(out, "content updated") == 1 and _count(out, "failed") == 0
    assert "Plan rows" not in out
    assert set(by_sku(products_of(shop, seller))) == {"CA-L1", "CA-L2", "CA-G1-S", "CA-G1-M", "HANDMADE-CA"}

    history = cli(shop, "runs", "AE", "-p", project)
    real, dry = _last_run(shop, api_id).id, _last_run(shop, api_id).id - 1
    rows = {
        int(line.split("│")[1]): line
        for line in history.splitlines()
        if line.count("│") > 5 and line.split("│")[1].strip().isdigit()
    }
    assert set(rows) == {real, dry}
    assert "succeeded" in rows[real] and "manual" in rows[real]
    assert [cell.strip() for cell in rows[real].split("│")[6:10]] == ["2", "1", "0", "0"]
    assert "planned (dry run)" in rows[dry]
    assert len(cli(shop, "runs", "AE", "-p", project, "--limit", "1").split("planned (dry run)")) == 1


def test_a_held_run_exits_with_1_until_it_is_confirmed(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    rows = [lamp(f"CK-L{n}", images.base_url) for n in range(1, 4)]
    project_id, api_id = ready_api(shop, seller, feed(*rows))
    project = _name(shop, project_id)
    cli(shop, "run", "AE", "-p", project)
    after_review(shop)
    shop.replace_feed(project_id, feed(rows[0]))
    before = products_of(shop, seller)

    held = cli(shop, "run", "AE", "-p", project, code=1)

    assert "held" in held and "Held by the guard rails; nothing was sent:" in held
    assert "it would remove 2 of 3 live listings (67%; the limit is 20%)" in held
    assert f"confirm it with: feedbridge run AE -p '{project}' --confirm" in held
    assert "take offline" in held and "i:CK-L2" in held and "i:CK-L3" in held
    assert products_of(shop, seller) == before

    confirmed = cli(shop, "run", "AE", "-p", project, "--confirm")

    assert "succeeded" in confirmed and _count(confirmed, "removed") == 2
    assert "Confirmed after the guard rails held it: it would remove 2 of 3 live listings" in confirmed
    assert sorted(p["status"] for p in products_of(shop, seller)) == ["offline", "offline", "onSelling"]
    assert _last_run(shop, api_id).confirmed


def test_results_show_an_error_on_every_variant_and_write_them_as_csv(
    connected_shop: ConnectedShop, images: ImageServer, tmp_path: Path
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    project_id, api_id = ready_api(shop, seller, feed(lamp("CV-L1", images.base_url)))
    project = _name(shop, project_id)
    cli(shop, "run", "AE", "-p", project)
    taken = existing_product(shop, seller, "CV-G1-M")  # listed by hand later: its SKU code is taken
    shop.replace_feed(project_id, feed(lamp("CV-L1", images.base_url), dress_group("CV-G1", images.base_url)))
    out = cli(shop, "run", "AE", "-p", project)  # one listing failed: the run itself succeeded
    assert "succeeded" in out and _count(out, "failed") == 1
    run_id = _last_run(shop, api_id).id

    shown = cli(shop, "results", str(run_id), "--errors")

    assert f"Run {run_id} of API 'AE': succeeded" in shown
    errors = [line for line in shown.splitlines() if "SBX.SKU_CODE_IN_USE" in line]
    assert len(errors) == 2
    assert any("CV-G1-S" in line for line in errors) and any("CV-G1-M" in line for line in errors)
    assert all("g:CV-G1" in line and "create" in line for line in errors)
    assert shown.count(str(taken)) == 2  # the explanation names the product that has the code
    assert "retried next run" not in shown
    assert "No errors with code 'NOPE'." in cli(shop, "results", str(run_id), "--code", "NOPE")

    path = tmp_path / "errors.csv"
    written = cli(shop, "results", str(run_id), "--csv", str(path))
    assert f"Wrote 2 error rows to {path}" in written and "SBX.SKU_CODE_IN_USE" not in written
    frame = pl.read_csv(path)
    assert tuple(frame.columns) == ERROR_COLUMNS
    assert sorted(frame.get_column("sku_code").to_list()) == ["CV-G1-M", "CV-G1-S"]

    out = cli(shop, "results", str(run_id), "--csv", str(tmp_path / "no" / "such" / "folder.csv"), code=1)
    assert "Error: --csv: cannot write" in out
    out = cli(shop, "results", "999999", code=1)
    assert "Error: run 999999 does not exist in this company" in out


def test_listings_show_each_binding_and_results_say_what_is_retried(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    project_id, api_id = ready_api(
        shop, seller, feed(lamp("CL-L1", images.base_url), lamp("CL-L2", images.base_url))
    )
    project = _name(shop, project_id)
    cli(shop, "run", "AE", "-p", project)
    ids = {sku: product["product_id"] for sku, product in by_sku(products_of(shop, seller)).items()}
    # Changed while AliExpress still reviews the new product: deferred, and sent again by a later run.
    shop.replace_feed(
        project_id, feed(lamp("CL-L1", images.base_url, price="40,00"), lamp("CL-L2", images.base_url))
    )
    cli(shop, "run", "AE", "-p", project)
    run_id = _last_run(shop, api_id).id

    out = cli(shop, "listings", "AE", "-p", project)

    assert "Page 1 of 1 (2 listings)." in out
    first = next(line for line in out.splitlines() if "i:CL-L1" in line)
    assert str(ids["CL-L1"]) in first and "live" in first and "created" in first and "UTC" in first
    assert "SBX.PRODUCT_AUDITING The product" in first and "in AliExpress's review" in first  # explained
    out = cli(shop, "listings", "AE", "-p", project, "--errors")
    assert "i:CL-L1" in out and "i:CL-L2" not in out and "(1 listing)" in out
    assert "(0 listings)" in cli(shop, "listings", "AE", "-p", project, "--status", "offline")
    out = cli(shop, "listings", "AE", "-p", project, "--page-size", "1", "--page", "2")
    assert "i:CL-L2" in out and "i:CL-L1" not in out and "Page 2 of 2 (2 listings)." in out
    out = cli(shop, "listings", "AE", "-p", project, "--status", "gone", code=2)
    assert "'gone' is not one of" in out

    errors = cli(shop, "results", str(run_id), "--errors")
    assert (
        "SBX.PRODUCT_AUDITING" in errors
        and "retried next run" in errors
        and "in AliExpress's review" in errors
    )


def test_clear_asks_for_the_api_name_and_removes_only_what_the_api_sent(
    connected_shop: ConnectedShop, images: ImageServer
) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    only = existing_product(shop, seller, "HANDMADE-CC")
    project_id, api_id = ready_api(
        shop, seller, feed(lamp("CC-L1", images.base_url), lamp("CC-L2", images.base_url))
    )
    project = _name(shop, project_id)
    cli(shop, "run", "AE", "-p", project)

    wrong = cli(shop, "clear", "AE", "-p", project, stdin="Ae\n", code=1)

    assert "created by the API" in wrong and "reviews, sales history and ratings" in wrong
    assert "Type the API's name (AE) to confirm" in wrong
    assert "Error: confirmation: type the API's name exactly ('AE')" in wrong
    assert len(products_of(shop, seller)) == 3
    with shop.sessions() as session:
        assert session.get_one(AliExpressApi, api_id).is_active

    out = cli(shop, "clear", "AE", "-p", project, "--yes-i-typed", "AE")

    assert "Type the API's name" not in out
    assert "succeeded (clear)" in out and _count(out, "removed") == 2
    assert "is now inactive" in out
    assert [p["product_id"] for p in products_of(shop, seller)] == [only]
    with shop.sessions() as session:
        assert not session.get_one(AliExpressApi, api_id).is_active
    out = cli(shop, "clear", "AE", "-p", project)
    assert "has no listings on AliExpress: nothing to remove." in out
    out = cli(shop, "run", "AE", "-p", project, code=1)
    assert "Error: API 'AE' cannot run: it is not active" in out


@pytest.fixture
def idle_api(connected_shop: ConnectedShop, images: ImageServer) -> str:
    """The project name of an inactive API 'AE' on a one-lamp feed."""
    shop = connected_shop
    project_id = shop.new_project()
    shop.import_feed(project_id, feed(lamp("CS-L1", images.base_url)))
    shop.new_api(project_id)
    return _name(shop, project_id)


def test_schedule_set_show_pause_resume_and_off(connected_shop: ConnectedShop, idle_api: str) -> None:
    shop, project = connected_shop, idle_api
    assert "API 'AE' runs only when asked" in cli(shop, "schedule", "AE", "-p", project)
    assert f"API 'AE' has not run yet. Run it with: feedbridge run AE -p '{project}'" in cli(
        shop, "runs", "AE", "-p", project
    )

    out = cli(
        shop, "schedule", "AE", "-p", project, "--at", "18:00", "--at", "6:00", "--timezone", "Europe/Madrid"
    )
    assert "Saved the schedule of API 'AE': daily at 06:00, 18:00 (Europe/Madrid); next 20" in out

    out = cli(shop, "schedule", "AE", "-p", project, "--at", "25:00", code=1)
    assert "Error: times: '25:00' is not a time of day; use HH:MM such as 06:00" in out
    out = cli(shop, "schedule", "AE", "-p", project, "--timezone", "europe/madrid", code=1)
    assert "did you mean Europe/Madrid?" in out
    out = cli(shop, "schedule", "AE", "-p", project)
    assert "The schedule of API 'AE': daily at 06:00, 18:00 (Europe/Madrid); next" in out

    assert "daily at 06:00, 18:00 (Europe/Madrid); paused." in cli(
        shop, "schedule", "AE", "-p", project, "--pause"
    )
    out = cli(shop, "schedule", "AE", "-p", project, "--every", "6")
    assert "every 6 hours (Europe/Madrid); paused." in out  # a paused schedule stays paused
    out = cli(shop, "schedule", "AE", "-p", project, "--resume")
    assert "Resumed the schedule of API 'AE': every 6 hours (Europe/Madrid); next" in out
    out = cli(shop, "schedule", "AE", "-p", project, "--timezone", "UTC")
    assert "every 6 hours (UTC); next" in out

    out = cli(shop, "schedule", "AE", "-p", project, "--off", "--pause", code=1)
    assert "--off removes the schedule; give it alone." in out
    assert "Removed the schedule: API 'AE' runs only when asked" in cli(
        shop, "schedule", "AE", "-p", project, "--off"
    )
    out = cli(shop, "schedule", "AE", "-p", project, "--pause", code=1)
    assert "API 'AE' has no schedule" in out


def test_apis_settings_show_and_change_the_run_settings(connected_shop: ConnectedShop, idle_api: str) -> None:
    shop, project = connected_shop, idle_api
    shown = cli(shop, "apis", "settings", "AE", "-p", project)
    assert "removal:              offline" in shown and "guard rails:          true" in shown
    assert "max removed share:    0.2" in shown and "Saved" not in shown

    out = cli(
        shop, "apis", "settings", "AE", "-p", project,
        "--removal", "delete", "--no-guard-rails", "--max-removed-share", "0.5", "--guard-min-listings", "3",
    )  # fmt: skip
    assert "Saved the run settings of API 'AE'." in out
    assert "removal:              delete" in out and "guard rails:          false" in out
    assert "max removed share:    0.5" in out and "guard min listings:   3" in out
    assert "max price change:     0.3" in out  # what was not given is kept

    out = cli(shop, "apis", "settings", "AE", "-p", project, "--max-removed-share", "1.5", code=1)
    assert "Error: --max-removed-share: Input should be less than or equal to 1" in out
    assert "max removed share:    0.5" in cli(shop, "apis", "settings", "AE", "-p", project)
    out = cli(shop, "apis", "settings", "AE", "-p", project, "--removal", "burn", code=2)
    assert "'burn' is not one of" in out
