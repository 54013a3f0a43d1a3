"""`feedbridge quality API`: how many listings are ready, blocked and excluded, and every issue — mandatory
ones first — with the items and listings it affects and where to fix it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from feedbridge.cli.api_context import ApiName, ProjectOption, StepBar, open_api
from feedbridge.cli.company import CompanyOption
from feedbridge.listings import services
from feedbridge.listings.quality import QualitySummary, Severity

FIXES = {
    "view_items": "view items (preview --issue CODE)",
    "view_in_build": "view in build (build show / build set)",
    "set_categories": "set categories (categories lines)",
    "show_source": "show source (the API's unique ID field)",
}


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_line(summary: QualitySummary) -> str:
    excluded = f"{_many(summary.excluded_listings, 'listing')} ({_many(summary.excluded_items, 'item')}) excluded by the rules"
    return (
        f"{summary.listings} listings from {summary.items} items: {summary.ready} ready, "
        f"{summary.blocked} blocked by mandatory issues; {excluded}."
    )


def quality(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    refresh: Annotated[bool, typer.Option("--refresh", help="Build the listings again even if nothing changed.")] = False,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Check the quality of the API's listings (mandatory issues block a listing; fix them first)."""
    found = open_api(ctx.obj, company, project, api)
    with StepBar() as bar:
        summary = services.quality(found.database.sessions, found.ctx, found.company_id, found.api_id,
                                   refresh=refresh, progress=bar)  # fmt: skip
    console = Console()
    console.print(escape(summary_line(summary)))
    if not summary.issues:
        console.print("[green]No issues.[/green]")
        return
    table = Table("severity", "code", "attribute", "items", "listings", "fix", "what is wrong",
                  title=escape(f"Issues of API '{found.name}'"))  # fmt: skip
    for issue in summary.issues:
        style = "red" if issue.severity is Severity.MANDATORY else "yellow"
        table.add_row(f"[{style}]{issue.severity.value}[/{style}]", issue.code, escape(issue.label),
                      str(issue.items), str(issue.listings), FIXES[issue.fix.value], escape(issue.message))  # fmt: skip
    console.print(table)
