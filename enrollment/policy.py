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
"""
from __future__ import annotations

from dataclasses import dataclass

APPROVE, REVIEW, REJECT = "approve", "review", "reject"
SELFIE_REVIEW_REASONS = ("face_match_uncertain", "reference_unusable")


@dataclass(frozen=True)
class CaseEvidence:
    purpose: str  # enroll, recovery
    chip_accepted: bool
    chip_reasons: tuple[str, ...] = ()
    chip_warnings: tuple[str, ...] = ()
    selfie_outcome: str | None = None  # pass, review, fail, or None when there is none
    selfie_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    outcome: str
    reasons: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


def decide(evidence: CaseEvidence, *, auto_approve: bool) -> Decision:
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
