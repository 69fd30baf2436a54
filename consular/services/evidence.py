"""Everything an officer sees on a remote case: the route it took, the chip verification report
(each check and its reason), the chip portrait beside the best selfie frame,
the face distance and liveness result, the register match, every attempt,
and the case's history from the audit log.

On the register-photo route (no chip) the register's photo takes the chip
portrait's place, with the page portrait of the scan when there is one, and
the register check with each face match instead of the chip report.

The best frame: up to `SAMPLES` frames spread over the capture are analysed
as selfies; the one closest to the chip portrait (or, without a usable
portrait, the first of good quality) is shown. The choice is kept in the
state store for a day, so reopening the case costs nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from biometrics.errors import BiometricsError

from idp.audit.models import AuditEvent
from idp.registry import RegisterRecord, RegistryUnavailable

from enrollment.models import REGISTER_PHOTO, BiometricRecord, ChipEvidence, EnrollmentCase, RegisterEvidence, SelfieEvidence
from enrollment.services import register_check
from enrollment.services.crypto import unpack_frames

SAMPLES = 6
BEST_FRAME_PREFIX = "consular:bestframe:"
BEST_FRAME_TTL = 86400


@dataclass
class Evidence:
    chip: ChipEvidence | None
    selfie: SelfieEvidence | None
    chip_reads: list[ChipEvidence]
    selfies: list[SelfieEvidence]
    portrait: bytes | None = None
    best_frame: bytes | None = None
    frame_count: int = 0
    person: RegisterRecord | None = None
    registry_unavailable: bool = False
    history: list[AuditEvent] = field(default_factory=list)
    purged: bool = False
    route: str = "passport"
    register: RegisterEvidence | None = None  # the register-photo route's check and face matches
    register_photo: bytes | None = None
    page_portrait: bytes | None = None

    @property
    def face_matches(self) -> dict:
        return dict((self.register.face_match or {}) if self.register else {})

    @property
    def checks(self) -> list[dict]:
        return list((self.chip.report or {}).get("checks", [])) if self.chip else []

    @property
    def liveness_checks(self) -> list[dict]:
        return list((self.selfie.result or {}).get("checks", [])) if self.selfie else []


def _biometric(session: Session, case: EnrollmentCase, kind: str, evidence_id: str | None, cipher) -> bytes | None:
    if not evidence_id:
        return None
    row = session.scalars(select(BiometricRecord).where(BiometricRecord.case_id == case.id,
                                                        BiometricRecord.kind == kind,
                                                        BiometricRecord.evidence_id == evidence_id)).first()
    return cipher.open(case.id, kind, row.ciphertext) if row is not None else None


def best_frame_index(frames: list[bytes], portrait: bytes | None, faces) -> int:
    """Index of the frame to show beside the portrait (see the module doc)."""
    if not frames:
        return -1
    step = max(1, len(frames) // SAMPLES)
    candidates = list(range(0, len(frames), step))[:SAMPLES]
    reference = None
    if portrait is not None:
        try:
            reference = faces.analyze(portrait, role="reference")
        except BiometricsError:
            reference = None
    best, best_distance = None, None
    for index in candidates:
        try:
            probe = faces.analyze(frames[index], role="selfie")
        except BiometricsError:
            continue
        if reference is None:
            return index
        distance = faces.match(reference, probe).distance
        if best_distance is None or distance < best_distance:
            best, best_distance = index, distance
    return best if best is not None else len(frames) // 2


def gather(session: Session, case: EnrollmentCase, *, cipher, registry, state, faces,
           person_subject: str | None = None) -> Evidence:
    chip = session.get(ChipEvidence, case.chip_evidence_id) if case.chip_evidence_id else None
    selfie = session.get(SelfieEvidence, case.selfie_evidence_id) if case.selfie_evidence_id else None
    evidence = Evidence(chip=chip, selfie=selfie, chip_reads=list(case.chip_reads), selfies=list(case.selfies),
                        purged=case.biometrics_purged_at is not None)
    evidence.portrait = _biometric(session, case, "chip_portrait", case.chip_evidence_id, cipher)
    evidence.route = case.route
    if case.route == REGISTER_PHOTO:
        evidence.register = (session.get(RegisterEvidence, case.register_evidence_id)
                             if case.register_evidence_id else None)
        evidence.register_photo = register_check.register_photo(session, case, cipher)
        evidence.page_portrait = register_check.page_portrait(session, case, cipher)
    packed = _biometric(session, case, "selfie_frames", case.selfie_evidence_id, cipher)
    frames = [data for _t, data in unpack_frames(packed)] if packed else []
    evidence.frame_count = len(frames)
    if frames:
        key = BEST_FRAME_PREFIX + case.selfie_evidence_id
        cached = state.get(key)
        index = cached["i"] if cached and 0 <= cached["i"] < len(frames) else None
        if index is None:
            index = best_frame_index(frames, evidence.portrait or evidence.register_photo, faces)
            state.put(key, {"i": index}, BEST_FRAME_TTL)
        evidence.best_frame = frames[index] if index >= 0 else None
    if case.pinfl:
        try:
            evidence.person = registry.find_by_pinfl(case.pinfl)
        except RegistryUnavailable:
            evidence.registry_unavailable = True
    evidence.history = history(session, case, person_subject=person_subject)
    return evidence


def history(session: Session, case: EnrollmentCase, *, person_subject: str | None = None) -> list[AuditEvent]:
    """The case's own events, and officers' events about it recorded under
    the person's account."""
    subjects = list(dict.fromkeys(s for s in (case.id, case.account_id, person_subject) if s))
    rows = session.scalars(select(AuditEvent).where(AuditEvent.subject.in_(subjects), or_(
        AuditEvent.event.startswith("enrollment."), AuditEvent.event.startswith("consular.")))
        .order_by(AuditEvent.seq)).all()
    return [e for e in rows if e.subject == case.id or (e.data or {}).get("case") == case.id]
