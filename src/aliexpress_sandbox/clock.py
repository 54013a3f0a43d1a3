"""The sandbox clock: real time plus an offset that the admin API can move (to expire tokens, end audits)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone, tzinfo

# AliExpress reports product times in Beijing time (GMT+8) as "yyyy-MM-dd HH:mm:ss".
GMT8 = timezone(timedelta(hours=8))


class Clock:
    """Real time plus an offset; can be frozen so that tests see exactly the time they set."""

    def __init__(self, offset_seconds: float = 0.0, frozen_at: float | None = None) -> None:
        self.offset_seconds = offset_seconds
        self.frozen_at = frozen_at

    def now(self) -> float:
        """Seconds since the epoch, sandbox time."""
        if self.frozen_at is not None:
            return self.frozen_at
        return time.time() + self.offset_seconds

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset_seconds += seconds

    def freeze(self) -> None:
        self.frozen_at = self.now()

    def unfreeze(self) -> None:
        if self.frozen_at is not None:
            self.offset_seconds = self.frozen_at - time.time()
            self.frozen_at = None


def format_gmt8(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, GMT8).strftime("%Y-%m-%d %H:%M:%S")


def parse_gmt8(text: str) -> float:
    """Parse `yyyy-MM-dd HH:mm:ss` as Beijing time; raises ValueError on anything else."""
    return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=GMT8).timestamp()


def parse_in_zone(text: str, zone: tzinfo) -> float:
    return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).timestamp()


def iso_utc(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat()
