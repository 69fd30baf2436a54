"""Reading a CMS SignedData (RFC 5652) that carries a login challenge.

:func:`parse_signed_data` reads every field the verifier needs, once, into a
:class:`SignedChallenge` of plain values; any defect in the bytes raises
:class:`MalformedError` here and nowhere else.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, core, parser

from .certinfo import CertInfo, name_key, read_certificate
from .errors import MalformedError, SignerCertificateMissingError
from .times import utc

#: A challenge CMS with a three-certificate chain is a few kilobytes.
MAX_CMS_BYTES = 64 * 1024
#: A signer sends its own certificate and its CA chain; more only feeds path building.
MAX_CMS_CERTIFICATES = 8

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_DATA = "1.2.840.113549.1.7.1"


class _EncapsulatedContentInfo(cms.EncapsulatedContentInfo):
    # eContent is read raw and unwrapped by _octets(): RFC 5652 §5.2 allows BER,
    # and browsers' CMS libraries send a constructed OCTET STRING, which
    # asn1crypto only reads in its indefinite-length form.
    _fields = [
        ("content_type", cms.ContentType),
        ("content", core.Any, {"optional": True}),
    ]
    _oid_specs: dict = {}


class _SignedData(cms.SignedData):
    _fields = [
        (f[0], _EncapsulatedContentInfo, *f[2:]) if f[0] == "encap_content_info" else f
        for f in cms.SignedData._fields
    ]
    # The base class guesses between PKCS#7 and CMS here; a challenge is always id-data.
    _spec_callbacks = None


class _ContentInfo(cms.ContentInfo):
    _oid_specs = {**cms.ContentInfo._oid_specs, "signed_data": _SignedData}


@dataclass(frozen=True)
class SignedChallenge:
    content: bytes | None  # eContent, or None when the signature is detached
    content_type: str
    digest_algorithm: str
    signature_oid: str
    signature_params: bytes | None
    signature: bytes
    signed_attrs: bytes  # DER with the universal SET tag, as signed (RFC 5652 §5.4)
    attr_content_type: str
    message_digest: bytes
    signing_time: datetime | None
    sid_issuer: str | None
    sid_serial: int | None
    sid_key_id: bytes | None
    certificates: tuple[CertInfo, ...]

    def signer_certificate(self) -> CertInfo:
        """The certificate the SignerInfo sid names (RFC 5652 §5.3)."""
        for cert in self.certificates:
            if self.sid_key_id is not None:
                if cert.key_id == self.sid_key_id:
                    return cert
            elif cert.issuer == self.sid_issuer and cert.serial == self.sid_serial:
                return cert
        raise SignerCertificateMissingError("the CMS does not carry the signer certificate")


def decode_cms(text: str | bytes) -> bytes:
    """DER from what a browser or script posts: base64 (standard or URL-safe) or PEM."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError as exc:
            raise MalformedError("CMS text is not ASCII") from exc
    body = re.sub(r"-----(BEGIN|END) [A-Z0-9 ]+-----", "", text)
    body = "".join(body.split())
    if len(body) > MAX_CMS_BYTES * 4 // 3 + 4:
        raise MalformedError("CMS is too large")
    body = body.replace("-", "+").replace("_", "/")
    body += "=" * (-len(body) % 4)
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedError("CMS is not valid base64") from exc


def _octets(encoded: bytes, depth: int = 0) -> bytes:
    """The value of a BER OCTET STRING, primitive or constructed (X.690 §8.7)."""
    class_, method, tag, header, contents, trailer = parser.parse(encoded, strict=True)
    if (class_, tag) != (0, 4):
        raise MalformedError("eContent is not an OCTET STRING")
    if method == 0:
        return contents
    if depth >= 4:
        raise MalformedError("eContent nests too deeply")
    chunks, rest = [], contents
    while rest:
        piece_header, piece_body, piece_trailer = parser.parse(rest)[3:]
        piece = piece_header + piece_body + piece_trailer
        chunks.append(_octets(piece, depth + 1))
        rest = rest[len(piece):]
    return b"".join(chunks)


def _econtent(encap: cms.EncapsulatedContentInfo) -> bytes | None:
    """eContent octets, or None for a detached signature (RFC 5652 §5.2)."""
    rest = encap.contents
    header, body, trailer = parser.parse(rest)[3:]  # eContentType
    rest = rest[len(header) + len(body) + len(trailer):]
    if not rest:
        return None
    class_, method, tag, _, contents, _ = parser.parse(rest, strict=True)
    if (class_, method, tag) != (2, 1, 0):
        raise MalformedError("eContent is not tagged [0]")
    return _octets(contents)


def _single(attrs: dict, name: str):
    values = attrs.get(name)
    if values is None:
        return None
    if len(values) != 1:
        # RFC 5652 §11.1-§11.3: each of these attributes has exactly one value.
        raise MalformedError(f"signed attribute {name} must have one value")
    return values[0]


def _read_attrs(signer: cms.SignerInfo) -> tuple[dict, bytes]:
    signed_attrs = signer["signed_attrs"]
    if not isinstance(signed_attrs, cms.CMSAttributes) or len(signed_attrs) == 0:
        # A login signature must bind the content through signed attributes.
        raise MalformedError("signed attributes are missing")
    attrs: dict[str, list] = {}
    for attr in signed_attrs:
        name = attr["type"].native
        if name in attrs:
            raise MalformedError(f"signed attribute {name} appears twice")
        attrs[name] = list(attr["values"])
    der = signed_attrs.dump()
    # Signed attributes are signed with the universal SET OF tag, not [0] (RFC 5652 §5.4).
    return attrs, b"\x31" + der[1:]


def _parse(der: bytes) -> SignedChallenge:
    info = _ContentInfo.load(der, strict=True)
    if info["content_type"].dotted != OID_SIGNED_DATA:
        raise MalformedError("not a CMS SignedData")
    signed = info["content"]
    encap = signed["encap_content_info"]
    content = _econtent(encap)
    signers = signed["signer_infos"]
    if len(signers) != 1:
        raise MalformedError("exactly one signer is expected")
    signer = signers[0]
    attrs, signed_attrs_der = _read_attrs(signer)
    content_type = _single(attrs, "content_type")
    message_digest = _single(attrs, "message_digest")
    signing_time = _single(attrs, "signing_time")
    if content_type is None or message_digest is None:
        # RFC 5652 §5.3: both attributes MUST be present when signedAttrs is.
        raise MalformedError("content-type or message-digest attribute missing")
    sid = signer["sid"]
    sid_issuer = sid_serial = sid_key_id = None
    if sid.name == "issuer_and_serial_number":
        sid_issuer = name_key(sid.chosen["issuer"].dump())
        sid_serial = int(sid.chosen["serial_number"].native)
    else:
        sid_key_id = bytes(sid.chosen.native)
    certs = []
    if len(signed["certificates"] or []) > MAX_CMS_CERTIFICATES:
        raise MalformedError("the CMS carries too many certificates")
    for choice in signed["certificates"] or []:
        if choice.name == "certificate":
            certs.append(read_certificate(choice.chosen.dump()))
    sig_alg = signer["signature_algorithm"]
    params = sig_alg["parameters"]
    return SignedChallenge(
        content=content,
        content_type=encap["content_type"].dotted,
        digest_algorithm=str(signer["digest_algorithm"]["algorithm"].native),
        signature_oid=sig_alg["algorithm"].dotted,
        signature_params=None if params.native is None else params.dump(),
        signature=bytes(signer["signature"].native),
        signed_attrs=signed_attrs_der,
        attr_content_type=content_type.dotted,
        message_digest=bytes(message_digest.native),
        # RFC 5652 §11.3: signingTime is UTC; a zone-less time is refused, not guessed.
        signing_time=utc(signing_time.native, "signingTime") if signing_time is not None else None,
        sid_issuer=sid_issuer,
        sid_serial=sid_serial,
        sid_key_id=sid_key_id,
        certificates=tuple(certs),
    )


def parse_signed_data(der: bytes) -> SignedChallenge:
    """Parse DER (or BER) CMS bytes; any defect raises :class:`MalformedError`."""
    if not isinstance(der, (bytes, bytearray)) or not der:
        raise MalformedError("CMS is empty")
    if len(der) > MAX_CMS_BYTES:
        raise MalformedError("CMS is too large")
    try:
        parsed = _parse(bytes(der))
    except MalformedError:
        raise
    except Exception as exc:  # asn1crypto raises ValueError, TypeError, KeyError, ...
        raise MalformedError("CMS cannot be parsed") from exc
    return parsed
