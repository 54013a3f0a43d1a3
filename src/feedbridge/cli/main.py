from typing import Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from feedbridge.cli.apis import app as apis_app
from feedbridge.cli.build import app as build_app
from feedbridge.cli.categories import app as categories_app
from feedbridge.cli.config import app as config_app
from feedbridge.cli.connections import app as connections_app
from feedbridge.cli.db import app as db_app
from feedbridge.cli.imports import app as imports_app
from feedbridge.cli.items import app as items_app
from feedbridge.cli.preview import preview
from feedbridge.cli.projects import app as projects_app
from feedbridge.cli.quality import quality
from feedbridge.cli.rules import app as rules_app
from feedbridge.cli.runs import clear, listings, results_, run, runs
from feedbridge.cli.sandbox import app as sandbox_app
from feedbridge.cli.schedule import schedule
from feedbridge.cli.worker import worker
from feedbridge.config import get_settings
from feedbridge.errors import FeedbridgeError
from feedbridge.log import configure_logging


class _FeedbridgeGroup(TyperGroup):
    """Shows a FeedbridgeError as a short message with exit status 1 instead of a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FeedbridgeError as error:
            Console(stderr=True, soft_wrap=True).print(Text.assemble(("Error: ", "bold red"), str(error)))
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_FeedbridgeGroup,
    help="feedbridge: list a merchant's catalogue on AliExpress and keep it in sync.",
    no_args_is_help=True,
)


@app.callback()
def main(ctx: typer.Context) -> None:
    # Tests (and embedding code) may pass ready-made Settings as the context object.
    if ctx.obj is None:
        ctx.obj = get_settings()
    configure_logging(ctx.obj)


app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")
app.add_typer(connections_app, name="connections")
app.add_typer(projects_app, name="projects")
app.add_typer(imports_app, name="imports")
app.add_typer(items_app, name="items")
app.add_typer(rules_app, name="rules")
app.add_typer(apis_app, name="apis")
app.add_typer(build_app, name="build")
app.command()(quality)
app.command()(preview)
app.command()(run)
app.command()(runs)
app.command("results")(results_)
app.command()(listings)
app.command()(clear)
app.command()(schedule)
app.command()(worker)
app.add_typer(categories_app, name="categories")
app.add_typer(sandbox_app, name="sandbox")
