from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.channels.aliexpress.client.account import merchant_profile
from feedbridge.channels.aliexpress.client.auth import refresh_token
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.errors import ConnectionExpired, PlatformCallFailed
from feedbridge.connections.models import Connection, Fault
from feedbridge.connections.status import ConnectionStatus, connection_status
from feedbridge.connections.tokens import access_token_for, refresh_connection
from support.clock import SteppingClock
from support.fixtures import Admin

from .conftest import DAY, Connect


def _stored(sessions: sessionmaker[Session], connection_id: int) -> Connection:
    with sessions() as session:
        return session.get_one(Connection, connection_id)


def _status(ctx: ConnectionContext, connection: Connection) -> ConnectionStatus:
    return connection_status(connection, ctx.now(), ctx.warning_period).status


def test_a_fresh_token_is_used_as_it_is(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext
) -> None:
    connection = connect()

    assert access_token_for(sessions, ctx, connection.id) == ctx.access_token(connection)
    assert _stored(sessions, connection.id).last_refreshed_at == connection.last_refreshed_at


def test_the_access_token_is_refreshed_before_it_expires(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext, clock: SteppingClock
) -> None:
    connection = connect()
    clock.sleep(29.5 * DAY)  # within the one-day margin of the 30-day access token

    token = access_token_for(sessions, ctx, connection.id)

    stored = _stored(sessions, connection.id)
    assert token != ctx.access_token(connection)
    assert token == ctx.access_token(stored)
    assert ctx.refresh_token(stored) != ctx.refresh_token(connection)  # both replaced together
    assert stored.access_expires_at > connection.access_expires_at
    assert stored.refresh_expires_at == connection.refresh_expires_at  # counts from the authorization
    with ctx.client_for(stored) as client:
        assert merchant_profile(client, token).country_code == "ES"


def test_an_expired_access_token_is_refreshed_on_use(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext, clock: SteppingClock
) -> None:
    connection = connect()
    clock.sleep(31 * DAY)

    token = access_token_for(sessions, ctx, connection.id)

    with ctx.client_for(connection) as client:
        assert merchant_profile(client, token).country_code == "ES"


def test_two_workers_refresh_once(
    connect: Connect,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    clock: SteppingClock,
    admin: Admin,
) -> None:
    connection = connect()
    clock.sleep(29.5 * DAY)
    start = threading.Barrier(2)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            tokens.append(access_token_for(sessions, ctx, connection.id))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(tokens)) == 1  # the second worker found the first one's fresh pair
    issued = admin.get("/tokens")
    assert len(issued) == 2  # the connect, and one refresh
    assert _status(ctx, _stored(sessions, connection.id)) is ConnectionStatus.ACTIVE


def test_a_test_apps_one_day_token_is_not_refreshed_on_every_use(
    connect: Connect,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    admin: Admin,
    app_credentials: tuple[str, str],
    clock: SteppingClock,
) -> None:
    admin.post(f"/apps/{app_credentials[0]}", {"status": "test"})  # 1-day access, 2-day refresh token
    connection = connect()
    assert access_token_for(sessions, ctx, connection.id) == ctx.access_token(connection)

    clock.sleep(0.6 * DAY)  # past half the token's life

    assert access_token_for(sessions, ctx, connection.id) != ctx.access_token(connection)


def test_the_connection_warns_when_the_refresh_token_runs_out_soon(
    connect: Connect,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    clock: SteppingClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    connection = connect()
    clock.sleep(54 * DAY)

    with caplog.at_level(logging.WARNING, logger="feedbridge.connections.tokens"):
        token = access_token_for(sessions, ctx, connection.id)

    report = connection_status(_stored(sessions, connection.id), ctx.now(), ctx.warning_period)
    assert report.status is ConnectionStatus.EXPIRING_SOON
    assert (report.days_left, report.describe()) == (6, "expiring in 6 days")
    warning = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("'Main shop'" in line and "runs out in 6 day(s)" in line for line in warning)
    assert not any(token in line or ctx.refresh_token(connection) in line for line in warning)


def test_a_run_out_refresh_token_expires_the_connection_and_changes_nothing(
    connect: Connect,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    clock: SteppingClock,
    admin: Admin,
) -> None:
    connection = connect()
    clock.sleep(61 * DAY)

    for _ in range(2):
        with pytest.raises(
            ConnectionExpired, match=r"refresh token ran out on .*Reconnect it.*nothing was deleted"
        ):
            access_token_for(sessions, ctx, connection.id)

    stored = _stored(sessions, connection.id)
    assert _status(ctx, stored) is ConnectionStatus.EXPIRED
    assert stored.access_token_encrypted == connection.access_token_encrypted
    assert stored.refresh_token_encrypted == connection.refresh_token_encrypted
    assert len(admin.get("/tokens")) == 1  # failing fast: no refresh was even tried
    with pytest.raises(ConnectionExpired):
        refresh_connection(sessions, ctx, connection.id)


def test_a_refused_refresh_token_expires_the_connection(
    connect: Connect,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    clock: SteppingClock,
    admin: Admin,
) -> None:
    connection = connect()
    with ctx.client_for(connection) as client:  # someone else spends the refresh token
        refresh_token(client, ctx.refresh_token(connection))
    clock.sleep(31 * DAY)

    with pytest.raises(ConnectionExpired, match=r"AliExpress refused the refresh token.*Reconnect it"):
        access_token_for(sessions, ctx, connection.id)

    stored = _stored(sessions, connection.id)
    assert stored.fault == Fault.REVOKED
    assert _status(ctx, stored) is ConnectionStatus.EXPIRED
    tokens_before = len(admin.get("/tokens"))
    with pytest.raises(ConnectionExpired, match="refused the refresh token"):
        access_token_for(sessions, ctx, connection.id)
    assert len(admin.get("/tokens")) == tokens_before


def test_manual_refresh_replaces_fresh_tokens(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext, clock: SteppingClock
) -> None:
    connection = connect()
    clock.sleep(3600)

    refresh_connection(sessions, ctx, connection.id)

    stored = _stored(sessions, connection.id)
    assert ctx.access_token(stored) != ctx.access_token(connection)
    assert stored.last_refreshed_at > connection.last_refreshed_at
    assert access_token_for(sessions, ctx, connection.id) == ctx.access_token(stored)


def test_a_failed_refresh_keeps_using_a_still_valid_token(
    connect: Connect,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    clock: SteppingClock,
    admin: Admin,
) -> None:
    connection = connect()
    clock.sleep(29.5 * DAY)
    admin.post("/behaviour", {"faults": {"system_error": 1.0, "apis": ["/auth/token/refresh"]}})

    assert access_token_for(sessions, ctx, connection.id) == ctx.access_token(connection)
    stored = _stored(sessions, connection.id)
    assert stored.last_error is not None and stored.last_error.startswith("refreshing the tokens failed")
    assert _status(ctx, stored) is ConnectionStatus.ACTIVE
    with pytest.raises(PlatformCallFailed, match="refreshing the tokens failed"):
        refresh_connection(sessions, ctx, connection.id)

    admin.post("/behaviour", {"faults": {"system_error": 0.0}})
    assert access_token_for(sessions, ctx, connection.id) != ctx.access_token(connection)
    assert _stored(sessions, connection.id).last_error is None
