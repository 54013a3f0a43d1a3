"""Connections, the OAuth authorizations waiting for their callback, and the account data cache.

Secrets (app secret, tokens) are stored only as Fernet ciphertext (`feedbridge.encryption`); the key is
never in the database. The status is not stored: it follows from the expiries and `fault` at read time
(`feedbridge.connections.status`), so it can never be stale.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.accounts.models import MAX_EMAIL_LENGTH
from feedbridge.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin
from feedbridge.validation import MAX_NAME_LENGTH

MAX_URL_LENGTH = 500
MAX_APP_KEY_LENGTH = 64


class Fault(StrEnum):
    """Why a connection cannot be used although its tokens have not run out."""

    INELIGIBLE = "ineligible"  # posting forbidden, or a country that is not accepted
    PROFILE_UNREAD = "profile_unread"  # the merchant profile could not be read, so eligibility is unknown
    REVOKED = "revoked"  # AliExpress refused the refresh token: the seller must connect again


class Connection(IdMixin, TimestampMixin, Base):
    __tablename__ = "connections"
    __table_args__ = (UniqueConstraint("company_id", "label"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    label: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    app_key: Mapped[str] = mapped_column(String(MAX_APP_KEY_LENGTH))
    app_secret_encrypted: Mapped[str] = mapped_column(Text)
    gateway_url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    seller_id: Mapped[str] = mapped_column(String(64))
    seller_account: Mapped[str | None] = mapped_column(String(MAX_EMAIL_LENGTH))  # the login e-mail
    country: Mapped[str | None] = mapped_column(String(2))
    shop_name: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH))
    access_token_encrypted: Mapped[str] = mapped_column(Text)
    refresh_token_encrypted: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime]
    refresh_expires_at: Mapped[datetime]
    # When the current token pair was issued (by the connect or by the latest refresh).
    last_refreshed_at: Mapped[datetime]
    fault: Mapped[str | None] = mapped_column(String(20))  # a Fault value
    # What went wrong last, for people; written from platform answers and our own messages, never secrets.
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"Connection(id={self.id!r}, company_id={self.company_id!r}, label={self.label!r})"


class PendingAuthorization(IdMixin, CreatedAtMixin, Base):
    """One "Connect with AliExpress" click, waiting for the seller to come back with `code` and `state`."""

    __tablename__ = "connection_authorizations"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    # SHA-256 of the random state: a database leak does not hand out usable states.
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    app_key: Mapped[str] = mapped_column(String(MAX_APP_KEY_LENGTH))
    app_secret_encrypted: Mapped[str] = mapped_column(Text)
    gateway_url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    redirect_uri: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"PendingAuthorization(id={self.id!r}, company_id={self.company_id!r}, label={self.label!r})"


class AccountData(IdMixin, Base):
    """One cached answer about a seller's account: a category level, a schema, templates, groups."""

    __tablename__ = "connection_data"
    __table_args__ = (UniqueConstraint("connection_id", "kind", "language"),)

    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    # category_children:<parent> | attributes:<category> | schema:<category> | freight_templates | ...
    kind: Mapped[str] = mapped_column(String(100))
    # The API language the entry was read for; "" for answers that do not depend on it.
    language: Mapped[str] = mapped_column(String(16))
    payload: Mapped[Any] = mapped_column(JSON)
    fetched_at: Mapped[datetime]
