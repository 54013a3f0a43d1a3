"""The `photobank_images` table: which merchant image is already in a seller's AliExpress photobank."""

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedbridge.db.base import Base, CreatedAtMixin, IdMixin


class PhotobankImage(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "photobank_images"
    __table_args__ = (UniqueConstraint("connection_id", "source_url"),)

    # The photobank is the seller's: a connection's uploads serve every API that uses it.
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    source_url: Mapped[str] = mapped_column(Text)
    # The same picture under two URLs is uploaded once.
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    photobank_url: Mapped[str] = mapped_column(Text)
