"""Stable reason codes and the hints a person can act on.

Every refusal in this package carries a *reason code* (what went wrong, stable
across releases, safe to log and to store with a case) and a *hint key* (what
the person can do about it). Several reasons share a hint: "the challenge
expired" and "the challenge was already used" both tell the person to start
the check again. The web layer translates hint keys into Uzbek, Russian and
English; the English text here is the default and the source for translators.

Never rename a code: enrollment decisions, audit entries and translations
refer to them. Add new ones instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

__all__ = ["HINTS", "REASONS", "ReasonInfo", "describe", "hint_for", "hint_key_for"]


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    """A reason code with the key and English default of its hint."""

    code: str
    hint_key: str
    hint: str


# hint key -> English default text (what the person can do).
_HINTS: dict[str, str] = {
    "retake_photo": "Take the photo again with the phone camera.",
    "send_smaller_photo": "The photo is too large. Take it again with the phone camera.",
    "use_supported_format": "Send the photo as a JPEG, PNG or WebP picture.",
    "face_in_frame": "Keep your whole face inside the frame, facing the camera, in good light.",
    "only_you_in_frame": "Make sure only you are in front of the camera.",
    "move_closer": "Move closer to the camera.",
    "move_back": "Move a little further from the camera so your whole face fits.",
    "hold_still_clean_lens": "Hold the phone still and wipe the camera lens.",
    "more_light": "Find more light, for example face a window or a lamp.",
    "less_light": "Move out of strong light; avoid a bright lamp or the sun on your face.",
    "look_straight": "Look straight at the camera with your head level.",
    "open_eyes": "Keep your eyes open and look at the camera.",
    "uncover_face": "Take off sunglasses, a hat or a mask, face the camera in good light and try again.",
    "await_review": "We could not confirm the match automatically; a consular officer will review it.",
    "restart_check": "Start the face check again.",
    "follow_prompts_promptly": "Start the check again and do each action as soon as it is shown.",
    "keep_camera_running": "Keep this page open and the camera uncovered until the check ends.",
    "stable_connection": "Close other apps, keep a stable connection and start the check again.",
    "keep_face_in_frame": "Keep your face inside the frame for the whole check; turn your head only a little.",
    "stay_yourself": "Do the whole check yourself, with nobody else in front of the camera.",
    "blink": "Blink clearly once when asked.",
    "turn_left": "Turn your head slowly to your left when asked, then look back at the camera.",
    "turn_right": "Turn your head slowly to your right when asked, then look back at the camera.",
    "smile": "Smile broadly when asked.",
    "open_mouth": "Open your mouth wide when asked.",
    "follow_order": "Do the actions in the order they are shown.",
    "only_asked_action": "Do only the action shown on the screen.",
    "no_photo_or_screen": "Use your own live face, not a photo or a screen. Hold the phone still and move your head, not the phone.",
    "use_live_camera": "Use the live camera on this page; pictures sent before cannot be used again.",
    "try_again_later": "The check could not be completed. Try again later.",
    "contact_support": "Something went wrong on our side. Try again later or contact support.",
}

# reason code -> hint key.
_REASON_HINTS: dict[str, str] = {
    # Image intake
    "image_empty": "retake_photo",
    "image_too_large": "send_smaller_photo",
    "image_dimensions_too_large": "send_smaller_photo",
    "image_too_small": "retake_photo",
    "image_format_unsupported": "use_supported_format",
    "image_unreadable": "retake_photo",
    # Face detection and quality
    "no_face": "face_in_frame",
    "multiple_faces": "only_you_in_frame",
    "face_too_small": "move_closer",
    "face_cut_off": "move_back",
    "face_blurred": "hold_still_clean_lens",
    "face_too_dark": "more_light",
    "face_too_bright": "less_light",
    "face_turned_away": "look_straight",
    "eyes_closed": "open_eyes",
    # Face match
    "face_mismatch": "uncover_face",
    "face_match_uncertain": "await_review",
    "reference_unusable": "await_review",
    # Liveness: the challenge
    "challenge_unknown": "restart_check",
    "challenge_expired": "follow_prompts_promptly",
    "challenge_mismatch": "restart_check",
    # Liveness: the frame sequence
    "too_few_frames": "keep_camera_running",
    "too_many_frames": "restart_check",
    "timestamps_invalid": "restart_check",
    "frame_rate_implausible": "stable_connection",
    "capture_too_long": "follow_prompts_promptly",
    "frames_duplicated": "use_live_camera",
    "replayed_frames": "use_live_camera",
    # Liveness: analysis
    "face_missing_in_frames": "keep_face_in_frame",
    "identity_inconsistent": "stay_yourself",
    "blink_not_detected": "blink",
    "turn_left_not_detected": "turn_left",
    "turn_right_not_detected": "turn_right",
    "smile_not_detected": "smile",
    "open_mouth_not_detected": "open_mouth",
    "actions_out_of_order": "follow_order",
    "action_too_late": "follow_prompts_promptly",
    "unexpected_action": "only_asked_action",
    "planar_motion": "no_photo_or_screen",
    "planar_action": "no_photo_or_screen",
    "screen_moire": "no_photo_or_screen",
    "screen_banding": "no_photo_or_screen",
    "liveness_failed": "restart_check",
    # Operator-side problems (never the person's fault)
    "liveness_unavailable": "try_again_later",
    "config_invalid": "contact_support",
    "model_unavailable": "contact_support",
}

HINTS: Mapping[str, str] = MappingProxyType(_HINTS)
REASONS: Mapping[str, ReasonInfo] = MappingProxyType(
    {code: ReasonInfo(code, key, _HINTS[key]) for code, key in _REASON_HINTS.items()}
)


def describe(code: str) -> ReasonInfo:
    """The hint key and English hint for a reason code.

    Unknown codes (for instance from a newer liveness vendor) fall back to
    the generic "start again" hint rather than failing.
    """
    info = REASONS.get(code)
    if info is None:
        return ReasonInfo(code, "restart_check", _HINTS["restart_check"])
    return info


def hint_key_for(code: str) -> str:
    return describe(code).hint_key


def hint_for(code: str) -> str:
    return describe(code).hint
