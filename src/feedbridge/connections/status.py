"""A connection's status, worked out from its expiries and fault whenever it is read (never stored stale)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from feedbridge.connections.models import Connection, Fault

DAY = timedelta(days=1)


class ConnectionStatus(StrEnum):
    ACTIVE = "active"
    EXPIRING_SOON = "expiring_soon"  # the refresh token runs out within the warning period
    EXPIRED = "expired"  # the refresh token ran out or was refused: connect again
    FAULTY = "faulty"  # connected, but not usable (see `fault` and `last_error`)


@dataclass(frozen=True)
class StatusReport:
    status: ConnectionStatus
    # Full days until the refresh token runs out; 0 in its last day and once it has run out.
    days_left: int

    def describe(self) -> str:
        if self.status is not ConnectionStatus.EXPIRING_SOON:
            return self.status.value
        if self.days_left == 0:
            return "expiring within a day"
        return f"expiring in {self.days_left} day{'s' if self.days_left != 1 else ''}"


def connection_status(connection: Connection, now: datetime, warning_period: timedelta) -> StatusReport:
    remaining = connection.refresh_expires_at - now
    days_left = max(0, math.floor(remaining / DAY))
    if remaining <= timedelta(0) or connection.fault == Fault.REVOKED:
        return StatusReport(ConnectionStatus.EXPIRED, 0)
    if connection.fault is not None:
        return StatusReport(ConnectionStatus.FAULTY, days_left)
    if remaining <= warning_period:
        return StatusReport(ConnectionStatus.EXPIRING_SOON, days_left)
    return StatusReport(ConnectionStatus.ACTIVE, days_left)
