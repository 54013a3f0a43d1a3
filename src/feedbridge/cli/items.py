"""`feedbridge items`: page through a project's current items and show one item with its typed values."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from feedbridge.catalog.items import DEFAULT_PAGE_SIZE, ItemFilter, get_item, list_items
from feedbridge.cli.company import CompanyOption, resolve_company
from feedbridge.config import Settings
from feedbridge.db.database import open_database
from feedbridge.projects.services import find_project

app = typer.Typer(
    help="Browse a project's current items (the merged result of its imports).", no_args_is_help=True
)

ProjectArg = Annotated[str, typer.Argument(help="The project's name.")]
DEFAULT_FIELDS = 6  # columns shown without --fields: a terminal is narrow
CELL_CHARS = 60


def _cell(value: Any) -> str:
    text = "" if value is None else ", ".join(value) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return escape(text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…")


@app.command("list")
def list_(
    ctx: typer.Context,
    project: ProjectArg,
    where: Annotated[str | None, typer.Option(help="FIELD~TEXT (contains) or FIELD=TEXT (equals), ignoring case.")] = None,
    page: Annotated[int, typer.Option(help="Page number, from 1.", min=1)] = 1,
    page_size: Annotated[int, typer.Option(help="Items per page.", min=1, max=1000)] = DEFAULT_PAGE_SIZE,
    fields: Annotated[str | None, typer.Option(help="Comma-separated fields to show; default: the first few.")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """List a page of the project's items, optionally filtered."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    with database.sessions() as session:
        company_id = resolve_company(session, company, create=False)
        found = find_project(session, company_id, project)
        result = list_items(
            session,
            company_id,
            found.id,
            where=ItemFilter.parse(where) if where else None,
            page=page,
            page_size=page_size,
            fields=wanted,
        )
    shown = result.fields if wanted else result.fields[:DEFAULT_FIELDS]
    table = Table(*[escape(name) for name in shown])
    for item in result.items:
        table.add_row(*[_cell(item.get(name)) for name in shown])
    console = Console()
    console.print(table)
    console.print(f"{result.total} items; page {result.page} of {result.pages}", markup=False)


@app.command()
def show(
    ctx: typer.Context,
    project: ProjectArg,
    item_id: Annotated[str, typer.Argument(help="The item's unique ID.")],
    company: CompanyOption = None,
) -> None:
    """Show every field of one item: its type, the value as imported and as typed."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions() as session:
        company_id = resolve_company(session, company, create=False)
        item = get_item(session, company_id, find_project(session, company_id, project).id, item_id)
    table = Table("field", "type", "value", "typed", title=escape(f"{item.id_field} = {item.id}"))
    for name, value in item.values.items():
        typed = item.typed.get(name)
        typed_text = (
            ""
            if typed == value
            else ("(does not read as its type)" if typed is None and value else str(typed))
        )
        table.add_row(
            escape(name),
            item.field_types.get(name, "text"),
            escape(str(value) if value is not None else ""),
            escape(typed_text),
        )
    Console().print(table)
