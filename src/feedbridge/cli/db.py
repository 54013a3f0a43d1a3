import typer

from feedbridge.config import Settings
from feedbridge.db.engine import display_url
from feedbridge.db.migrate import upgrade as upgrade_schema

app = typer.Typer(help="Manage the feedbridge database.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Create the database schema, or bring it up to date with this version of feedbridge."""
    settings: Settings = ctx.obj
    revision = upgrade_schema(settings.database_url)
    typer.echo(f"Database {display_url(settings.database_url)} is up to date (revision {revision}).")
