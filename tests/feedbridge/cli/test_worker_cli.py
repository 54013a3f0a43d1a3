"""`feedbridge worker`: executes queued runs (here once, as from cron) and refuses an executor that does not
fit the database."""

from __future__ import annotations

from typer.testing import CliRunner

from feedbridge.cli.main import app
from feedbridge.jobs import queue_manual_run
from feedbridge.sync.models import RunStatus
from support.shop import ConnectedShop
from support.sync import ImageServer, feed, lamp, new_seller, products_of, ready_api, run_row

runner = CliRunner()


def test_the_worker_executes_a_queued_run(connected_shop: ConnectedShop, images: ImageServer) -> None:
    shop = connected_shop
    seller = new_seller(shop)
    _, api_id = ready_api(shop, seller, feed(lamp("WK-L1", images.base_url), lamp("WK-L2", images.base_url)))
    run_id = queue_manual_run(shop.sessions, shop.company_id, api_id, shop.ctx.now())

    result = runner.invoke(app, ["worker", "--once"], obj=shop.settings)

    assert result.exit_code == 0, result.output
    assert f"run {run_id} of API 'AE' (manual): succeeded; 2 created" in result.output
    assert "1 run(s) executed." in result.output
    assert run_row(shop, run_id).status == RunStatus.SUCCEEDED
    assert len(products_of(shop, seller)) == 2


def test_procrastinate_on_sqlite_is_refused_with_the_fix(connected_shop: ConnectedShop) -> None:
    settings = connected_shop.settings.model_copy(
        update={"database_url": "sqlite:///elsewhere.db", "worker_executor": "procrastinate"}
    )

    result = runner.invoke(app, ["worker"], obj=settings)

    assert result.exit_code == 1
    assert "procrastinate needs PostgreSQL" in result.output and "Traceback" not in result.output
