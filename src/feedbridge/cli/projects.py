"""`feedbridge projects`: create, list, activate and deactivate a company's projects (merchant catalogues)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from feedbridge.cli.company import CompanyOption, NoCompany, resolve_company
from feedbridge.config import Settings
from feedbridge.db.database import open_database
from feedbridge.projects.services import (
    activate_project,
    create_project,
    deactivate_project,
    find_project,
    list_projects,
)

app = typer.Typer(help="Create and list projects (one merchant catalogue each).", no_args_is_help=True)


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The project's name, unique in its company.")],
    company: CompanyOption = None,
) -> None:
    """Create a project."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions.begin() as session:
        project = create_project(session, resolve_company(session, company, create=True), name)
        typer.echo(f"Created project '{project.name}' (id {project.id}).")


@app.command("list")
def list_(ctx: typer.Context, company: CompanyOption = None) -> None:
    """List the projects with their state."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions() as session:
        try:
            projects = list_projects(session, resolve_company(session, company, create=False))
        except NoCompany:
            projects = []
        if not projects:
            typer.echo("No projects yet. Create one with: feedbridge projects create NAME")
            return
        table = Table("id", "name", "active", "created")
        for project in projects:
            table.add_row(
                str(project.id),
                project.name,
                "yes" if project.is_active else "no",
                f"{project.created_at:%Y-%m-%d}",
            )
        Console().print(table)


ProjectName = Annotated[str, typer.Argument(help="The project's name.")]


@app.command()
def activate(ctx: typer.Context, name: ProjectName, company: CompanyOption = None) -> None:
    """Make the project active: its APIs run (manually and on their schedules) when they are active too."""
    _set_active(ctx, name, company, active=True)


@app.command()
def deactivate(ctx: typer.Context, name: ProjectName, company: CompanyOption = None) -> None:
    """Make the project inactive: none of its APIs runs until it is activated again."""
    _set_active(ctx, name, company, active=False)


def _set_active(ctx: typer.Context, name: str, company: str | None, *, active: bool) -> None:
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions.begin() as session:
        company_id = resolve_company(session, company, create=False)
        project = find_project(session, company_id, name)
        change = activate_project if active else deactivate_project
        change(session, company_id, project.id)
        typer.echo(f"Project '{project.name}' is now {'active' if active else 'inactive'}.")
