"""Presentation-attack and genuine-like capture sets, in the manner of
ISO/IEC 30107-3, generated from faces shipped in installed packages.

Faces: Grace Hopper (matplotlib's `grace_hopper.jpg`) and Eileen Collins
(scikit-image's `data.astronaut()`), both public domain. Nothing is
downloaded; every frame is made here.

* Genuine-like captures: the photo's face is given a 3D shape
  (bio_synthetic.SyntheticFace) and re-rendered frame by frame as it blinks
  (eyes under the closed threshold for 100-400 ms), turns (15-45 degrees) and
  smiles, sampled by a camera at 10-30 frames a second, partly in poor light,
  with sensor noise and a little hand shake, JPEG-encoded.
* Attacks: the victim's photo as a print held in front of the camera and
  moved, rotated, tilted about the horizontal or the vertical axis (every 5
  degrees from 0 to 70), curved like a cylinder, or shown with a moving
  glare; a screen replaying a genuine capture (moire and refresh bands);
  a face swapped into part of the capture; a flat mask with cut-out eyes
  worn by someone who blinks through the holes.

Every sequence follows the capture page's timeline: about a second of
"look at the camera", then one prompt per action (1.8 s each), then a short
tail; the frames are taken at the times the page would take them, given
the challenge it received (`Challenge.to_client`) and the camera's rate.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import cv2
import numpy as np

import bio_images as images
from bio_synthetic import Pose, SyntheticFace, rendered

BASELINE_S, PER_ACTION_S, TAIL_S = 1.0, 1.8, 0.4  # the capture page's timeline (selfie.js)
# Head turns as rendered by `turned`; the landmark model reads them as about
# 0.6-0.7 of that (15-28 degrees), which is what a real turn the page asks for gives.
TURN_RANGE = (25.0, 40.0)
FOCAL = 0.75  # a phone's front camera: focal length about 0.75 x image width (about 67 degrees across)


# --- the capture page ----------------------------------------------------------


def page_times(actions, client: dict, camera_fps: float) -> list[float]:
    """Capture times (s) of the frames the page sends for `actions`, given the
    challenge as the page receives it, on a camera delivering `camera_fps`."""
    duration = BASELINE_S + len(actions) * PER_ACTION_S + TAIL_S
    if "blink_frame_rate" in client:
        wanted, t = [], 0.0
        while t <= duration + 1e-9:
            wanted.append(t)
            slot = int((t - BASELINE_S) // PER_ACTION_S) if t >= BASELINE_S else -1
            rate = (client["blink_frame_rate"] if 0 <= slot < len(actions) and actions[slot] == "blink"
                    else client["frame_rate"])
            t += 1.0 / rate
        wanted = wanted[:client["max_frames"]]
    else:  # the page before dense capture: frames evenly over the timeline, 8 a second at most
        count = min(client["max_frames"], max(client["min_frames"], int(duration * 8)))
        wanted = [i * duration / (count - 1) for i in range(count)]
    # The camera delivers a new picture every 1/fps; the page sends each one at most once.
    out: list[float] = []
    for t in wanted:
        snapped = math.floor(t * camera_fps + 1e-6) / camera_fps
        if not out or snapped > out[-1] + 1e-9:
            out.append(snapped)
    return out


PAGE_WIDTH = 480  # the capture page scales frames to at most this width (selfie.js, MAX_WIDTH)


def encode_frames(pictures, times_s, *, seed: int, quality: int = 85, sigma: float = 2.0):
    """JPEG frames as the page sends them: camera noise, scaled to the page's width."""
    from biometrics.liveness import CapturedFrame

    rng = np.random.default_rng(seed)
    out = []
    for p, t in zip(pictures, times_s):
        noisy = images.sensor_noise(p, rng, sigma)
        if noisy.shape[1] > PAGE_WIDTH:
            noisy = cv2.resize(noisy, (PAGE_WIDTH, round(noisy.shape[0] * PAGE_WIDTH / noisy.shape[1])),
                               interpolation=cv2.INTER_AREA)
        out.append(CapturedFrame(round(t * 1000.0, 1), images.encode(noisy, quality=quality)))
    return out


# --- a person's face -----------------------------------------------------------


class Person:
    """A photo on a camera-sized frame, its landmarks and its 3D face; posed
    renderings are cached (poses are quantised)."""

    def __init__(self, name: str, photo: np.ndarray, detector) -> None:
        self.name = name
        self.photo = photo
        self.chip_box = max(detector.detect(photo), key=lambda b: b.area)
        # As a selfie frames it: head and shoulders, the face about a third of the width.
        self.frame = images.on_canvas(images.crop_around(photo, self.chip_box, width_ratio=0.36, aspect=0.75))
        box = max(detector.detect(self.frame), key=lambda b: b.area)
        self.points = detector.landmarks68(self.frame, box)
        self.face = SyntheticFace(self.points)
        self._cache: dict[tuple, np.ndarray] = {}
        self._background = turned_background(self.frame, self.points)

    def chip(self) -> bytes:
        return images.chip_portrait(self.photo, self.chip_box, width=120)

    def posed(self, yaw: float = 0.0, eyes: float = 0.0, smile: float = 0.0, pitch: float = 0.0) -> np.ndarray:
        key = (round(yaw / 4.0) * 4.0, round(eyes, 1), round(smile * 4) / 4, round(pitch / 4.0) * 4.0)
        if key == (0.0, 0.0, 0.0, 0.0):
            return self.frame
        if key not in self._cache:
            local = self.frame
            if key[1] or key[2]:  # eyelids and lips: a local warp of the frontal face
                local = rendered(self.frame, self.points, self.face, Pose(eyes_closed=key[1], smile=key[2]))[0]
            self._cache[key] = turned(local, self.points, key[0], key[3], background=self._background)
        return self._cache[key]


@lru_cache(maxsize=1)
def people(detector) -> dict[str, Person]:
    return {"hopper": Person("hopper", images.grace_hopper(), detector),
            "collins": Person("collins", images.astronaut(), detector)}


# --- time courses of actions -----------------------------------------------------


def _ramp(t: float, start: float, rise: float, hold: float, fall: float) -> float:
    """0 -> 1 over `rise`, 1 for `hold`, 1 -> 0 over `fall`, from `start`."""
    x = t - start
    if x <= 0 or x >= rise + hold + fall:
        return 0.0
    if x < rise:
        return x / rise
    if x < rise + hold:
        return 1.0
    return 1.0 - (x - rise - hold) / fall


def slot_of(t: float, count: int) -> tuple[int, float]:
    """(action index or -1, seconds since that action's prompt)."""
    if t < BASELINE_S:
        return -1, 0.0
    k = int((t - BASELINE_S) // PER_ACTION_S)
    return (k, t - BASELINE_S - k * PER_ACTION_S) if k < count else (-1, 0.0)


@dataclass(frozen=True)
class Performance:
    """How a genuine person does the prompts."""

    reaction_s: float = 0.35
    blink_ms: float = 150.0  # eyes under the closed threshold
    turn_deg: float = 30.0
    smile: float = 1.5


def genuine_pose(t: float, actions, how: Performance) -> dict:
    k, since = slot_of(t, len(actions))
    pose = {"yaw": 0.0, "eyes": 0.0, "smile": 0.0}
    if k < 0:
        return pose
    action, x = actions[k], since - how.reaction_s
    if action == "blink":
        d = how.blink_ms / 1000.0
        if 0 <= x < d:
            pose["eyes"] = 1.0
        elif -0.04 <= x < 0 or d <= x < d + 0.06:
            pose["eyes"] = 0.3  # lids on the way: above the closed threshold
    elif action in ("turn_left", "turn_right"):
        sign = 1.0 if action == "turn_left" else -1.0
        pose["yaw"] = sign * how.turn_deg * _ramp(since, how.reaction_s, 0.35, 0.45, 0.35)
    elif action == "smile":
        pose["smile"] = how.smile * _ramp(since, how.reaction_s, 0.3, 0.6, 0.3)
    return pose


def attacker_gesture(t: float, actions, *, pitch_deg: float, yaw_deg: float) -> tuple[float, float]:
    """A print's best answer to each prompt: tilt it back about the horizontal
    axis for a blink or a smile (the squash narrows the eyes and, seen from
    close, widens the mouth), about the vertical axis for a turn."""
    k, since = slot_of(t, len(actions))
    if k < 0:
        return 0.0, 0.0
    action = actions[k]
    if action in ("turn_left", "turn_right"):
        sign = 1.0 if action == "turn_left" else -1.0
        return 0.0, sign * yaw_deg * _ramp(since, 0.3, 0.35, 0.45, 0.35)
    return pitch_deg * _ramp(since, 0.3, 0.25, 0.5, 0.25), 0.0


# --- flat and curved prints --------------------------------------------------------


def plane_view(rgb: np.ndarray, *, pitch: float = 0.0, yaw: float = 0.0, roll: float = 0.0,
               shift=(0.0, 0.0), zoom: float = 1.0, center=None) -> np.ndarray:
    """The picture as a phone camera sees it when the (flat) print is
    rotated about `center` (the face's centre when held up; default the
    picture's centre): `pitch` > 0 tilts the top away, `yaw` > 0
    turns its right edge (image right) toward the camera, which reads as
    a turn to the person's left."""
    h, w = rgb.shape[:2]
    f = FOCAL * w
    a, b, c = np.radians([pitch, -yaw, roll])
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    cx, cy = center if center is not None else (w / 2, h / 2)
    out = []
    for x, y in corners - [cx, cy]:
        p = rx @ ry @ rz @ np.array([x, y, 0.0])
        z = p[2] + f
        out.append([cx + zoom * p[0] * f / z + shift[0], cy + zoom * p[1] * f / z + shift[1]])
    matrix = cv2.getPerspectiveTransform(corners, np.float32(out))
    return cv2.warpPerspective(rgb, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)


def curved(rgb: np.ndarray, radius_frac: float) -> np.ndarray:
    """The print bent around a vertical cylinder (radius as a fraction of the
    image width) and seen from the front: the sides are foreshortened and
    darker."""
    h, w = rgb.shape[:2]
    r = radius_frac * w
    xs = np.arange(w, dtype=np.float32) - w / 2
    inside = np.abs(xs) < r
    src_x = np.where(inside, r * np.arcsin(np.clip(xs / r, -1, 1)), np.sign(xs) * r * np.pi / 2) + w / 2
    map_x = np.tile(src_x.astype(np.float32), (h, 1))
    map_y = np.tile(np.arange(h, dtype=np.float32)[:, None], (1, w))
    out = cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    shade = np.where(inside, np.sqrt(np.clip(1 - (xs / r) ** 2, 0, 1)), 0.0) * 0.35 + 0.65
    return np.clip(out.astype(np.float32) * shade[None, :, None], 0, 255).astype(np.uint8)


def glare(rgb: np.ndarray, center, strength: float = 170.0) -> np.ndarray:
    h, w = rgb.shape[:2]
    y, x = np.mgrid[0:h, 0:w]
    blob = np.exp(-(((x - center[0]) / 60.0) ** 2 + ((y - center[1]) / 35.0) ** 2))
    return np.clip(rgb.astype(np.float32) + strength * blob[..., None], 0, 255).astype(np.uint8)


# --- screens -------------------------------------------------------------------------


def on_screen(rgb: np.ndarray, frame_no: int, rng_seed: int) -> np.ndarray:
    """A picture shown on a phone or monitor and filmed: a dark bezel, the
    pixel grid beating with the camera's (moire) and rolling refresh bands."""
    rng = np.random.default_rng(rng_seed)
    h, w = rgb.shape[:2]
    shown = images.on_canvas(rgb, zoom=0.92, background=18).astype(np.float32)
    angle = rng.uniform(0, np.pi)
    freq = rng.uniform(0.22, 0.42)  # cycles per pixel
    depth = rng.uniform(0.10, 0.16)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    moire = 1.0 + depth * np.cos(2 * np.pi * freq * (x * np.cos(angle) + y * np.sin(angle)))
    period = rng.uniform(50, 110)
    bands = 1.0 + 0.07 * np.sin(2 * np.pi * (y / period + frame_no * rng.uniform(0.2, 0.35)))
    return np.clip(shown * (moire * bands)[..., None] * 0.95 + 6, 0, 255).astype(np.uint8)


# --- the sets ------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str  # attack type or "genuine"
    label: str
    actions: tuple[str, ...]
    frames: list = field(repr=False)
    reference: bytes = field(repr=False)
    genuine: bool = False


def pick_challenge(settings, seed: int, *, tries: int) -> tuple[str, ...]:
    """The challenge an attacker keeps: of `tries` requests, the one with the
    fewest head turns (a print cannot turn)."""
    from biometrics.liveness.challenge import new_challenge

    rng = random.Random(seed)
    draws = [new_challenge(settings, now=0.0, rng=rng) for _ in range(tries)]
    best = min(draws, key=lambda c: sum(a.value.startswith("turn") for a in c.actions))
    return tuple(a.value for a in best.actions)


def _sequence(picture_at: Callable[[float, int], np.ndarray], actions, client, fps, seed, **encode):
    times = page_times(actions, client, fps)
    return encode_frames([picture_at(t, i) for i, t in enumerate(times)], times, seed=seed, **encode)


def genuine_set(detector, settings, client: dict, count: int = 24, seed: int = 7) -> list[Sample]:
    from biometrics.liveness.challenge import new_challenge

    rng = random.Random(seed)
    everyone = people(detector)
    out = []
    for n in range(count):
        person = everyone[("hopper", "collins")[n % 2]]
        actions = tuple(a.value for a in new_challenge(settings, now=0.0, rng=rng).actions)
        while person.name == "hopper" and "blink" in actions:
            # Warping the lids shut behind Hopper's glasses does not read as
            # closed eyes to the landmark model: a limit of the generator.
            actions = tuple(a.value for a in new_challenge(settings, now=0.0, rng=rng).actions)
        how = Performance(reaction_s=rng.uniform(0.25, 0.5), blink_ms=rng.uniform(100, 400),
                          turn_deg=rng.uniform(TURN_RANGE[0], TURN_RANGE[1]), smile=rng.uniform(1.3, 1.7))
        fps = rng.choice((10.0, 15.0, 24.0, 30.0))
        dark = n % 3 == 2
        shake = np.random.default_rng(seed * 1000 + n)

        def picture(t, i, person=person, actions=actions, how=how, dark=dark, shake=shake):
            img = person.posed(**genuine_pose(t, actions, how))
            img = np.roll(img, tuple(int(v) for v in shake.integers(-2, 3, 2)), axis=(0, 1))
            return images.lighting(img, 0.55, -4.0) if dark else img

        label = (f"{person.name} {'+'.join(actions)} blink={how.blink_ms:.0f}ms turn={how.turn_deg:.0f}deg "
                 f"{fps:.0f}fps{' dark' if dark else ''}")
        frames = _sequence(picture, actions, client, fps, seed + n, sigma=4.0 if dark else 2.0)
        out.append(Sample("genuine", label, actions, frames, person.chip(), genuine=True))
    return out


def attack_picture(kind: str, victim: Person, other: Person, k: int = 0, angle: float = 55.0):
    """The picture function (t, frame number, actions) -> RGB of one attack;
    `angle` is the tilt swept by the two tilt types, `k` varies the others."""
    print_rgb = victim.frame
    centre = tuple(victim.points.mean(axis=0))

    def tilted(rgb, pitch_deg, yaw_deg, extra=None):
        def picture(t, i, actions):
            p, y = attacker_gesture(t, actions, pitch_deg=pitch_deg, yaw_deg=yaw_deg)
            img = plane_view(rgb, pitch=p, yaw=y, center=centre)
            return extra(img, p, y) if extra else img
        return picture

    if kind == "print_tilted_horizontal":
        return tilted(print_rgb, angle, 30.0)
    if kind == "print_tilted_vertical":
        return tilted(print_rgb, 55.0, angle)
    if kind == "print_moved":
        dx, dz = 25.0 * (k + 1), 0.08 * (k + 1)

        def moved(t, i, actions):
            s = _ramp(t, BASELINE_S, 0.5, 1.0, 0.5) + _ramp(t, BASELINE_S + 2 * PER_ACTION_S, 0.5, 1.0, 0.5)
            return plane_view(print_rgb, shift=(dx * s, -dx * s / 3), zoom=1.0 + dz * s)
        return moved
    if kind == "print_rotated":
        def rotated(t, i, actions):
            slot, since = slot_of(t, len(actions))
            if slot < 0:
                return print_rgb
            return plane_view(print_rgb, roll=(12.0 + 6 * k) * _ramp(since, 0.3, 0.3, 0.6, 0.3) * (-1) ** slot)
        return rotated
    if kind == "print_curved":
        return tilted(curved(print_rgb, 0.35 + 0.15 * k), 55.0, 30.0)
    if kind == "print_glare":
        return tilted(print_rgb, 45.0 + 5 * k, 30.0,
                      extra=lambda img, p, y: glare(img, (320 + 6 * y, 170 + 3 * p)))
    if kind == "mask_cutout_eyes":
        return mask_picture(victim, 45.0 + 5 * k, 30.0)
    if kind == "screen_replay":
        return screen_picture(victim, 100 + k)
    if kind == "face_swap":
        return swap_picture(victim, other, k)
    raise ValueError(kind)


ATTACK_KINDS = ("print_tilted_horizontal", "print_tilted_vertical", "print_moved", "print_rotated",
                "print_curved", "print_glare", "mask_cutout_eyes", "screen_replay", "face_swap")


def attack_sample(detector, client: dict, kind: str, actions, *, seed: int, k: int = 0, angle: float = 55.0,
                  fps: float = 24.0) -> Sample:
    everyone = people(detector)
    victim, other = everyone["hopper"], everyone["collins"]
    picture = attack_picture(kind, victim, other, k, angle)
    frames = _sequence(lambda t, i: picture(t, i, actions), actions, client, fps, seed)
    label = f"{angle:.0f} deg" if kind.startswith("print_tilted") else f"variant {k}"
    return Sample(kind, label, tuple(actions), frames, victim.chip())


def attack_set(detector, settings, client: dict, *, tries: int, seed: int = 11,
               angles=tuple(range(0, 71, 5)), per_kind: int = 4) -> list[Sample]:
    out: list[Sample] = []
    jobs = [(kind, 0, a) for kind in ATTACK_KINDS[:2] for a in angles]
    jobs += [(kind, k, 55.0) for kind in ATTACK_KINDS[2:] for k in range(per_kind)]
    for n, (kind, k, angle) in enumerate(jobs):
        actions = pick_challenge(settings, seed + n, tries=tries)
        out.append(attack_sample(detector, client, kind, actions, seed=seed + n, k=k, angle=angle))
    return out


def mask_picture(person: Person, pitch_deg: float, yaw_deg: float):
    """A flat print with the eyes cut out, worn by someone: the wearer's own
    eyes blink in the holes (taken from a blinking rendering of the same
    face), the rest moves as one plane."""
    closed = person.posed(eyes=1.0)
    eyes = np.zeros(person.frame.shape[:2], np.float32)
    for sl in (slice(36, 42), slice(42, 48)):
        (x0, y0), (x1, y1) = person.points[sl].min(axis=0), person.points[sl].max(axis=0)
        cv2.ellipse(eyes, (int((x0 + x1) / 2), int((y0 + y1) / 2)), (int((x1 - x0) * 0.7), int((y1 - y0) * 1.6 + 4)),
                    0, 0, 360, 1.0, -1)
    eyes = cv2.GaussianBlur(eyes, (7, 7), 0)[..., None]

    def picture(t, i, actions):
        k, since = slot_of(t, len(actions))
        if k >= 0 and actions[k] == "blink" and 0.3 <= since < 0.48:
            face = (person.frame * (1 - eyes) + closed * eyes).astype(np.uint8)
            return face
        p, y = attacker_gesture(t, actions, pitch_deg=pitch_deg, yaw_deg=yaw_deg)
        if k >= 0 and actions[k] == "blink":
            p = 0.0  # the real eyes blink; no need to tilt
        return plane_view(person.frame, pitch=p, yaw=y, center=tuple(person.points.mean(axis=0)))
    return picture


def screen_picture(person: Person, seed: int):
    """A recording of the victim doing exactly the asked actions, replayed on
    a screen held in front of the camera."""
    how = Performance(blink_ms=200.0, turn_deg=30.0, smile=1.5)

    def picture(t, i, actions):
        return on_screen(person.posed(**genuine_pose(t, actions, how)), i, seed)
    return picture


def swap_picture(victim: Person, other: Person, k: int):
    """The victim's face in the frontal parts, someone else's in the turns
    (a face swap that fails where it is hardest)."""
    how = Performance(turn_deg=30.0 + 3 * k)

    def picture(t, i, actions):
        pose = genuine_pose(t, actions, how)
        return (other if abs(pose["yaw"]) > 6 else victim).posed(**pose)
    return picture


# --- head turns with occlusion ----------------------------------------------------------


def head_background(rgb: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """What is behind the head, guessed: the head region painted in from
    around it (at quarter size, which is plenty for a blurred backdrop)."""
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    mask = cv2.resize(inside.astype(np.uint8) * 255, (w // 4, h // 4), interpolation=cv2.INTER_NEAREST)
    filled = cv2.inpaint(small, cv2.dilate(mask, np.ones((3, 3), np.uint8)), 3, cv2.INPAINT_TELEA)
    return cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)


def _head(points: np.ndarray, size):
    """Eye distance, head centre, ellipsoid semi-axes and the head region."""
    h, w = size
    right, left = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    eye_px = float(np.linalg.norm(left - right))
    jaw_w = float(np.linalg.norm(points[16] - points[0]))
    cx = float(points[[0, 16, 27, 8]][:, 0].mean())
    cy = float((points[27, 1] + points[8, 1]) / 2.0) - 0.25 * eye_px
    a, b = 0.62 * jaw_w, 1.05 * float(points[8, 1] - points[27, 1]) + 0.6 * eye_px
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    inside = ((xs - cx) / a) ** 2 + ((ys - cy) / b) ** 2 < 1.0
    inside &= ys < points[8, 1] + 0.35 * eye_px  # not the neck and body
    return eye_px, cx, cy, a, b, 0.95 * a, inside


def turned_background(rgb: np.ndarray, points: np.ndarray) -> np.ndarray:
    return head_background(rgb, _head(points, rgb.shape[:2])[-1])


def turned(rgb: np.ndarray, points: np.ndarray, yaw: float, pitch: float = 0.0, *,
           background: np.ndarray | None = None) -> np.ndarray:
    """The photo's head turned in 3D: every pixel of the head gets a depth
    (an ellipsoid the size of the head, with a nose ridge in front of it),
    is rotated about the head's centre and drawn far-to-near, so the nose
    hides the far cheek and the far side of the face narrows as on a real
    head. Positive yaw moves the nose toward the image right (the person's
    own left), as in biometrics.geometry. The body stays where it is."""
    if abs(yaw) < 1e-6 and abs(pitch) < 1e-6:
        return rgb
    h, w = rgb.shape[:2]
    eye_px, cx, cy, a, b, c, inside = _head(points, (h, w))
    sy, sx = np.nonzero(inside)
    offsets = np.array([[0.0, 0.0], [0.5, 0.0], [0.0, 0.5], [0.5, 0.5]], np.float32)
    px = (sx[None, :] + offsets[:, :1]).ravel()
    py = (sy[None, :] + offsets[:, 1:]).ravel()
    colors = np.tile(rgb[sy, sx], (4, 1))
    dx, dy = (px - cx) / a, (py - cy) / b
    z = -c * np.sqrt(np.clip(1.0 - dx ** 2 - dy ** 2, 0.0, 1.0))  # toward the camera is negative
    nose_x, nose_y = points[30, 0], (points[27, 1] + points[33, 1]) / 2.0
    ridge = np.exp(-((px - nose_x) / (0.22 * eye_px)) ** 2 - ((py - nose_y) / (0.55 * eye_px)) ** 2)
    z -= 0.45 * eye_px * ridge
    ya, pa = np.radians(yaw), np.radians(pitch)
    x0, y0 = px - cx, py - cy
    x1 = x0 * np.cos(ya) - z * np.sin(ya)
    z1 = x0 * np.sin(ya) + z * np.cos(ya)
    y1 = y0 * np.cos(pa) - z1 * np.sin(pa)
    z2 = y0 * np.sin(pa) + z1 * np.cos(pa)
    distance = 6.0 * a
    scale = distance / (distance + z2)
    u = np.round(cx + x1 * scale).astype(np.int32)
    v = np.round(cy + y1 * scale).astype(np.int32)
    keep = (u >= 0) & (u < w) & (v >= 0) & (v < h)
    u, v, z2, colors = u[keep], v[keep], z2[keep], colors[keep]
    order = np.argsort(-z2)  # far first; nearer points overwrite
    out = rgb.copy()
    if background is None:
        background = head_background(rgb, inside)
    out[inside] = background[inside]
    out[v[order], u[order]] = colors[order]
    return out
