"""Signature verification for eMRTD PKI (ICAO 9303 Part 12 section 4.4):
RSA PKCS#1 v1.5 and RSASSA-PSS, ECDSA with DER or plain (BSI TR-03111)
signatures, on NIST and brainpool curves."""

from __future__ import annotations

from asn1crypto import algos
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from ..asn1 import ECDSA_PLAIN_HASHES, guarded, load
from ..errors import NfcError, SignatureError, UnsupportedAlgorithm
from .ecmath import RawECPublicKey
from .keys import PublicKey

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
    "sha384": hashes.SHA384, "sha512": hashes.SHA512,
}
DIGEST_OIDS = {
    "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_RSA_PKCS1 = {
    "1.2.840.113549.1.1.5": "sha1", "1.2.840.113549.1.1.14": "sha224",
    "1.2.840.113549.1.1.11": "sha256", "1.2.840.113549.1.1.12": "sha384",
    "1.2.840.113549.1.1.13": "sha512",
}
_ECDSA_DER = {
    "1.2.840.10045.4.1": "sha1", "1.2.840.10045.4.3.1": "sha224",
    "1.2.840.10045.4.3.2": "sha256", "1.2.840.10045.4.3.3": "sha384",
    "1.2.840.10045.4.3.4": "sha512",
}
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
RSASSA_PSS = "1.2.840.113549.1.1.10"
EC_PUBLIC_KEY = "1.2.840.10045.2.1"


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    try:
        return HASHES[name]()
    except KeyError:
        raise UnsupportedAlgorithm(f"hash algorithm {name!r} is not supported") from None


def digest_name(oid: str) -> str:
    try:
        return DIGEST_OIDS[oid]
    except KeyError:
        raise UnsupportedAlgorithm(f"digest algorithm {oid} is not supported") from None


def digest(name: str, data: bytes) -> bytes:
    h = hashes.Hash(hash_algorithm(name))
    h.update(data)
    return h.finalize()


def _pss(params_der: bytes | None) -> tuple[padding.PSS, hashes.HashAlgorithm]:
    if params_der is None:
        params = algos.RSASSAPSSParams({})
    else:
        params = load(algos.RSASSAPSSParams, params_der, what="RSASSA-PSS parameters")

    def read() -> tuple[str, str, int, int]:
        h = params["hash_algorithm"]["algorithm"].dotted
        mgf = params["mask_gen_algorithm"]
        if mgf["algorithm"].dotted != "1.2.840.113549.1.1.8":
            raise UnsupportedAlgorithm("only MGF1 is supported")
        mgf_hash = mgf["parameters"]["algorithm"].dotted
        return h, mgf_hash, params["salt_length"].native, params["trailer_field"].native

    h, mgf_hash, salt, trailer = guarded("RSASSA-PSS parameters", read)
    if trailer != "trailer_field_bc" and trailer != 1:
        raise UnsupportedAlgorithm("PSS trailer field must be 1")
    if not 0 <= salt <= 512:
        raise SignatureError("PSS salt length out of range")
    algo = hash_algorithm(digest_name(h))
    return padding.PSS(padding.MGF1(hash_algorithm(digest_name(mgf_hash))), salt), algo


def verify_signature(key: PublicKey, algorithm_oid: str, params_der: bytes | None,
                     signature: bytes, data: bytes, *, digest_algorithm: str | None = None) -> None:
    """Verify ``signature`` over ``data``; raise SignatureError if it does not.

    ``digest_algorithm`` names the hash when the signature algorithm is the
    bare key algorithm (rsaEncryption or id-ecPublicKey), as some document
    signers write in SignerInfo.
    """
    try:
        _verify(key, algorithm_oid, params_der, signature, data, digest_algorithm)
    except InvalidSignature:
        raise SignatureError("signature does not verify") from None
    except NfcError:
        raise
    except Exception as exc:
        raise SignatureError(f"signature does not verify ({exc.__class__.__name__})") from None


def _verify(key, oid, params_der, signature, data, digest_algorithm) -> None:
    if oid in _RSA_PKCS1 or oid == RSA_ENCRYPTION:
        name = _RSA_PKCS1.get(oid) or digest_algorithm
        if not name:
            raise UnsupportedAlgorithm("rsaEncryption signature without a digest algorithm")
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureError("RSA signature algorithm with a non-RSA key")
        key.verify(signature, data, padding.PKCS1v15(), hash_algorithm(name))
        return
    if oid == RSASSA_PSS:
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureError("RSASSA-PSS with a non-RSA key")
        pad, algo = _pss(params_der)
        key.verify(signature, data, pad, algo)
        return
    if oid in _ECDSA_DER or oid == EC_PUBLIC_KEY or oid in ECDSA_PLAIN_HASHES:
        if isinstance(key, RawECPublicKey):
            name = _ECDSA_DER.get(oid) or ECDSA_PLAIN_HASHES.get(oid) or digest_algorithm
            if not name:
                raise UnsupportedAlgorithm("ECDSA signature without a digest algorithm")
            if oid in ECDSA_PLAIN_HASHES:
                r, s = split_plain(signature, key.key_size)
            else:
                r, s = utils.decode_dss_signature(signature)
            key.verify_digest(digest(name, data), r, s)
            return
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise SignatureError("ECDSA signature algorithm with a non-EC key")
        name = _ECDSA_DER.get(oid) or ECDSA_PLAIN_HASHES.get(oid) or digest_algorithm
        if not name:
            raise UnsupportedAlgorithm("ECDSA signature without a digest algorithm")
        if oid in ECDSA_PLAIN_HASHES:
            signature = plain_to_der(signature, key)
        key.verify(signature, data, ec.ECDSA(hash_algorithm(name)))
        return
    raise UnsupportedAlgorithm(f"signature algorithm {oid} is not supported")


def split_plain(signature: bytes, key_bits: int) -> tuple[int, int]:
    """r and s of a plain r || s signature (BSI TR-03111 section 5.2.1)."""
    size = (key_bits + 7) // 8
    if len(signature) != 2 * size:
        raise SignatureError("plain ECDSA signature has the wrong length")
    return int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")


def plain_to_der(signature: bytes, key: ec.EllipticCurvePublicKey) -> bytes:
    """r || s to a DER ECDSA-Sig-Value."""
    return utils.encode_dss_signature(*split_plain(signature, key.curve.key_size))


def der_to_plain(signature: bytes, key: ec.EllipticCurvePublicKey) -> bytes:
    size = (key.curve.key_size + 7) // 8
    r, s = utils.decode_dss_signature(signature)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")
