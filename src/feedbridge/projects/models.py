from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, IdMixin, TimestampMixin
from feedbridge.validation import MAX_NAME_LENGTH


class Project(IdMixin, TimestampMixin, Base):
    __tablename__ = "projects"
    # The unique constraint leads with company_id, so it also serves lookups by company.
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    is_active: Mapped[bool] = mapped_column(default=True)
