"""AliExpress connections, pending OAuth authorizations and the account data cache.

Revision ID: 0003_connections
Revises: 0002_rate_limit_slots
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_connections"
down_revision: str | None = "0002_rate_limit_slots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("app_key", sa.String(length=64), nullable=False),
        sa.Column("app_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("gateway_url", sa.String(length=500), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("seller_account", sa.String(length=254), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("shop_name", sa.String(length=200), nullable=True),
        sa.Column("access_token_encrypted", sa.Text(), nullable=False),
        sa.Column("refresh_token_encrypted", sa.Text(), nullable=False),
        sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refresh_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fault", sa.String(length=20), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_connections_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connections")),
        sa.UniqueConstraint("company_id", "label", name=op.f("uq_connections_company_id_label")),
    )
    op.create_table(
        "connection_authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("app_key", sa.String(length=64), nullable=False),
        sa.Column("app_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("gateway_url", sa.String(length=500), nullable=False),
        sa.Column("redirect_uri", sa.String(length=500), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_connection_authorizations_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection_authorizations")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_connection_authorizations_state_hash")),
    )
    op.create_index(
        op.f("ix_connection_authorizations_company_id"), "connection_authorizations", ["company_id"]
    )
    op.create_table(
        "connection_data",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_connection_data_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection_data")),
        sa.UniqueConstraint(
            "connection_id", "kind", "language", name=op.f("uq_connection_data_connection_id_kind_language")
        ),
    )


def downgrade() -> None:
    op.drop_table("connection_data")
    op.drop_index(op.f("ix_connection_authorizations_company_id"), table_name="connection_authorizations")
    op.drop_table("connection_authorizations")
    op.drop_table("connections")
