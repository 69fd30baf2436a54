"""Generated landmark sequences for the liveness state machine.

A 3D face is built from a real frontal 68-point landmark set (measured on a
test photo) by giving each point a plausible depth: nose tip in front, eye
corners and mouth corners behind it, jaw line far back toward the ears. The
face is then rotated (yaw, pitch), its eyelids closed, mouth opened or
widened, and projected through a pinhole camera, giving the 2D landmarks a
real head would produce. Nothing here comes from the library under test
except the landmark layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_DEPTH_NOSE = {27: 20.0, 28: 14.0, 29: 7.0, 30: 0.0, 31: 18.0, 32: 14.0, 33: 12.0, 34: 14.0, 35: 18.0}
_DEPTH_MOUTH = {48: 30.0, 54: 30.0, 51: 12.0, 50: 16.0, 52: 16.0, 57: 16.0, 56: 20.0, 58: 20.0,
                49: 22.0, 53: 22.0, 55: 24.0, 59: 24.0}


def _depth(i: int) -> float:
    if i <= 16:
        return 30.0 + 65.0 * (abs(i - 8) / 8.0) ** 1.5
    if i <= 26:
        return 30.0 + 15.0 * abs(i - 21.5) / 4.5
    if i <= 35:
        return _DEPTH_NOSE[i]
    if i <= 47:
        return {36: 38.0, 45: 38.0, 39: 26.0, 42: 26.0}.get(i, 30.0)
    if i <= 59:
        return _DEPTH_MOUTH[i]
    return 28.0 if i in (60, 64) else 18.0


@dataclass(frozen=True)
class Pose:
    yaw: float = 0.0  # degrees; positive turns the nose toward the image right
    pitch: float = 0.0
    eyes_closed: float = 0.0  # 0 open .. 1 shut
    mouth_open: float = 0.0  # 0 closed .. 1 wide open
    smile: float = 0.0  # 0 neutral .. 1 broad smile
    shift: tuple[float, float] = (0.0, 0.0)  # pixels


class SyntheticFace:
    def __init__(self, template: np.ndarray, *, width: int = 640, height: int = 480) -> None:
        right = template[36:42].mean(axis=0)
        left = template[42:48].mean(axis=0)
        scale = 63.0 / np.linalg.norm(left - right)  # eye centres 63 mm apart
        xy = (template - template[30]) * scale
        self.points3d = np.column_stack([xy, [_depth(i) for i in range(68)]])
        self.width, self.height = width, height

    def landmarks(self, pose: Pose = Pose(), *, distance_mm: float = 450.0, focal: float = 600.0) -> np.ndarray:
        p = self.points3d.copy()
        if pose.eyes_closed:
            for upper, lower in ((37, 41), (38, 40), (43, 47), (44, 46)):
                p[upper, 1] += pose.eyes_closed * (p[lower, 1] - p[upper, 1]) * 0.9
        if pose.mouth_open:
            drop = pose.mouth_open * 30.0
            for i in (55, 56, 57, 58, 59, 65, 66, 67):
                p[i, 1] += drop
            for i in (5, 6, 7, 8, 9, 10, 11):
                p[i, 1] += drop * 0.8
        if pose.smile:
            for i, sign in ((48, -1), (60, -1), (54, 1), (64, 1)):
                p[i, 0] += sign * pose.smile * 9.0
                p[i, 1] -= pose.smile * 4.0
        a, b = np.radians(pose.yaw), np.radians(pose.pitch)
        # Positive yaw turns the nose (nearest the camera, z small) toward +x.
        ry = np.array([[np.cos(a), 0, -np.sin(a)], [0, 1, 0], [np.sin(a), 0, np.cos(a)]])
        rx = np.array([[1, 0, 0], [0, np.cos(b), np.sin(b)], [0, -np.sin(b), np.cos(b)]])
        pivot = np.array([0.0, 0.0, 100.0])  # the head turns about its centre
        q = (rx @ ry @ (p - pivot).T).T + pivot + np.array([0.0, 0.0, distance_mm])
        u = focal * q[:, 0] / q[:, 2] + self.width / 2 + pose.shift[0]
        v = focal * q[:, 1] / q[:, 2] + self.height / 2 + pose.shift[1]
        return np.column_stack([u, v])


def sequence(*segments: tuple[int, Pose]) -> list[Pose]:
    """Expand (count, pose) segments into a list of poses."""
    out: list[Pose] = []
    for count, pose in segments:
        out.extend([pose] * count)
    return out


NEUTRAL = Pose()
BLINK = Pose(eyes_closed=1.0)
LEFT = Pose(yaw=25.0)
RIGHT = Pose(yaw=-25.0)
SMILE = Pose(smile=1.0)
OPEN = Pose(mouth_open=1.0)

# The poses of each action's peak, for building sequences by name.
PEAK = {"blink": BLINK, "turn_left": LEFT, "turn_right": RIGHT, "smile": SMILE, "open_mouth": OPEN}


def rendered(base_rgb: np.ndarray, base_points: np.ndarray, face: SyntheticFace, pose: Pose):
    """Pixels and landmarks of the base photo's face moved into `pose`.

    The synthetic landmarks are placed on the photo's face (similarity fit of
    the neutral pose onto the measured landmarks), then the photo is warped
    piecewise-affinely from the measured to the posed landmarks around the
    face. The nose region moves differently from the cheeks, as on a real
    head (without occlusion or shading changes), so a single homography no
    longer explains the motion.
    """
    import cv2
    from skimage.transform import PiecewiseAffineTransform, warp

    neutral = face.landmarks()
    matrix, _ = cv2.estimateAffinePartial2D(neutral.astype(np.float32), base_points.astype(np.float32))
    posed = face.landmarks(pose)
    target = posed @ matrix[:, :2].T + matrix[:, 2]
    (x0, y0), (x1, y1) = base_points.min(axis=0), base_points.max(axis=0)
    pad_x, pad_y = (x1 - x0) * 0.6, (y1 - y0) * 0.6
    h, w = base_rgb.shape[:2]
    left, top = int(max(0, x0 - pad_x)), int(max(0, y0 - pad_y))
    right, bottom = int(min(w, x1 + pad_x)), int(min(h, y1 + pad_y))
    region = base_rgb[top:bottom, left:right]
    rh, rw = region.shape[:2]
    anchors = np.array([[0, 0], [rw / 2, 0], [rw - 1, 0], [rw - 1, rh / 2], [rw - 1, rh - 1],
                        [rw / 2, rh - 1], [0, rh - 1], [0, rh / 2]], dtype=float)
    offset = np.array([left, top], dtype=float)
    # warp() maps output coordinates to input coordinates: posed -> measured.
    src, dst = np.vstack([target - offset, anchors]), np.vstack([base_points - offset, anchors])
    if hasattr(PiecewiseAffineTransform, "from_estimate"):
        transform = PiecewiseAffineTransform.from_estimate(src, dst)
    else:  # scikit-image before 0.26
        transform = PiecewiseAffineTransform()
        transform.estimate(src, dst)
    assert transform, "piecewise affine estimation failed"
    moved = warp(region, transform, output_shape=(rh, rw), preserve_range=True).astype(np.uint8)
    out = base_rgb.copy()
    out[top:bottom, left:right] = moved
    return out, target


def blend(a: Pose, b: Pose, t: float) -> Pose:
    """A pose part of the way (t in [0, 1]) from `a` to `b`."""
    mix = lambda x, y: x + (y - x) * t  # noqa: E731
    return Pose(yaw=mix(a.yaw, b.yaw), pitch=mix(a.pitch, b.pitch),
                eyes_closed=mix(a.eyes_closed, b.eyes_closed), mouth_open=mix(a.mouth_open, b.mouth_open),
                smile=mix(a.smile, b.smile),
                shift=(mix(a.shift[0], b.shift[0]), mix(a.shift[1], b.shift[1])))


def performing(*actions: str, neutral: Pose = NEUTRAL, lead: int = 5, hold: int = 2, rest: int = 2) -> list[Pose]:
    """Poses of someone doing `actions` one after another: a neutral start,
    then for each action a half-way frame, `hold` frames at the peak, a
    half-way frame back and `rest` neutral frames."""
    poses = [neutral] * lead
    for name in actions:
        peak = PEAK[name]
        target = Pose(yaw=neutral.yaw + peak.yaw, pitch=neutral.pitch, eyes_closed=peak.eyes_closed,
                      mouth_open=peak.mouth_open, smile=peak.smile, shift=neutral.shift)
        if name == "blink":  # a blink is too quick for a half-way frame
            poses += [target] * hold + [neutral] * rest
        else:
            poses += [blend(neutral, target, 0.5)] + [target] * hold + [blend(neutral, target, 0.5)]
            poses += [neutral] * rest
    return poses


def landmark_frames(face: SyntheticFace, poses, *, fps: float = 10.0, start_s: float = 0.0, size=(480, 640)):
    """Frame analyses carrying only landmarks and geometry, for the state
    machine and the landmark checks."""
    from biometrics.geometry import measure
    from biometrics.liveness.analysis import FrameAnalysis

    frames = []
    for i, pose in enumerate(poses):
        points = face.landmarks(pose)
        frames.append(FrameAnalysis(index=i, timestamp_s=start_s + i / fps, face_count=1,
                                    geometry=measure(points, size), landmarks=points))
    return frames
