"""The decision policy: approve, send to a consular officer, or reject.

Pure and deterministic: it sees only the codes and outcomes the steps
recorded (`CaseEvidence`), never images or personal data, and returns a
`Decision` with reason codes. docs/enrollment-decision-policy.md explains
each rule; in short:

1. Reject when a check failed that no officer can overrule remotely: the
   chip was not accepted, or the selfie failed (the steps normally stop such
   a case before it is submitted; the policy does not trust that).
2. Send to review, with the borderline checks as flags, when anything is
   borderline: the face match in the review band or a chip portrait that
   could not be used, the register's spelling of a name differing from the
   MRZ, a chip check that passed with a warning (no current CRL, unknown
   issuing state). An account recovery is always reviewed: it replaces
   every authenticator of an existing account.
3. Otherwise approve automatically only when the operator enabled it
   (`IDP_ENROLLMENT_AUTO_APPROVE=true`); by default every case is reviewed.

The register-photo route (no chip: the selfie is compared with the photo
the population register holds for the document) never approves by itself:

4. Reject when the register check did not pass, the selfie failed, or the
   selfie clearly shows someone else than the register's photo
   (`register_photo_mismatch`; the person is known, so an officer may still
   override it).
5. Otherwise send to review with the reason `register_photo_route`, flagging
   a register-photo match in the review band or unusable, a page-portrait
   match (from the passport page scan, when there is one) that is uncertain
   or fails: that photo came from a camera, not from a chip; and the names
   the scan read from the MRZ differing from the register's.
"""
from __future__ import annotations

from dataclasses import dataclass

APPROVE, REVIEW, REJECT = "approve", "review", "reject"
SELFIE_REVIEW_REASONS = ("face_match_uncertain", "reference_unusable")
REGISTER_PHOTO = "register_photo"
# face match decisions (biometrics.match) and "unusable" when no comparison could be made
MATCH, FACE_REVIEW, NO_MATCH, UNUSABLE = "match", "review", "no_match", "unusable"


@dataclass(frozen=True)
class CaseEvidence:
    purpose: str  # enroll, recovery
    chip_accepted: bool
    chip_reasons: tuple[str, ...] = ()
    chip_warnings: tuple[str, ...] = ()
    selfie_outcome: str | None = None  # pass, review, fail, or None when there is none
    selfie_reasons: tuple[str, ...] = ()
    route: str = "passport"
    register_accepted: bool = False  # register-photo route: the document matched the register
    register_reasons: tuple[str, ...] = ()
    register_face: str | None = None  # selfie against the register's photo: match, review, no_match, unusable
    portrait_face: str | None = None  # selfie against the page portrait of the scan, when there is one
    register_names_match: bool | None = None  # the scan's MRZ names against the register's, when it read them


@dataclass(frozen=True)
class Decision:
    outcome: str
    reasons: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


def decide(evidence: CaseEvidence, *, auto_approve: bool) -> Decision:
    if evidence.route == REGISTER_PHOTO:
        return _decide_register_photo(evidence)
    if not evidence.chip_accepted:
        return Decision(REJECT, evidence.chip_reasons or ("chip_not_verified",))
    if evidence.selfie_outcome is None:
        return Decision(REJECT, ("selfie_missing",))
    if evidence.selfie_outcome == "fail":
        return Decision(REJECT, evidence.selfie_reasons or ("liveness_failed",))
    flags: list[str] = list(evidence.chip_warnings)
    if evidence.selfie_outcome == "review":
        flags.extend(r for r in evidence.selfie_reasons if r in SELFIE_REVIEW_REASONS)
        if not any(r in SELFIE_REVIEW_REASONS for r in evidence.selfie_reasons):
            flags.append("face_match_uncertain")
    if evidence.purpose == "recovery":
        flags.append("account_recovery")
    flags = list(dict.fromkeys(flags))
    if flags:
        return Decision(REVIEW, tuple(flags), tuple(flags))
    if not auto_approve:
        return Decision(REVIEW, ("manual_review_required",))
    return Decision(APPROVE)


def _selfie_refusal(evidence: CaseEvidence) -> Decision | None:
    if evidence.selfie_outcome is None:
        return Decision(REJECT, ("selfie_missing",))
    if evidence.selfie_outcome == "fail":
        return Decision(REJECT, evidence.selfie_reasons or ("liveness_failed",))
    return None


def _decide_register_photo(evidence: CaseEvidence) -> Decision:
    if not evidence.register_accepted:
        return Decision(REJECT, evidence.register_reasons or ("register_not_verified",))
    refused = _selfie_refusal(evidence)
    if refused is not None:
        return refused
    if evidence.register_face == NO_MATCH:
        return Decision(REJECT, ("register_photo_mismatch",))
    flags: list[str] = []
    if evidence.selfie_outcome == "review":
        flags.append("liveness_uncertain")
    if evidence.register_face == FACE_REVIEW:
        flags.append("register_photo_uncertain")
    elif evidence.register_face != MATCH:
        flags.append("register_photo_unusable")
    if evidence.portrait_face == NO_MATCH:
        flags.append("page_portrait_mismatch")
    elif evidence.portrait_face in (FACE_REVIEW, UNUSABLE):
        flags.append("page_portrait_uncertain")
    if evidence.register_names_match is False:
        flags.append("register_name_mismatch")
    if evidence.purpose == "recovery":
        flags.append("account_recovery")
    return Decision(REVIEW, ("register_photo_route", *flags), tuple(flags))
