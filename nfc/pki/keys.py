"""Loading SubjectPublicKeyInfo into cryptography keys (RSA, RSASSA-PSS and
EC with named or explicit domain parameters) and encoding EC keys with
explicit parameters."""

from __future__ import annotations

from asn1crypto import keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..asn1 import load
from ..errors import CertificateError, NfcError, UnsupportedAlgorithm
from .curves import BY_NAME, NAMED_CURVE_OIDS, by_curve, match_explicit
from .ecmath import RawECPublicKey, decode_point

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | RawECPublicKey

MIN_RSA_BITS = 1024
MAX_RSA_BITS = 8192


def load_spki(data: bytes | keys.PublicKeyInfo) -> keys.PublicKeyInfo:
    if isinstance(data, keys.PublicKeyInfo):
        return data
    return load(keys.PublicKeyInfo, data, what="SubjectPublicKeyInfo")


def _ec_curve(params: keys.ECDomainParameters):
    kind = params.name
    if kind == "named":
        oid = params.chosen.dotted
        name = NAMED_CURVE_OIDS.get(oid)
        if name is None:
            raise UnsupportedAlgorithm(f"elliptic curve {oid} is not supported")
        return BY_NAME[name]
    if kind == "specified":
        spec = params.chosen
        if spec["field_id"]["field_type"].dotted != "1.2.840.10045.1.1":
            raise UnsupportedAlgorithm("only prime-field curves are supported")
        p = spec["field_id"]["parameters"].native
        a = int.from_bytes(spec["curve"]["a"].native, "big")
        b = int.from_bytes(spec["curve"]["b"].native, "big")
        base = spec["base"].native
        n = spec["order"].native
        size = (p.bit_length() + 7) // 8
        if len(base) != 1 + 2 * size or base[0] != 4:
            raise UnsupportedAlgorithm("explicit base point must be uncompressed")
        gx = int.from_bytes(base[1:1 + size], "big")
        gy = int.from_bytes(base[1 + size:], "big")
        curve = match_explicit(p, a, b, gx, gy, n)
        if curve is None:
            raise UnsupportedAlgorithm("explicit curve parameters match no supported curve")
        return curve
    raise UnsupportedAlgorithm("implicitly-CA curve parameters are not supported")


def _decode(spki: keys.PublicKeyInfo) -> PublicKey:
    algo = spki["algorithm"]["algorithm"].dotted
    if algo in ("1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10"):  # rsa, rsassa-pss
        bits = spki["public_key"].contents
        if not bits or bits[0] != 0:
            raise CertificateError("RSA public key bit string has unused bits")
        rsa_key = load(keys.RSAPublicKey, bits[1:], what="RSAPublicKey")
        n, e = rsa_key["modulus"].native, rsa_key["public_exponent"].native
        if not MIN_RSA_BITS <= n.bit_length() <= MAX_RSA_BITS or e < 3 or e % 2 == 0:
            raise CertificateError("RSA key size or exponent out of range")
        return rsa.RSAPublicNumbers(e, n).public_key()
    if algo == "1.2.840.10045.2.1":  # id-ecPublicKey
        curve = _ec_curve(spki["algorithm"]["parameters"])
        bits = spki["public_key"].contents
        if not bits or bits[0] != 0:
            raise CertificateError("EC public key bit string has unused bits")
        point = bits[1:]
        if not curve.backend:
            return RawECPublicKey(curve, decode_point(curve, point))
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(curve.curve, point)
        except ValueError:
            raise CertificateError("EC public point is not on its curve") from None
    raise UnsupportedAlgorithm(f"public key algorithm {algo} is not supported")


def load_public_key(data: bytes | keys.PublicKeyInfo) -> PublicKey:
    """Decode a SubjectPublicKeyInfo into a cryptography public key."""
    spki = load_spki(data)
    try:
        return _decode(spki)
    except NfcError:
        raise
    except Exception as exc:
        raise CertificateError(f"public key does not decode ({exc.__class__.__name__})") from exc


def key_description(key: PublicKey) -> str:
    """Algorithm and size, for reports (e.g. 'RSA-2048', 'EC-BrainpoolP256R1')."""
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA-{key.key_size}"
    if isinstance(key, RawECPublicKey):
        return f"EC-{key.curve_params.name}"
    return f"EC-{type(key.curve).__name__}"


def spki_der(key: PublicKey, *, explicit: bool = False) -> bytes:
    """SubjectPublicKeyInfo DER; EC keys optionally with explicit parameters."""
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    if not explicit or not isinstance(key, ec.EllipticCurvePublicKey):
        return der
    c = by_curve(key.curve)
    size = c.size
    domain = keys.SpecifiedECDomain({
        "version": "ecdpVer1",
        "field_id": {"field_type": "prime_field", "parameters": c.p},
        "curve": {"a": c.a.to_bytes(size, "big"), "b": c.b.to_bytes(size, "big")},
        "base": b"\x04" + c.gx.to_bytes(size, "big") + c.gy.to_bytes(size, "big"),
        "order": c.n,
        "cofactor": 1,
    })
    point = key.public_bytes(serialization.Encoding.X962,
                             serialization.PublicFormat.UncompressedPoint)
    return keys.PublicKeyInfo({
        "algorithm": {"algorithm": "ec",
                      "parameters": keys.ECDomainParameters("specified", domain)},
        "public_key": point,
    }).dump()
