"""Signature algorithms, pluggable per algorithm OID.

Every signature the verifier checks (the CMS signer's, each certificate's in
the chain, each CRL's and OCSP response's) goes through one
:class:`SignatureRegistry`. A verifier gets a :class:`SignatureInput` with the
algorithm OID and parameters, the signer's SubjectPublicKeyInfo as DER and the
signed bytes, so an algorithm whose keys the ``cryptography`` package cannot
load (such as the national O'z DSt 1092 scheme) can be added later with
``registry.register(oid, verifier, name=...)`` without touching the rest.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Callable

from asn1crypto import algos
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from .errors import MalformedError, UnsupportedAlgorithmError

#: Digests accepted anywhere (SHA-1 is refused: RFC 9155, NIST SP 800-131A).
DIGESTS: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

ACCEPTED_CURVES = ("secp256r1", "secp384r1", "secp521r1")
MIN_RSA_BITS = 2048
#: Larger keys only cost verification time (a denial-of-service lever).
MAX_RSA_BITS = 8192


@dataclass(frozen=True)
class SignatureInput:
    """Everything an algorithm needs to check one signature."""

    algorithm_oid: str
    algorithm_params: bytes | None
    public_key_info: bytes
    signature: bytes
    message: bytes
    #: The digest named next to the signature (CMS SignerInfo.digestAlgorithm),
    #: used by OIDs such as rsaEncryption that do not imply one.
    digest_algorithm: str | None = None


Verifier = Callable[[SignatureInput], bool]


def digest_for(name: str | None) -> hashes.HashAlgorithm:
    factory = DIGESTS.get(name or "")
    if factory is None:
        raise UnsupportedAlgorithmError(f"digest {name!r} is not accepted")
    return factory()


@functools.lru_cache(maxsize=512)
def _load_key(spki_der: bytes):
    try:
        return serialization.load_der_public_key(spki_der)
    except (ValueError, TypeError) as exc:
        raise MalformedError("public key cannot be read") from exc
    except Exception as exc:  # cryptography raises its own UnsupportedAlgorithm
        raise UnsupportedAlgorithmError("public key algorithm is not supported") from exc


def _rsa_key(spki_der: bytes) -> rsa.RSAPublicKey | None:
    key = _load_key(spki_der)
    if not isinstance(key, rsa.RSAPublicKey):
        return None
    if not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
        raise UnsupportedAlgorithmError(f"RSA key of {key.key_size} bits is not accepted")
    return key


def _ec_key(spki_der: bytes) -> ec.EllipticCurvePublicKey | None:
    key = _load_key(spki_der)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return None
    if key.curve.name not in ACCEPTED_CURVES:
        raise UnsupportedAlgorithmError(f"curve {key.curve.name} is not accepted")
    return key


def rsa_pkcs1v15(digest: str | None) -> Verifier:
    """RSASSA-PKCS1-v1_5 (RFC 8017 §8.2); ``digest=None`` takes the hint."""

    def verify(sig: SignatureInput) -> bool:
        algorithm = digest_for(digest or sig.digest_algorithm)
        key = _rsa_key(sig.public_key_info)
        if key is None:
            return False
        try:
            key.verify(sig.signature, sig.message, padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            return False
        return True

    return verify


def rsa_pss(sig: SignatureInput) -> bool:
    """RSASSA-PSS with explicit parameters (RFC 8017 §8.1, RFC 4055 §3.1)."""
    try:
        params = algos.RSASSAPSSParams.load(sig.algorithm_params or b"")
        hash_name = params["hash_algorithm"]["algorithm"].native
        mgf = params["mask_gen_algorithm"]
        mgf_name = mgf["algorithm"].native
        mgf_hash = mgf["parameters"]["algorithm"].native
        salt_length = params["salt_length"].native
        trailer = params["trailer_field"].native
    except Exception as exc:  # asn1crypto raises assorted errors on bad input
        raise MalformedError("RSASSA-PSS parameters cannot be read") from exc
    if mgf_name != "mgf1" or trailer != "trailer_field_bc":
        raise UnsupportedAlgorithmError("RSASSA-PSS mask generation or trailer not supported")
    algorithm = digest_for(hash_name)
    key = _rsa_key(sig.public_key_info)
    if key is None:
        return False
    pss = padding.PSS(mgf=padding.MGF1(digest_for(mgf_hash)), salt_length=salt_length)
    try:
        key.verify(sig.signature, sig.message, pss, algorithm)
    except InvalidSignature:
        return False
    return True


def ecdsa(digest: str | None) -> Verifier:
    """ECDSA over a named curve, DER Ecdsa-Sig-Value (RFC 5758 §3.2, RFC 5753 §7.2)."""

    def verify(sig: SignatureInput) -> bool:
        algorithm = digest_for(digest or sig.digest_algorithm)
        key = _ec_key(sig.public_key_info)
        if key is None:
            return False
        try:
            key.verify(sig.signature, sig.message, ec.ECDSA(algorithm))
        except InvalidSignature:
            return False
        return True

    return verify


class SignatureRegistry:
    """Maps signature algorithm OIDs to verifiers, and digest names to digest functions."""

    def __init__(self) -> None:
        self._verifiers: dict[str, tuple[str, Verifier]] = {}
        self._digests: dict[str, Callable[[bytes], bytes]] = {}

    def register(self, oid: str, verifier: Verifier, *, name: str) -> None:
        self._verifiers[oid] = (name, verifier)

    def register_digest(self, name: str, digest: Callable[[bytes], bytes]) -> None:
        """``name`` as asn1crypto reports the CMS digestAlgorithm: e.g. ``sha256``, or a dotted OID."""
        self._digests[name] = digest

    def digest(self, name: str, data: bytes) -> bytes:
        """The digest of the content for the messageDigest check (RFC 5652 §5.4)."""
        digest = self._digests.get(name)
        if digest is None:
            raise UnsupportedAlgorithmError(f"digest {name!r} is not accepted")
        return digest(data)

    def copy(self) -> "SignatureRegistry":
        clone = SignatureRegistry()
        clone._verifiers = dict(self._verifiers)
        clone._digests = dict(self._digests)
        return clone

    def names(self) -> dict[str, str]:
        return {oid: name for oid, (name, _) in self._verifiers.items()}

    def name_of(self, oid: str) -> str:
        entry = self._verifiers.get(oid)
        return entry[0] if entry else oid

    def verify(self, sig: SignatureInput) -> bool:
        """True when the signature is valid; raises for unknown algorithms or keys."""
        entry = self._verifiers.get(sig.algorithm_oid)
        if entry is None:
            raise UnsupportedAlgorithmError(f"signature algorithm {sig.algorithm_oid} is not registered")
        try:
            return bool(entry[1](sig))
        except (ValueError, TypeError, OverflowError):
            # The crypto library refused the inputs (e.g. an impossible PSS salt length).
            return False


def default_registry() -> SignatureRegistry:
    """RSA PKCS#1 v1.5, RSA-PSS and ECDSA (P-256, P-384, P-521)."""
    registry = SignatureRegistry()
    for name in DIGESTS:
        registry.register_digest(name, lambda data, name=name: hashlib.new(name, data).digest())
    # rsaEncryption as a CMS signature algorithm: digest from SignerInfo (RFC 3370 §3.2).
    registry.register("1.2.840.113549.1.1.1", rsa_pkcs1v15(None), name="rsa_pkcs1v15")
    registry.register("1.2.840.113549.1.1.11", rsa_pkcs1v15("sha256"), name="sha256_rsa")
    registry.register("1.2.840.113549.1.1.12", rsa_pkcs1v15("sha384"), name="sha384_rsa")
    registry.register("1.2.840.113549.1.1.13", rsa_pkcs1v15("sha512"), name="sha512_rsa")
    registry.register("1.2.840.113549.1.1.10", rsa_pss, name="rsassa_pss")
    registry.register("1.2.840.10045.4.3.2", ecdsa("sha256"), name="sha256_ecdsa")
    registry.register("1.2.840.10045.4.3.3", ecdsa("sha384"), name="sha384_ecdsa")
    registry.register("1.2.840.10045.4.3.4", ecdsa("sha512"), name="sha512_ecdsa")
    # id-ecPublicKey used as a signature algorithm by some CMS signers (RFC 5753 §7.1.3 notes it).
    registry.register("1.2.840.10045.2.1", ecdsa(None), name="ecdsa")
    return registry


DEFAULT_REGISTRY = default_registry()
