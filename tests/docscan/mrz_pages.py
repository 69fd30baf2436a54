"""Generated passport data pages (TD3) photographed like a phone would.

A page is drawn at 12 px/mm on the ICAO TD3 size (125 x 88 mm): a tinted
guilloche background, header, a portrait from an installed package
(matplotlib's Grace Hopper, scikit-image's astronaut), the visual zone, and
the two MRZ lines in OCR-B (Debian's fonts-ocr-b) at the standard 2.54 mm
pitch. `photograph` then puts it on a table and distorts it: perspective,
tilt, the four right-angle turns (some as an EXIF orientation tag), blur,
noise, uneven light and JPEG.

"guided" photos are framed as the capture guide asks (page upright, filling
most of the frame, held nearly flat); "free" ones are anything a hurried
person might send.

The random identities here (syllable names, numbers, dates, PINFL) share
nothing with the classifier's training data, which are random character
strings drawn by tools/train_mrz.py.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from nfc.mrz import build_td3, check_digit  # noqa: F401  (check_digit used by tests)

OCRB = next((p for p in ("/usr/share/fonts/opentype/ocr-b/OCRB.otf",
                         "/usr/share/fonts/truetype/ocr-b/OCRB.ttf") if os.path.exists(p)), None)
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PX_PER_MM = 12
PAGE_W, PAGE_H = 125 * PX_PER_MM, 88 * PX_PER_MM

SYLLABLES = ["a", "bek", "dil", "gul", "jon", "ka", "li", "ma", "na", "nur", "o", "ra", "sa", "shod", "ti",
             "ul", "va", "xo", "yor", "zu", "mir", "sher", "lo", "fa", "qo", "bo", "rus", "tam", "az", "iz"]


@dataclass(frozen=True)
class Identity:
    surname: str
    given_names: str
    number: str
    birth: str
    expiry: str
    sex: str
    pinfl: str
    issuing_state: str = "UZB"
    nationality: str = "UZB"
    document_code: str = "P"

    def mrz(self) -> str:
        return build_td3(document_code=self.document_code, issuing_state=self.issuing_state,
                         surname=self.surname, given_names=self.given_names, document_number=self.number,
                         nationality=self.nationality, date_of_birth=self.birth, sex=self.sex,
                         date_of_expiry=self.expiry, optional_data=self.pinfl)


def _name(rng) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.integers(2, 5))).upper()


def random_identity(rng, **overrides) -> Identity:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 66)))
    expiry = dt.date(2027, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 9)))
    given = " ".join(_name(rng) for _ in range(rng.integers(1, 3)))
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    number = "".join(rng.choice(list(letters), 2)) + "".join(str(d) for d in rng.integers(0, 10, 7))
    pinfl = "".join(str(d) for d in rng.integers(0, 10, 14))
    values = dict(surname=_name(rng), given_names=given, number=number, birth=birth.strftime("%y%m%d"),
                  expiry=expiry.strftime("%y%m%d"), sex=str(rng.choice(["M", "F"])), pinfl=pinfl)
    values.update(overrides)
    return Identity(**values)


def _faces() -> list[np.ndarray]:
    import matplotlib.cbook
    from skimage import data

    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
        hopper = np.asarray(Image.open(f).convert("RGB"))
    return [hopper, data.astronaut()]


_FACES: list[np.ndarray] = []


def draw_page(identity: Identity, rng) -> np.ndarray:
    """The data page, flat and clean, as RGB pixels."""
    if not _FACES:
        _FACES.extend(_faces())
    mm = PX_PER_MM
    tint = np.array([235, 232, 222]) + rng.integers(-12, 12, 3)
    page = np.ones((PAGE_H, PAGE_W, 3), np.float32) * tint
    yy, xx = np.mgrid[0:PAGE_H, 0:PAGE_W].astype(np.float32)
    for k in range(3):  # guilloche: thin, pale, crossing waves
        phase = rng.uniform(0, 6.3)
        wave = np.sin(xx / (9 + 4 * k) + 3 * np.sin(yy / (37 + 11 * k) + phase))
        colour = rng.integers(150, 230, 3)
        page += ((np.abs(wave) < 0.07)[..., None] * (colour - tint) * 0.35)
    img = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    bold, small, value = (ImageFont.truetype(SANS_BOLD, int(3.2 * mm)), ImageFont.truetype(SANS, int(1.7 * mm)),
                          ImageFont.truetype(SANS, int(2.8 * mm)))
    draw.text((6 * mm, 3 * mm), "O'ZBEKISTON RESPUBLIKASI  REPUBLIC OF UZBEKISTAN", fill=(40, 50, 90), font=bold)
    face = _FACES[int(rng.integers(0, len(_FACES)))]
    portrait = Image.fromarray(face).resize((32 * mm, 41 * mm))
    img.paste(portrait, (5 * mm, 11 * mm))
    fields = [("Turi / Type", identity.document_code), ("Kodi / Code", identity.issuing_state),
              ("Pasport raqami / Passport No.", identity.number),
              ("Familiyasi / Surname", identity.surname), ("Ismi / Given names", identity.given_names),
              ("Fuqaroligi / Nationality", "O'ZBEKISTON"), ("Tug'ilgan sanasi / Date of birth", identity.birth),
              ("Amal qilish muddati / Date of expiry", identity.expiry),
              ("JShShIR / Personal No.", identity.pinfl)]
    for i, (label, text) in enumerate(fields):
        x, y = (41 + 42 * (i // 6)) * mm, (11 + 7 * (i % 6)) * mm
        draw.text((x, y), label, fill=(90, 90, 110), font=small)
        draw.text((x, y + 2 * mm), text, fill=(20, 20, 30), font=value)
    ocrb = ImageFont.truetype(OCRB, int(round(2.54 * mm / 0.723)))
    lines = identity.mrz().split("\n")
    x0 = int(6.6 * mm)
    for i, line in enumerate(lines):
        y = PAGE_H - int((14.0 - 4.23 * i) * mm)
        for j, ch in enumerate(line):
            draw.text((x0 + j * 2.54 * mm, y), ch, fill=(15, 15, 20), font=ocrb)
    return np.asarray(img)


@dataclass(frozen=True)
class Photo:
    data: bytes
    kind: str  # "guided" | "free"
    turn: int  # right-angle turns applied (0-3)


def photograph(page: np.ndarray, rng, *, guided: bool) -> Photo:
    landscape = guided or rng.random() < 0.5
    fw, fh = (1600, 1200) if landscape else (1200, 1600)
    if guided:
        fill, tilt, skew = rng.uniform(0.80, 0.93), rng.uniform(-4, 4), 0.02
        blur, noise, light, quality = rng.uniform(0, 1.0), rng.uniform(1, 4), rng.uniform(0.8, 1.0), int(rng.integers(75, 93))
    else:
        fill, tilt, skew = rng.uniform(0.50, 0.85), rng.uniform(-15, 15), 0.05
        blur, noise, light, quality = rng.uniform(0, 1.5), rng.uniform(1, 7), rng.uniform(0.55, 1.0), int(rng.integers(60, 90))
    scale = fill * min(fw / PAGE_W, fh / PAGE_H) if landscape else fill * fw / PAGE_W
    w, h = PAGE_W * scale, PAGE_H * scale
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    corners += rng.uniform(-skew, skew, (4, 2)) * np.array([w, h])
    a = np.deg2rad(tilt)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    corners = corners @ rot.T
    slack_x = max(0.0, (fw - (corners[:, 0].max() - corners[:, 0].min())) / 2 - 10)
    slack_y = max(0.0, (fh - (corners[:, 1].max() - corners[:, 1].min())) / 2 - 10)
    centre = np.array([fw / 2 + rng.uniform(-slack_x, slack_x) * 0.8, fh / 2 + rng.uniform(-slack_y, slack_y) * 0.8])
    corners += centre
    src = np.array([[0, 0], [PAGE_W, 0], [PAGE_W, PAGE_H], [0, PAGE_H]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    table = _table(rng, fw, fh)
    warped = cv2.warpPerspective(page, matrix, (fw, fh), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones(page.shape[:2], np.float32), matrix, (fw, fh))[..., None]
    photo = warped * mask + table * (1 - mask)
    gx, gy = rng.uniform(-1, 1, 2)
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    shade = light + (1 - light) * (gx * (xx / fw - 0.5) + gy * (yy / fh - 0.5) + 0.5)
    photo = photo * np.clip(shade, 0.3, 1.1)[..., None]
    if blur > 0.2:
        photo = cv2.GaussianBlur(photo, (0, 0), blur)
    photo = photo + rng.normal(0, noise, photo.shape)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    turn = 0 if guided else int(rng.integers(0, 4))
    return Photo(encode(photo, quality, turn, exif=bool(rng.random() < 0.5)), "guided" if guided else "free", turn)


def _table(rng, fw, fh) -> np.ndarray:
    base = rng.integers(40, 140, 3).astype(np.float32)
    texture = cv2.resize(rng.normal(0, 12, (fh // 16, fw // 16)).astype(np.float32), (fw, fh))
    return np.clip(base + texture[..., None], 0, 255)


def encode(rgb: np.ndarray, quality: int, turn: int = 0, *, exif: bool = False) -> bytes:
    """JPEG of `rgb` shown turned by `turn` right angles (counter-clockwise).
    With `exif`, the stored pixels are turned once more and the EXIF
    orientation tag says how to show them, as phone cameras do."""
    shown = Image.fromarray(rgb).rotate(90 * turn, expand=True)
    out = io.BytesIO()
    if exif:
        stored_turn = 1 + turn % 3
        stored = shown.rotate(90 * stored_turn, expand=True)
        tags = Image.Exif()
        tags[0x0112] = {1: 6, 2: 3, 3: 8}[stored_turn]  # turn clockwise by this to show
        stored.save(out, "JPEG", quality=quality, exif=tags)
    else:
        shown.save(out, "JPEG", quality=quality)
    return out.getvalue()


def sample(seed: int, *, guided: bool, **identity) -> tuple[Identity, Photo]:
    rng = np.random.default_rng(seed)
    person = random_identity(rng, **identity)
    return person, photograph(draw_page(person, rng), rng, guided=guided)
