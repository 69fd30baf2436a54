"""Key generation for the test PKI and synthetic passports.

Key specs are short names: "rsa-1024", "rsa-2048", "rsa-3072", "ec-p256",
"ec-p384", "ec-p521", "ec-brainpool256", "ec-brainpool384", "ec-brainpool512".
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_CURVES = {
    "ec-p224": ec.SECP224R1, "ec-p256": ec.SECP256R1, "ec-p384": ec.SECP384R1,
    "ec-p521": ec.SECP521R1, "ec-brainpool256": ec.BrainpoolP256R1,
    "ec-brainpool384": ec.BrainpoolP384R1, "ec-brainpool512": ec.BrainpoolP512R1,
}
_HASH_FOR_BITS = ((256, hashes.SHA256), (384, hashes.SHA384), (10_000, hashes.SHA512))


def generate_key(spec: str) -> PrivateKey:
    if spec.startswith("rsa-"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(spec[4:]))
    try:
        return ec.generate_private_key(_CURVES[spec]())
    except KeyError:
        raise ValueError(f"unknown key spec {spec!r}") from None


def default_hash(key: PrivateKey) -> hashes.HashAlgorithm:
    if isinstance(key, rsa.RSAPrivateKey):
        return hashes.SHA256()
    for bits, algo in _HASH_FOR_BITS:
        if key.curve.key_size <= bits:
            return algo()
    return hashes.SHA512()  # pragma: no cover


def sign(key: PrivateKey, data: bytes, algo: hashes.HashAlgorithm, *, pss: bool = False) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        pad = padding.PSS(padding.MGF1(algo), algo.digest_size) if pss else padding.PKCS1v15()
        return key.sign(data, pad, algo)
    return key.sign(data, ec.ECDSA(algo))


def private_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_pem(data: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ValueError("unsupported private key type")
    return key
