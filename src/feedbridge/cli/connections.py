"""`feedbridge connections`: connect AliExpress seller accounts, look after their tokens and account data.

Without --company, commands use the only company there is; `add` and `authorize` create a company
"default" when there is none yet. No command prints a token, an app secret or a key.
"""

from __future__ import annotations

import os
import webbrowser
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from feedbridge.cli.company import CompanyOption, NoCompany, resolve_company
from feedbridge.config import Settings
from feedbridge.connections import account_data
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.errors import ConnectionFaulty
from feedbridge.connections.keys import check_secrets_open, reencrypt_secrets
from feedbridge.connections.listener import CallbackListener
from feedbridge.connections.models import Connection
from feedbridge.connections.oauth import begin_connection, complete_connection
from feedbridge.connections.services import get_connection, list_connections, remove_connection
from feedbridge.connections.status import ConnectionStatus, connection_status
from feedbridge.connections.tokens import refresh_connection
from feedbridge.db.database import Database, open_database
from feedbridge.encryption import add_key, keep_newest_key, load_keyring, newest_only

app = typer.Typer(
    help="Connect AliExpress seller accounts; list, refresh and remove connections; browse account data.",
    no_args_is_help=True,
)
data_app = typer.Typer(help="Show a connection's account data (cached, read from AliExpress when stale).")
app.add_typer(data_app, name="data")

APP_SECRET_VARIABLE = "FEEDBRIDGE_APP_SECRET"

Label = Annotated[str, typer.Argument(help="The connection's label, e.g. 'Main shop'.")]
AppKey = Annotated[
    str | None,
    typer.Option(help="App key of your AliExpress Open Platform app (reconnecting may leave it out)."),
]
AppSecretFile = Annotated[
    Path | None,
    typer.Option(
        help=f"File holding the app secret. Otherwise ${APP_SECRET_VARIABLE}, else a prompt.",
        exists=True,
        dir_okay=False,
    ),
]
GatewayUrl = Annotated[
    str | None, typer.Option(help="Gateway URL; default FEEDBRIDGE_ALIEXPRESS_GATEWAY_URL.")
]
RedirectUri = Annotated[
    str | None,
    typer.Option(help="Callback URL registered for the app; default FEEDBRIDGE_ALIEXPRESS_REDIRECT_URI."),
]


@dataclass(frozen=True)
class _Session:
    database: Database
    ctx: ConnectionContext


def _open(settings: Settings) -> _Session:
    database = open_database(settings)
    return _Session(database, ConnectionContext(settings, load_keyring(settings)))


def _app_secret(app_key: str | None, secret_file: Path | None) -> str | None:
    """The app secret from a file, the environment or a prompt; never from the command line (shell history)."""
    if secret_file is not None:
        return secret_file.read_text().strip()
    if os.environ.get(APP_SECRET_VARIABLE):
        return os.environ[APP_SECRET_VARIABLE].strip()
    if app_key is None:
        return None  # reconnecting with the stored app key and secret
    secret: str = typer.prompt("App secret", hide_input=True)
    return secret


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def _status_text(ctx: ConnectionContext, connection: Connection) -> str:
    return connection_status(connection, ctx.now(), ctx.warning_period).describe()


def _begin(
    settings: Settings,
    company: str | None,
    label: str,
    app_key: str | None,
    secret_file: Path | None,
    gateway_url: str | None,
    redirect_uri: str | None,
) -> tuple[_Session, int, str]:
    secret = _app_secret(app_key, secret_file)
    opened = _open(settings)
    with opened.database.sessions.begin() as session:
        company_id = resolve_company(session, company, create=True)
        request = begin_connection(
            session,
            opened.ctx,
            company_id,
            label,
            app_key,
            secret,
            gateway_url=gateway_url,
            redirect_uri=redirect_uri,
        )
    return opened, company_id, request.authorize_url


def _finish(opened: _Session, company_id: int, redirect_url: str) -> None:
    with opened.database.sessions.begin() as session:
        connection = complete_connection(session, opened.ctx, company_id, redirect_url=redirect_url)
    seller = connection.seller_account or connection.seller_id
    typer.echo(f"Connected '{connection.label}' to AliExpress seller {seller} (id {connection.seller_id}).")
    if connection.fault is not None:
        # Stored (so the list shows why), but not usable: say so and fail the command.
        raise ConnectionFaulty(connection.label, connection.last_error or "see `feedbridge connections show`")
    typer.echo(
        f"Status: {_status_text(opened.ctx, connection)}; tokens valid until {_when(connection.refresh_expires_at)}."
    )


@app.command()
def add(
    ctx: typer.Context,
    label: Label,
    app_key: AppKey = None,
    app_secret_file: AppSecretFile = None,
    paste: Annotated[
        bool,
        typer.Option("--paste", help="Paste the redirect URL instead of receiving it on a local listener."),
    ] = False,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the authorize page in a web browser.")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the callback.", min=1)] = 300,
    company: CompanyOption = None,
    gateway_url: GatewayUrl = None,
    redirect_uri: RedirectUri = None,
) -> None:
    """Connect (or reconnect) a seller account: sign in on AliExpress, come back, done."""
    settings: Settings = ctx.obj
    listen_on = redirect_uri or settings.aliexpress_redirect_uri
    # Listening starts before the seller is sent away, so the redirect cannot arrive too early.
    listener = None if paste else CallbackListener(listen_on)
    try:
        opened, company_id, url = _begin(
            settings, company, label, app_key, app_secret_file, gateway_url, redirect_uri
        )
        typer.echo("Open this address, sign in with the seller's AliExpress account and allow access:")
        typer.echo(url)
        if open_browser:
            webbrowser.open(url)
        if listener is None:
            redirect_url = typer.prompt("Paste the address the browser was sent to")
        else:
            typer.echo(f"Waiting up to {timeout:g} s for the callback on {listen_on} ...")
            redirect_url = listener.wait(timeout)
    finally:
        if listener is not None:
            listener.close()
    _finish(opened, company_id, redirect_url)


@app.command()
def authorize(
    ctx: typer.Context,
    label: Label,
    app_key: AppKey = None,
    app_secret_file: AppSecretFile = None,
    company: CompanyOption = None,
    gateway_url: GatewayUrl = None,
    redirect_uri: RedirectUri = None,
) -> None:
    """Step 1 for scripts: print the authorize URL (valid 10 minutes); finish with `complete`."""
    _, _, url = _begin(ctx.obj, company, label, app_key, app_secret_file, gateway_url, redirect_uri)
    typer.echo(url)


@app.command()
def complete(
    ctx: typer.Context,
    redirect_url: Annotated[
        str, typer.Argument(help="The address the browser was sent to after signing in.")
    ],
    company: CompanyOption = None,
) -> None:
    """Step 2 for scripts: finish the connection from the redirect URL (with its code and state)."""
    opened = _open(ctx.obj)
    with opened.database.sessions() as session:
        company_id = resolve_company(session, company, create=False)
    _finish(opened, company_id, redirect_url)


@app.command("list")
def list_(ctx: typer.Context, company: CompanyOption = None) -> None:
    """The company's connections with their seller, country, status and token expiries."""
    opened = _open(ctx.obj)
    with opened.database.sessions() as session:
        try:
            connections = list_connections(session, resolve_company(session, company, create=False))
        except NoCompany:
            connections = []
    if not connections:
        typer.echo("No connections yet; add one with: feedbridge connections add LABEL --app-key KEY")
        return
    table = Table(
        "label", "seller", "seller id", "country", "status", "access token expires", "refresh token expires"
    )
    for connection in connections:
        table.add_row(
            connection.label,
            connection.seller_account or "-",
            connection.seller_id,
            connection.country or "-",
            _status_text(opened.ctx, connection),
            _when(connection.access_expires_at),
            _when(connection.refresh_expires_at),
        )
    Console(soft_wrap=True).print(table)


@app.command()
def show(ctx: typer.Context, label: Label, company: CompanyOption = None) -> None:
    """Everything about one connection except its secrets."""
    opened = _open(ctx.obj)
    with opened.database.sessions() as session:
        connection = get_connection(session, resolve_company(session, company, create=False), label)
        cached = account_data.cached_entries(session, connection.id)
    report = connection_status(connection, opened.ctx.now(), opened.ctx.warning_period)
    rows = [
        ("label", connection.label),
        ("seller", f"{connection.seller_account or '-'} (id {connection.seller_id})"),
        ("shop", connection.shop_name or "-"),
        ("country", connection.country or "-"),
        ("app key", connection.app_key),
        ("gateway", connection.gateway_url),
        ("status", report.describe()),
        ("access token expires", _when(connection.access_expires_at)),
        ("refresh token expires", f"{_when(connection.refresh_expires_at)} ({report.days_left} days left)"),
        ("tokens issued", _when(connection.last_refreshed_at)),
        ("last error", connection.last_error or "-"),
        ("cached account data", f"{len(cached)} answers"),
    ]
    for name, value in rows:
        typer.echo(f"{name + ':':<23}{value}")
    if report.status is ConnectionStatus.EXPIRED:
        typer.echo(f"Reconnect it with: feedbridge connections add '{connection.label}'")


@app.command()
def refresh(
    ctx: typer.Context,
    label: Label,
    data: Annotated[bool, typer.Option("--data", help="Also reload the cached account data.")] = False,
    company: CompanyOption = None,
) -> None:
    """Refresh the tokens now (and check the seller's eligibility again); --data reloads account data."""
    opened = _open(ctx.obj)
    with opened.database.sessions() as session:
        connection_id = get_connection(session, resolve_company(session, company, create=False), label).id
    refresh_connection(opened.database.sessions, opened.ctx, connection_id)
    with opened.database.sessions() as session:
        connection = session.get_one(Connection, connection_id)
    typer.echo(
        f"Refreshed '{connection.label}': access token valid until {_when(connection.access_expires_at)}; "
        f"status {_status_text(opened.ctx, connection)}."
    )
    if connection.fault is not None:
        raise ConnectionFaulty(connection.label, connection.last_error or "see `feedbridge connections show`")
    if data:
        count = account_data.reload_account_data(opened.database.sessions, opened.ctx, connection_id)
        typer.echo(f"Reloaded {count} account data answers.")


@app.command()
def remove(
    ctx: typer.Context,
    label: Label,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    company: CompanyOption = None,
) -> None:
    """Forget a connection in feedbridge; nothing on AliExpress is changed."""
    opened = _open(ctx.obj)
    with opened.database.sessions.begin() as session:
        company_id = resolve_company(session, company, create=False)
        connection = get_connection(session, company_id, label)
        if not yes:
            typer.confirm(
                f"Remove connection '{connection.label}' (seller {connection.seller_id}) from feedbridge? "
                "Listings on AliExpress stay as they are",
                abort=True,
            )
        remove_connection(session, company_id, label)
    typer.echo(f"Removed connection '{connection.label}'.")


@app.command("rotate-key")
def rotate_key(ctx: typer.Context) -> None:
    """Put a new encryption key in front and re-encrypt every stored secret with it."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    # With FEEDBRIDGE_SECRET_KEY the operator puts the new key in front; a key file gets one here.
    keyring = load_keyring(settings) if settings.secret_key is not None else add_key(settings)
    with database.sessions.begin() as session:
        count = reencrypt_secrets(session, keyring)
    typer.echo(f"Re-encrypted {count} secrets with the newest of {keyring.key_count} keys.")
    typer.echo(
        "Older keys are kept; once every feedbridge process has restarted, run: feedbridge connections drop-old-keys"
    )


@app.command("drop-old-keys")
def drop_old_keys(ctx: typer.Context) -> None:
    """Drop every key but the newest, after checking that it alone opens every stored secret."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions.begin() as session:
        # Catches secrets a process still running with the old keyring wrote after the rotation.
        reencrypt_secrets(session, load_keyring(settings))
        check_secrets_open(session, newest_only(settings))
    if settings.secret_key is not None:
        typer.echo(
            "Every secret opens with the first key of FEEDBRIDGE_SECRET_KEY; remove the other keys from it now."
        )
        return
    keep_newest_key(settings)
    typer.echo(f"Dropped the older keys from {settings.secret_key_file}.")


@dataclass(frozen=True)
class _DataTarget:
    settings: Settings
    label: str
    company: str | None


Language = Annotated[str, typer.Option(help="API language of the names, e.g. en, es, fr (English fallback).")]
Refresh = Annotated[
    bool, typer.Option("--refresh", help="Read it from AliExpress again, however fresh the cache.")
]


def _data_target(ctx: typer.Context) -> tuple[_Session, int]:
    target: _DataTarget = ctx.obj
    opened = _open(target.settings)
    with opened.database.sessions() as session:
        connection = get_connection(
            session, resolve_company(session, target.company, create=False), target.label
        )
    return opened, connection.id


@data_app.callback(invoke_without_command=True)
def data(ctx: typer.Context, label: Label, company: CompanyOption = None) -> None:
    """The cached account data of a connection; subcommands show categories, templates, schemas."""
    ctx.obj = _DataTarget(ctx.obj, label, company)
    if ctx.invoked_subcommand is not None:
        return
    opened, connection_id = _data_target(ctx)
    with opened.database.sessions() as session:
        entries = account_data.cached_entries(session, connection_id)
    if not entries:
        typer.echo("Nothing cached yet; try: categories, templates, schema CATEGORY, attributes CATEGORY.")
    for entry in entries:
        typer.echo(f"{entry.kind:<32}{entry.language or '-':<6}fetched {_when(entry.fetched_at)}")


@data_app.command()
def categories(
    ctx: typer.Context,
    parent: Annotated[int, typer.Argument(help="Parent category id; 0 lists the top level.")] = 0,
    language: Language = "en",
    refresh: Refresh = False,
) -> None:
    """The categories under PARENT the seller may post in (leaves are marked)."""
    opened, connection_id = _data_target(ctx)
    found = account_data.category_children(
        opened.database.sessions, opened.ctx, connection_id, parent, language=language, refresh=refresh
    )
    for category in found:
        typer.echo(f"{category.id:>12}  {category.name}{'  (leaf)' if category.is_leaf else ''}")


@data_app.command()
def templates(ctx: typer.Context, refresh: Refresh = False) -> None:
    """Freight templates, service templates and product groups."""
    opened, connection_id = _data_target(ctx)
    sessions, cctx = opened.database.sessions, opened.ctx
    typer.echo("Freight templates:")
    for freight in account_data.freight_templates(sessions, cctx, connection_id, refresh=refresh):
        typer.echo(
            f"{freight.template_id:>12}  {freight.template_name}{'  (default)' if freight.is_default else ''}"
        )
    typer.echo("Service templates:")
    for service in account_data.service_templates(sessions, cctx, connection_id, refresh=refresh):
        typer.echo(f"{service.id:>12}  {service.name}")
    typer.echo("Product groups:")
    for group in account_data.product_groups(sessions, cctx, connection_id, refresh=refresh):
        typer.echo(f"{group.group_id:>12}  {group.group_name}")
        for child in group.children:
            typer.echo(f"{child.group_id:>14}  {child.group_name}")


@data_app.command()
def schema(
    ctx: typer.Context,
    category: Annotated[int, typer.Argument(help="Leaf category id.")],
    refresh: Refresh = False,
) -> None:
    """The JSON Schema of a product in a leaf category, with the seller's own options."""
    opened, connection_id = _data_target(ctx)
    found = account_data.product_schema(
        opened.database.sessions, opened.ctx, connection_id, category, refresh=refresh
    )
    typer.echo(orjson.dumps(found, option=orjson.OPT_INDENT_2).decode())


@data_app.command()
def attributes(
    ctx: typer.Context,
    category: Annotated[int, typer.Argument(help="Leaf category id.")],
    language: Language = "en",
    refresh: Refresh = False,
) -> None:
    """The attributes of a leaf category (required ones marked) with their number of values."""
    opened, connection_id = _data_target(ctx)
    found = account_data.category_attributes(
        opened.database.sessions, opened.ctx, connection_id, category, language=language, refresh=refresh
    )
    for attribute in found:
        marks = ", ".join(m for m, on in (("required", attribute.required), ("SKU", attribute.sku)) if on)
        name = account_data.pick_name(attribute.names, language)
        typer.echo(
            f"{attribute.id:>12}  {name}{f'  ({marks})' if marks else ''}  {len(attribute.values)} values"
        )
