"""Consulates, officers, appointments, desk visits, activation codes, and the
review state of remote enrollment cases.

Times are stored in UTC; a consulate's `timezone` (IANA name) is used only to
show and to enter local times. Images taken or read at the desk live only in
`VisitImage`, encrypted, and are deleted after the decision plus the
retention period (`idp consular purge`).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.db import Base, UTCDateTime, utcnow
from idp.people.models import new_id

OFFICER, SUPERVISOR = "officer", "supervisor"
ROLES = (OFFICER, SUPERVISOR)

# Appointment states
BOOKED, CANCELLED, ARRIVED, COMPLETED, NO_SHOW = "booked", "cancelled", "arrived", "completed", "no_show"
APPOINTMENT_STATUSES = (BOOKED, CANCELLED, ARRIVED, COMPLETED, NO_SHOW)

# Visit states
OPEN, AWAITING_SUPERVISOR, APPROVED, REFUSED = "open", "awaiting_supervisor", "approved", "refused"
VISIT_STATUSES = (OPEN, AWAITING_SUPERVISOR, APPROVED, REFUSED)

# Outcomes of an officer's decision on a remote case
CASE_APPROVED, CASE_REJECTED, CASE_CONSULAR = "approved", "rejected", "consular"


class Consulate(Base):
    """An embassy or consulate: where it is, its time zone, and the countries
    whose residents it serves (their remote cases go to its review queue)."""

    __tablename__ = "consulate"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # short, for URLs and the CLI: "MOW"
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2 of its location
    timezone: Mapped[str] = mapped_column(String(64))  # IANA, e.g. "Europe/Moscow"
    address: Mapped[str | None] = mapped_column(String(300))
    fallback: Mapped[bool] = mapped_column(default=False)  # reviews cases whose country is not known
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    countries: Mapped[list["ConsulateCountry"]] = relationship(
        back_populates="consulate", cascade="all, delete-orphan", order_by="ConsulateCountry.country")

    @property
    def country_codes(self) -> list[str]:
        return [c.country for c in self.countries]


class ConsulateCountry(Base):
    """A country served by one consulate (the primary key makes the routing
    of a country of residence unambiguous)."""

    __tablename__ = "consulate_country"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    consulate_id: Mapped[str] = mapped_column(ForeignKey("consulate.id", ondelete="CASCADE"), index=True)

    consulate: Mapped[Consulate] = relationship(back_populates="countries")


class OfficerRole(Base):
    """An account's role at one consulate."""

    __tablename__ = "consular_officer"
    __table_args__ = (UniqueConstraint("account_id", "consulate_id", name="uq_consular_officer_account_consulate"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    consulate_id: Mapped[str] = mapped_column(ForeignKey("consulate.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=OFFICER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    consulate: Mapped[Consulate] = relationship(lazy="joined")


class Slot(Base):
    """A bookable time at a consulate, for `capacity` visitors."""

    __tablename__ = "consular_slot"
    __table_args__ = (UniqueConstraint("consulate_id", "starts_at", name="uq_consular_slot_time"),
                      CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    consulate_id: Mapped[str] = mapped_column(ForeignKey("consulate.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=20)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[bool] = mapped_column(default=False)

    consulate: Mapped[Consulate] = relationship(lazy="joined")

    @property
    def free(self) -> int:
        return 0 if self.closed else max(0, self.capacity - self.booked)


class Appointment(Base):
    """A citizen's booking of a slot; the citizen proved only an e-mail address."""

    __tablename__ = "consular_appointment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(12), unique=True)  # told to the officer at the desk
    slot_id: Mapped[str] = mapped_column(ForeignKey("consular_slot.id", ondelete="CASCADE"), index=True)
    consulate_id: Mapped[str] = mapped_column(ForeignKey("consulate.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="uz")
    status: Mapped[str] = mapped_column(String(16), default=BOOKED, index=True)
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(64))  # "citizen" or an officer's account id
    arrived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[Slot] = relationship(lazy="joined")
    consulate: Mapped[Consulate] = relationship(lazy="joined")

    def __repr__(self) -> str:  # no e-mail address in logs
        return f"Appointment({self.id}, {self.status})"


class Visit(Base):
    """An in-person enrollment at the desk: the document checked, the chip
    read where possible, a photo taken and matched, and the decision."""

    __tablename__ = "consular_visit"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    consulate_id: Mapped[str] = mapped_column(ForeignKey("consulate.id", ondelete="CASCADE"), index=True)
    appointment_id: Mapped[str | None] = mapped_column(
        ForeignKey("consular_appointment.id", ondelete="SET NULL"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=OPEN, index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8), default="uz")
    opened_by: Mapped[str] = mapped_column(String(36))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the document, typed from the data page or read from the chip
    document_number: Mapped[str | None] = mapped_column(String(20))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    passport_checked: Mapped[bool] = mapped_column(default=False)
    document_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pinfl: Mapped[str | None] = mapped_column(String(14), index=True)
    purpose: Mapped[str | None] = mapped_column(String(16))  # enroll, recovery (the person has an account)
    register_match: Mapped[dict] = mapped_column(JSON, default=dict)
    # the chip, where a reader is attached
    chip_accepted: Mapped[bool | None] = mapped_column()
    chip_reasons: Mapped[list] = mapped_column(JSON, default=list)
    chip_report: Mapped[dict] = mapped_column(JSON, default=dict)  # nfc ChipReport.as_log()
    chip_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # the photo taken at the desk and its match to the chip portrait
    photo_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    face_match: Mapped[dict] = mapped_column(JSON, default=dict)  # MatchResult.to_dict() or a reason
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # the decision
    first_approval_by: Mapped[str | None] = mapped_column(String(36))
    first_approval_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(String(40))
    account_id: Mapped[str | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    biometrics_purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    consulate: Mapped[Consulate] = relationship(lazy="joined")
    appointment: Mapped[Appointment | None] = relationship()

    def __repr__(self) -> str:
        return f"Visit({self.id}, {self.status})"


class VisitImage(Base):
    """An encrypted image of a visit: the chip portrait or the desk photo."""

    __tablename__ = "consular_visit_image"
    __table_args__ = (UniqueConstraint("visit_id", "kind", name="uq_consular_visit_image_kind"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    visit_id: Mapped[str] = mapped_column(ForeignKey("consular_visit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # chip_portrait, desk_photo
    media_type: Mapped[str] = mapped_column(String(40))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActivationCode(Base):
    """A one-time code printed for the citizen at the desk; stored as a hash."""

    __tablename__ = "consular_activation_code"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    visit_id: Mapped[str] = mapped_column(ForeignKey("consular_visit.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship(lazy="joined")


class CaseReview(Base):
    """The consular side of a remote enrollment case: which consulate reviews
    it (by the citizen's country of residence), a first approval waiting for
    a supervisor, and the officers' final decision."""

    __tablename__ = "consular_case_review"

    case_id: Mapped[str] = mapped_column(ForeignKey("enrollment_case.id", ondelete="CASCADE"), primary_key=True)
    consulate_id: Mapped[str | None] = mapped_column(ForeignKey("consulate.id", ondelete="SET NULL"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    routed_by: Mapped[str] = mapped_column(String(16))  # phone, fallback, officer, none
    routed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_approval_by: Mapped[str | None] = mapped_column(String(36))
    first_approval_role: Mapped[str | None] = mapped_column(String(16))
    first_approval_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    override: Mapped[bool] = mapped_column(default=False)  # the approval overrides an automatic rejection
    outcome: Mapped[str | None] = mapped_column(String(16))  # approved, rejected, consular
    decided_by: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reason_code: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(Text)  # the officer's words to the citizen, shown as written

    consulate: Mapped[Consulate | None] = relationship(lazy="joined")
