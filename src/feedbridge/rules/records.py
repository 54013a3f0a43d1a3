"""Stored rule sets: a project's rules in one of the three layers (the rules themselves are JSON).

A project has at most one `project` rule set (a partial unique index) and each import at most one
`import` rule set (a unique import_id; removing the import removes its rules). `api` rule sets are
referenced by the project's APIs, several of which may share one.
"""

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, IdMixin, TimestampMixin
from feedbridge.validation import MAX_NAME_LENGTH

MAX_LAYER_LENGTH = 10
_PROJECT_LAYER = text("layer = 'project'")


class RuleSetRecord(IdMixin, TimestampMixin, Base):
    __tablename__ = "rule_sets"
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        UniqueConstraint("import_id"),
        CheckConstraint("layer IN ('import', 'project', 'api')", name="layer"),
        # Import rules belong to exactly one import; the other layers to none.
        CheckConstraint(
            "(layer = 'import' AND import_id IS NOT NULL) OR (layer <> 'import' AND import_id IS NULL)",
            name="import_layer",
        ),
        Index(
            "uq_rule_sets_project_rules",
            "project_id",
            unique=True,
            sqlite_where=_PROJECT_LAYER,
            postgresql_where=_PROJECT_LAYER,
        ),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    layer: Mapped[str] = mapped_column(String(MAX_LAYER_LENGTH))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    # The RuleSet dumped by alias without default values (`files.rule_set_data`).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
