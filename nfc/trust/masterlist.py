"""CSCA master lists (ICAO 9303 Part 12 section 9): CMS SignedData of type
id-icao-cscaMasterList, signed by a master list signer whose certificate a
CSCA issued. The list is accepted only when that CSCA is already trusted or
pinned by fingerprint."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..asn1 import OID_CSCA_MASTER_LIST, CscaMasterList, guarded, load
from ..errors import MasterListError, NfcError
from ..pki.certs import Certificate, load_certificate, verify_issued_by
from ..pki.cms import (
    check_content_digest,
    find_signer,
    parse_signed_data,
    verify_signer,
)

MAX_CERTIFICATES = 5000


@dataclass(frozen=True)
class MasterList:
    signer: Certificate
    signer_issuer: Certificate
    certificates: tuple[Certificate, ...]
    skipped: int  # entries that did not decode


def _entries(content: bytes) -> list[bytes]:
    ml = load(CscaMasterList, content, what="CscaMasterList", force=False)

    def read() -> list[bytes]:
        if ml["version"].native != 0:
            raise MasterListError("unsupported master list version",
                                  code="master_list_malformed")
        return [item.dump() for item in ml["cert_list"]]

    try:
        return guarded("CscaMasterList", read)
    except MasterListError:
        raise
    except NfcError as exc:
        raise MasterListError(f"master list content malformed: {exc}",
                              code="master_list_malformed") from exc


def verify_master_list(data: bytes, *, trust_anchors: Iterable[Certificate] = (),
                       pinned_fingerprints: Iterable[str] = (),
                       now: _dt.datetime | None = None) -> MasterList:
    """Verify the master list's signature and signer; return its CSCAs.

    The signer's certificate must be issued by one of ``trust_anchors`` or by
    a certificate (in the list or embedded) whose SHA-256 fingerprint is in
    ``pinned_fingerprints``; a pinned signer certificate is accepted as is.
    """
    now = now or _dt.datetime.now(_dt.timezone.utc)
    pins = {p.lower().replace(":", "") for p in pinned_fingerprints}
    try:
        sd = parse_signed_data(data, what="master list")
    except NfcError as exc:
        raise MasterListError(f"master list malformed: {exc}", code="master_list_malformed") from exc
    if sd.content_type != OID_CSCA_MASTER_LIST:
        raise MasterListError("not a CSCA master list", code="master_list_malformed")
    try:
        check_content_digest(sd)
        signer = find_signer(sd)
        if signer is None:
            raise MasterListError("master list signer certificate missing",
                                  code="master_list_signer_missing")
        verify_signer(sd, signer)
    except MasterListError:
        raise
    except NfcError as exc:
        raise MasterListError(f"master list signature invalid: {exc}",
                              code="master_list_signature_invalid") from exc
    raw = _entries(sd.content)
    if len(raw) > MAX_CERTIFICATES:
        raise MasterListError("master list too large", code="master_list_malformed")
    certs: list[Certificate] = []
    skipped = 0
    for item in raw:
        try:
            certs.append(load_certificate(item))
        except NfcError:
            skipped += 1
    if not signer.valid_at(now):
        raise MasterListError("master list signer certificate is not valid now",
                              code="master_list_signer_expired")
    anchors = list(trust_anchors) + [c for c in (*certs, *sd.certificates) if c.fingerprint in pins]
    issuer = signer if signer.fingerprint in pins else None
    for anchor in anchors:
        if issuer is not None:
            break
        try:
            verify_issued_by(signer, anchor)
            issuer = anchor
        except NfcError:
            continue
    if issuer is None:
        raise MasterListError("master list signer does not chain to a trusted or pinned CSCA",
                              code="master_list_signer_untrusted")
    return MasterList(signer, issuer, tuple(certs), skipped)
