"""`feedbridge schedule API`: when the API runs by itself — show, set (times of day or every N hours, in a
time zone), pause, resume, or remove its schedule."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from feedbridge.cli.api_context import ApiName, ProjectOption, open_api
from feedbridge.cli.company import CompanyOption
from feedbridge.errors import InvalidInput
from feedbridge.sync import schedules


def schedule(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    at: Annotated[list[str] | None, typer.Option("--at", metavar="HH:MM", help="Run daily at this time of day (repeat it, or separate times with commas).")] = None,
    every: Annotated[int | None, typer.Option("--every", metavar="N", help=f"Run every N hours (1 to {schedules.MAX_EVERY_HOURS}), from local midnight.")] = None,
    timezone: Annotated[str | None, typer.Option("--timezone", metavar="TZ", help="The time zone of the times, e.g. Europe/Madrid; default: the schedule's, else UTC.")] = None,
    pause: Annotated[bool, typer.Option("--pause", help="Stop running on schedule without forgetting it.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Run on schedule again (missed runs are not made up).")] = False,
    off: Annotated[bool, typer.Option("--off", help="Remove the schedule: the API runs only when asked.")] = False,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Show or change when the API runs by itself; without options, show its schedule."""
    times = [part for value in at or () for part in value.replace(",", " ").split()]
    setting = bool(at) or every is not None or timezone is not None
    if pause and resume:
        raise InvalidInput("schedule", "give --pause or --resume, not both.")
    if off and (setting or pause or resume):
        raise InvalidInput("schedule", "--off removes the schedule; give it alone.")
    found = open_api(ctx.obj, company, project, api)
    now = found.ctx.now()
    with found.database.sessions.begin() as session:
        current = schedules.get_schedule(session, found.company_id, found.api_id)
        if off:
            schedules.remove_schedule(session, found.company_id, found.api_id)
        if setting:
            if not times and every is None and current is not None:  # a new time zone only
                times, every = list(current.times), current.every_hours
            zone = timezone or (current.timezone if current is not None else "UTC")
            schedules.set_schedule(session, found.company_id, found.api_id, times=times, every_hours=every,
                                   timezone=zone, now=now)  # fmt: skip
        if pause:
            schedules.pause_schedule(session, found.company_id, found.api_id, now=now)
        if resume:
            schedules.resume_schedule(session, found.company_id, found.api_id, now=now)
        shown = schedules.get_schedule(session, found.company_id, found.api_id)
        text = None if shown is None else schedules.describe(shown)
    console = Console()
    name = escape(found.name)
    if text is None:
        done = "Removed the schedule: " if off and current is not None else ""
        console.print(
            f"{done}API '{name}' runs only when asked (feedbridge run '{name}' -p '{escape(project)}')."
        )
        return
    changed = "Paused the" if pause else "Resumed the" if resume else "Saved the" if setting else "The"
    console.print(f"{changed} schedule of API '{name}': {escape(text)}.")
