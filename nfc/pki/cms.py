"""CMS SignedData as eMRTDs use it (RFC 5652 profiled by ICAO 9303 Part 10
section 4.6.2 for EF.SOD and Part 12 section 9 for master lists): exactly one
signer, signed attributes present, the signer certificate identified by
issuer and serial number or by subject key identifier."""

from __future__ import annotations

import datetime as _dt
import hmac
from dataclasses import dataclass

from asn1crypto import cms

from ..asn1 import guarded, load
from ..errors import ASN1Error, NfcError, PassiveAuthError, SignatureError
from .certs import Certificate, load_certificate
from .signatures import digest, digest_name, verify_signature


@dataclass(frozen=True, repr=False)
class SignedData:
    content_type: str
    content: bytes
    certificates: tuple[Certificate, ...]
    digest_algorithm: str
    signature_oid: str
    signature_params: bytes | None
    signature: bytes
    signed_attrs: bytes  # DER of the SET OF Attribute, as signed
    message_digest: bytes | None
    signed_content_type: str | None
    signing_time: _dt.datetime | None
    sid_issuer_key: bytes | None
    sid_serial: int | None
    sid_ski: bytes | None

    def __repr__(self) -> str:
        return f"SignedData({self.content_type}, {len(self.certificates)} certificate(s))"


def _signer_fields(si) -> dict:
    sid = si["sid"]
    out: dict = {"sid_issuer_key": None, "sid_serial": None, "sid_ski": None}
    if sid.name == "issuer_and_serial_number":
        out["sid_issuer_key"] = sid.chosen["issuer"].hashable.encode()
        out["sid_serial"] = sid.chosen["serial_number"].native
    else:
        out["sid_ski"] = sid.chosen.native
    attrs = si["signed_attrs"]
    if attrs.native is None or len(attrs) == 0:
        raise ASN1Error("SignerInfo has no signed attributes")
    found: dict[str, object] = {}
    for attr in attrs:
        kind = attr["type"].dotted
        values = attr["values"]
        if kind in found:
            raise ASN1Error("duplicate signed attribute")
        if len(values) != 1:
            raise ASN1Error("signed attribute must have one value")
        found[kind] = values[0]
    md = found.get("1.2.840.113549.1.9.4")
    ct = found.get("1.2.840.113549.1.9.3")
    st = found.get("1.2.840.113549.1.9.5")
    raw = attrs.dump()
    out.update(
        message_digest=md.native if md is not None else None,
        signed_content_type=ct.dotted if ct is not None else None,
        signing_time=st.native if st is not None else None,
        # The signature covers the attributes with an explicit SET OF tag
        # (RFC 5652 section 5.4), not the [0] IMPLICIT tag they travel with.
        signed_attrs=b"\x31" + raw[1:],
    )
    return out


def parse_signed_data(data: bytes, *, what: str) -> SignedData:
    """Decode a ContentInfo holding SignedData with one signer."""
    info = load(cms.ContentInfo, data, what=what)

    def build() -> SignedData:
        if info["content_type"].dotted != "1.2.840.113549.1.7.2":
            raise ASN1Error(f"{what}: not CMS SignedData")
        sd = info["content"]
        encap = sd["encap_content_info"]
        content = encap["content"]
        if content.native is None:
            raise ASN1Error(f"{what}: detached content is not allowed")
        signers = sd["signer_infos"]
        if len(signers) != 1:
            raise ASN1Error(f"{what}: exactly one signer is required")
        si = signers[0]
        certs = []
        for choice in sd["certificates"] if sd["certificates"].native else []:
            if choice.name != "certificate":
                raise ASN1Error(f"{what}: only X.509 certificates are allowed")
            certs.append(choice.chosen.dump())
        sig_alg = si["signature_algorithm"]
        params = sig_alg["parameters"]
        return SignedData(
            content_type=encap["content_type"].dotted,
            content=content.native if isinstance(content.native, bytes) else content.contents,
            certificates=tuple(load_certificate(c) for c in certs),
            digest_algorithm=digest_name(si["digest_algorithm"]["algorithm"].dotted),
            signature_oid=sig_alg["algorithm"].dotted,
            signature_params=None if params.native is None else params.dump(),
            signature=si["signature"].native,
            **_signer_fields(si),
        )

    return guarded(what, build)


def find_signer(sd: SignedData, extra: tuple[Certificate, ...] = ()) -> Certificate | None:
    """The certificate that ``sid`` names, from the embedded ones or ``extra``."""
    for cert in (*sd.certificates, *extra):
        if sd.sid_ski is not None and cert.ski == sd.sid_ski:
            return cert
        if sd.sid_serial is not None and cert.serial == sd.sid_serial \
                and cert.issuer_key == sd.sid_issuer_key:
            return cert
    return None


def check_content_digest(sd: SignedData) -> None:
    """messageDigest equals the hash of eContent; contentType matches."""
    if sd.signed_content_type != sd.content_type:
        raise PassiveAuthError("signed contentType differs from eContentType",
                               code="sod_content_type_mismatch")
    if sd.message_digest is None:
        raise PassiveAuthError("no messageDigest attribute", code="sod_message_digest_mismatch")
    if not hmac.compare_digest(digest(sd.digest_algorithm, sd.content), sd.message_digest):
        raise PassiveAuthError("messageDigest does not match the content",
                               code="sod_message_digest_mismatch")


def verify_signer(sd: SignedData, cert: Certificate) -> None:
    """The signature over the signed attributes, under ``cert``'s key."""
    try:
        verify_signature(cert.public_key(), sd.signature_oid, sd.signature_params,
                         sd.signature, sd.signed_attrs, digest_algorithm=sd.digest_algorithm)
    except SignatureError:
        raise
    except NfcError as exc:
        raise SignatureError(str(exc), code=exc.code) from exc
