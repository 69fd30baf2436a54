"""Signing CMS SignedData and EF.SOD for synthetic documents."""

from __future__ import annotations

import datetime as _dt
import hashlib

from asn1crypto import algos, cms, core, x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .. import tlv
from ..asn1 import OID_LDS_SECURITY_OBJECT, LDSSecurityObject
from ..lds.files import EF_SOD
from .keys import PrivateKey, sign

_HASH_NAMES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
               "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def _signature_algorithm(key: PrivateKey, algo: hashes.HashAlgorithm, pss: bool) -> dict:
    name = algo.name
    if isinstance(key, rsa.RSAPrivateKey):
        if pss:
            return {"algorithm": "rsassa_pss", "parameters": algos.RSASSAPSSParams({
                "hash_algorithm": {"algorithm": name},
                "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": name}},
                "salt_length": algo.digest_size,
            })}
        return {"algorithm": f"{name}_rsa"}
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"algorithm": f"{name}_ecdsa"}
    raise ValueError("unsupported signer key")


def build_signed_data(content: bytes, content_type: str, key: PrivateKey, cert_der: bytes, *,
                      digest_algorithm: hashes.HashAlgorithm | None = None, pss: bool = False,
                      signing_time: _dt.datetime | None = None,
                      include_certificate: bool = True, sid: str = "issuer_serial",
                      bare_key_algorithm: bool = False) -> bytes:
    """ContentInfo(SignedData) over ``content`` with one signer.

    Encodings seen on issued passports: ``sid="ski"`` names the signer by its
    subject key identifier; ``bare_key_algorithm`` writes rsaEncryption or
    id-ecPublicKey as the signature algorithm (the digest algorithm then
    names the hash)."""
    algo = digest_algorithm or hashes.SHA256()
    md = hashlib.new(algo.name, content).digest()
    cert = x509.Certificate.load(cert_der)
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [content_type]},
        {"type": "signing_time", "values": [cms.Time(
            {"utc_time": signing_time or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)})]},
        {"type": "message_digest", "values": [md]},
    ])
    if sid == "ski":
        identifier = cms.SignerIdentifier({"subject_key_identifier": cert.key_identifier})
    else:
        identifier = cms.SignerIdentifier({"issuer_and_serial_number": {
            "issuer": cert.issuer, "serial_number": cert.serial_number}})
    sig_alg = _signature_algorithm(key, algo, pss)
    if bare_key_algorithm:
        sig_alg = {"algorithm": "1.2.840.113549.1.1.1" if isinstance(key, rsa.RSAPrivateKey)
                   else "1.2.840.10045.2.1"}
    signer = cms.SignerInfo({
        "version": "v3" if sid == "ski" else "v1",
        "sid": identifier,
        "digest_algorithm": {"algorithm": algo.name},
        "signed_attrs": attrs,
        "signature_algorithm": sig_alg,
        "signature": b"",
    })
    to_sign = b"\x31" + signer["signed_attrs"].dump()[1:]
    signer["signature"] = core.OctetString(sign(key, to_sign, algo, pss=pss))
    signed = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": algo.name}],
        "encap_content_info": {"content_type": content_type,
                               "content": cms.ParsableOctetString(content)},
        "certificates": [cert] if include_certificate else [],
        "signer_infos": [signer],
    })
    if not include_certificate:
        del signed["certificates"]
    return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def lds_security_object(files: dict[int, bytes], hash_name: str = "sha256") -> bytes:
    hashes_ = [{"data_group_number": n, "data_group_hash_value": hashlib.new(hash_name, d).digest()}
               for n, d in sorted(files.items())]
    return LDSSecurityObject({"version": 0, "hash_algorithm": {"algorithm": hash_name},
                              "data_group_hash_values": hashes_}).dump()


def build_sod(data_groups: dict[int, bytes], key: PrivateKey, cert_der: bytes, *,
              hash_name: str = "sha256", pss: bool = False, **encoding) -> bytes:
    """EF.SOD over the given data groups, signed by the document signer;
    ``encoding`` passes the options of :func:`build_signed_data`."""
    content = lds_security_object(data_groups, hash_name)
    cms_der = build_signed_data(content, OID_LDS_SECURITY_OBJECT, key, cert_der,
                                digest_algorithm=_HASH_NAMES[hash_name](), pss=pss, **encoding)
    return tlv.encode(EF_SOD.tag, cms_der)
