"""Edits to a DER CMS SignedData, made the way an attacker would."""

from __future__ import annotations

from asn1crypto import cms, core


def edit_signer(der: bytes, edit) -> bytes:
    """Apply ``edit(signer_info, signed_data)`` and re-encode."""
    info = cms.ContentInfo.load(der)
    signed = info["content"]
    edit(signed["signer_infos"][0], signed)
    return info.dump(force=True)


def flip_signature_bit(der: bytes) -> bytes:
    def edit(signer, _):
        sig = bytearray(signer["signature"].native)
        sig[len(sig) // 2] ^= 0x01
        signer["signature"] = core.OctetString(bytes(sig))

    return edit_signer(der, edit)


def replace_content(der: bytes, content: bytes) -> bytes:
    def edit(_, signed):
        # asn1crypto models a version-1 SignedData's encapContentInfo as a
        # PKCS#7 ContentInfo; the encoding is the same.
        signed["encap_content_info"] = cms.ContentInfo(
            {"content_type": "data", "content": core.OctetString(content)}
        )

    return edit_signer(der, edit)


def replace_attribute(der: bytes, name: str, value) -> bytes:
    def edit(signer, _):
        attrs = []
        for attr in signer["signed_attrs"]:
            if attr["type"].native == name:
                attrs.append(cms.CMSAttribute({"type": name, "values": [value]}))
            else:
                attrs.append(attr)
        signer["signed_attrs"] = cms.CMSAttributes(attrs)

    return edit_signer(der, edit)


def set_signature_algorithm(der: bytes, oid: str) -> bytes:
    def edit(signer, _):
        signer["signature_algorithm"] = cms.SignedDigestAlgorithm({"algorithm": oid})

    return edit_signer(der, edit)


def remove_certificates(der: bytes, keep=lambda cert: False) -> bytes:
    def edit(_, signed):
        kept = [c for c in signed["certificates"] if keep(c.chosen)]
        signed["certificates"] = cms.CertificateSet(kept)

    return edit_signer(der, edit)


def add_certificate(der: bytes, cert_der: bytes) -> bytes:
    from asn1crypto import x509

    def edit(_, signed):
        certs = list(signed["certificates"]) + [cms.CertificateChoices({"certificate": x509.Certificate.load(cert_der)})]
        signed["certificates"] = cms.CertificateSet(certs)

    return edit_signer(der, edit)
