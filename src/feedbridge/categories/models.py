"""The `category_lines` table: an API's manual categorization, one line per row, first match wins."""

from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, IdMixin, TimestampMixin
from feedbridge.validation import MAX_NAME_LENGTH


class CategoryLineRecord(IdMixin, TimestampMixin, Base):
    __tablename__ = "category_lines"

    api_id: Mapped[int] = mapped_column(ForeignKey("aliexpress_apis.id", ondelete="CASCADE"), index=True)
    # Lines are tried in ascending position; positions are kept dense (1, 2, 3 …) by the services.
    position: Mapped[int]
    # A rules condition group (`rules.model.Group`, dumped by alias): which items the line categorizes.
    condition: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The AliExpress leaf category; None for a generated line whose target is still to be picked.
    category_id: Mapped[int | None] = mapped_column(BigInteger)
    # What the line is for, for people ("product_type = Shoes" for a generated line).
    label: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH))

    def __repr__(self) -> str:
        return f"CategoryLineRecord(id={self.id!r}, api_id={self.api_id!r}, position={self.position!r})"
