"""Were the asked actions performed, in order, each within its window?

The frames are read as a sequence of states. A neutral baseline comes from
the start of the capture (the capture page shows "look at the camera" before
the first prompt): its yaw, mouth width and mouth opening; the eye opening
baseline is the median over all frames, which a short blink cannot move.

Actions are searched for one after another, each starting where the previous
one ended:

* blink: the eye aspect ratio falls below `blink_closed_ratio` x baseline and
  comes back above `blink_open_ratio` x baseline;
* turn left / right: the head turns at least `turn_yaw_deg` from the
  baseline in the asked direction. Two yaw readings must agree (`turned_by`):
  the PnP yaw and the outline yaw (geometry.py); the stronger one counts, up
  to twice the weaker, so one misplaced landmark cannot make a turn;
* smile: mouth width grows to `smile_width_ratio` x baseline;
* open mouth: the mouth aspect ratio reaches `open_mouth_mar`;

smiles and open mouths count only on frames whose yaw is within
`parallax_min_yaw_deg` of the baseline (mouth width is measured over the
eye distance, which shrinks as the head turns).

Each action must end within the challenge's action window after the
previous one ended (the first: after the first frame). An action found only
before its predecessor means the order was wrong. A head turn that was not
asked for is refused: a recording that performs every possible action must
not pass whatever challenge it meets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Sequence

from ..config import BiometricsSettings
from .actions import TURNS, Action
from .analysis import FrameAnalysis

__all__ = ["ActionEvent", "ActionsOutcome", "Baseline", "baseline_of", "verify_actions"]

# The opening part of the capture that defines "neutral": the capture page
# shows "look at the camera" for about a second before the first prompt.
_BASELINE_S = 0.5
_BASELINE_MAX_FRAMES = 5


@dataclass(frozen=True, slots=True)
class Baseline:
    ear: float
    mar: float
    mouth_width: float
    yaw: float
    frames: tuple[int, ...]  # positions (in the face-frame list) that defined it
    contour_yaw: float = 0.0


@dataclass(frozen=True, slots=True)
class ActionEvent:
    action: Action
    start: int  # positions in the face-frame list
    end: int
    end_time_s: float
    strength: float  # 1.0 = exactly at the threshold


@dataclass(frozen=True)
class ActionsOutcome:
    passed: bool
    reason: str | None
    events: tuple[ActionEvent, ...] = ()
    baseline: Baseline | None = None
    details: dict = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        if not self.events:
            return None
        return min(e.strength for e in self.events)


def baseline_of(frames: Sequence[FrameAnalysis]) -> Baseline:
    t0 = frames[0].timestamp_s
    opening = [i for i, f in enumerate(frames) if f.timestamp_s - t0 <= _BASELINE_S][:_BASELINE_MAX_FRAMES]
    if len(opening) < 2:
        opening = list(range(min(2, len(frames))))
    geo = [frames[i].geometry for i in opening]
    return Baseline(
        ear=median(f.geometry.ear for f in frames),
        mar=median(g.mar for g in geo),
        mouth_width=median(g.mouth_width for g in geo),
        yaw=median(g.yaw for g in geo),
        frames=tuple(opening),
        contour_yaw=median(g.contour_yaw for g in geo),
    )


def turned_by(geometry, base: Baseline, sign: int) -> float:
    """Degrees the head turned from the baseline in the direction `sign`:
    the PnP reading and the outline reading, the larger one but at most
    twice the smaller (both must see the turn)."""
    pnp = sign * (geometry.yaw - base.yaw)
    outline = sign * (geometry.contour_yaw - base.contour_yaw)
    return min(max(pnp, outline), 2.0 * min(pnp, outline))


def _find(action: Action, frames: Sequence[FrameAnalysis], start: int, base: Baseline,
          s: BiometricsSettings) -> ActionEvent | None:
    values = [f.geometry for f in frames]
    if action is Action.BLINK:
        closed = base.ear * s.blink_closed_ratio
        opened = base.ear * s.blink_open_ratio
        seen_open = False
        for j in range(max(0, start - 1), len(values)):
            if values[j].ear >= opened:
                seen_open = True
            elif seen_open and values[j].ear <= closed and j >= start:
                for k in range(j + 1, len(values)):
                    if values[k].ear >= opened:
                        depth = 1.0 - min(v.ear for v in values[j:k]) / base.ear
                        return ActionEvent(action, j, k, frames[k].timestamp_s,
                                           depth / (1.0 - s.blink_closed_ratio))
                return None
        return None
    if action in TURNS:
        sign = TURNS[action]
        for j in range(start, len(values)):
            moved = turned_by(values[j], base, sign)
            if moved >= s.turn_yaw_deg:
                first = next(i for i in range(start, j + 1)
                             if turned_by(values[i], base, sign) >= s.turn_yaw_deg / 2)
                peak = max(turned_by(v, base, sign) for v in values[j:])
                return ActionEvent(action, first, j, frames[j].timestamp_s, peak / s.turn_yaw_deg)
        return None
    # Mouth width is measured over the eye distance, which shrinks as the
    # head turns: a smile or an open mouth counts only on frames facing the
    # camera as at the baseline.
    facing = [abs(v.yaw - base.yaw) < s.parallax_min_yaw_deg for v in values]
    if action is Action.SMILE:
        target = base.mouth_width * s.smile_width_ratio
        for j in range(start, len(values)):
            if facing[j] and values[j].mouth_width >= target:
                return ActionEvent(action, j, j, frames[j].timestamp_s, values[j].mouth_width / target)
        return None
    if action is Action.OPEN_MOUTH:
        target = max(s.open_mouth_mar, base.mar + 0.15)
        for j in range(start, len(values)):
            if facing[j] and values[j].mar >= target:
                return ActionEvent(action, j, j, frames[j].timestamp_s, values[j].mar / target)
        return None
    raise ValueError(f"unknown action {action!r}")


def verify_actions(
    frames: Sequence[FrameAnalysis],
    *,
    expected_actions: Sequence[Action],
    action_window_s: float,
    settings: BiometricsSettings,
) -> ActionsOutcome:
    """`frames` are the frames with exactly one face, in capture order."""
    if len(frames) < 2:
        return ActionsOutcome(False, Action(expected_actions[0]).not_detected_reason)
    base = baseline_of(frames)
    events: list[ActionEvent] = []
    cursor, previous_end = 0, frames[0].timestamp_s
    for action in map(Action, expected_actions):
        event = _find(action, frames, cursor, base, settings)
        if event is None:
            if _find(action, frames, 0, base, settings) is not None:
                return ActionsOutcome(False, "actions_out_of_order", tuple(events), base,
                                      {"failed_action": action.value})
            return ActionsOutcome(False, action.not_detected_reason, tuple(events), base,
                                  {"failed_action": action.value})
        late_by = event.end_time_s - previous_end - action_window_s
        if late_by > 0:
            return ActionsOutcome(False, "action_too_late", tuple(events), base,
                                  {"failed_action": action.value, "late_by_s": round(late_by, 2)})
        events.append(event)
        cursor, previous_end = event.end + 1, event.end_time_s
    for turn, sign in TURNS.items():
        if turn in expected_actions:
            continue
        excursion = max(turned_by(f.geometry, base, sign) for f in frames)
        if excursion >= settings.turn_yaw_deg:
            return ActionsOutcome(False, "unexpected_action", tuple(events), base,
                                  {"unexpected": turn.value})
    return ActionsOutcome(True, None, tuple(events), base)
