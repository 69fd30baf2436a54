"""Measurements taken from the 68 landmarks (iBUG 300-W layout).

* eye aspect ratio (EAR): eyelid opening over eye width; about 0.25-0.35 for
  open eyes, near 0 when closed;
* mouth aspect ratio (MAR): inner-lip opening over inner mouth width;
* mouth width over the distance between the eye centres (grows with a smile);
* head yaw, pitch and roll: yaw and pitch from `cv2.solvePnP` against a
  generic 3D face, roll from the line through the eyes;
* a second yaw from the face outline (`contour_yaw`): how far the nose tip
  sits from the middle of the jaw line at mouth level. The landmark model's
  shape prior holds the inner points (eyes, nose, mouth) close to a frontal
  layout, so the PnP yaw reads a turned head at about 0.5-0.7 of its angle;
  the outline follows the turn more fully. Head-turn decisions use both
  (liveness/state_machine.py).

Sign conventions, for frames as the camera sees them (not mirrored):
positive yaw means the nose points to the right of the image, which is the
person's own left; positive pitch means the face points up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["FaceGeometry", "GENERIC_FACE_MM", "PLANE_POINTS", "contour_yaw", "head_pose", "measure", "nose_parallax",
           "yaw_between"]

RIGHT_EYE = slice(36, 42)  # the person's right eye: left side of the image
LEFT_EYE = slice(42, 48)

# A generic adult face in millimetres, origin at the nose tip; x to the image
# right, y down, z away from the camera. Chosen from typical anthropometric
# proportions (outer eye corners about 90 mm apart, nose tip 20-40 mm in
# front of the eye corners); the exact values matter little because only
# changes of pose between frames are used for decisions.
GENERIC_FACE_MM: dict[int, tuple[float, float, float]] = {
    30: (0.0, 0.0, 0.0),  # nose tip
    27: (0.0, -48.0, 20.0),  # nasion
    33: (0.0, 10.0, 14.0),  # below the nose
    36: (-45.0, -35.0, 38.0),  # outer corner, right eye
    39: (-16.0, -35.0, 26.0),  # inner corner, right eye
    42: (16.0, -35.0, 26.0),  # inner corner, left eye
    45: (45.0, -35.0, 38.0),  # outer corner, left eye
    48: (-25.0, 30.0, 28.0),  # mouth corners
    54: (25.0, 30.0, 28.0),
    51: (0.0, 22.0, 12.0),  # upper lip
    57: (0.0, 40.0, 16.0),  # lower lip
    8: (0.0, 75.0, 30.0),  # chin
}
_MODEL_INDEX = list(GENERIC_FACE_MM)
_MODEL_POINTS = np.array([GENERIC_FACE_MM[i] for i in _MODEL_INDEX], dtype=np.float64)
_MODEL_EYE_DISTANCE = 61.0  # mm between the eye centres of the generic face
# The jaw outline at mouth level (landmarks 2 and 14) of the generic face:
# about 120 mm across and 65 mm behind the nose tip.
_CONTOUR_HALF_WIDTH_MM, _CONTOUR_DEPTH_MM = 60.0, 65.0

# Points close to one plane (eye corners, mouth corners, outer brow ends) and
# points well in front of it (the nose ridge), for the parallax measure.
PLANE_POINTS = [36, 39, 42, 45, 48, 54, 17, 26]
_NOSE_POINTS = [28, 29, 30]


@dataclass(frozen=True, slots=True)
class FaceGeometry:
    ear: float  # mean of both eyes
    mar: float
    mouth_width: float  # over the eye-centre distance
    eye_distance_px: float
    yaw: float  # degrees
    pitch: float
    roll: float
    contour_yaw: float = 0.0  # degrees, same sign as `yaw` (see contour_yaw())


def eye_aspect_ratio(eye: np.ndarray) -> float:
    vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
    horizontal = 2.0 * np.linalg.norm(eye[0] - eye[3])
    return float(vertical / horizontal) if horizontal > 0 else 0.0


def mouth_aspect_ratio(points: np.ndarray) -> float:
    vertical = (np.linalg.norm(points[61] - points[67]) + np.linalg.norm(points[62] - points[66])
                + np.linalg.norm(points[63] - points[65]))
    horizontal = 3.0 * np.linalg.norm(points[60] - points[64])
    return float(vertical / horizontal) if horizontal > 0 else 0.0


def eye_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return points[RIGHT_EYE].mean(axis=0), points[LEFT_EYE].mean(axis=0)


def head_pose(points: np.ndarray, image_size: tuple[int, int]) -> tuple[float, float]:
    """(yaw, pitch) in degrees from the 2D landmarks and a pinhole camera.

    The focal length is unknown; a phone's front camera has a field of view
    near 60 degrees, so the longer image side is used as the focal length.
    """
    height, width = image_size
    focal = float(max(height, width))
    camera = np.array([[focal, 0, width / 2.0], [0, focal, height / 2.0], [0, 0, 1]], dtype=np.float64)
    image_points = np.ascontiguousarray(points[_MODEL_INDEX], dtype=np.float64)
    # Start from a frontal face in front of the camera at the distance its
    # eye spacing implies; without this guess the solver can settle on the
    # mirror solution behind the camera, which flips the sign of the yaw.
    right, left = eye_centres(points)
    eye_px = max(float(np.linalg.norm(left - right)), 1.0)
    depth = focal * _MODEL_EYE_DISTANCE / eye_px
    nose = points[30]
    rvec = np.zeros((3, 1), dtype=np.float64)
    tvec = np.array([[(nose[0] - width / 2.0) * depth / focal],
                     [(nose[1] - height / 2.0) * depth / focal], [depth]], dtype=np.float64)
    ok, rvec, tvec = cv2.solvePnP(_MODEL_POINTS, image_points, camera, None, rvec, tvec,
                                  useExtrinsicGuess=True, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok or tvec[2, 0] <= 0:
        return 0.0, 0.0
    rotation, _ = cv2.Rodrigues(rvec)
    # The face looks along -z in model coordinates; where does it look now?
    forward = -rotation[:, 2]
    yaw = math.degrees(math.atan2(forward[0], -forward[2]))
    pitch = math.degrees(math.atan2(-forward[1], math.hypot(forward[0], forward[2])))
    return yaw, pitch


def contour_yaw(points: np.ndarray) -> float:
    """Yaw in degrees from where the nose tip sits between the two sides of
    the jaw outline at mouth level. Turning by t, a point of the outline
    w to the side and d behind the nose tip is seen w cos t +- d sin t from
    the nose, so (near - far) / (near + far) = (d / w) tan t."""
    nose = points[30, 0]
    right, left = nose - points[2, 0], points[14, 0] - nose  # image-left side, image-right side
    total = right + left
    if total <= 0:
        return 0.0
    ratio = (right - left) / total
    return math.degrees(math.atan(ratio * _CONTOUR_HALF_WIDTH_MM / _CONTOUR_DEPTH_MM))


def yaw_between(a: FaceGeometry, b: FaceGeometry) -> float:
    """Degrees of head turn between two frames, from both readings: the
    larger one, at most twice the smaller, and only where they agree on the
    side (else the PnP reading alone)."""
    pnp, outline = a.yaw - b.yaw, a.contour_yaw - b.contour_yaw
    if pnp * outline <= 0:
        return abs(pnp)
    small, large = sorted((abs(pnp), abs(outline)))
    return min(large, 2.0 * small)


def measure(points: np.ndarray, image_size: tuple[int, int]) -> FaceGeometry:
    right, left = eye_centres(points)
    eye_distance = float(np.linalg.norm(left - right))
    mouth = float(np.linalg.norm(points[54] - points[48]))
    yaw, pitch = head_pose(points, image_size)
    roll = math.degrees(math.atan2(left[1] - right[1], left[0] - right[0]))
    return FaceGeometry(
        ear=(eye_aspect_ratio(points[RIGHT_EYE]) + eye_aspect_ratio(points[LEFT_EYE])) / 2.0,
        mar=mouth_aspect_ratio(points),
        mouth_width=mouth / eye_distance if eye_distance > 0 else 0.0,
        eye_distance_px=eye_distance,
        yaw=yaw,
        pitch=pitch,
        roll=roll,
        contour_yaw=contour_yaw(points),
    )


def nose_parallax(before: np.ndarray, after: np.ndarray) -> float:
    """Horizontal nose displacement that one plane cannot explain.

    A homography is fitted to the near-planar points (eye and mouth corners,
    brow ends) between two landmark sets; it predicts where the nose ridge
    would be if the face were flat, like a photo. A real head turning moves
    the nose further than that prediction, in the direction of the turn.
    Returned as a signed fraction of the eye distance: positive when the
    unexplained movement is toward the image right.
    """
    src = np.ascontiguousarray(before[PLANE_POINTS], dtype=np.float64)
    dst = np.ascontiguousarray(after[PLANE_POINTS], dtype=np.float64)
    homography, _ = cv2.findHomography(src, dst, 0)
    if homography is None:
        return 0.0
    nose = np.ascontiguousarray(before[_NOSE_POINTS], dtype=np.float64).reshape(-1, 1, 2)
    predicted = cv2.perspectiveTransform(nose, homography).reshape(-1, 2)
    residual = after[_NOSE_POINTS] - predicted
    right, left = eye_centres(after)
    eye_distance = float(np.linalg.norm(left - right))
    if eye_distance <= 0:
        return 0.0
    return float(np.median(residual[:, 0]) / eye_distance)
