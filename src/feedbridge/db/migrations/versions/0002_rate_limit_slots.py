"""The shared rate limiter's schedule: the next free slot per limiter key.

Revision ID: 0002_rate_limit_slots
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_rate_limit_slots"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_slots",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("next_slot", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_slots")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_slots")
