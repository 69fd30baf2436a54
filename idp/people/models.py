"""Person, identity document and account tables."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.db import Base, UTCDateTime, utcnow


def new_id() -> str:
    return str(uuid.uuid4())


class Person(Base):
    """A citizen as the population register knows them."""

    __tablename__ = "person"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pinfl: Mapped[str] = mapped_column(String(14), unique=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    family_name_cyr: Mapped[str | None] = mapped_column(String(100))
    given_name_cyr: Mapped[str | None] = mapped_column(String(100))
    patronymic_cyr: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))  # "M" / "F" as in ICAO 9303
    citizenship: Mapped[str] = mapped_column(String(3), default="UZB")
    residency: Mapped[str] = mapped_column(String(16), default="resident")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    documents: Mapped[list["IdentityDocument"]] = relationship(back_populates="person", cascade="all, delete-orphan")
    account: Mapped["Account | None"] = relationship(back_populates="person", uselist=False)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.patronymic, self.family_name) if p)


class IdentityDocument(Base):
    __tablename__ = "identity_document"
    __table_args__ = (UniqueConstraint("kind", "number", "issuing_state", name="uq_identity_document_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="passport")  # passport, id_card
    number: Mapped[str] = mapped_column(String(20))
    issuing_state: Mapped[str] = mapped_column(String(3), default="UZB")
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="documents")


class Account(Base):
    """A person's login: status, contact points and identity assurance."""

    __tablename__ = "account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, suspended, closed
    locale: Mapped[str] = mapped_column(String(8), default="uz")
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    email_verified: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_verified: Mapped[bool] = mapped_column(default=False)
    identity_level: Mapped[str] = mapped_column(String(16), default="low")  # low, substantial, high
    proofing_method: Mapped[str] = mapped_column(String(32), default="self_asserted")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the owner's choice for the one alert that is not about security (idp/cabinet/alerts.py)
    alert_new_portal: Mapped[bool] = mapped_column(default=True, server_default=true())

    person: Mapped[Person] = relationship(back_populates="account", lazy="joined")

    @property
    def active(self) -> bool:
        return self.status == "active"


class RegisterEntry(Base):
    """The embedded population register (the demo stand-in for the state register)."""

    __tablename__ = "register_entry"

    pinfl: Mapped[str] = mapped_column(String(14), primary_key=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    family_name_cyr: Mapped[str | None] = mapped_column(String(100))
    given_name_cyr: Mapped[str | None] = mapped_column(String(100))
    patronymic_cyr: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    citizenship: Mapped[str] = mapped_column(String(3), default="UZB")
    document_number: Mapped[str] = mapped_column(String(20), index=True)
    document_expiry: Mapped[dt.date | None] = mapped_column(Date)
