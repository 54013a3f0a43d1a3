"""An API's manual category lines and its build.

Revision ID: 0007_categories_and_builds
Revises: 0006_apis
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_categories_and_builds"
down_revision: str | None = "0006_apis"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("condition", sa.JSON(), nullable=False),
        sa.Column("category_id", sa.BigInteger(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_id"],
            ["aliexpress_apis.id"],
            name=op.f("fk_category_lines_api_id_aliexpress_apis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_lines")),
    )
    op.create_index(op.f("ix_category_lines_api_id"), "category_lines", ["api_id"], unique=False)
    op.create_table(
        "builds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_id", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_id"],
            ["aliexpress_apis.id"],
            name=op.f("fk_builds_api_id_aliexpress_apis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_builds")),
        sa.UniqueConstraint("api_id", name=op.f("uq_builds_api_id")),
    )


def downgrade() -> None:
    op.drop_table("builds")
    op.drop_index(op.f("ix_category_lines_api_id"), table_name="category_lines")
    op.drop_table("category_lines")
