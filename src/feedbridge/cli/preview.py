"""`feedbridge preview API`: the API's items as they will be listed, filtered by issue and category, and
the exact AliExpress payload of a listing on demand."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from feedbridge.channels.aliexpress.payloads import PayloadFormat
from feedbridge.cli.api_context import ApiName, ProjectOption, StepBar, open_api
from feedbridge.cli.company import CompanyOption
from feedbridge.listings import services
from feedbridge.listings.preview import PreviewItem


def preview(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    issue: Annotated[str | None, typer.Option(help="Only items whose listing has this issue code ('any': any issue; 'mandatory': blocked listings).")] = None,
    category: Annotated[int | None, typer.Option(help="Only items in this AliExpress category.")] = None,
    page: Annotated[int, typer.Option(help="The page, from 1.")] = 1,
    page_size: Annotated[int, typer.Option(help="Items per page.")] = 20,
    payload: Annotated[str | None, typer.Option(help="Print the payload of the listing that holds this item.")] = None,
    fmt: Annotated[PayloadFormat, typer.Option("--format", help="Payload format: instance (schema APIs, feeds) or post (product.post).")] = PayloadFormat.INSTANCE,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Preview the mapped attributes per item (and their issues), or one listing's payload."""
    found = open_api(ctx.obj, company, project, api)
    sessions = found.database.sessions
    if payload is not None:
        listing = services.listing_payload(
            sessions, found.ctx, found.company_id, found.api_id, payload, fmt=fmt
        )
        state = "BLOCKED by a mandatory issue, not sent" if listing.blocked else "ready"
        typer.echo(f"# listing {listing.listing} ({len(listing.item_ids)} items; {state})", err=True)
        typer.echo(orjson.dumps(orjson.loads(listing.payload), option=orjson.OPT_INDENT_2).decode())
        return
    with StepBar() as bar:
        shown = services.preview(sessions, found.ctx, found.company_id, found.api_id, issue=issue,
                                 category=category, page=page, page_size=page_size, progress=bar)  # fmt: skip
    console = Console()
    for item in shown.items:
        console.print(_item_table(item))
    console.print(f"Page {shown.page} of {shown.pages} ({shown.total} items).")


def _item_table(item: PreviewItem) -> Table:
    state = "[red]blocked[/red]" if item.blocked else "[green]ready[/green]"
    where = (
        f"{item.category_id} {escape(item.category_path or '')}"
        if item.category_id
        else "[red]no category[/red]"
    )
    title = f"{escape(item.item_id)} — listing {escape(item.listing)} ({item.variants} variants) — {state}"
    table = Table("attribute", "value", title=title, caption=where, show_header=False)
    for label, value in item.values:
        table.add_row(escape(label), escape(value[:200] + ("…" if len(value) > 200 else "")))
    for issue, own in item.issues:
        style = "red" if issue.severity.value == "mandatory" else "yellow"
        whose = "" if own else " (on another variant)"
        table.add_row(f"[{style}]{issue.code}[/{style}]", escape(issue.message + whose))
    return table
