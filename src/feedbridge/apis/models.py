"""The `aliexpress_apis` table: one AliExpress channel of a project."""

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, IdMixin, TimestampMixin
from feedbridge.validation import MAX_NAME_LENGTH

MAX_LANGUAGE_LENGTH = 2


class Language(StrEnum):
    """AliExpress main languages (AliExpress's own codes: `in` is Indonesian, `iw` Hebrew)."""

    EN = "en"
    RU = "ru"
    ES = "es"
    FR = "fr"
    IT = "it"
    TR = "tr"
    PT = "pt"
    DE = "de"
    NL = "nl"
    IN = "in"
    AR = "ar"
    JA = "ja"
    KO = "ko"
    TH = "th"
    VI = "vi"
    IW = "iw"


class AliExpressApi(IdMixin, TimestampMixin, Base):
    __tablename__ = "aliexpress_apis"
    # Leads with project_id, so it also serves listing a project's APIs.
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id"), index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    language: Mapped[str] = mapped_column(String(MAX_LANGUAGE_LENGTH))  # a Language value
    # The item field whose value becomes the SKU code; fixed at creation (bindings match on it).
    unique_id_field: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    # An `api` layer rule set of the same project; several APIs may share one.
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_sets.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"AliExpressApi(id={self.id!r}, project_id={self.project_id!r}, name={self.name!r})"
