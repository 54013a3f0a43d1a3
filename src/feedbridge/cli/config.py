import typer
from pydantic import SecretStr

from feedbridge.config import Settings
from feedbridge.db.engine import display_url

app = typer.Typer(help="Inspect feedbridge's configuration.", no_args_is_help=True)


def _shown(name: str, value: object) -> str:
    if isinstance(value, SecretStr):
        return "*** (set)"
    if value is None:
        return "(not set)"
    if name == "database_url":
        return display_url(str(value))
    return str(value)


@app.command()
def show(ctx: typer.Context) -> None:
    """Print the effective settings (defaults, .env and FEEDBRIDGE_* variables); secrets are masked."""
    settings: Settings = ctx.obj
    for name in type(settings).model_fields:
        typer.echo(f"{name} = {_shown(name, getattr(settings, name))}")
