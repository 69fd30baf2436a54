"""Active authentication (ICAO 9303 Part 11 section 6.1): the chip signs the
terminal's 8-byte nonce with the private key behind DG15.

RSA keys use ISO/IEC 9796-2 scheme 1 (see :mod:`nfc.iso9796`); ECDSA keys
return a plain r || s signature whose hash DG14's ActiveAuthenticationInfo
names (section 9.2.6). Passive authentication must separately show that DG15
(and DG14) are genuine.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .errors import ActiveAuthError, NfcError
from .iso9796 import verify_rsa
from .lds.dg14 import DG14
from .lds.dg15 import DG15
from .pki.ecmath import RawECPublicKey
from .pki.signatures import digest, hash_algorithm, plain_to_der, split_plain

NONCE_LENGTH = 8


def verify_active_authentication(dg15: DG15, signature: bytes, *, expected_nonce: bytes,
                                 dg14: DG14 | None = None) -> str:
    """Verify the chip's signature over ``expected_nonce``.

    Returns a description of the algorithm used (for the report); raises
    :class:`ActiveAuthError` with a reason code otherwise.
    """
    if len(expected_nonce) != NONCE_LENGTH:
        raise ActiveAuthError("the nonce must be 8 bytes", code="aa_nonce_invalid")
    if not signature:
        raise ActiveAuthError("no Active Authentication signature", code="aa_signature_missing")
    key = dg15.public_key
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        recovered = verify_rsa(numbers.n, numbers.e, signature, expected_nonce)
        return f"RSA-{key.key_size} ISO/IEC 9796-2 {recovered.hash_name}"
    if isinstance(key, (ec.EllipticCurvePublicKey, RawECPublicKey)):
        if dg14 is None or dg14.aa_signature_algorithm is None:
            raise ActiveAuthError("ECDSA Active Authentication needs ActiveAuthenticationInfo "
                                  "in DG14", code="aa_info_missing")
        hash_name = dg14.aa_hash
        if hash_name is None:  # section 9.2.6: the named algorithm, not one we can verify
            raise ActiveAuthError("DG14 names an Active Authentication signature algorithm "
                                  f"that is not supported: {dg14.aa_signature_algorithm}",
                                  code="aa_algorithm_unsupported")
        try:
            if isinstance(key, RawECPublicKey):
                r, s = split_plain(signature, key.key_size)
                key.verify_digest(digest(hash_name, expected_nonce), r, s)
            else:
                der = plain_to_der(signature, key)
                key.verify(der, expected_nonce, ec.ECDSA(hash_algorithm(hash_name)))
        except InvalidSignature:
            raise ActiveAuthError("ECDSA signature does not verify",
                                  code="aa_signature_invalid") from None
        except NfcError as exc:
            raise ActiveAuthError(f"ECDSA signature malformed: {exc}",
                                  code="aa_signature_invalid") from exc
        curve = key.curve_params.name if isinstance(key, RawECPublicKey) else type(key.curve).__name__
        return f"ECDSA {curve} {hash_name}"
    raise ActiveAuthError("unsupported Active Authentication key", code="aa_unsupported_key")
