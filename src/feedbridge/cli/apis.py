"""`feedbridge apis`: a project's AliExpress APIs — create, list, show, run settings, activate, deactivate,
delete."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from feedbridge.apis import services
from feedbridge.apis.folders import remove_api_folder
from feedbridge.apis.models import AliExpressApi, Language
from feedbridge.cli.api_context import StepBar, open_api
from feedbridge.cli.company import CompanyOption, resolve_company
from feedbridge.connections.models import Connection
from feedbridge.connections.services import get_connection
from feedbridge.db.database import open_database
from feedbridge.errors import InvalidInput
from feedbridge.listings.services import activation_report
from feedbridge.projects.services import find_project
from feedbridge.rules.records import RuleSetRecord
from feedbridge.rules.services import find_rule_set
from feedbridge.sync.settings import RemovalPolicy, changed_settings, sync_settings

app = typer.Typer(
    help="A project's AliExpress APIs: create, list, show, run settings, activate, deactivate, delete.",
    no_args_is_help=True,
)

Name = Annotated[str, typer.Argument(help="The API's name, unique in its project.")]
ProjectOption = Annotated[str, typer.Option("--project", "-p", help="The project's name.")]


def _project(session: Session, company: str | None, project: str) -> tuple[int, int]:
    company_id = resolve_company(session, company, create=False)
    return company_id, find_project(session, company_id, project).id


def _api(session: Session, company: str | None, project: str, name: str) -> tuple[int, AliExpressApi]:
    company_id, project_id = _project(session, company, project)
    return company_id, services.find_api(session, company_id, project_id, name)


def _rule_set_name(session: Session, api: AliExpressApi) -> str:
    return "-" if api.rule_set_id is None else session.get_one(RuleSetRecord, api.rule_set_id).name


@app.command()
def create(
    ctx: typer.Context,
    name: Name,
    project: ProjectOption,
    connection: Annotated[str, typer.Option("--connection", "-c", help="The connection's label.")],
    language: Annotated[Language, typer.Option(help="AliExpress language of titles and descriptions.")],
    unique_id: Annotated[str | None, typer.Option("--unique-id", help="The field that becomes the SKU code; default: the project's ID field. Cannot change later.")] = None,
    rule_set: Annotated[str | None, typer.Option("--rule-set", "-r", help="An API rule set of the project.")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Create an API (inactive until `apis activate`)."""
    database = open_database(ctx.obj)
    with database.sessions.begin() as session:
        company_id, project_id = _project(session, company, project)
        rule_set_id = (
            None if rule_set is None else find_rule_set(session, company_id, project_id, rule_set).id
        )
        api = services.create_api(
            session, company_id, project_id, name, language=language,
            connection_id=get_connection(session, company_id, connection).id,
            unique_id_field=unique_id, rule_set_id=rule_set_id,
        )  # fmt: skip
        typer.echo(
            f"Created API '{api.name}' (id {api.id}, {api.language}); SKU codes come from field "
            f"'{api.unique_id_field}'. Activate it with: feedbridge apis activate '{api.name}' -p '{project}'"
        )


@app.command("list")
def list_(ctx: typer.Context, project: ProjectOption, company: CompanyOption = None) -> None:
    """List the project's APIs."""
    database = open_database(ctx.obj)
    with database.sessions() as session:
        apis = services.list_apis(session, *_project(session, company, project))
        if not apis:
            typer.echo(f"Project '{project}' has no APIs yet. Create one with: feedbridge apis create NAME")
            return
        table = Table("id", "name", "connection", "language", "unique ID", "rule set", "active")
        for api in apis:
            table.add_row(
                str(api.id),
                escape(api.name),
                escape(session.get_one(Connection, api.connection_id).label),
                api.language,
                escape(api.unique_id_field),
                escape(_rule_set_name(session, api)),
                "yes" if api.is_active else "no",
            )
        Console().print(table)


@app.command()
def show(ctx: typer.Context, name: Name, project: ProjectOption, company: CompanyOption = None) -> None:
    """Everything about one API."""
    database = open_database(ctx.obj)
    with database.sessions() as session:
        _, api = _api(session, company, project, name)
        connection = session.get_one(Connection, api.connection_id)
        rows = [
            ("name", api.name),
            ("project", project),
            (
                "connection",
                f"{connection.label} (seller {connection.seller_account or connection.seller_id})",
            ),
            ("language", api.language),
            ("unique ID field", f"{api.unique_id_field} (the SKU code; fixed)"),
            ("rule set", _rule_set_name(session, api)),
            ("active", "yes" if api.is_active else "no"),
            ("settings", json.dumps(api.settings, sort_keys=True)),
            ("created", f"{api.created_at:%Y-%m-%d %H:%M}"),
            ("updated", f"{api.updated_at:%Y-%m-%d %H:%M}"),
        ]
    for key, value in rows:
        typer.echo(f"{key + ':':<17}{value}")


@app.command()
def settings(
    ctx: typer.Context,
    name: Name,
    project: ProjectOption,
    removal: Annotated[RemovalPolicy | None, typer.Option(help="A listing that left the feed: taken offline (keeps its reviews) or deleted.")] = None,
    guard_rails: Annotated[bool | None, typer.Option("--guard-rails/--no-guard-rails", help="Hold a run that removes or re-prices many listings until it is confirmed.")] = None,
    max_removed_share: Annotated[float | None, typer.Option(help="Hold a run that removes more than this share of the live listings (0 to 1).")] = None,
    max_repriced_share: Annotated[float | None, typer.Option(help="Hold a run that changes the price of more than this share of the live listings (0 to 1) by more than --max-price-change.")] = None,
    max_price_change: Annotated[float | None, typer.Option(help="The price change (a share of the old price, either way) that counts for --max-repriced-share.")] = None,
    guard_min_listings: Annotated[int | None, typer.Option(help="Hold a run only when it touches at least this many listings.")] = None,
    feed_min_listings: Annotated[int | None, typer.Option(help="Send creates and content updates as feed jobs of 300 when a run has at least this many.")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Show the API's run settings, or change those given (see docs/running.md)."""
    given = {
        "removal": removal, "guard_rails": guard_rails, "max_removed_share": max_removed_share,
        "max_repriced_share": max_repriced_share, "max_price_change": max_price_change,
        "guard_min_listings": guard_min_listings, "feed_min_listings": feed_min_listings,
    }  # fmt: skip
    changes = {key: value for key, value in given.items() if value is not None}
    database = open_database(ctx.obj)
    with database.sessions.begin() as session:
        company_id, api = _api(session, company, project, name)
        if changes:
            try:
                updated = changed_settings(api.settings, changes)
            except InvalidInput as error:  # named as its option
                message = str(error).removeprefix(f"{error.field}: ")
                raise InvalidInput("--" + error.field.replace("_", "-"), message) from None
            services.edit_api(session, company_id, api.id, settings=updated)
        current = sync_settings(api.settings)
    if changes:
        typer.echo(f"Saved the run settings of API '{api.name}'.")
    for key, value in current.model_dump(mode="json").items():
        typer.echo(
            f"{key.replace('_', ' ') + ':':<22}{str(value).lower() if isinstance(value, bool) else value}"
        )


@app.command()
def activate(ctx: typer.Context, name: Name, project: ProjectOption, company: CompanyOption = None) -> None:
    """Activate the API: runs send its listings (the project must be active too); says how many
    listings a run will skip because of mandatory quality issues."""
    found = open_api(ctx.obj, company, project, name)
    with StepBar() as bar:
        report = activation_report(found.database.sessions, found.ctx, found.company_id, found.api_id,
                                   active=True, progress=bar)  # fmt: skip
    typer.echo(f"Activated API '{found.name}'.")
    if not report.project_active:
        typer.echo(f"Project '{project}' is inactive: the API will not run until the project is active too.")
    if report.summary is None:
        typer.echo(f"The quality of its listings could not be checked: {report.unchecked}")
    elif report.summary.blocked:
        typer.echo(
            f"{report.summary.blocked} of {report.summary.listings} listings have mandatory issues and will be "
            f"skipped by runs until they are fixed: see `feedbridge quality '{found.name}' -p '{project}'`."
        )


@app.command()
def deactivate(ctx: typer.Context, name: Name, project: ProjectOption, company: CompanyOption = None) -> None:
    """Deactivate the API: runs skip it; nothing on AliExpress changes."""
    database = open_database(ctx.obj)
    with database.sessions.begin() as session:
        company_id, api = _api(session, company, project, name)
        services.deactivate_api(session, company_id, api.id)
    typer.echo(f"Deactivated API '{api.name}'; nothing on AliExpress was changed.")


@app.command()
def delete(
    ctx: typer.Context,
    name: Name,
    project: ProjectOption,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    company: CompanyOption = None,
) -> None:
    """Forget the API's setup (category lines, build, AI assignments, built listings). Nothing on
    AliExpress is touched: the listings it sent stay there as they are."""
    if not yes:
        typer.confirm(
            f"Delete API '{name}' and its categories, build and listings in feedbridge?", abort=True
        )
    database = open_database(ctx.obj)
    with database.sessions.begin() as session:
        company_id, api = _api(session, company, project, name)
        services.delete_api(session, company_id, api.id)
    remove_api_folder(ctx.obj, api)
    typer.echo(f"Deleted API '{name}'; nothing on AliExpress was changed.")
