"""The actions a liveness challenge can ask for."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Action", "TURNS"]


class Action(StrEnum):
    BLINK = "blink"
    TURN_LEFT = "turn_left"  # the person's own left: the nose moves to the image right
    TURN_RIGHT = "turn_right"
    SMILE = "smile"
    OPEN_MOUTH = "open_mouth"

    @property
    def not_detected_reason(self) -> str:
        return f"{self.value}_not_detected"


# Turn actions and the sign of the yaw change they produce (see geometry.py).
TURNS: dict[Action, int] = {Action.TURN_LEFT: +1, Action.TURN_RIGHT: -1}
