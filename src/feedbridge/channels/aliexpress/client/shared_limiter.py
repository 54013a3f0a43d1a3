"""A limiter whose schedule lives in the feedbridge database, so processes and machines share one budget.

Each key has one row holding its next free slot in epoch seconds: wall-clock time, because processes share
no monotonic clock. A reservation is a single upsert that moves the slot on and returns it, so the row lock
(PostgreSQL `INSERT ... ON CONFLICT DO UPDATE`) or the database write lock (SQLite) serialises concurrent
reservations and no two callers ever book the same slot. Being the transaction's first and only statement,
the upsert takes SQLite's write lock up front (waiting out the busy timeout), which is what BEGIN IMMEDIATE
would give: no read lock to upgrade, hence no deadlock between processes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, String
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base
from feedbridge.db.engine import create_engine

from .clock import Clock, SystemClock
from .limiter import SAFETY_FACTOR


class RateLimitSlot(Base):
    __tablename__ = "rate_limit_slots"

    # `app:<app key>:<api>` or `seller:<seller hash>:<api>`, as the client builds them.
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # Epoch seconds of the next free slot for this key.
    next_slot: Mapped[float] = mapped_column(sa.Double())


class SharedLimiter:
    """The Limiter protocol over the `rate_limit_slots` table (SQLite or PostgreSQL)."""

    def __init__(
        self, database: Engine | str, *, clock: Clock | None = None, safety_factor: float = SAFETY_FACTOR
    ) -> None:
        self._owns_engine = isinstance(database, str)
        self._engine = create_engine(database) if isinstance(database, str) else database
        self._clock = clock or SystemClock()
        self._factor = safety_factor
        self._upsert = _upsert_for(self._engine.dialect.name)

    def __repr__(self) -> str:
        return f"SharedLimiter({self._engine.url.render_as_string(hide_password=True)!r})"

    def reserve(self, key: str, rate: float) -> float:
        interval = 1.0 / (rate * self._factor)
        now = self._clock.now()
        with self._engine.begin() as connection:
            next_slot: float = connection.execute(
                self._upsert, {"key": key, "now": now, "interval": interval}
            ).scalar_one()
        return max(0.0, next_slot - interval - now)

    def close(self) -> None:
        """Release the engine if this limiter created it from a URL."""
        if self._owns_engine:
            self._engine.dispose()


def _upsert_for(dialect: str) -> Any:
    """`slot = max(stored, now)`, store `slot + interval`, return what was stored."""
    now: sa.BindParameter[float] = sa.bindparam("now", type_=sa.Double())
    interval: sa.BindParameter[float] = sa.bindparam("interval", type_=sa.Double())
    if dialect == "postgresql":
        insert: Any = postgresql.insert(RateLimitSlot)
        later = sa.func.greatest(RateLimitSlot.next_slot, now)
    elif dialect == "sqlite":
        insert = sqlite.insert(RateLimitSlot)
        later = sa.func.max(RateLimitSlot.next_slot, now)  # SQLite's two-argument max() is the scalar one
    else:
        raise ValueError(f"SharedLimiter supports SQLite and PostgreSQL, not {dialect}")
    statement = insert.values(key=sa.bindparam("key"), next_slot=now + interval)
    return statement.on_conflict_do_update(
        index_elements=[RateLimitSlot.key], set_={"next_slot": later + interval}
    ).returning(RateLimitSlot.next_slot)
