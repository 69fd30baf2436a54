"""Elliptic curve arithmetic over prime fields in Jacobian coordinates, for
what the cryptography library does not offer: ECDSA verification on the
older brainpool curves, and the point operations of PACE generic mapping
(ICAO 9303 Part 11 section 4.4.3.3.2), which needs arbitrary generators.

Not constant-time: use it for public-key operations and short-lived
ephemeral keys only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import CertificateError, SignatureError
from .curves import _Curve

Point = tuple[int, int] | None  # affine (x, y); None is the point at infinity


def on_curve(c: _Curve, pt: Point) -> bool:
    if pt is None:
        return False
    x, y = pt
    return 0 <= x < c.p and 0 <= y < c.p and (y * y - (x * x * x + c.a * x + c.b)) % c.p == 0


def _to_affine(c: _Curve, j: tuple[int, int, int]) -> Point:
    x, y, z = j
    if z == 0:
        return None
    zi = pow(z, -1, c.p)
    zi2 = zi * zi % c.p
    return x * zi2 % c.p, y * zi2 * zi % c.p


def _double(c: _Curve, j: tuple[int, int, int]) -> tuple[int, int, int]:
    x, y, z = j
    p = c.p
    if z == 0 or y == 0:
        return (1, 1, 0)
    yy = y * y % p
    s = 4 * x * yy % p
    zz = z * z % p
    m = (3 * x * x + c.a * zz * zz) % p
    x3 = (m * m - 2 * s) % p
    y3 = (m * (s - x3) - 8 * yy * yy) % p
    z3 = 2 * y * z % p
    return x3, y3, z3


def _add(c: _Curve, j1: tuple[int, int, int], j2: tuple[int, int, int]) -> tuple[int, int, int]:
    x1, y1, z1 = j1
    x2, y2, z2 = j2
    p = c.p
    if z1 == 0:
        return j2
    if z2 == 0:
        return j1
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    h, r = (u2 - u1) % p, (s2 - s1) % p
    if h == 0:
        return _double(c, j1) if r == 0 else (1, 1, 0)
    hh = h * h % p
    hhh = h * hh % p
    v = u1 * hh % p
    x3 = (r * r - hhh - 2 * v) % p
    y3 = (r * (v - x3) - s1 * hhh) % p
    return x3, y3, z1 * z2 * h % p


def add(c: _Curve, a: Point, b: Point) -> Point:
    ja = (1, 1, 0) if a is None else (a[0], a[1], 1)
    jb = (1, 1, 0) if b is None else (b[0], b[1], 1)
    return _to_affine(c, _add(c, ja, jb))


def multiply(c: _Curve, k: int, pt: Point) -> Point:
    if pt is None or k % c.n == 0:
        return None
    k %= c.n
    acc = (1, 1, 0)
    base = (pt[0], pt[1], 1)
    for bit in bin(k)[2:]:
        acc = _double(c, acc)
        if bit == "1":
            acc = _add(c, acc, base)
    return _to_affine(c, acc)


def generator(c: _Curve) -> Point:
    return c.gx, c.gy


def encode_point(c: _Curve, pt: Point) -> bytes:
    if pt is None:
        raise ValueError("cannot encode the point at infinity")
    return b"\x04" + pt[0].to_bytes(c.size, "big") + pt[1].to_bytes(c.size, "big")


def decode_point(c: _Curve, data: bytes) -> tuple[int, int]:
    """Uncompressed point, checked to lie on the curve."""
    if len(data) != 1 + 2 * c.size or data[0] != 4:
        raise CertificateError("EC point must be uncompressed and of the curve's size")
    pt = int.from_bytes(data[1:1 + c.size], "big"), int.from_bytes(data[1 + c.size:], "big")
    if not on_curve(c, pt):
        raise CertificateError("EC point is not on its curve")
    return pt


@dataclass(frozen=True)
class RawECPublicKey:
    """An EC public key on a curve the cryptography library does not have."""

    curve_params: _Curve
    point: tuple[int, int]

    @property
    def key_size(self) -> int:
        return self.curve_params.p.bit_length()

    def verify_digest(self, digest: bytes, r: int, s: int) -> None:
        """ECDSA verification (SEC 1 section 4.1.4) of a message digest."""
        c = self.curve_params
        if not (0 < r < c.n and 0 < s < c.n):
            raise SignatureError("ECDSA signature out of range")
        e = int.from_bytes(digest, "big")
        excess = len(digest) * 8 - c.n.bit_length()
        if excess > 0:
            e >>= excess
        w = pow(s, -1, c.n)
        u1, u2 = e * w % c.n, r * w % c.n
        pt = _to_affine(c, _add(c, _jacobian(c, multiply(c, u1, generator(c))),
                                _jacobian(c, multiply(c, u2, self.point))))
        if pt is None or pt[0] % c.n != r:
            raise SignatureError("ECDSA signature does not verify")


def _jacobian(c: _Curve, pt: Point) -> tuple[int, int, int]:
    return (1, 1, 0) if pt is None else (pt[0], pt[1], 1)
