"""`feedbridge sandbox serve`: run the local AliExpress emulator (the only place feedbridge starts it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Run the local AliExpress sandbox.", no_args_is_help=True)


def _announce(console: Console) -> Callable[[dict[str, object]], None]:
    def show(creds: dict[str, object]) -> None:
        app_info = creds["app"]
        seller = creds["seller"]
        assert isinstance(app_info, dict) and isinstance(seller, dict)
        table = Table(title="AliExpress sandbox", show_header=False)
        table.add_row("gateway (/sync, /rest)", str(creds["gateway_url"]))
        table.add_row("OAuth authorize", str(creds["authorize_url"]))
        table.add_row("products page", str(creds["products_page_url"]))
        if creds.get("admin_url"):
            table.add_row("admin API", str(creds["admin_url"]))
        table.add_row("app key", str(app_info["app_key"]))
        table.add_row("app secret", str(app_info["app_secret"]))
        table.add_row("redirect URIs", "\n".join(app_info["redirect_uris"]))
        table.add_row("seller login", f"{seller['email']} / {seller['password']}")
        table.add_row("seller id", str(seller["seller_id"]))
        console.print(table)
        console.print(f"listening on {creds['gateway_url']}", highlight=False)
        console.file.flush()

    return show


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 8765,
    data_dir: Annotated[
        Path, typer.Option(help="Where the sandbox keeps its SQLite state and credentials.json.")
    ] = Path("sandbox-data"),
    admin: Annotated[
        bool, typer.Option("--admin", help="Enable the unsigned /_admin control endpoints.")
    ] = False,
    public_url: Annotated[str, typer.Option(help="Base URL clients use, if not http://HOST:PORT.")] = "",
) -> None:
    """Start the sandbox; prints the app key, secret, seller login and URLs (also in credentials.json)."""
    from aliexpress_sandbox.server import serve as run

    console = Console(soft_wrap=True)
    run(
        data_dir=data_dir.resolve(),
        host=host,
        port=port,
        admin=admin,
        public_url=public_url,
        announce=_announce(console),
    )
