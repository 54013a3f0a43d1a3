"""The `builds` table: one build per API (the mapping from item fields to AliExpress attributes), as JSON."""

from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, IdMixin, TimestampMixin


class BuildRecord(IdMixin, TimestampMixin, Base):
    __tablename__ = "builds"

    api_id: Mapped[int] = mapped_column(ForeignKey("aliexpress_apis.id", ondelete="CASCADE"), unique=True)
    # The Build dumped without defaults (`listings.spec.build_data`).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"BuildRecord(id={self.id!r}, api_id={self.api_id!r})"
