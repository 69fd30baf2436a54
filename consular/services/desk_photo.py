"""The photo taken at the desk, and its match to the chip portrait.

The photo must show exactly one face of usable quality (biometrics'
`selfie` role: lighting, sharpness, pose, open eyes); a refused photo is not
kept, and the officer is told why (a biometrics reason code) and takes it
again. Where the chip gave a portrait the two are matched with the same
thresholds as the remote journey: `match`, `review` (flagged) or `no_match`
(flagged); the officer sees both pictures side by side either way. Passports
without a chip are the reason this route exists: then there is no match and
no flag, and the officer's own comparison is the check.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from biometrics.errors import BiometricsError, ReferencePortraitError

from idp.audit.log import record
from idp.db import utcnow

from consular.errors import Conflict
from consular.models import Visit, VisitImage
from consular.services import visits

MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"RIFF", "image/webp"))


@dataclass(frozen=True)
class PhotoOutcome:
    """Safe to log: codes and a distance only."""

    accepted: bool
    reason: str | None = None
    decision: str | None = None
    distance: float | None = None


def media_type(data: bytes) -> str:
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), "application/octet-stream")


def image_of(session: Session, visit: Visit, kind: str, cipher) -> bytes | None:
    row = session.scalars(select(VisitImage).where(VisitImage.visit_id == visit.id, VisitImage.kind == kind)).first()
    return cipher.open(visit.id, kind, row.ciphertext) if row is not None else None


def take_photo(session: Session, visit: Visit, image: bytes, *, faces, cipher, actor: str) -> PhotoOutcome:
    """Check, keep (encrypted) and match a desk photo; the caller commits."""
    if visit.status not in visits.OPEN_STATES:
        raise Conflict(code="visit_closed")
    if not visit.document_at:
        raise Conflict(code="document_missing")
    try:
        probe = faces.analyze(image, role="selfie")
    except BiometricsError as exc:
        record(session, "consular.visit.photo_refused", actor=actor, subject=visits.subject_of(visit),
               visit=visit.id, reason=exc.reason)
        return PhotoOutcome(False, exc.reason)
    session.execute(delete(VisitImage).where(VisitImage.visit_id == visit.id, VisitImage.kind == "desk_photo"))
    session.add(VisitImage(visit_id=visit.id, kind="desk_photo", media_type=media_type(image),
                           ciphertext=cipher.seal(visit.id, "desk_photo", image)))
    visit.photo_at = visit.updated_at = utcnow()
    rematch(session, visit, faces=faces, cipher=cipher, probe=probe)
    match = visit.face_match or {}
    record(session, "consular.visit.photo", actor=actor, subject=visits.subject_of(visit), visit=visit.id,
           decision=match.get("decision"), distance=match.get("distance"), reason=match.get("reason"))
    return PhotoOutcome(True, decision=match.get("decision"), distance=match.get("distance"))


def rematch(session: Session, visit: Visit, *, faces, cipher, probe=None) -> None:
    """Match the desk photo to the chip portrait again (after either changed)."""
    portrait = image_of(session, visit, "chip_portrait", cipher)
    if portrait is None:
        visit.face_match = {"decision": None, "reason": "no_chip_portrait"} if visit.photo_at else {}
    else:
        visit.face_match = _match(session, visit, portrait, faces=faces, cipher=cipher, probe=probe)
    visit.flags = visits.compute_flags(visit)


def _match(session: Session, visit: Visit, portrait: bytes, *, faces, cipher, probe) -> dict:
    try:
        reference = faces.analyze(portrait, role="reference")
    except ReferencePortraitError:
        return {"decision": None, "reason": "reference_unusable"}
    if probe is None:
        photo = image_of(session, visit, "desk_photo", cipher)
        if photo is None:
            return {}
        try:
            probe = faces.analyze(photo, role="selfie")
        except BiometricsError as exc:
            return {"decision": None, "reason": exc.reason}
    return faces.match(reference, probe).to_dict()
