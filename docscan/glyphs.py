"""Character classifier for OCR-B MRZ text: a small two-layer perceptron
over a normalised image of one character cell.

The MRZ is printed in OCR-B at a fixed pitch (ICAO 9303 Part 3 section
4.2), so a character never has to be found by the classifier: `lines.py`
cuts the cells and this module only says, for each cell, how likely each of
the 37 MRZ characters is. The weights are trained by `tools/train_mrz.py`
on rendered OCR-B glyphs and shipped as `data/ocrb_mlp.npz`.
"""
from __future__ import annotations

import functools
from importlib import resources

import cv2
import numpy as np

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
INDEX = {c: i for i, c in enumerate(ALPHABET)}
CELL_W, CELL_H = 16, 24
MODEL_FILE = "ocrb_mlp.npz"


def cell_features(cells: np.ndarray) -> np.ndarray:
    """(n, h, w) float ink maps in [0, 1] to (n, CELL_H*CELL_W) feature rows."""
    out = np.empty((len(cells), CELL_H * CELL_W), np.float32)
    for i, cell in enumerate(cells):
        small = cv2.resize(cell, (CELL_W, CELL_H), interpolation=cv2.INTER_AREA)
        out[i] = small.reshape(-1)
    return out


class GlyphModel:
    """softmax(relu(x W1 + b1) W2 + b2) with input standardisation."""

    def __init__(self, mean, scale, w1, b1, w2, b2):
        self.mean, self.scale = mean.astype(np.float32), scale.astype(np.float32)
        self.w1, self.b1 = w1.astype(np.float32), b1.astype(np.float32)
        self.w2, self.b2 = w2.astype(np.float32), b2.astype(np.float32)

    @classmethod
    def load(cls, path=None) -> "GlyphModel":
        if path is None:
            path = resources.files("docscan").joinpath("data", MODEL_FILE)
        with resources.as_file(path) if not isinstance(path, str) else _plain(path) as real:
            with np.load(real) as z:
                return cls(z["mean"], z["scale"], z["w1"], z["b1"], z["w2"], z["b2"])

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        # einsum, not `@`: a threaded BLAS on a busy server spends far longer
        # waking its threads than these few million multiplications take.
        x = (features - self.mean) / self.scale
        hidden = np.maximum(np.einsum("ij,jk->ik", x, self.w1) + self.b1, 0)
        logits = np.einsum("ij,jk->ik", hidden, self.w2) + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)


class _plain:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        return False


@functools.lru_cache(maxsize=1)
def default_model() -> GlyphModel:
    return GlyphModel.load()
