"""Rule sets: a project's import, project and API rules (the rules as JSON).

Revision ID: 0005_rules
Revises: 0004_catalog
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_rules"
down_revision: str | None = "0004_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("layer", sa.String(length=10), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("layer IN ('import', 'project', 'api')", name=op.f("ck_rule_sets_layer")),
        sa.CheckConstraint(
            "(layer = 'import' AND import_id IS NOT NULL) OR (layer <> 'import' AND import_id IS NULL)",
            name=op.f("ck_rule_sets_import_layer"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_rule_sets_import_id_imports"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_rule_sets_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_sets")),
        sa.UniqueConstraint("import_id", name=op.f("uq_rule_sets_import_id")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_rule_sets_project_id_name")),
    )
    # At most one rule set of project rules per project.
    op.create_index(
        "uq_rule_sets_project_rules",
        "rule_sets",
        ["project_id"],
        unique=True,
        sqlite_where=sa.text("layer = 'project'"),
        postgresql_where=sa.text("layer = 'project'"),
    )


def downgrade() -> None:
    op.drop_index("uq_rule_sets_project_rules", table_name="rule_sets")
    op.drop_table("rule_sets")
