"""The weakest liveness configuration a production start accepts.

`BiometricsSettings` refuses values that make no sense; this module refuses
values that make sense in a test but leave citizens' identities open to a
printed photo (docs/biometrics-liveness.md, "The documented minimum"). A
production service (`environment="production"` or IDP_ENV=production)
raises `ProductionRefusedError` naming every shortfall.
"""

from __future__ import annotations

from ..config import TURN_NAMES, BiometricsSettings
from ..errors import ProductionRefusedError
from .test_engine import production

__all__ = ["require_minimum", "shortfalls"]


def shortfalls(s: BiometricsSettings) -> list[str]:
    found = []
    if s.min_actions < 2:
        found.append("min_actions below 2: a challenge must ask a head turn and one more action")
    if not set(s.actions) - set(TURN_NAMES):
        found.append("actions must include blink, smile or open_mouth besides the turns")
    if s.turn_yaw_deg < 15.0:
        found.append("turn_yaw_deg below 15")
    if s.blink_frame_rate < 10.0:
        found.append("blink_frame_rate below 10 frames a second: quick blinks fall between frames")
    if s.min_parallax < 0.05 or s.planar_correlation > 0.98:
        found.append("flat-picture checks loosened (min_parallax >= 0.05, planar_correlation <= 0.98)")
    if s.action_shape_change > 0.2:
        found.append("action_shape_change above 0.2: a tilted print passes blink and smile")
    if s.consistency_threshold > 0.6 or s.consistency_per_degree > 0.01:
        found.append("same-person limit loosened (consistency_threshold <= 0.6, consistency_per_degree <= 0.01)")
    if s.screen_banding_score > 400.0:
        found.append("screen_banding_score above 400: screens go unnoticed")
    if s.screen_moire_score > 120.0:
        found.append("screen_moire_score above 120: screens go unnoticed")
    return found


def require_minimum(settings: BiometricsSettings, environment: str | None = None) -> None:
    if not production(environment):
        return
    found = shortfalls(settings)
    if found:
        raise ProductionRefusedError("liveness settings below the documented minimum: " + "; ".join(found))
