"""Enrollment cases and their evidence.

A case is one citizen's attempt to prove who they are remotely. Its step
columns (`*_at`) say which steps of the graph are done (steps.py); evidence
rows keep every chip read and every selfie attempt, with their checks and
reason codes, for the decision and for the officer who reviews it. Images
(chip portrait, selfie frames) live only in `BiometricRecord`, encrypted,
and are deleted after the decision plus the retention period.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.db import Base, UTCDateTime, utcnow
from idp.people.models import new_id

# Case status values (docs/enrollment.md, "Case states").
IN_PROGRESS = "in_progress"
AWAITING_REVIEW = "awaiting_review"
APPROVED = "approved"
REJECTED = "rejected"
ACTIVATED = "activated"
CONSULAR = "consular"  # the citizen switched to the consular route
WITHDRAWN = "withdrawn"
EXPIRED = "expired"
STATUSES = (IN_PROGRESS, AWAITING_REVIEW, APPROVED, REJECTED, ACTIVATED, CONSULAR, WITHDRAWN, EXPIRED)
OPEN_STATUSES = (IN_PROGRESS, AWAITING_REVIEW, APPROVED)  # a case that can still end in an account
FINAL_STATUSES = (REJECTED, ACTIVATED, CONSULAR, WITHDRAWN, EXPIRED)

ENROLL = "enroll"
RECOVERY = "recovery"
# A logged-in citizen proves their identity again to raise their existing
# account's identity level: the case is bound to that account (`account_id`
# from the start), keeps its login methods, and never lowers its level.
RAISE = "raise_level"

# Routes (docs/enrollment.md, "Routes that fit the device").
PASSPORT = "passport"  # the passport chip, read by a reader app or a card reader
REGISTER_PHOTO = "register_photo"  # no chip: the selfie is compared with the register's photo
CONSULAR_ROUTE = "consular"
ROUTES = (PASSPORT, REGISTER_PHOTO, CONSULAR_ROUTE)


class EnrollmentCase(Base):
    __tablename__ = "enrollment_case"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    purpose: Mapped[str] = mapped_column(String(16), default=ENROLL)  # enroll, recovery, raise_level
    route: Mapped[str] = mapped_column(String(16), default=PASSPORT)  # passport, register_photo, consular
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS, index=True)
    locale: Mapped[str] = mapped_column(String(8), default="uz")
    browser_key_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the key in the browser's cookie
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)

    # step: start
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # step: contact (e-mail verified by code; a phone of any country, optional)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    residence_country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2, routes to a consulate
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # step: document (MRZ fields as typed, checked by their check digits)
    document_number: Mapped[str | None] = mapped_column(String(20))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    document_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # step: chip (verified upload, register match, uniqueness)
    chip_attempts: Mapped[int] = mapped_column(Integer, default=0)
    chip_evidence_id: Mapped[str | None] = mapped_column(String(36))
    chip_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pinfl: Mapped[str | None] = mapped_column(String(14), index=True)
    # step: register (the register-photo route instead of the chip: register match and its photo)
    register_evidence_id: Mapped[str | None] = mapped_column(String(36))
    register_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # step: selfie (liveness and face match against the chip portrait)
    selfie_attempts: Mapped[int] = mapped_column(Integer, default=0)
    selfie_evidence_id: Mapped[str | None] = mapped_column(String(36))
    selfie_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # step: submit, then the decision
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(16))  # approve, review, reject
    decision_reasons: Mapped[list] = mapped_column(JSON, default=list)
    flags: Mapped[list] = mapped_column(JSON, default=list)  # borderline checks an officer must look at
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))  # "policy" or an operator / officer id
    # activation
    activation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # the account the case made or recovered; for raise_level, the account that started it
    account_id: Mapped[str | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    activated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    biometrics_purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    chip_reads: Mapped[list["ChipEvidence"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="ChipEvidence.created_at")
    selfies: Mapped[list["SelfieEvidence"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="SelfieEvidence.created_at")

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:  # no personal data in logs
        return f"EnrollmentCase({self.id}, {self.purpose}, {self.status})"


class ChipEvidence(Base):
    """One chip upload and what the server concluded (no personal data)."""

    __tablename__ = "enrollment_chip_evidence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("enrollment_case.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # enrollment reason codes
    warnings: Mapped[list] = mapped_column(JSON, default=list)  # borderline, for review
    report: Mapped[dict] = mapped_column(JSON, default=dict)  # nfc ChipReport.as_log()
    register_match: Mapped[dict] = mapped_column(JSON, default=dict)  # which fields matched
    reader: Mapped[dict] = mapped_column(JSON, default=dict)  # software/transport/access control

    case: Mapped[EnrollmentCase] = relationship(back_populates="chip_reads")


class RegisterEvidence(Base):
    """The register-photo route's identity check: the MRZ against the
    register, and (after the selfie) the face matches against the register's
    photo and, when the page scan gave one, the page portrait. No personal
    data: which fields matched, reason codes, distances."""

    __tablename__ = "enrollment_register_evidence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("enrollment_case.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    register_match: Mapped[dict] = mapped_column(JSON, default=dict)  # which fields matched
    mrz_source: Mapped[str] = mapped_column(String(8), default="form")  # form (typed or confirmed), scan
    face_match: Mapped[dict] = mapped_column(JSON, default=dict)  # {"register_photo": {...}, "page_portrait": {...}}


class SelfieEvidence(Base):
    """One liveness attempt: outcome, reasons, scores (LivenessResult.to_dict())."""

    __tablename__ = "enrollment_selfie_evidence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("enrollment_case.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(8))  # pass, review, fail
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    face_distance: Mapped[float | None] = mapped_column()
    result: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[EnrollmentCase] = relationship(back_populates="selfies")


class BiometricRecord(Base):
    """Encrypted biometric data of a case: the chip portrait (DG2 image) or
    the frames of one selfie attempt. Deleted by `idp enrollment purge`."""

    __tablename__ = "enrollment_biometric"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("enrollment_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # chip_portrait, selfie_frames
    evidence_id: Mapped[str] = mapped_column(String(36), index=True)
    media_type: Mapped[str] = mapped_column(String(40))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EnrollmentClaim(Base):
    """A person (PINFL) held by one open case: the primary key makes two
    concurrent enrollments of the same person impossible."""

    __tablename__ = "enrollment_claim"

    pinfl: Mapped[str] = mapped_column(String(14), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("enrollment_case.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
