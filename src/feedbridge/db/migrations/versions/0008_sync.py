"""Runs: bindings, products left alone, runs and their results, schedules, the photobank cache.

Revision ID: 0008_sync
Revises: 0007_categories_and_builds
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_sync"
down_revision: str | None = "0007_categories_and_builds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "photobank_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("photobank_url", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_photobank_images_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photobank_images")),
        sa.UniqueConstraint(
            "connection_id", "source_url", name=op.f("uq_photobank_images_connection_id_source_url")
        ),
    )
    op.create_index(
        op.f("ix_photobank_images_content_sha256"), "photobank_images", ["content_sha256"], unique=False
    )
    op.create_table(
        "ignored_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("sku_codes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_id"],
            ["aliexpress_apis.id"],
            name=op.f("fk_ignored_products_api_id_aliexpress_apis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ignored_products")),
        sa.UniqueConstraint("api_id", "product_id", name=op.f("uq_ignored_products_api_id_product_id")),
    )
    op.create_table(
        "listing_bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_id", sa.Integer(), nullable=False),
        sa.Column("listing_key", sa.Text(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=True),
        sa.Column("sku_codes", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=20), nullable=True),
        sa.Column("price_hash", sa.String(length=20), nullable=True),
        sa.Column("stock_hash", sa.String(length=20), nullable=True),
        sa.Column("price", sa.Double(), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("last_error_code", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_id"],
            ["aliexpress_apis.id"],
            name=op.f("fk_listing_bindings_api_id_aliexpress_apis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_bindings")),
        sa.UniqueConstraint("api_id", "listing_key", name=op.f("uq_listing_bindings_api_id_listing_key")),
    )
    op.create_index(op.f("ix_listing_bindings_product_id"), "listing_bindings", ["product_id"], unique=False)
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("initial", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("planned", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("hold", sa.JSON(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_id"],
            ["aliexpress_apis.id"],
            name=op.f("fk_sync_runs_api_id_aliexpress_apis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_index(op.f("ix_sync_runs_api_id"), "sync_runs", ["api_id"], unique=False)
    op.create_index(
        "ix_sync_runs_one_active_per_api",
        "sync_runs",
        ["api_id"],
        unique=True,
        sqlite_where=sa.text("status IN ('planning', 'running')"),
        postgresql_where=sa.text("status IN ('planning', 'running')"),
    )
    op.create_table(
        "sync_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_id", sa.Integer(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("every_hours", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_id"],
            ["aliexpress_apis.id"],
            name=op.f("fk_sync_schedules_api_id_aliexpress_apis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_schedules")),
        sa.UniqueConstraint("api_id", name=op.f("uq_sync_schedules_api_id")),
    )
    op.create_index(op.f("ix_sync_schedules_next_due_at"), "sync_schedules", ["next_due_at"], unique=False)
    op.create_table(
        "sync_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("listing_key", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=True),
        sa.Column("error_code", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sync_runs.id"], name=op.f("fk_sync_results_run_id_sync_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_results")),
    )
    op.create_index(op.f("ix_sync_results_run_id"), "sync_results", ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_results_run_id"), table_name="sync_results")
    op.drop_table("sync_results")
    op.drop_index(op.f("ix_sync_schedules_next_due_at"), table_name="sync_schedules")
    op.drop_table("sync_schedules")
    op.drop_index("ix_sync_runs_one_active_per_api", table_name="sync_runs")
    op.drop_index(op.f("ix_sync_runs_api_id"), table_name="sync_runs")
    op.drop_table("sync_runs")
    op.drop_index(op.f("ix_listing_bindings_product_id"), table_name="listing_bindings")
    op.drop_table("listing_bindings")
    op.drop_table("ignored_products")
    op.drop_index(op.f("ix_photobank_images_content_sha256"), table_name="photobank_images")
    op.drop_table("photobank_images")
