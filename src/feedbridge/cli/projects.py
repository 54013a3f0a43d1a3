"""`feedbridge projects`: create and list a company's projects (merchant catalogues)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from feedbridge.cli.company import CompanyOption, NoCompany, resolve_company
from feedbridge.config import Settings
from feedbridge.db.database import open_database
from feedbridge.projects.services import create_project, list_projects

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
