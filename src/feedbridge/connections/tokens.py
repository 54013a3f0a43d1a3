"""Token lifecycle: refresh before the access token expires, warn before the refresh token runs out.

A refresh commits in its own transaction, whatever the caller is doing: AliExpress spends the old refresh
token the moment it answers (REFERENCE §2.3), so the new access and refresh token must be stored together
right away. The connection's row stays locked from before the call until that commit, so a second worker
waits and then finds the fresh pair instead of spending a refresh token that no longer exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from feedbridge.channels.aliexpress.client import AliExpressError, RefreshTokenExpired
from feedbridge.channels.aliexpress.client.auth import refresh_token
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.eligibility import check_seller
from feedbridge.connections.errors import (
    ConnectionExpired,
    ConnectionFaulty,
    ConnectionNotFound,
    PlatformCallFailed,
)
from feedbridge.connections.models import Connection, Fault
from feedbridge.connections.oauth import store_grant
from feedbridge.connections.services import lock_connections
from feedbridge.connections.status import ConnectionStatus, StatusReport, connection_status

log = logging.getLogger(__name__)


@dataclass
class _Outcome:
    """What a refresh transaction ends with; errors are raised only after it has committed."""

    token: str | None = None
    error: Exception | None = None


def check_usable(
    ctx: ConnectionContext, connection: Connection, *, allow_faulty: bool = False
) -> StatusReport:
    """Fail fast (changing nothing) when the connection is expired, or faulty unless allowed."""
    report = connection_status(connection, ctx.now(), ctx.warning_period)
    if report.status is ConnectionStatus.EXPIRED:
        raise ConnectionExpired(connection.label, _expiry_reason(connection))
    if report.status is ConnectionStatus.FAULTY and not allow_faulty:
        raise ConnectionFaulty(connection.label, connection.last_error or "see the connection's last error")
    return report


def _warn_if_expiring(connection: Connection, report: StatusReport) -> None:
    if report.status is ConnectionStatus.EXPIRING_SOON:
        log.warning(
            "AliExpress connection '%s' (company %s): the refresh token runs out in %d day(s), on %s; "
            "reconnect the seller before then",
            connection.label,
            connection.company_id,
            report.days_left,
            f"{connection.refresh_expires_at:%Y-%m-%d %H:%M} UTC",
        )


def _expiry_reason(connection: Connection) -> str:
    if connection.fault == Fault.REVOKED:
        return connection.last_error or "AliExpress refused its refresh token"
    return f"its refresh token ran out on {connection.refresh_expires_at:%Y-%m-%d %H:%M} UTC"


def _needs_refresh(ctx: ConnectionContext, connection: Connection) -> bool:
    # A test app's access token lives one day: a one-day margin would refresh it on every use, so the
    # margin never exceeds half the token's lifetime.
    lifetime = connection.access_expires_at - connection.last_refreshed_at
    margin = min(ctx.refresh_margin, lifetime / 2)
    return connection.access_expires_at - ctx.now() <= margin


def access_token_for(sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int) -> str:
    """A working access token for the connection, refreshed first when it expires within the margin."""
    with sessions() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise ConnectionNotFound(f"#{connection_id}")
        _warn_if_expiring(connection, check_usable(ctx, connection))
        if not _needs_refresh(ctx, connection):
            return ctx.access_token(connection)
    return _refresh(sessions, ctx, connection_id, manual=False)


def refresh_connection(sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int) -> None:
    """The manual "refresh token" action: new tokens now, and the seller's eligibility checked again."""
    _refresh(sessions, ctx, connection_id, manual=True)


def _refresh(
    sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int, *, manual: bool
) -> str:
    outcome = _Outcome()
    with sessions.begin() as session:
        locked = lock_connections(session, Connection.id == connection_id)
        if not locked:
            raise ConnectionNotFound(f"#{connection_id}")
        connection = locked[0]
        check_usable(ctx, connection, allow_faulty=manual)
        if not manual and not _needs_refresh(ctx, connection):
            return ctx.access_token(connection)  # another worker refreshed it while we waited for the lock
        _call_refresh(ctx, connection, outcome, manual=manual)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.token is not None
    return outcome.token


def _call_refresh(ctx: ConnectionContext, connection: Connection, outcome: _Outcome, *, manual: bool) -> None:
    with ctx.client_for(connection) as client:
        try:
            grant = refresh_token(client, ctx.refresh_token(connection))
        except RefreshTokenExpired as error:
            connection.fault = Fault.REVOKED
            connection.last_error = f"AliExpress refused the refresh token ({error})"
            outcome.error = ConnectionExpired(connection.label, connection.last_error)
            return
        except AliExpressError as error:
            connection.last_error = (
                f"refreshing the tokens failed: {error}; it is tried again at the next use."
            )
            still_valid = connection.access_expires_at > ctx.now()
            if manual or not still_valid:
                outcome.error = PlatformCallFailed(connection.label, "refreshing the tokens", error)
            else:
                log.warning("AliExpress connection '%s': %s", connection.label, connection.last_error)
                outcome.token = ctx.access_token(connection)
            return
        store_grant(ctx, connection, grant)
        connection.last_error = None
        if manual:
            accepted = ctx.settings.aliexpress_seller_countries
            check_seller(connection, client, grant.access_token.get_secret_value(), accepted)
        outcome.token = grant.access_token.get_secret_value()
    log.info("AliExpress connection '%s': tokens refreshed", connection.label)
