"""The embedded register's document photos (demo and tests only): the photo
the state keeps for each issued passport, as the register's API serves it."""
from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base


class RegisterPhoto(Base):
    __tablename__ = "register_photo"

    document_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    pinfl: Mapped[str] = mapped_column(ForeignKey("register_entry.pinfl", ondelete="CASCADE"), index=True)
    media_type: Mapped[str] = mapped_column(String(40))
    image: Mapped[bytes] = mapped_column(LargeBinary)
