"""Signing a challenge with a PKCS#12 key, as a script or test client would.

The browser does the same with the bundled JavaScript (js/esign); this is
the command-line and test counterpart behind ``idp esign sign``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7, pkcs12

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class PfxError(ValueError):
    """The .pfx file cannot be opened (wrong password or damaged file) or has no key."""


@dataclass(frozen=True)
class KeyFile:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def load_pfx(data: bytes, password: str | bytes | None) -> KeyFile:
    if isinstance(password, str):
        password = password.encode("utf-8")
    try:
        bundle = pkcs12.load_pkcs12(data, password or None)
    except (ValueError, TypeError) as exc:
        raise PfxError("the .pfx cannot be opened: wrong password or damaged file") from exc
    if bundle.key is None or bundle.cert is None:
        raise PfxError("the .pfx holds no private key with its certificate")
    if not isinstance(bundle.key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise PfxError("only RSA and ECDSA keys can sign here")
    return KeyFile(
        key=bundle.key,
        certificate=bundle.cert.certificate,
        chain=tuple(c.certificate for c in bundle.additional_certs),
    )


def sign_challenge(
    challenge: bytes,
    key_file: KeyFile,
    *,
    hash_name: str = "sha256",
    pss: bool = False,
    detached: bool = False,
    include_chain: bool = True,
) -> bytes:
    """A DER CMS SignedData over ``challenge`` with contentType, messageDigest and signingTime."""
    algorithm = _HASHES[hash_name]()
    rsa_padding = None
    if isinstance(key_file.key, rsa.RSAPrivateKey):
        rsa_padding = (
            padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size)
            if pss
            else padding.PKCS1v15()
        )
    elif pss:
        raise ValueError("RSA-PSS needs an RSA key")
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(challenge)
        .add_signer(key_file.certificate, key_file.key, algorithm, rsa_padding=rsa_padding)
    )
    if include_chain:
        for cert in key_file.chain:
            builder = builder.add_certificate(cert)
    options = [pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.NoCapabilities]
    if detached:
        options.append(pkcs7.PKCS7Options.DetachedSignature)
    return builder.sign(Encoding.DER, options)
