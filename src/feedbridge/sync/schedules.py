"""When an API runs by itself: at times of day, or every N hours, in a time zone; and claiming the runs due.

A schedule keeps the instant it is next due (`next_due_at`, UTC). `claim_due` takes each due schedule with
a compare-and-set on that instant, so any number of schedulers (threads, processes, machines) can poll at
once and every due time is claimed exactly once; a schedule whose scheduler was down runs once, not once
per missed time. Services flush; the caller owns the transaction and commits (a claim together with the
runs it queues).

Times follow the wall clock of the time zone across daylight-saving changes: a time that does not exist
that day (the spring gap) runs at the first instant after it, a time that happens twice (autumn) runs at
its first occurrence only. "Every N hours" runs at local midnight and every N hours of wall-clock time after
it, so every 6 hours is 00:00, 06:00, 12:00 and 18:00 local on every day of the year. When N does not
divide 24 the count goes on across midnight from a fixed local midnight (Monday 2001-01-01), so that every
5 hours stays 5 hours apart and every 168 hours runs on Mondays at 00:00.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, cast
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import CursorResult, select, text, update
from sqlalchemy.orm import Session

from feedbridge.apis.services import get_api
from feedbridge.errors import FeedbridgeError, InvalidInput, NotFound
from feedbridge.sync.models import SyncSchedule

log = logging.getLogger(__name__)

MAX_TIMES = 24
MAX_EVERY_HOURS = 168  # one week
CLAIM_BATCH = 100  # schedules claimed per call of claim_due
# The wall-clock count of "every N hours" starts at this local midnight (a Monday).
_EVERY_HOURS_EPOCH = datetime(2001, 1, 1)
# Wall times are searched from this long before `after`: more than any clock change ever turned back.
_LOOKBACK = timedelta(days=2)
_TIME_OF_DAY = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_NOT_ZONES = frozenset({"localtime", "posixrules"})  # files of the zone database, not zones
_TIME_HINT = "use HH:MM such as 06:00"


@dataclass(frozen=True)
class DueRun:
    """A schedule's due time, claimed: its caller queues one run of the API for it."""

    schedule_id: int
    api_id: int
    due_at: datetime  # the due time claimed (UTC); it may be long past when the scheduler was down


@dataclass(frozen=True)
class _Spec:
    times: tuple[time, ...]
    every_hours: int | None
    timezone: str


def set_schedule(
    session: Session,
    company_id: int,
    api_id: int,
    *,
    times: Sequence[str] = (),
    every_hours: int | None = None,
    timezone: str = "UTC",
    now: datetime,
) -> SyncSchedule:
    """Run the API at `times` of day, or every `every_hours` hours, in `timezone` (replacing any schedule
    it had); a paused schedule stays paused."""
    now = _aware(now)
    api = get_api(session, company_id, api_id)
    spec = _spec(times, every_hours, timezone)
    schedule = _find(session, api.id)
    if schedule is None:
        schedule = SyncSchedule(api_id=api.id, enabled=True, created_at=now)
        session.add(schedule)
    schedule.times = [moment.strftime("%H:%M") for moment in spec.times]
    schedule.every_hours = spec.every_hours
    schedule.timezone = spec.timezone
    schedule.next_due_at = _next_due(spec, now) if schedule.enabled else None
    schedule.updated_at = now
    session.flush()
    return schedule


def get_schedule(session: Session, company_id: int, api_id: int) -> SyncSchedule | None:
    """The API's schedule; None when it runs only when asked."""
    return _find(session, get_api(session, company_id, api_id).id)


def remove_schedule(session: Session, company_id: int, api_id: int) -> None:
    """The API runs only when asked from now on (nothing happens when it had no schedule)."""
    schedule = _find(session, get_api(session, company_id, api_id).id)
    if schedule is not None:
        session.delete(schedule)
        session.flush()


def pause_schedule(session: Session, company_id: int, api_id: int, *, now: datetime) -> SyncSchedule:
    """Stop the schedule without forgetting it; a claim already made still runs."""
    now = _aware(now)
    schedule = _existing(session, company_id, api_id)
    schedule.enabled = False
    schedule.next_due_at = None  # a scheduler that read the old due time can no longer claim it
    schedule.updated_at = now
    session.flush()
    return schedule


def resume_schedule(session: Session, company_id: int, api_id: int, *, now: datetime) -> SyncSchedule:
    """Run on schedule again, from the first time after `now` (runs missed while paused are not made up)."""
    now = _aware(now)
    schedule = _existing(session, company_id, api_id)
    if not schedule.enabled or schedule.next_due_at is None:
        schedule.enabled = True
        schedule.next_due_at = next_due(schedule.times, schedule.every_hours, schedule.timezone, now)
        schedule.updated_at = now
        session.flush()
    return schedule


def next_due(times: Sequence[str], every_hours: int | None, timezone: str, after: datetime) -> datetime:
    """The first instant strictly after `after` at which the schedule runs, in UTC."""
    return _next_due(_spec(times, every_hours, timezone), _aware(after))


def claim_due(session: Session, now: datetime, limit: int = CLAIM_BATCH) -> list[DueRun]:
    """Claim the schedules due at `now` (at most `limit`, earliest first), moving each to its next time
    after `now`. A schedule is claimed by one caller only, however many call this at once; the caller
    queues the runs in the same transaction and commits.

    On SQLite call it first in its transaction: it takes the database's write lock before reading, which
    makes concurrent schedulers wait for each other instead of failing. On PostgreSQL the default READ
    COMMITTED isolation lets a concurrent claim of the same schedule wait and then find it taken.
    """
    _aware(now)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE sync_schedules SET enabled = enabled WHERE 0"))
    query = (
        select(
            SyncSchedule.id,
            SyncSchedule.api_id,
            SyncSchedule.times,
            SyncSchedule.every_hours,
            SyncSchedule.timezone,
            SyncSchedule.next_due_at,
        )
        .where(SyncSchedule.enabled, SyncSchedule.next_due_at <= now)
        .order_by(SyncSchedule.next_due_at, SyncSchedule.id)
        .limit(limit)
    )
    claimed: list[DueRun] = []
    # Every scheduler updates rows in the same order (by id), so on PostgreSQL they never deadlock.
    for row in sorted(session.execute(query).all(), key=lambda row: row.id):
        try:
            following = next_due(row.times, row.every_hours, row.timezone, now)
        except FeedbridgeError as error:  # e.g. a time zone the system's zone database no longer has
            log.warning("schedule %d of API %d cannot run: %s", row.id, row.api_id, error)
            continue
        result = cast(
            CursorResult[Any],
            session.execute(
                update(SyncSchedule)
                .where(
                    SyncSchedule.id == row.id,
                    SyncSchedule.next_due_at == row.next_due_at,
                    SyncSchedule.enabled,
                )
                .values(next_due_at=following, updated_at=now)
                .execution_options(synchronize_session="fetch")
            ),
        )
        if result.rowcount == 1:
            claimed.append(DueRun(row.id, row.api_id, row.next_due_at))
    return sorted(claimed, key=lambda run: (run.due_at, run.schedule_id))


def describe(schedule: SyncSchedule) -> str:
    """E.g. "daily at 06:00, 18:00 (Europe/Madrid); next 2026-12-03 06:00 CET"."""
    if schedule.times:
        what = "daily at " + ", ".join(schedule.times)
    elif schedule.every_hours == 1:
        what = "every hour"
    else:
        what = f"every {schedule.every_hours} hours"
    what = f"{what} ({schedule.timezone})"
    if not schedule.enabled:
        return f"{what}; paused"
    if schedule.next_due_at is None:
        return what
    local = schedule.next_due_at.astimezone(ZoneInfo(schedule.timezone))
    return f"{what}; next {local:%Y-%m-%d %H:%M %Z}"


def _find(session: Session, api_id: int) -> SyncSchedule | None:
    return session.scalar(select(SyncSchedule).where(SyncSchedule.api_id == api_id))


def _existing(session: Session, company_id: int, api_id: int) -> SyncSchedule:
    api = get_api(session, company_id, api_id)
    schedule = _find(session, api.id)
    if schedule is None:
        raise NotFound(f"API '{api.name}' has no schedule; give it times of day or every N hours first.")
    return schedule


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware value, e.g. datetime.now(UTC)")
    return moment


# --- when: pure functions of the schedule and the clock ---------------------------------------------


def _next_due(spec: _Spec, after: datetime) -> datetime:
    zone = ZoneInfo(spec.timezone)
    start = after.astimezone(zone).replace(tzinfo=None) - _LOOKBACK
    # Walls are in order and so are their instants (one per wall), so the first one after `after` is it.
    for wall in _walls(spec, start):
        instant = _instant(wall, zone)
        if instant > after:
            return instant
    raise AssertionError("unreachable: the walls of a schedule never end")


def _walls(spec: _Spec, start: datetime) -> Iterator[datetime]:
    """The local wall-clock times the schedule runs at, in order, from about `start` on, forever."""
    if spec.every_hours is not None:
        step = timedelta(hours=spec.every_hours)
        wall = _EVERY_HOURS_EPOCH + (start - _EVERY_HOURS_EPOCH) // step * step
        while True:
            yield wall
            wall += step
    day: date = start.date()
    while True:
        for moment in spec.times:
            yield datetime.combine(day, moment)
        day += timedelta(days=1)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """When the wall-clock time `wall` happens in `zone` (UTC): its first occurrence when the clocks go
    back over it, the first instant after it when they jump over it."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first occurrence
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # In a gap: reading `wall` with the offset after the jump gives an instant before it, with the offset
    # before the jump one after it; the jump is the first second whose wall time is past `wall`.
    before = int(wall.replace(tzinfo=zone, fold=1).astimezone(UTC).timestamp())
    after = int(instant.timestamp())
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) > wall:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


# --- validation ------------------------------------------------------------------------------------


def _spec(times: Sequence[str], every_hours: int | None, timezone: str) -> _Spec:
    if isinstance(times, str):  # "06:00, 18:00" as typed
        times = times.replace(",", " ").split()
    if times and every_hours is not None:
        raise InvalidInput(
            "schedule", "give either times of day or every N hours, not both; a schedule is one or the other."
        )
    if not times and every_hours is None:
        raise InvalidInput(
            "schedule",
            f"give the times of day to run at (e.g. 06:00, 18:00) or every how many hours to run "
            f"(1 to {MAX_EVERY_HOURS}).",
        )
    return _Spec(
        _times(times) if times else (),
        None if every_hours is None else _every_hours(every_hours),
        _timezone(timezone),
    )


def _times(values: Sequence[str]) -> tuple[time, ...]:
    parsed = sorted({_time_of_day(value) for value in values})
    if len(parsed) > MAX_TIMES:
        raise InvalidInput(
            "times",
            f"{len(parsed)} different times of day given; use at most {MAX_TIMES}, or run every N hours "
            "instead.",
        )
    return tuple(parsed)


def _time_of_day(value: object) -> time:
    match = _TIME_OF_DAY.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is not None:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    shown = f"'{value}'" if isinstance(value, str) else repr(value)
    raise InvalidInput(
        "times", f"{shown} is not a time of day; {_TIME_HINT} (24-hour clock, 00:00 to 23:59)."
    )


def _every_hours(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_EVERY_HOURS:
        raise InvalidInput(
            "every hours",
            f"{value!r} is not a number of hours to run every; use a whole number from 1 to "
            f"{MAX_EVERY_HOURS} (one week).",
        )
    return value


def _timezone(value: object) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if name in _zones():
        return name
    shown = f"'{value}'" if isinstance(value, str) else repr(value)
    close = [zone for zone in _zones() if zone.casefold() == name.casefold()]
    hint = (
        f"did you mean {close[0]}?"
        if close
        else "use an IANA name such as Europe/Madrid, America/New_York or UTC."
    )
    raise InvalidInput("time zone", f"{shown} is not a time zone; {hint}")


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones() - _NOT_ZONES)
