"""Schedules: validation, when they are next due across daylight-saving changes (checked against a
minute-by-minute walk of the wall clock), and claiming due runs once, also under concurrent schedulers
(SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, update

from feedbridge.accounts.services import create_company
from feedbridge.errors import InvalidInput, NotFound
from feedbridge.sync.models import SyncSchedule
from feedbridge.sync.schedules import (
    DueRun,
    claim_due,
    describe,
    get_schedule,
    next_due,
    pause_schedule,
    remove_schedule,
    resume_schedule,
    set_schedule,
)
from support.connections import OfflineApis

ZONES = ["UTC", "Europe/Madrid", "America/New_York", "Australia/Lord_Howe", "America/Santiago"]
# "Every N hours" counts wall-clock hours from this local midnight (see feedbridge.sync.schedules).
EVERY_HOURS_EPOCH = datetime(2001, 1, 1)
MINUTE = timedelta(minutes=1)
NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the oracle: walk the wall clock minute by minute -------------------------------------------------


def oracle_runs(
    wanted: Callable[[datetime], bool], zone: str, after: datetime, until: datetime
) -> list[datetime]:
    """The instants in (after, until] at which the wall clock of `zone` first reaches a wanted minute.

    Steps UTC minute by minute and keeps the latest wall time seen: every wall minute passed over since
    (one, or a whole spring gap at once) fires at this instant, and a wall minute seen before (the hour an
    autumn change repeats) does not fire again. It starts six hours early, more than these zones turn back.
    """
    tz = ZoneInfo(zone)

    def wall(instant: datetime) -> datetime:
        return instant.astimezone(tz).replace(tzinfo=None)

    instant = after.replace(second=0, microsecond=0) - timedelta(hours=6)
    latest = wall(instant)
    runs: list[datetime] = []
    while instant < until:
        instant += MINUTE
        reading, minute = wall(instant), latest + MINUTE
        fires = False
        while minute <= reading:
            fires = fires or wanted(minute)
            minute += MINUTE
        latest = max(latest, reading)
        if fires and instant > after:
            runs.append(instant)
    return runs


def at_times(times: list[str]) -> Callable[[datetime], bool]:
    wanted = {tuple(int(part) for part in value.split(":")) for value in times}
    return lambda minute: (minute.hour, minute.minute) in wanted


def every(hours: int) -> Callable[[datetime], bool]:
    return lambda minute: (minute - EVERY_HOURS_EPOCH) // MINUTE % (hours * 60) == 0


@cache
def clock_changes(zone: str) -> list[datetime]:
    """Roughly (to the hour) when the zone's offset changes in 2025-2027."""
    tz, instant, changes = ZoneInfo(zone), utc(2025, 1, 1), []
    offset = instant.astimezone(tz).utcoffset()
    while instant.year < 2028:
        instant += timedelta(hours=1)
        if (now := instant.astimezone(tz).utcoffset()) != offset:
            changes.append(instant)
            offset = now
    return changes


@st.composite
def moments(draw: st.DrawFn, zone: str) -> tuple[datetime, list[str]]:
    """Any instant; or one in the day before a clock change of the zone, with times of day near the
    change (skipped or repeated by it)."""
    changes = clock_changes(zone)
    if changes and draw(st.integers(0, 3)):  # mostly near a change
        change = draw(st.sampled_from(changes))
        before = draw(st.one_of(st.integers(-6 * 60, 60), st.integers(-25 * 60, 3 * 60)))
        after = change + timedelta(minutes=before, seconds=draw(st.integers(0, 59)))
        # Wall-clock minutes from three hours before the change: they include the ones it skips.
        start = (change - timedelta(hours=3)).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        shifts = draw(st.lists(st.integers(0, 5 * 60), min_size=1, max_size=3))
        near = [f"{start + timedelta(minutes=shift):%H:%M}" for shift in shifts]
        return after, near
    return draw(st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 1), timezones=st.just(UTC))), []


hours_of_day = st.one_of(st.sampled_from([0, 1, 2, 3, 23]), st.integers(0, 23))
minutes = st.one_of(st.sampled_from([0, 15, 30, 45, 59]), st.integers(0, 59))
times_of_day = st.builds(lambda hour, minute: f"{hour:02d}:{minute:02d}", hours_of_day, minutes)
hour_steps = st.one_of(st.sampled_from([1, 2, 3, 5, 6, 7, 12, 23, 24, 25, 48, 168]), st.integers(1, 168))


def check_against_oracle(
    result: datetime, wanted: Callable[[datetime], bool], zone: str, after: datetime, longest: timedelta
) -> None:
    assert result.tzinfo is UTC
    assert after < result <= after + longest  # bounds the walk below
    # result is a wanted instant, and no wanted instant lies strictly between `after` and it.
    assert oracle_runs(wanted, zone, after, result) == [result]


@settings(max_examples=400, deadline=None)
@given(st.data(), st.sampled_from(ZONES))
def test_times_of_day_are_next_due_when_the_wall_clock_first_reaches_one(
    data: st.DataObject, zone: str
) -> None:
    after, near = data.draw(moments(zone))
    times = near + data.draw(st.lists(times_of_day, min_size=0 if near else 1, max_size=3))
    result = next_due(times, None, zone, after)
    check_against_oracle(result, at_times(times), zone, after, timedelta(hours=26))


@settings(max_examples=200, deadline=None)
@given(st.data(), st.sampled_from(ZONES), hour_steps)
def test_every_n_hours_is_next_due_on_the_wall_clock_grid_from_local_midnight(
    data: st.DataObject, zone: str, hours: int
) -> None:
    after, _ = data.draw(moments(zone))
    result = next_due((), hours, zone, after)
    check_against_oracle(result, every(hours), zone, after, timedelta(hours=hours + 2))


@pytest.mark.parametrize(
    ("times", "every_hours", "zone", "after", "expected"),
    [
        # Spring gap: 02:30 does not exist on 29 March in Madrid; it runs as the clocks jump to 03:00.
        (["02:30"], None, "Europe/Madrid", utc(2026, 3, 29), [utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30)]),
        # Three times that fall in (or end) the gap run once, at the jump.
        (
            ["02:00", "02:30", "03:00"],
            None,
            "Europe/Madrid",
            utc(2026, 3, 29),
            [utc(2026, 3, 29, 1), utc(2026, 3, 30, 0), utc(2026, 3, 30, 0, 30), utc(2026, 3, 30, 1)],
        ),
        # Autumn: 02:30 happens twice on 25 October; it runs at the first (CEST), not again at 02:30 CET.
        (
            ["02:30"],
            None,
            "Europe/Madrid",
            utc(2026, 10, 25),
            [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)],
        ),
        (
            ["02:15"],
            None,
            "America/New_York",
            utc(2026, 3, 8, 5),
            [utc(2026, 3, 8, 7), utc(2026, 3, 9, 6, 15)],
        ),
        (
            ["01:30"],
            None,
            "America/New_York",
            utc(2026, 11, 1, 4),
            [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)],
        ),
        # Lord Howe moves its clocks by half an hour.
        (
            ["02:15"],
            None,
            "Australia/Lord_Howe",
            utc(2026, 10, 3, 12),
            [utc(2026, 10, 3, 15, 30), utc(2026, 10, 4, 15, 15)],
        ),
        (
            ["01:45"],
            None,
            "Australia/Lord_Howe",
            utc(2026, 4, 4, 12),
            [utc(2026, 4, 4, 14, 45), utc(2026, 4, 5, 15, 15)],
        ),
        # Every 6 hours stays at 00, 06, 12, 18 local across the autumn change.
        (
            [],
            6,
            "Europe/Madrid",
            utc(2026, 10, 24, 21),
            [utc(2026, 10, 24, 22), utc(2026, 10, 25, 5), utc(2026, 10, 25, 11), utc(2026, 10, 25, 17)],
        ),
        # Every hour: 02:00 does not exist and runs with 03:00, once; the repeated hour has no run.
        ([], 1, "Europe/Madrid", utc(2026, 3, 29), [utc(2026, 3, 29, 1), utc(2026, 3, 29, 2)]),
        ([], 1, "Europe/Madrid", utc(2026, 10, 25), [utc(2026, 10, 25, 2), utc(2026, 10, 25, 3)]),
        # Santiago jumps at midnight: the midnight run is at 01:00 that day.
        ([], 6, "America/Santiago", utc(2026, 9, 6, 2), [utc(2026, 9, 6, 4), utc(2026, 9, 6, 9)]),
        # Strictly after: a run due exactly at `after` is the next day's.
        (["00:00"], None, "UTC", utc(2026, 12, 3), [utc(2026, 12, 4), utc(2026, 12, 5)]),
        # Every 5 hours goes on across midnight; every 168 hours is Mondays at midnight.
        ([], 5, "UTC", utc(2026, 12, 2, 22), [utc(2026, 12, 3, 2), utc(2026, 12, 3, 7)]),
        ([], 168, "Europe/Madrid", utc(2026, 12, 2), [utc(2026, 12, 6, 23), utc(2026, 12, 13, 23)]),
    ],
)
def test_next_due_across_clock_changes(
    times: list[str], every_hours: int | None, zone: str, after: datetime, expected: list[datetime]
) -> None:
    runs = []
    for _ in expected:
        after = next_due(times, every_hours, zone, after)
        runs.append(after)
    assert runs == expected


def test_next_due_is_utc_whatever_zone_after_is_given_in() -> None:
    madrid = datetime(2026, 12, 2, 21, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    result = next_due(["6:00", "18:00"], None, "Europe/Madrid", madrid)
    assert result == utc(2026, 12, 3, 5) and result.tzinfo is UTC
    with pytest.raises(ValueError, match="naive datetime"):
        next_due(["06:00"], None, "UTC", datetime(2026, 12, 2))


# --- validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"times": ["25:00"]}, "times", "'25:00' is not a time of day; use HH:MM such as 06:00"),
        ({"times": ["06:60"]}, "times", "'06:60' is not a time of day; use HH:MM"),
        ({"times": ["24:00"]}, "times", "'24:00' is not a time of day"),
        ({"times": ["6"]}, "times", "'6' is not a time of day"),
        ({"times": ["6pm"]}, "times", "'6pm' is not a time of day"),
        ({"times": ["06:00", ""]}, "times", "'' is not a time of day"),
        (
            {"times": [f"{hour:02d}:{minute}" for hour in range(13) for minute in ("00", "30")]},
            "times",
            "26 different times of day given; use at most 24",
        ),
        ({}, "schedule", "give the times of day to run at"),
        (
            {"times": ["06:00"], "every_hours": 4},
            "schedule",
            "either times of day or every N hours, not both",
        ),
        (
            {"every_hours": 0},
            "every hours",
            "0 is not a number of hours to run every; use a whole number from 1 to 168",
        ),
        ({"every_hours": 169}, "every hours", "169 is not a number"),
        ({"every_hours": True}, "every hours", "True is not a number"),
        (
            {"every_hours": 4, "timezone": "Mars/Olympus"},
            "time zone",
            "'Mars/Olympus' is not a time zone; use an IANA name such as Europe/Madrid",
        ),
        ({"every_hours": 4, "timezone": "europe/madrid"}, "time zone", "did you mean Europe/Madrid?"),
        ({"every_hours": 4, "timezone": ""}, "time zone", "'' is not a time zone"),
        ({"every_hours": 4, "timezone": "localtime"}, "time zone", "'localtime' is not a time zone"),
    ],
)
def test_invalid_schedules_say_what_is_wrong_and_how_to_fix_it(
    options: dict[str, Any], field: str, message: str
) -> None:
    arguments = {"times": (), "every_hours": None, "timezone": "UTC", **options}
    with pytest.raises(InvalidInput, match=message) as raised:
        next_due(arguments["times"], arguments["every_hours"], arguments["timezone"], NOW)
    assert raised.value.field == field


# --- services ----------------------------------------------------------------------------------------


class Apis(OfflineApis):
    def claim(self, now: datetime, **options: Any) -> list[DueRun]:
        with self.sessions.begin() as session:
            return claim_due(session, now, **options)

    def schedule(self, api_id: int) -> SyncSchedule | None:
        result: SyncSchedule | None = self.call(get_schedule, api_id)
        return result


@pytest.fixture
def apis(engine: Engine) -> Apis:
    return Apis.create(engine)


def test_set_replace_describe_and_remove_a_schedule(apis: Apis) -> None:
    api_id = apis.api()
    assert apis.schedule(api_id) is None

    schedule = apis.call(
        set_schedule, api_id, times=["18:00", "6:00", " 06:00"], timezone=" Europe/Madrid ", now=NOW
    )
    stored = apis.schedule(api_id)
    assert stored is not None and stored.id == schedule.id
    assert (stored.times, stored.every_hours, stored.timezone, stored.enabled) == (
        ["06:00", "18:00"],
        None,
        "Europe/Madrid",
        True,
    )
    assert stored.next_due_at == utc(2026, 12, 3, 5)
    assert describe(stored) == "daily at 06:00, 18:00 (Europe/Madrid); next 2026-12-03 06:00 CET"

    apis.call(set_schedule, api_id, every_hours=4, timezone="Europe/Madrid", now=NOW)
    stored = apis.schedule(api_id)
    assert stored is not None and stored.id == schedule.id  # replaced, not added
    assert (stored.times, stored.every_hours) == ([], 4)
    assert describe(stored) == "every 4 hours (Europe/Madrid); next 2026-12-03 00:00 CET"

    apis.call(set_schedule, api_id, times="12:00, 00:00", now=NOW)  # as typed; UTC by default
    stored = apis.schedule(api_id)
    assert stored is not None
    assert describe(stored) == "daily at 00:00, 12:00 (UTC); next 2026-12-03 00:00 UTC"

    apis.call(remove_schedule, api_id)
    assert apis.schedule(api_id) is None
    apis.call(remove_schedule, api_id)  # nothing to remove: nothing happens


def test_an_invalid_schedule_changes_nothing(apis: Apis) -> None:
    api_id = apis.api()
    apis.call(set_schedule, api_id, times=["06:00"], now=NOW)
    with pytest.raises(InvalidInput, match="'25:00' is not a time of day"):
        apis.call(set_schedule, api_id, times=["07:00", "25:00"], now=NOW)
    stored = apis.schedule(api_id)
    assert stored is not None and stored.times == ["06:00"]


def test_schedules_of_another_company_or_missing_ones_are_not_found(apis: Apis) -> None:
    api_id = apis.api()
    with apis.sessions.begin() as session:
        other_company = create_company(session, "Other", "other").id
    for service, options in [
        (set_schedule, {"every_hours": 2, "now": NOW}),
        (get_schedule, {}),
        (remove_schedule, {}),
        (pause_schedule, {"now": NOW}),
    ]:
        with apis.sessions.begin() as session, pytest.raises(NotFound, match=f"API {api_id} does not exist"):
            service(session, other_company, api_id, **options)
    for service in (pause_schedule, resume_schedule):
        with pytest.raises(
            NotFound, match="API 'AE 1' has no schedule; give it times of day or every N hours"
        ):
            apis.call(service, api_id, now=NOW)


def test_due_schedules_are_claimed_once_and_move_to_their_next_time(apis: Apis) -> None:
    due, later, paused = apis.api(), apis.api(), apis.api()
    apis.call(set_schedule, due, times=["21:00"], now=NOW)  # due 2026-12-02 21:00
    apis.call(set_schedule, later, times=["23:00"], now=NOW)
    apis.call(set_schedule, paused, times=["21:00"], now=NOW)
    apis.call(pause_schedule, paused, now=NOW)

    assert apis.claim(utc(2026, 12, 2, 20, 59)) == []
    [run] = apis.claim(utc(2026, 12, 2, 21))
    assert (run.api_id, run.due_at) == (due, utc(2026, 12, 2, 21))
    stored = apis.schedule(due)
    assert stored is not None and run.schedule_id == stored.id
    assert stored.next_due_at == utc(2026, 12, 3, 21)
    assert apis.claim(utc(2026, 12, 2, 21, 30)) == []  # claimed already

    paused_schedule = apis.schedule(paused)
    assert paused_schedule is not None and describe(paused_schedule) == "daily at 21:00 (UTC); paused"
    assert paused_schedule.next_due_at is None


def test_a_scheduler_down_for_three_days_makes_one_run(apis: Apis) -> None:
    api_id = apis.api()
    apis.call(set_schedule, api_id, times=["06:00", "18:00"], now=NOW)  # due 2026-12-03 06:00
    back = utc(2026, 12, 6, 7, 15)
    [run] = apis.claim(back)
    assert (run.api_id, run.due_at) == (api_id, utc(2026, 12, 3, 6))
    stored = apis.schedule(api_id)
    assert stored is not None and stored.next_due_at == utc(2026, 12, 6, 18)  # from now, none replayed
    assert apis.claim(back) == []


def test_pause_and_resume(apis: Apis) -> None:
    api_id = apis.api()
    apis.call(set_schedule, api_id, every_hours=6, now=NOW)  # due 2026-12-03 00:00
    apis.call(pause_schedule, api_id, now=NOW)
    apis.call(set_schedule, api_id, every_hours=12, now=NOW)  # a paused schedule stays paused when changed
    assert apis.claim(utc(2026, 12, 5)) == []

    resumed = apis.call(resume_schedule, api_id, now=utc(2026, 12, 5, 1))
    assert resumed.enabled and resumed.next_due_at == utc(2026, 12, 5, 12)  # runs missed are not made up
    apis.call(resume_schedule, api_id, now=utc(2026, 12, 5, 2))  # resuming a running schedule changes nothing
    assert [run.due_at for run in apis.claim(utc(2026, 12, 5, 12))] == [utc(2026, 12, 5, 12)]


def test_claims_come_earliest_first_up_to_the_limit(apis: Apis) -> None:
    first, second, third = apis.api(), apis.api(), apis.api()
    for api_id, at in [(second, "21:10"), (first, "21:00"), (third, "21:20")]:
        apis.call(set_schedule, api_id, times=[at], now=NOW)
    now = utc(2026, 12, 2, 22)
    assert [run.api_id for run in apis.claim(now, limit=2)] == [first, second]
    assert [run.api_id for run in apis.claim(now, limit=2)] == [third]


def test_a_schedule_that_cannot_be_computed_does_not_stop_the_others(
    apis: Apis, caplog: pytest.LogCaptureFixture
) -> None:
    broken, fine = apis.api(), apis.api()
    apis.call(set_schedule, broken, times=["21:00"], now=NOW)
    apis.call(set_schedule, fine, times=["21:00"], now=NOW)
    with apis.sessions.begin() as session:  # e.g. a zone the system's zone database dropped
        session.execute(
            update(SyncSchedule).where(SyncSchedule.api_id == broken).values(timezone="Gone/Away")
        )
    with caplog.at_level(logging.WARNING, logger="feedbridge.sync.schedules"):
        assert [run.api_id for run in apis.claim(utc(2026, 12, 2, 21))] == [fine]
    assert "'Gone/Away' is not a time zone" in caplog.text


def test_concurrent_schedulers_claim_each_due_time_exactly_once(apis: Apis) -> None:
    count, rounds = 50, 4
    ids = [apis.api() for _ in range(count)]
    for index, api_id in enumerate(ids):
        zone = ZONES[index % len(ZONES)]
        apis.call(set_schedule, api_id, every_hours=1, timezone=zone, now=NOW)
    expected = Counter[tuple[int, datetime]]()
    for hour in range(1, rounds + 1):
        for api_id in ids:
            expected[(api_id, NOW + timedelta(hours=hour))] += 1

    claimed = Counter[tuple[int, datetime]]()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for hour in range(1, rounds + 1):
            now = NOW + timedelta(hours=hour, minutes=1)
            barrier = threading.Barrier(2)

            def scheduler(now: datetime = now, barrier: threading.Barrier = barrier) -> list[DueRun]:
                barrier.wait()
                return apis.claim(now)

            both = [pool.submit(scheduler) for _ in range(2)]
            for future in both:
                claimed.update((run.api_id, run.due_at) for run in future.result())
    assert claimed == expected
