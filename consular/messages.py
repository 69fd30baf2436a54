"""Every text the consular pages and e-mails show for a code: reason codes,
flags, statuses. Lazy, so each is translated in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Why an officer rejects a remote case: the citizen reads the text in their language.
REJECTION_REASONS = {
    "face_mismatch": _l("The face in your selfie does not match the photo stored in your passport's chip."),
    "liveness_doubt": _l("We could not confirm that the selfie was taken live, by you, at the time of enrollment."),
    "document_doubt": _l("We could not confirm that your passport is genuine and valid."),
    "register_mismatch": _l("The details in your passport do not match the population register."),
    "duplicate": _l("You already have a OneID account or another enrollment."),
    "other": _l("Your identity could not be confirmed remotely."),
}

# Why an officer refuses an enrollment at the desk (told in person, and recorded).
REFUSAL_REASONS = {
    "document_invalid": _l("The passport is not valid or not genuine"),
    "document_damaged": _l("The passport is damaged"),
    "person_mismatch": _l("The person does not match the passport"),
    "register_no_match": _l("Not found in the population register"),
    "document_expired": _l("The passport has expired"),
    "other": _l("Other reason"),
}

FLAGS = {
    "face_match_uncertain": _l("Face match uncertain"),
    "face_no_match": _l("Faces do not match"),
    "reference_unusable": _l("Chip portrait unusable"),
    "register_name_mismatch": _l("Names differ from the register"),
    "account_recovery": _l("Account recovery"),
    "chip_refused": _l("Chip refused"),
    "chip_crl_missing": _l("No current revocation list"),
    "chip_crl_stale": _l("Revocation list out of date"),
    "automatic_rejection": _l("Rejected automatically"),
    # the register-photo route (no chip)
    "register_photo_uncertain": _l("Match with the register photo uncertain"),
    "register_photo_unusable": _l("Register photo could not be compared"),
    "page_portrait_mismatch": _l("Selfie does not match the page portrait"),
    "page_portrait_uncertain": _l("Match with the page portrait uncertain"),
    "liveness_uncertain": _l("Liveness uncertain"),
}

# What each check of a chip reading establishes (nfc.verify's check names), for the officer's case page.
CHIP_CHECKS = {
    "sod_parse": _l("The chip's security object (EF.SOD) could be read."),
    "sod_content": _l("The security object lists a hash for each data group."),
    "sod_signature": _l("The security object's signature is valid."),
    "dsc_chain": _l("The document signer's certificate leads to a trusted country signing authority (CSCA)."),
    "dsc_validity": _l("The document signer's certificate was valid when the passport was signed."),
    "dsc_revocation": _l("The document signer's certificate is not revoked."),
    "data_group_hashes": _l("The data read from the chip is the data the issuing state signed."),
    "required_data_groups": _l("The chip holds the holder's details (DG1) and portrait (DG2)."),
    "dg1_mrz": _l("The holder's details (DG1) could be read."),
    "portrait": _l("The portrait (DG2) could be read."),
    "dg14": _l("The chip's security options (DG14) could be read."),
    "ef_com": _l("The chip's list of data groups (EF.COM) agrees with its contents."),
    "issuer_country": _l("The signing authority's country is the passport's issuing state."),
    "issuing_state_allowed": _l("The passport is issued by a state accepted here."),
    "mrz_match": _l("The chip belongs to the passport the citizen entered."),
    "document_expiry": _l("The passport has not expired."),
    "active_authentication": _l("The chip proved it is the original, not a copy (active authentication)."),
    "chip_authentication": _l("Chip authentication (a second protection against copied chips)."),
    "nonce_echo": _l("The reading answers this case's fresh challenge."),
}

# What each liveness check of a selfie establishes (biometrics' check names).
LIVENESS_CHECKS = {
    "challenge": _l("The selfie answers this case's challenge."),
    "frame_timing": _l("The frames came at the pace of a live camera."),
    "frame_intake": _l("The frames could be read."),
    "replay": _l("The frames were not sent before."),
    "one_face": _l("There is one face in the frames."),
    "planarity": _l("The face has depth: it is not a flat picture."),
    "action_geometry": _l("The head moved as it was asked to."),
    "actions": _l("The requested movements were made."),
    "blink": _l("The person blinked."),
    "screen_texture": _l("No screen pattern shows in the frames."),
    "screen_banding": _l("No screen refresh bands show between the frames."),
    "frame_quality": _l("The frames are sharp and well lit."),
    "identity_consistency": _l("The same person is seen in every frame."),
    "face_match": _l("The face matches the reference portrait."),
    "engine": _l("The liveness check could run."),
    "test_engine": _l("Test engine with a fixed answer (never in production)."),
}

# A check's or a liveness attempt's result.
CHECK_STATUS = {
    "pass": _l("Passed"),
    "fail": _l("Failed"),
    "skipped": _l("Not run"),
    "warning": _l("Warning"),
    "review": _l("Needs review"),
}

# The chip reading's comparison with the population register.
REGISTER_MATCH = {
    "found": _l("The register knows this passport number with this birth date."),
    "document_number": _l("The passport number is the register's."),
    "birth_date": _l("The birth date is the register's."),
    "expiry_date": _l("The expiry date is the one the register holds."),
    "family_name": _l("The surname in the chip is the register's."),
    "given_name": _l("The given names in the chip are the register's."),
    "citizenship": _l("The holder is a citizen of Uzbekistan."),
    "personal_number": _l("The personal number (PINFL) in the chip is the register's."),
}

CASE_STATUS = {
    "awaiting": _l("Awaiting review"),
    "second": _l("Awaiting a supervisor"),
    "auto_rejected": _l("Rejected automatically"),
    "decided": _l("Decided"),
}

OUTCOMES = {
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "consular": _l("Asked to visit a consulate"),
}

AGE = {
    "on_track": _l("Within target"),
    "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"),
}

VISIT_STATUS = {
    "open": _l("In progress"),
    "awaiting_supervisor": _l("Awaiting a supervisor"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
}

APPOINTMENT_STATUS = {
    "booked": _l("Booked"),
    "cancelled": _l("Cancelled"),
    "arrived": _l("Arrived"),
    "completed": _l("Completed"),
    "no_show": _l("Did not come"),
}

ERRORS = {
    "not_found": _l("Not found, or not handled by your consulate."),
    "forbidden": _l("You may not do this."),
    "same_officer": _l("You gave the first approval: another person, a supervisor, must confirm it."),
    "supervisor_required": _l("This needs a supervisor's approval (four eyes)."),
    "own_case": _l("You cannot decide on your own enrollment."),
    "case_not_open": _l("This case has already been decided."),
    "visit_closed": _l("This visit has already been decided."),
    "document_missing": _l("Record the passport first."),
    "photo_missing": _l("Take the photo first."),
    "register_no_match": _l("The passport was not found in the population register: the person cannot be enrolled."),
    "document_number_invalid": _l("A passport number is two letters and seven digits."),
    "passport_not_checked": _l("Confirm that you checked the passport in hand."),
    "document_expired": _l("The passport has expired."),
    "birth_date_invalid": _l("The birth date is not valid."),
    "reason_unknown": _l("Choose a reason."),
    "nonce_expired": _l("The reader's challenge expired. Start the chip reading again."),
    "upload_malformed": _l("The reader's file is not a chip reading."),
    "token_invalid": _l("The reader's link expired. Start the chip reading again."),
    "appointment_not_found": _l("No appointment with this reference at this consulate."),
    "appointment_not_booked": _l("This appointment is not open any more."),
    "appointment_not_due": _l("The appointment has not started yet."),
    "appointment_started": _l("The appointment has already started; it can no longer be cancelled here."),
    "slot_unavailable": _l("This time is no longer available. Please choose another one."),
    "slot_full": _l("Someone booked the last place a moment ago. Please choose another time."),
    "already_booked": _l("This e-mail address already has an upcoming appointment. Cancel it first to book "
                         "another one."),
    "activation_code_invalid": _l("This code is not valid. It may have expired (codes are valid for 72 hours) or "
                                  "been used already. Ask the consulate for a new one."),
    "rate_limited": _l("Too many attempts. Please wait a while and try again."),
    "registry_unavailable": _l("The population register is not answering. Please try again in a few minutes."),
    "delivery_failed": _l("We could not send the e-mail. Please check the address and try again."),
    "code_wrong": _l("The code is not correct."),
    "code_expired": _l("The code has expired. Ask for a new one."),
    "code_too_many_tries": _l("Too many wrong codes. Ask for a new one."),
    "code_resend_too_soon": _l("A code was sent a moment ago. Please wait a minute before asking again."),
    "code_too_many_sends": _l("Too many codes were sent to this address. Please try again later."),
    "email_invalid": _l("Enter a valid e-mail address."),
    "not_routable": _l("This consulate cannot take the case."),
    "csrf": _l("The page was open too long or was sent twice. Please go back and try again."),
    "passkey_failed": _l("The passkey could not be created. Please try again."),
    "session_expired": _l("For your security, confirm with your passkey again."),
    "not_an_officer": _l("This account has no role at a consulate."),
    "passkey_required": _l("The consular portal needs a login with a passkey."),
    "officer_code_wrong": _l("This code is not right, was used already or has expired. Ask your administrator for a new one."),
    "officer_code_throttled": _l("Too many wrong codes. Try again in an hour, or ask your administrator."),
    "account_disabled": _l("This account is disabled."),
    "purpose_unknown": _l("Choose whether the citizen lost access or wants a higher identity level."),
    "purpose_no_account": _l("This person has no active OneID account: the visit is an enrollment."),
    "purpose_changed": _l("Another officer changed what this visit is for. Check the page again before approving."),
    "visit_awaiting_supervisor": _l("A first approval is waiting for a supervisor: what the visit is for can no "
                                    "longer be changed."),
    "raise_not_needed": _l("The account already has the highest identity level: only a recovery is possible."),
    "raise_has_no_code": _l("This visit raised the identity level of an existing account: there is no "
                            "activation code."),
}


def message(code: str | None) -> str:
    if not code:
        return ""
    text = ERRORS.get(code)
    return str(text) if text is not None else code


def label(table: dict, code: str | None) -> str:
    if code is None:
        return ""
    text = table.get(code)
    return str(text) if text is not None else code
