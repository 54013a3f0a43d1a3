"""`feedbridge run|runs|results|listings|clear`: run an API (or plan it), its run history, what a run did
with every error explained per item, the state of each listing it sent, and clearing it from AliExpress."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from feedbridge.apis.models import AliExpressApi
from feedbridge.channels.protocol import Action
from feedbridge.cli.api_context import ApiName, ProjectOption, StepBar, open_api
from feedbridge.cli.company import CompanyOption, resolve_company
from feedbridge.config import Settings
from feedbridge.db.database import open_database
from feedbridge.errors import InvalidInput
from feedbridge.projects.models import Project
from feedbridge.sync import results
from feedbridge.sync.clear import clear_api, clear_preview
from feedbridge.sync.explanations import explain
from feedbridge.sync.models import BindingStatus, RunStatus, SyncRun
from feedbridge.sync.runner import PLAN_FILE, run_api, run_folder
from feedbridge.sync.runs import list_runs

SAMPLE_ROWS = 20  # rows of a plan shown for a dry or held run
ERROR_CHARS = 100  # a listing's last error, cut to this in the listings table
STATUS_STYLES = {
    RunStatus.SUCCEEDED: "green", RunStatus.PLANNED: "cyan", RunStatus.HELD: "yellow", RunStatus.FAILED: "red",
    RunStatus.INTERRUPTED: "red", RunStatus.CANCELLED: "dim",
}  # fmt: skip
# Runs that ended as asked: any other end gives exit status 1, so that scripts notice.
OK_STATUSES = (RunStatus.SUCCEEDED, RunStatus.PLANNED)
RunId = Annotated[int, typer.Argument(help="The run's id (see `feedbridge runs API`).")]


def _time(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _duration(duration: timedelta | None) -> str:
    if duration is None:
        return "-"
    seconds = duration.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, second = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {second:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _status(run: SyncRun) -> str:
    style = STATUS_STYLES.get(RunStatus(run.status), "")
    text = run.status + (" (dry run)" if run.dry_run else "")
    return f"[{style}]{text}[/{style}]" if style else text


def _run_command(session: Session, run: SyncRun, *extra: str) -> str:
    api = session.get_one(AliExpressApi, run.api_id)
    project = session.get_one(Project, api.project_id)
    return " ".join(["feedbridge run", shlex.quote(api.name), "-p", shlex.quote(project.name), *extra])


def print_run(
    console: Console, session: Session, settings: Settings, company_id: int, run_id: int
) -> SyncRun:
    """A run's summary: status, times, counts, calls and message; the plan of a dry or held run."""
    summary = results.run_summary(session, company_id, run_id)
    run = summary.run
    kind = run.trigger + (", initial run: existing products matched by SKU code" if run.initial else "")
    console.print(f"Run {run.id} of API '{escape(summary.api)}': {_status(run)} ({escape(kind)})")
    console.print(
        f"Started {_time(run.started_at)}, finished {_time(run.finished_at)}, took "
        f"{_duration(summary.duration)}; {plural(run.calls, 'AliExpress call')}."
    )
    planned_only = run.status in (RunStatus.HELD, RunStatus.PLANNED)
    if not planned_only:  # a plan's counts are its actions, below
        counts = Table("count", "listings", title="Listings")
        for name, value in summary.counts().items():
            counts.add_row(name.replace("_", " "), str(value), style=None if value else "dim")
        console.print(counts)
    hold = run.hold or {}
    if run.status == RunStatus.HELD:
        console.print("[yellow]Held by the guard rails; nothing was sent:[/yellow]")
        for reason in hold.get("reasons", []):
            console.print(f"  - {escape(reason)}")
        console.print(
            f"Check the plan below, then confirm it with: {escape(_run_command(session, run, '--confirm'))}"
        )
    elif run.status == RunStatus.FAILED:
        console.print(f"[red]Failed:[/red] {escape(run.message or 'no reason was recorded')}")
    elif run.confirmed and hold:  # its message is still the hold's
        console.print(
            f"Confirmed after the guard rails held it: {escape('; '.join(hold.get('reasons', [])))}."
        )
    elif run.message:
        console.print(escape(sentence(run.message)))
    if planned_only:
        folder = run_folder(settings, session.get_one(AliExpressApi, run.api_id), run.id)
        _print_plan(console, run, int(run.counts.get("ignored", 0)), folder)
        if run.status == RunStatus.PLANNED:
            console.print(f"Run it for real with: {escape(_run_command(session, run))}")
    return run


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _print_plan(console: Console, run: SyncRun, ignored: int, folder: Path) -> None:
    table = Table("action", "listings", title="Plan")
    for action in Action:
        if planned := int(run.planned.get(action.value, 0)):
            table.add_row(action.value.replace("_", " "), str(planned))
    if ignored:
        table.add_row("ignored (on AliExpress only: left alone)", str(ignored), style="dim")
    console.print(table if table.row_count else "The plan has no listings.")
    path = folder / PLAN_FILE
    if not path.exists():
        if table.row_count:
            console.print("[dim]The plan's rows are no longer kept (only the newest plans are).[/dim]")
        return
    plan = pl.read_parquet(path, columns=["listing", "action", "product_id"])
    if plan.is_empty():
        return
    shown = plan.head(SAMPLE_ROWS)
    sample = Table("listing", "action", "product_id",
                   title=f"Plan rows ({shown.height} of {plan.height}; unchanged listings left out)")  # fmt: skip
    for listing, action, product_id in shown.iter_rows():
        sample.add_row(
            escape(listing), action.replace("_", " "), "-" if product_id is None else str(product_id)
        )
    console.print(sample)


def run(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only: show what a run would send, send nothing.")] = False,
    confirm: Annotated[bool, typer.Option("--confirm", help="Execute the run the guard rails hold, as it was planned (or waive them for a new run).")] = False,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Run the API now: send what changed to AliExpress (exit status 1 when the run is held or fails)."""
    found = open_api(ctx.obj, company, project, api)
    with StepBar() as bar:
        run_id = run_api(found.database.sessions, found.ctx, found.company_id, found.api_id,
                         dry_run=dry_run, confirm=confirm, progress=bar)  # fmt: skip
    with found.database.sessions() as session:
        done = print_run(Console(), session, ctx.obj, found.company_id, run_id)
    if done.status not in OK_STATUSES:
        raise typer.Exit(1)


def runs(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    limit: Annotated[int, typer.Option(help="How many runs, newest first.", min=1)] = 20,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """The API's runs, newest first."""
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions() as session:
        history = list_runs(session, found.company_id, found.api_id, limit)
    if not history:
        command = f"feedbridge run {shlex.quote(found.name)} -p {shlex.quote(project)}"
        typer.echo(f"API '{found.name}' has not run yet. Run it with: {command}")
        return
    table = Table("id", "trigger", "status", "started", "duration", "created", "updated", "removed", "failed",
                  "calls", title=escape(f"Runs of API '{found.name}'"))  # fmt: skip
    for one in history:
        summary = results.RunSummary(one, found.name)
        counts = summary.counts()
        updated = counts["content_updated"] + counts["price_updated"] + counts["stock_updated"]
        table.add_row(str(one.id), one.trigger, _status(one), _time(one.started_at), _duration(summary.duration),
                      str(counts["created"]), str(updated), str(counts["removed"]), str(counts["failed"]),
                      str(one.calls))  # fmt: skip
    Console().print(table)


def results_(
    ctx: typer.Context,
    run_id: RunId,
    errors: Annotated[bool, typer.Option("--errors", help="List every item of every listing that failed.")] = False,
    code: Annotated[str | None, typer.Option(help="Only errors with this error code.")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write every error, with all its columns, to this CSV file.", dir_okay=False)] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """What a run did: its summary, and its errors per item with what they mean and how to fix them."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    console = Console()
    with database.sessions() as session:
        company_id = resolve_company(session, company, create=False)
        print_run(console, session, settings, company_id, run_id)
        if not (errors or csv or code):
            return
        found = results.run_errors(session, settings, company_id, run_id, code=code)
    if csv is not None:
        try:
            results.write_errors_csv(found, csv)
        except OSError as error:
            raise InvalidInput("--csv", f"cannot write {csv}: {error.strerror or error}.") from None
        console.print(f"Wrote {found.height} error rows to {escape(str(csv))}.")
    if errors or (code and csv is None):
        _print_errors(console, found, code)


def _print_errors(console: Console, found: pl.DataFrame, code: str | None) -> None:
    if found.is_empty():
        console.print("No errors" + (f" with code '{escape(code)}'." if code else "."))
        return
    table = Table("listing", "item", "SKU code", "action", "error code", "what went wrong", "fix", "retried",
                  title=f"Errors ({plural(found.height, 'item')})")  # fmt: skip
    for row in found.iter_rows(named=True):
        table.add_row(
            *(
                escape(row[name] or "-")
                for name in ("listing", "item_id", "sku_code", "action", "error_code")
            ),
            escape(row["explanation"] or ""),
            escape(row["fix"] or ""),
            "retried next run" if row["retried"] else "",
        )
    console.print(table)


def listings(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    status: Annotated[BindingStatus | None, typer.Option(help="Only listings in this state.")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="Only listings whose last call failed.")] = False,
    page: Annotated[int, typer.Option(help="The page, from 1.", min=1)] = 1,
    page_size: Annotated[int, typer.Option(help="Listings per page.", min=1, max=1000)] = 50,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """The listings the API created on AliExpress or bound to existing products, with their last error."""
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions() as session:
        total, shown = results.listing_states(session, found.company_id, found.api_id, status=status,
                                              with_errors=errors, page=page, page_size=page_size)  # fmt: skip
    table = Table("listing", "product id", "status", "origin", "last sent", "last error",
                  title=escape(f"Listings of API '{found.name}' on AliExpress"))  # fmt: skip
    for state in shown:
        explained = explain(state.last_error_code, state.last_error).text if state.last_error_code else ""
        error = " ".join(f"{state.last_error_code or ''} {explained}".split())
        error = error if len(error) <= ERROR_CHARS else error[: ERROR_CHARS - 1] + "…"
        table.add_row(escape(state.listing), "-" if state.product_id is None else str(state.product_id),
                      state.status, state.origin, _time(state.last_sent_at), escape(error))  # fmt: skip
    console = Console()
    console.print(table)
    pages = max(1, -(-total // page_size))
    console.print(f"Page {page} of {pages} ({plural(total, 'listing')}).")


def clear(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    typed: Annotated[str | None, typer.Option("--yes-i-typed", metavar="NAME", help="The API's name, typed to confirm without a prompt.")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Remove from AliExpress every listing the API created or bound (their reviews, sales history and
    ratings are lost); products it never created or bound are left alone. The API is deactivated."""
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions() as session:
        preview = clear_preview(session, found.company_id, found.api_id)
    console = Console()
    if preview.total == 0:
        console.print(f"API '{escape(found.name)}' has no listings on AliExpress: nothing to remove.")
        return
    table = Table("listings", "count", title=escape(f"To remove from AliExpress (API '{found.name}')"))
    table.add_row("created by the API", str(preview.created))
    table.add_row("matched on its initial run", str(preview.matched))
    table.add_row("created, answer not confirmed (removed if AliExpress has them)", str(preview.unconfirmed))
    table.add_row("total", str(preview.total), style="bold")
    console.print(table)
    console.print(
        "[bold red]Warning:[/bold red] AliExpress deletes these products with their reviews, sales history "
        "and ratings; this cannot be undone. Products the API did not create or bind are left alone."
    )
    if typed is None:
        typed = typer.prompt(f"Type the API's name ({found.name}) to confirm")
    with StepBar() as bar:
        run_id = clear_api(found.database.sessions, found.ctx, found.company_id, found.api_id,
                           typed_name=typed, progress=bar)  # fmt: skip
    with found.database.sessions() as session:
        done = print_run(console, session, ctx.obj, found.company_id, run_id)
    console.print(
        f"API '{escape(found.name)}' is now inactive; when activated again, its next run is an initial run."
    )
    if done.status not in OK_STATUSES:
        raise typer.Exit(1)
