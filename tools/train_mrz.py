"""Train docscan's OCR-B character classifier and write docscan/data/ocrb_mlp.npz.

    .venv/bin/python tools/train_mrz.py [--images 700] [--seed 7] [--out docscan/data/ocrb_mlp.npz]

Recipe (about two minutes on one core; needs Debian's fonts-ocr-b):
1. Draw two 44-character lines of random MRZ characters (random strings,
   not passport data: runs of '<' like the filler after a name, letters,
   digits) in OCR-B at the standard pitch on a pale page with thin curves
   (security print) and some ordinary text above, then photograph it in software: scale (7-22 px per
   character), tilt, perspective, stroke weight, blur, noise, uneven light,
   JPEG.
2. Cut the cells with the reader's own code (docscan.locate, docscan.lines),
   so the classifier learns the crops it will see, including their small
   misplacements (each cell also cut 1.2 px to one side); a sample whose located zone is not the drawn one is
   dropped.
3. Fit a two-layer perceptron (384 inputs, 128 hidden units, 37 outputs) with
   Adam on the softmax loss; report the error on held-out images.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from docscan import glyphs, lines, locate  # noqa: E402

FONT_DIR = "/usr/share/fonts/opentype/ocr-b"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTERS, DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"


def random_lines(rng) -> tuple[str, str]:
    def chunk(pool, n):
        return "".join(rng.choice(list(pool), n))
    head = chunk(LETTERS + "<", 2) + chunk(LETTERS, 3)
    body = ""
    while len(body) < 39:
        body += chunk(LETTERS, int(rng.integers(2, 9))) + "<" * int(rng.integers(1, 4))
    fill = int(rng.integers(0, 25))
    first = (head + body)[:44 - fill] + "<" * fill
    second = "".join(chunk(DIGITS + LETTERS + "<" if rng.random() < 0.3 else DIGITS + LETTERS[:6], 1)
                     if rng.random() < 0.5 else chunk(DIGITS, 1) for _ in range(44))
    if rng.random() < 0.5:
        first, second = second, first
    return first[:44].ljust(44, "<"), second


def render(rng, text: tuple[str, str]) -> tuple[np.ndarray, np.ndarray, float]:
    """The photo, the true corners of the MRZ block in it, and the pitch in pixels."""
    mm = 12
    w, h = 125 * mm, 40 * mm
    page = Image.new("L", (w, h), int(rng.integers(200, 250)))
    draw = ImageDraw.Draw(page)
    for _ in range(int(rng.integers(0, 12))):  # fine security print: thin pale curves across the text
        xs = np.linspace(0, w, 60)
        ys = rng.uniform(0, h) + rng.uniform(5, 60) * np.sin(xs / rng.uniform(20, 120) + rng.uniform(0, 6.3))
        draw.line(list(zip(xs.tolist(), ys.tolist())), fill=int(rng.integers(120, 230)), width=int(rng.integers(1, 4)))
    draw.text((8 * mm, 3 * mm), "".join(rng.choice(list(LETTERS.lower() + " "), 40)), fill=60,
              font=ImageFont.truetype(SANS, int(2.6 * mm)))
    font_file = "OCRB.otf" if rng.random() < 0.8 else "OCRBL.otf"
    font = ImageFont.truetype(os.path.join(FONT_DIR, font_file), int(round(2.54 * mm / 0.723 * rng.uniform(0.96, 1.04))))
    ink = int(rng.integers(0, 60))
    for i, line in enumerate(text):
        for j, ch in enumerate(line):
            draw.text((6.6 * mm + j * 2.54 * mm, h - (20.0 - 4.23 * i) * mm), ch, fill=ink, font=font)
    img = np.asarray(page, np.float32)
    if rng.random() < 0.3:  # stroke weight
        k = np.ones((2, 2), np.uint8)
        img = cv2.erode(img, k) if rng.random() < 0.5 else cv2.dilate(img, k)
    pitch = rng.uniform(8, 22)
    scale = pitch / (2.54 * mm)
    fw, fh = int(w * scale * 1.25), int(h * scale * 1.6)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64) * scale
    corners += rng.uniform(-0.04, 0.04, (4, 2)) * np.array([w * scale, h * scale])
    a = np.deg2rad(rng.uniform(-8, 8))
    corners = corners @ np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]).T
    corners += np.array([fw, fh]) / 2 - corners.mean(axis=0)
    matrix = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32),
                                         corners.astype(np.float32))
    photo = cv2.warpPerspective(img, matrix, (fw, fh), flags=cv2.INTER_AREA, borderValue=float(rng.integers(30, 120)))
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    photo *= rng.uniform(0.5, 1.0) + rng.uniform(0, 0.5) * (xx / fw)
    if rng.random() < 0.8:
        photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.3, 1.4))
    photo += rng.normal(0, rng.uniform(1, 8), photo.shape)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(55, 95))])
    left, right, top, bottom = 6.6 * mm, (6.6 + 43.7 * 2.54) * mm, h - 19.2 * mm, h - 12.4 * mm
    block = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], np.float32)
    truth = cv2.perspectiveTransform(block[None], matrix)[0]
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE), truth, pitch


def samples(rng, count: int) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for _ in range(count):
        text = random_lines(rng)
        gray, truth, pitch = render(rng, text)
        found = locate.find_mrz(gray)
        if not found:
            continue
        quad = found[0].quad
        upside_down = bool(quad[1][0] < quad[0][0])
        # Only crops of the real MRZ teach anything: a candidate elsewhere
        # (the text line above) would pair cells with the wrong labels.
        if np.abs((quad[[2, 3, 0, 1]] if upside_down else quad) - truth).max() > 3.0 * pitch:
            continue
        band = lines.rectify(gray, quad, upside_down=upside_down)
        cut = lines.cells(band, lines.SHIFTS)
        if cut is None:
            continue
        for line, truth in zip(cut, text):
            # The centred crops and one block of shifted ones.
            shifted = int(rng.integers(1, len(lines.SHIFTS)))
            for block in (0, shifted):
                xs.append(glyphs.cell_features(line.cells[block * lines.CHARS:(block + 1) * lines.CHARS]))
                ys.append([glyphs.INDEX[c] for c in truth])
    return np.concatenate(xs), np.concatenate(ys)


def train(x, y, rng, hidden=128, epochs=24, batch=256, lr=2e-3):
    mean, scale = x.mean(axis=0), x.std(axis=0) + 0.05
    xn = (x - mean) / scale
    n_in, n_out = x.shape[1], len(glyphs.ALPHABET)
    params = [rng.normal(0, np.sqrt(2 / n_in), (n_in, hidden)).astype(np.float32), np.zeros(hidden, np.float32),
              rng.normal(0, np.sqrt(1 / hidden), (hidden, n_out)).astype(np.float32), np.zeros(n_out, np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(len(xn))
        rate = lr * (0.5 ** (epoch // 8))
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            xb, yb = xn[idx], y[idx]
            w1, b1, w2, b2 = params
            hid = np.maximum(xb @ w1 + b1, 0)
            logits = hid @ w2 + b2
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1
            p /= len(yb)
            grads = [None, None, hid.T @ p + 1e-4 * w2, p.sum(axis=0)]
            dh = (p @ w2.T) * (hid > 0)
            grads[0], grads[1] = xb.T @ dh + 1e-4 * w1, dh.sum(axis=0)
            step += 1
            for i, g in enumerate(grads):
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                params[i] -= rate * (m[i] / (1 - 0.9 ** step)) / (np.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-8)
    return glyphs.GlyphModel(mean, scale, *params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=700)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(glyphs.__file__), "data", glyphs.MODEL_FILE))
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    x, y = samples(rng, args.images)
    xt, yt = samples(rng, max(50, args.images // 7))
    print(f"{len(x)} training cells, {len(xt)} held-out cells ({time.perf_counter() - started:.0f} s)")
    model = train(x, y, rng)
    errors = (model.probabilities(xt).argmax(axis=1) != yt).mean()
    print(f"held-out character error {errors:.4%} ({time.perf_counter() - started:.0f} s)")
    np.savez_compressed(args.out, mean=model.mean, scale=model.scale, w1=model.w1.astype(np.float16),
                        b1=model.b1, w2=model.w2.astype(np.float16), b2=model.b2)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    main()
