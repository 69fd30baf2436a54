"""What the citizen reads for each reason code: services return codes,
pages show these texts in Uzbek, Russian or English. Codes shared with the
login pages (codes, passwords, contacts) come from `idp.messages`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from biometrics.reasons import describe
from idp.messages import MESSAGES as IDP_MESSAGES
from idp.messages import message as idp_message

MESSAGES = {
    # contact
    "email_has_account": _l("This e-mail address already belongs to an account. Log in with it, or restore "
                            "access to that account."),
    "code_sent": _l("We sent a new code. Look in your inbox, and in the spam folder."),
    # document
    "document_fields_missing": _l("Fill in the three fields with the digit after each, or type the whole "
                                  "bottom line."),
    "document_number_invalid": _l("A passport number has two letters and seven digits, for example FA1234567."),
    "check_digit_number": _l("The passport number and the digit after it in the bottom line do not agree. "
                             "Check both against your passport."),
    "check_digit_birth": _l("The birth date and the digit after it in the bottom line do not agree. "
                            "Check both against your passport."),
    "check_digit_expiry": _l("The expiry date and the digit after it in the bottom line do not agree. "
                             "Check both against your passport."),
    "check_digit_composite": _l("The last digit of the line does not agree with the rest. Check the line "
                                "character by character."),
    "mrz_line_invalid": _l("The bottom line of a passport has exactly 44 characters: letters, digits and <."),
    "birth_date_invalid": _l("This birth date is not possible. Check it against your passport."),
    "expiry_date_invalid": _l("This expiry date is not possible. Check it against your passport."),
    "document_expired": _l("Your passport has expired. Renew it at a consulate, then enroll with the new one."),
    # chip
    "chip_not_authentic": _l("The data read from the chip could not be confirmed as issued by Uzbekistan. "
                             "Read the chip again; if this repeats, continue at a consulate."),
    "chip_aa_failed": _l("The chip did not answer our security check for this reading. Start a new reading "
                         "with a fresh code."),
    "no_chip_portrait": _l("There is no chip portrait to compare the photo with: compare the face with the "
                           "passport page yourself."),
    "mrz_mismatch": _l("The chip belongs to another passport than the one you typed, or a field was typed "
                       "wrong. Check the passport details and read the chip again."),
    "not_uzbek_passport": _l("Only passports of the Republic of Uzbekistan can be used here."),
    "register_no_match": _l("We could not find this passport in the population register. Please continue "
                            "at a consulate."),
    "register_pinfl_mismatch": _l("The personal number on your passport differs from the register's. Please "
                                  "continue at a consulate."),
    "already_enrolled": _l("You already have a OneID account. Log in, or restore access if you lost it."),
    "enrollment_in_progress": _l("Another enrollment for you is already in progress. Continue that one, or "
                                 "wait until it ends."),
    # register-photo route
    "register_expiry_mismatch": _l("The expiry date differs from the one the population register holds for "
                                   "this passport. Check the date against your passport."),
    "register_photo_missing": _l("The population register holds no photo for this passport, so this route "
                                 "cannot be used. Read the passport chip instead, or continue at a consulate."),
    "register_photo_mismatch": _l("Your face did not match the photo the population register holds for this "
                                  "passport. A consular officer can still look at your case, or you can read "
                                  "the passport chip or visit a consulate."),
    "register_photo_route": _l("Enrollments with a passport photo and a selfie are always checked by a "
                               "consular officer."),
    "no_account_to_recover": _l("There is no active OneID account for you to restore. Enroll instead."),
    "attempts_exhausted": _l("You have used every attempt for this step. Please continue at a consulate."),
    "trust_store_unavailable": _l("We cannot check passports at the moment. Please try again later."),
    "chip_pending": _l("Waiting for the reader…"),
    # selfie: reasons with a more specific text than the library's hint
    "frames_duplicated": _l("The camera showed a still picture. Hold the phone in front of your own face and "
                            "follow the prompts."),
    "planar_motion": _l("This looked like a photo or a screen, not a live face. Use your own face in front "
                        "of the camera."),
    "frames_malformed": _l("The pictures from the camera did not arrive complete. Start the face check again."),
    "step_not_allowed": _l("This step is not open for your enrollment now."),
    # decision and review
    "manual_review_required": _l("A consular officer checks every new enrollment."),
    "face_match_uncertain": _l("The photo in the chip and your selfie need a closer look by an officer."),
    "reference_unusable": _l("The photo in the chip could not be compared automatically."),
    "register_name_mismatch": _l("The spelling of your name in the register differs from the passport."),
    "account_recovery": _l("Restoring access to an account is always checked by an officer."),
    "approved_by_reviewer": _l("An officer approved your enrollment."),
    "rejected_by_reviewer": _l("An officer could not approve your enrollment."),
    "selfie_missing": _l("The face check was not completed."),
    "liveness_failed": _l("The face check did not succeed."),
    # activation
    "case_not_approved": _l("This enrollment is not approved (yet)."),
    "activation_link_invalid": _l("This activation link is not valid any more. Open the newest e-mail from "
                                  "us, or continue your enrollment with your e-mail address."),
    "passkey_failed": _l("The passkey could not be created. Try again, or use a password and an "
                         "authenticator app."),
    "resume_unknown": _l("If an enrollment with this address exists, we sent a code to it."),
    # raising the identity level of an existing account
    "raise_pinfl_mismatch": _l("This passport belongs to someone else than the account you are logged in to. "
                               "Use your own passport."),
    "raise_login_not_recent": _l("For your safety, log in again before you verify your identity."),
    "raise_level_reached": _l("Your identity level is already as high as a remote check can make it. "
                              "To raise it further, visit a consulate or a public service centre."),
    "raise_not_allowed": _l("Your identity level cannot be raised this way now."),
    "raise_other_account": _l("This identity check belongs to another OneID account. Log in to that account "
                              "to finish it."),
}

# Hint keys of the biometrics library (biometrics/reasons.py), translated.
HINTS = {
    "retake_photo": _l("Take the photo again with the phone camera."),
    "send_smaller_photo": _l("The photo is too large. Take it again with the phone camera."),
    "use_supported_format": _l("Send the photo as a JPEG, PNG or WebP picture."),
    "face_in_frame": _l("Keep your whole face inside the frame, facing the camera, in good light."),
    "only_you_in_frame": _l("Make sure only you are in front of the camera."),
    "move_closer": _l("Move closer to the camera."),
    "move_back": _l("Move a little further from the camera so your whole face fits."),
    "hold_still_clean_lens": _l("Hold the phone still and wipe the camera lens."),
    "more_light": _l("Find more light, for example face a window or a lamp."),
    "less_light": _l("Move out of strong light; avoid a bright lamp or the sun on your face."),
    "look_straight": _l("Look straight at the camera with your head level."),
    "open_eyes": _l("Keep your eyes open and look at the camera."),
    "uncover_face": _l("Take off sunglasses, a hat or a mask, face the camera in good light and try again."),
    "await_review": _l("We could not confirm the match automatically; a consular officer will review it."),
    "restart_check": _l("Start the face check again."),
    "follow_prompts_promptly": _l("Start the check again and do each action as soon as it is shown."),
    "keep_camera_running": _l("Keep this page open and the camera uncovered until the check ends."),
    "stable_connection": _l("Close other apps, keep a stable connection and start the check again."),
    "keep_face_in_frame": _l("Keep your face inside the frame for the whole check; turn your head only a little."),
    "stay_yourself": _l("Do the whole check yourself, with nobody else in front of the camera."),
    "blink": _l("Blink clearly once when asked."),
    "turn_left": _l("Turn your head slowly to your left when asked, then look back at the camera."),
    "turn_right": _l("Turn your head slowly to your right when asked, then look back at the camera."),
    "smile": _l("Smile broadly when asked."),
    "open_mouth": _l("Open your mouth wide when asked."),
    "follow_order": _l("Do the actions in the order they are shown."),
    "only_asked_action": _l("Do only the action shown on the screen."),
    "no_photo_or_screen": _l("Use your own live face, not a photo or a screen. Hold the phone still and move "
                             "your head, not the phone."),
    "use_live_camera": _l("Use the live camera on this page; pictures sent before cannot be used again."),
    "try_again_later": _l("The check could not be completed. Try again later."),
    "contact_support": _l("Something went wrong on our side. Try again later or contact support."),
}

# The prompts of the selfie check (biometrics Action values).
ACTIONS = {
    "blink": _l("Blink"),
    "turn_left": _l("Turn your head to the left"),
    "turn_right": _l("Turn your head to the right"),
    "smile": _l("Smile"),
    "open_mouth": _l("Open your mouth"),
}

STATUS = {
    "in_progress": _l("In progress"),
    "awaiting_review": _l("Waiting for review by a consular officer"),
    "approved": _l("Approved: activate your account"),
    "rejected": _l("Not approved"),
    "activated": _l("Activated"),
    "consular": _l("Continues at a consulate"),
    "withdrawn": _l("Cancelled"),
    "expired": _l("Expired"),
}

STEPS = {
    "start": _l("Start"),
    "contact": _l("E-mail"),
    "document": _l("Passport"),
    "chip": _l("Chip"),
    "register": _l("Register check"),
    "selfie": _l("Face check"),
    "submit": _l("Send"),
}


def message(code: str, seconds: int = 0) -> str:
    text = MESSAGES.get(code)
    if text is not None:
        return str(text)
    if code in IDP_MESSAGES:
        return idp_message(code, seconds)
    if code.startswith("chip_"):
        return str(_l("A check of the chip gave a warning; an officer will look at it."))
    return str(HINTS.get(describe(code).hint_key, HINTS["restart_check"]))


def selfie_message(code: str) -> str:
    """The text for a selfie refusal: a specific one where we have it, else
    the library's hint for the reason."""
    if code in MESSAGES:
        return str(MESSAGES[code])
    return str(HINTS.get(describe(code).hint_key, HINTS["restart_check"]))
