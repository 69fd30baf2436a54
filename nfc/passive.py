"""Passive authentication (ICAO 9303 Part 11 section 5.1, Part 12): pure
steps, each raising one :class:`PassiveAuthError` with its reason code.

1. the SOD's messageDigest equals the hash of the LDSSecurityObject;
2. the document signer certificate (DSC) signed the signed attributes;
3. a trusted CSCA issued the DSC;
4. DSC and CSCA are within their validity periods;
5. the DSC is not on the CSCA's CRL;
6. every data group read hashes to the value the SOD lists.
"""

from __future__ import annotations

import datetime as _dt
import hmac
from collections.abc import Iterable, Mapping

from .errors import NfcError, PassiveAuthError
from .lds.sod import SOD
from .pki.certs import Certificate, verify_issued_by
from .pki.cms import check_content_digest, find_signer, verify_signer
from .pki.signatures import digest
from .trust.store import TrustStore


def check_sod_content(sod: SOD) -> None:
    """Step 1 (RFC 5652 section 5.4, Part 10 section 4.6.2)."""
    check_content_digest(sod.signed_data)


def find_document_signer(sod: SOD, *, extra: Iterable[Certificate] = ()) -> Certificate:
    """The DSC named by the SignerInfo (Part 12 section 7.1.2)."""
    dsc = find_signer(sod.signed_data, tuple(extra))
    if dsc is None:
        raise PassiveAuthError("document signer certificate not found", code="dsc_missing")
    return dsc


def check_sod_signature(sod: SOD, dsc: Certificate) -> None:
    """Step 2: the SOD signature under the DSC's key."""
    try:
        verify_signer(sod.signed_data, dsc)
    except NfcError as exc:
        code = "unsupported_algorithm" if exc.code == "unsupported_algorithm" else "sod_signature_invalid"
        raise PassiveAuthError(f"SOD signature: {exc}", code=code) from exc


def find_csca(dsc: Certificate, trust_store: TrustStore) -> Certificate:
    """Step 3: the trusted CSCA whose signature on the DSC verifies."""
    candidates = trust_store.issuers_of(dsc)
    if dsc.aki is not None:
        # Same name but another key (a rogue CA copying a real name) is an
        # unknown CSCA, not a broken chain.
        candidates = [c for c in candidates if c.ski is None or c.ski == dsc.aki]
    if not candidates:
        raise PassiveAuthError("no trusted CSCA for the document signer", code="csca_unknown")
    for csca in candidates:
        try:
            verify_issued_by(dsc, csca)
            return csca
        except NfcError:
            continue
    raise PassiveAuthError("document signer certificate signature does not verify "
                           "under any trusted CSCA", code="dsc_chain_invalid")


def check_dsc_profile(dsc: Certificate) -> None:
    """A DSC is an end-entity certificate (Part 12 section 7.1.2)."""
    if dsc.is_ca:
        raise PassiveAuthError("document signer certificate is a CA certificate",
                               code="dsc_profile_invalid")
    ku = dsc.asn1.key_usage_value
    if ku is not None and "digital_signature" not in ku.native:
        raise PassiveAuthError("document signer key usage lacks digitalSignature",
                               code="dsc_profile_invalid")


def check_validity(dsc: Certificate, csca: Certificate, *, now: _dt.datetime) -> None:
    """Step 4: validity periods at verification time (Part 12 section 5)."""
    if now < dsc.not_before:
        raise PassiveAuthError("document signer certificate not yet valid", code="dsc_not_yet_valid")
    if now > dsc.not_after:
        raise PassiveAuthError("document signer certificate expired", code="dsc_expired")
    if not csca.valid_at(now):
        raise PassiveAuthError("CSCA certificate outside its validity", code="csca_expired")


def check_revocation(dsc: Certificate, csca: Certificate, trust_store: TrustStore, *,
                     now: _dt.datetime, require_crl: bool) -> str:
    """Step 5: CRL of the issuing CSCA (Part 12 section 8). Returns "ok" or
    the reason the check could not run ("crl_missing", "crl_stale") when a
    CRL is not required."""
    crl = trust_store.crl_for(csca)
    if crl is None:
        if require_crl:
            raise PassiveAuthError("no CRL for the issuing CSCA", code="crl_missing")
        return "crl_missing"
    if dsc.serial in crl.revoked_serials:
        raise PassiveAuthError("document signer certificate is revoked", code="dsc_revoked")
    if crl.next_update is not None and crl.next_update < now:
        if require_crl:
            raise PassiveAuthError("the CSCA's CRL is past its next update", code="crl_stale")
        return "crl_stale"
    return "ok"


def check_data_group_hashes(sod: SOD, data_groups: Mapping[int, bytes]) -> None:
    """Step 6: hash of each data group read equals the SOD's (Part 11 5.1)."""
    for number, raw in sorted(data_groups.items()):
        expected = sod.data_group_hashes.get(number)
        if expected is None:
            raise PassiveAuthError(f"DG{number} is not listed in the SOD", code="dg_not_in_sod")
        if not hmac.compare_digest(digest(sod.hash_algorithm, raw), expected):
            raise PassiveAuthError(f"DG{number} hash does not match the SOD",
                                   code="dg_hash_mismatch")
