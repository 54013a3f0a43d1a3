"""AliExpress APIs: the channels of a project.

Revision ID: 0006_apis
Revises: 0005_rules
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_apis"
down_revision: str | None = "0005_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "aliexpress_apis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("unique_id_field", sa.String(length=200), nullable=False),
        sa.Column("rule_set_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"], ["connections.id"], name=op.f("fk_aliexpress_apis_connection_id_connections")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_aliexpress_apis_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["rule_set_id"], ["rule_sets.id"], name=op.f("fk_aliexpress_apis_rule_set_id_rule_sets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aliexpress_apis")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_aliexpress_apis_project_id_name")),
    )
    op.create_index(
        op.f("ix_aliexpress_apis_connection_id"), "aliexpress_apis", ["connection_id"], unique=False
    )
    op.create_index(op.f("ix_aliexpress_apis_rule_set_id"), "aliexpress_apis", ["rule_set_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_aliexpress_apis_rule_set_id"), table_name="aliexpress_apis")
    op.drop_index(op.f("ix_aliexpress_apis_connection_id"), table_name="aliexpress_apis")
    op.drop_table("aliexpress_apis")
