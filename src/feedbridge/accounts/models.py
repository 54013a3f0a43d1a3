from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, CreatedAtMixin, IdMixin
from feedbridge.validation import MAX_NAME_LENGTH

MAX_SLUG_LENGTH = 63
MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit


class Company(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "companies"

    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH), unique=True)


class User(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "users"
    # E-mail addresses are unique case-insensitively: services store them lowercased and the
    # database refuses anything else, so the plain unique constraint is enough.
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
