"""Tampered synthetic passports, each of which verification must refuse with
its own reason code. Used by the tests, the demo and enrollment tests."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass

from ..trust.store import TrustStore
from .keys import generate_key
from .passport import Identity, SyntheticPassport, make_passport, resign
from .pki import TestPKI


@dataclass
class TamperedCase:
    name: str
    passport: SyntheticPassport
    trust_store: TrustStore
    expected_code: str  # the reason code verification must give
    __test__ = False


def trust_store_for(pki: TestPKI, *, with_crl: bool = True) -> TrustStore:
    store = TrustStore()
    store.add_csca(pki.csca_der, source="test PKI")
    if with_crl:
        store.add_crl(pki.crl(), source="test PKI")
    return store


def altered_data_group(pki: TestPKI, passport: SyntheticPassport) -> TamperedCase:
    """DG1 edited after signing (another name in the MRZ)."""
    dg1 = bytearray(passport.files["DG1"])
    pos = dg1.index(b"<<") + 2  # first given-name letter
    dg1[pos] = ord("Z") if dg1[pos] != ord("Z") else ord("Y")
    return TamperedCase("altered_dg", passport.with_files(DG1=bytes(dg1)),
                        trust_store_for(pki), "dg_hash_mismatch")


def wrong_signer(pki: TestPKI, passport: SyntheticPassport) -> TamperedCase:
    """SOD signed by a key that is not the embedded DSC's."""
    now = _dt.datetime.now(_dt.timezone.utc)
    impostor = pki.issue_dsc("ec-p256", now=now)
    forged = resign(passport, type(impostor)(impostor.key, pki.dsc.cert))
    return TamperedCase("wrong_signer", forged, trust_store_for(pki), "sod_signature_invalid")


def expired_dsc(pki: TestPKI, identity: Identity | None = None, **kw) -> TamperedCase:
    now = _dt.datetime.now(_dt.timezone.utc)
    dsc = pki.issue_dsc(now=now, not_before=now - _dt.timedelta(days=3650),
                        not_after=now - _dt.timedelta(days=1))
    return TamperedCase("expired_dsc", make_passport(pki, identity, signer=dsc, **kw),
                        trust_store_for(pki), "dsc_expired")


def revoked_dsc(pki: TestPKI, identity: Identity | None = None, **kw) -> TamperedCase:
    dsc = pki.issue_dsc()
    passport = make_passport(pki, identity, signer=dsc, **kw)
    pki.revoke(dsc.cert)
    return TamperedCase("revoked_dsc", passport, trust_store_for(pki), "dsc_revoked")


def unknown_csca(pki: TestPKI, identity: Identity | None = None, **kw) -> TamperedCase:
    """Signed by another country's test CSCA that the store does not hold."""
    rogue = TestPKI.create(country=pki.country, csca_key="ec-p256")
    return TamperedCase("unknown_csca", make_passport(rogue, identity, **kw),
                        trust_store_for(pki), "csca_unknown")


def aa_key_mismatch(pki: TestPKI, identity: Identity | None = None, *,
                    aa_key: str = "rsa-1024", **kw) -> TamperedCase:
    """DG15 (correctly signed) holds a key the chip does not have: a clone."""
    other = generate_key(aa_key)
    passport = make_passport(pki, identity, aa_key=aa_key, dg15_key=other, **kw)
    return TamperedCase("aa_key_mismatch", passport, trust_store_for(pki), "aa_signature_invalid")


VARIANTS: dict[str, Callable[..., TamperedCase]] = {
    "altered_dg": lambda pki, identity=None, **kw: altered_data_group(
        pki, make_passport(pki, identity, **kw)),
    "wrong_signer": lambda pki, identity=None, **kw: wrong_signer(
        pki, make_passport(pki, identity, **kw)),
    "expired_dsc": expired_dsc,
    "revoked_dsc": revoked_dsc,
    "unknown_csca": unknown_csca,
    "aa_key_mismatch": aa_key_mismatch,
}


def tampered(name: str, pki: TestPKI, identity: Identity | None = None, **kw) -> TamperedCase:
    """Build the tampered variant ``name`` (a key of :data:`VARIANTS`)."""
    return VARIANTS[name](pki, identity, **kw)
