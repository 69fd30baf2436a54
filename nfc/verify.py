"""Verify the files read from a chip: passive authentication, active
authentication over the server's nonce, the MRZ, and the document data.

:func:`verify_chip` is pure: no I/O, the clock comes from ``now``. Every
check is recorded in the returned :class:`~nfc.report.ChipReport` with a
reason code; nothing here raises for bad chip data.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import passive
from .active import verify_active_authentication
from .countries import alpha2
from .document import document_data
from .errors import NfcError
from .lds import (
    DG14,
    DG15,
    SOD,
    parse_com,
    parse_dg1,
    parse_dg2,
    parse_dg14,
    parse_dg15,
    parse_sod,
)
from .lds.dg1 import DG1
from .mrz import MRZ, DocumentKey, parse_mrz
from .pki.certs import Certificate
from .pki.keys import key_description
from .report import (
    FAIL,
    PASS,
    SKIPPED,
    WARNING,
    Check,
    ChipAuthenticationSummary,
    ChipReport,
)
from .trust.store import TrustStore

FILE_NAMES = ("EF.COM", "EF.SOD", *(f"DG{n}" for n in range(1, 17)))


@dataclass(frozen=True)
class ChipData:
    """Raw files read from a chip, plus the Active Authentication answer."""

    files: Mapping[str, bytes]  # "EF.COM", "EF.SOD", "DG1", ...
    aa_signature: bytes | None = None
    nonce: bytes | None = None  # the nonce the reader sent to the chip

    def data_groups(self) -> dict[int, bytes]:
        return {int(name[2:]): raw for name, raw in self.files.items()
                if name in FILE_NAMES and name.startswith("DG")}

    def __repr__(self) -> str:
        return f"ChipData(files={sorted(self.files)}, aa={'yes' if self.aa_signature else 'no'})"


@dataclass(frozen=True)
class VerificationPolicy:
    require_active_authentication: bool = True
    require_crl: bool = False
    required_data_groups: tuple[int, ...] = (1, 2)
    check_document_expiry: bool = True
    allowed_issuing_states: frozenset[str] | None = None  # e.g. {"UZB"}; None = any


DEFAULT_POLICY = VerificationPolicy()


class _Checks:
    def __init__(self) -> None:
        self.items: list[Check] = []

    def add(self, name: str, status: str, code: str = "ok", detail: str = "") -> None:
        self.items.append(Check(name, status, code, detail))

    def run(self, name: str, step: Callable[[], object], *, on_fail_detail: bool = True) -> bool:
        try:
            step()
        except NfcError as exc:
            self.add(name, FAIL, exc.code, str(exc) if on_fail_detail else "")
            return False
        self.add(name, PASS)
        return True

    def skip(self, names: tuple[str, ...], code: str = "not_run") -> None:
        for name in names:
            self.add(name, SKIPPED, code)


def _utc(now: _dt.datetime | None) -> _dt.datetime:
    now = now or _dt.datetime.now(_dt.timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=_dt.timezone.utc)


def _parse(checks: _Checks, name: str, fn: Callable[[bytes], object], raw: bytes | None):
    if raw is None:
        return None
    try:
        return fn(raw)
    except NfcError as exc:
        checks.add(name, FAIL, exc.code, str(exc))
        return None


def verify_chip(chip: ChipData, *, trust_store: TrustStore, expected_nonce: bytes | None,
                expected_mrz: DocumentKey | MRZ | str | None = None,
                now: _dt.datetime | None = None,
                policy: VerificationPolicy = DEFAULT_POLICY) -> ChipReport:
    """Run every check and return the report (see docs/nfc-trust-model.md)."""
    now = _utc(now)
    checks = _Checks()
    files = dict(chip.files)
    groups = chip.data_groups()
    meta: dict = {"data_groups": tuple(sorted(groups))}

    # --- passive authentication (Part 11 section 5.1) --------------------
    sod = _parse(checks, "sod_parse", parse_sod, files.get("EF.SOD"))
    if "EF.SOD" not in files:
        checks.add("sod_parse", FAIL, "sod_missing")
    dsc = csca = None
    if sod is not None:
        checks.add("sod_parse", PASS)
        dsc, csca = _passive(checks, sod, groups, trust_store, now, policy, meta)
    else:
        checks.skip(("sod_content", "sod_signature", "dsc_chain", "dsc_validity",
                     "dsc_revocation", "data_group_hashes"))
    missing = [n for n in policy.required_data_groups if n not in groups]
    if missing:
        checks.add("required_data_groups", FAIL, "dg_missing",
                   "missing " + ", ".join(f"DG{n}" for n in missing))
    else:
        checks.add("required_data_groups", PASS)

    # --- document data ----------------------------------------------------
    dg1 = _parse(checks, "dg1_mrz", parse_dg1, files.get("DG1"))
    if dg1 is not None:
        checks.add("dg1_mrz", PASS)
        _document_checks(checks, dg1, dsc, csca, expected_mrz, now, policy)
    elif "DG1" not in files:
        checks.skip(("dg1_mrz",), "dg_missing")
    dg14 = _parse(checks, "dg14", parse_dg14, files.get("DG14"))
    _active(checks, chip, files, dg14, expected_nonce, policy, meta)
    _chip_auth(checks, dg14, meta)
    dg2 = _parse(checks, "portrait", parse_dg2, files.get("DG2"))
    if dg2 is not None:
        checks.add("portrait", PASS, "ok", f"{dg2.portrait.image_format}")
    if "EF.COM" in files:  # unsigned: a bad EF.COM is worth noting, not refusing
        try:
            parse_com(files["EF.COM"])
        except NfcError as exc:
            checks.add("ef_com", WARNING, exc.code)
    document = document_data(dg1, files, today=now.date()) if dg1 is not None else None
    return ChipReport(tuple(checks.items), document=document,
                      portrait=dg2.portrait if dg2 is not None else None, **meta)


def _passive(checks: _Checks, sod: SOD, groups: dict[int, bytes], store: TrustStore,
             now: _dt.datetime, policy: VerificationPolicy,
             meta: dict) -> tuple[Certificate | None, Certificate | None]:
    checks.run("sod_content", lambda: passive.check_sod_content(sod))
    try:
        dsc = passive.find_document_signer(sod, extra=store.document_signers)
        passive.check_dsc_profile(dsc)
        passive.check_sod_signature(sod, dsc)
    except NfcError as exc:
        checks.add("sod_signature", FAIL, exc.code, str(exc))
        checks.skip(("dsc_chain", "dsc_validity", "dsc_revocation"))
        checks.run("data_group_hashes", lambda: passive.check_data_group_hashes(sod, groups))
        return None, None
    checks.add("sod_signature", PASS)
    meta["dsc_fingerprint"] = dsc.fingerprint
    meta["signer_country"] = dsc.country
    try:
        meta["signature_algorithm"] = f"{sod.signed_data.digest_algorithm} / " \
                                      f"{key_description(dsc.public_key())}"
    except NfcError:
        pass
    csca = None
    try:
        csca = passive.find_csca(dsc, store)
        checks.add("dsc_chain", PASS)
        meta["csca_fingerprint"] = csca.fingerprint
    except NfcError as exc:
        checks.add("dsc_chain", FAIL, exc.code, str(exc))
    if csca is not None:
        checks.run("dsc_validity", lambda: passive.check_validity(dsc, csca, now=now))
        try:
            outcome = passive.check_revocation(dsc, csca, store, now=now,
                                               require_crl=policy.require_crl)
            if outcome == "ok":
                checks.add("dsc_revocation", PASS)
            else:
                checks.add("dsc_revocation", WARNING, outcome)
        except NfcError as exc:
            checks.add("dsc_revocation", FAIL, exc.code, str(exc))
    else:
        checks.skip(("dsc_validity", "dsc_revocation"))
    checks.run("data_group_hashes", lambda: passive.check_data_group_hashes(sod, groups))
    return dsc, csca


def _document_checks(checks: _Checks, dg1: DG1, dsc: Certificate | None,
                     csca: Certificate | None, expected_mrz, now: _dt.datetime,
                     policy: VerificationPolicy) -> None:
    mrz = dg1.mrz
    # Issuing state against the signer's country (Part 12 section 7.1: the
    # DSC and CSCA of a state sign that state's documents only).
    state_country = alpha2(mrz.issuing_state)
    if dsc is None or csca is None:
        checks.add("issuer_country", SKIPPED, "not_run")
    elif state_country is None:
        checks.add("issuer_country", WARNING, "issuing_state_unknown")
    elif dsc.country != state_country or (csca.country and csca.country != state_country):
        checks.add("issuer_country", FAIL, "issuer_country_mismatch",
                   "signer country differs from the MRZ issuing state")
    else:
        checks.add("issuer_country", PASS)
    if policy.allowed_issuing_states is not None:
        if mrz.issuing_state.rstrip("<") in policy.allowed_issuing_states:
            checks.add("issuing_state_allowed", PASS)
        else:
            checks.add("issuing_state_allowed", FAIL, "issuing_state_not_allowed")
    if expected_mrz is None:
        checks.add("mrz_match", SKIPPED, "no_expected_mrz")
    else:
        checks.add("mrz_match", *(_mrz_matches(mrz, expected_mrz)))
    if policy.check_document_expiry:
        expiry = mrz.expiry_date(today=now.date())
        if expiry is None:
            checks.add("document_expiry", FAIL, "document_expiry_unknown")
        elif expiry < now.date():
            checks.add("document_expiry", FAIL, "document_expired")
        else:
            checks.add("document_expiry", PASS)


def _mrz_matches(mrz: MRZ, expected) -> tuple[str, str]:
    try:
        if isinstance(expected, str):
            expected = parse_mrz(expected)
        if isinstance(expected, MRZ):
            same = "".join(expected.text.split()) == "".join(mrz.text.split())
        elif isinstance(expected, DocumentKey):
            same = expected.matches(mrz)
        else:
            return FAIL, "expected_mrz_invalid"
    except NfcError:
        return FAIL, "expected_mrz_invalid"
    return (PASS, "ok") if same else (FAIL, "mrz_mismatch")


def _active(checks: _Checks, chip: ChipData, files: dict[str, bytes], dg14: DG14 | None,
            nonce: bytes | None, policy: VerificationPolicy, meta: dict) -> None:
    fail = FAIL if policy.require_active_authentication else SKIPPED
    if "DG15" not in files:
        checks.add("active_authentication", fail, "aa_not_supported", "the chip has no DG15")
        return
    if nonce is None:
        checks.add("active_authentication", fail, "aa_not_performed", "no nonce to check")
        return
    try:
        dg15: DG15 = parse_dg15(files["DG15"])
        meta["active_authentication_algorithm"] = verify_active_authentication(
            dg15, chip.aa_signature or b"", expected_nonce=nonce, dg14=dg14)
    except NfcError as exc:
        checks.add("active_authentication", FAIL, exc.code, str(exc))
        return
    checks.add("active_authentication", PASS)


def _chip_auth(checks: _Checks, dg14: DG14 | None, meta: dict) -> None:
    if dg14 is None:
        return
    meta["chip_authentication"] = ChipAuthenticationSummary(
        tuple(i.protocol for i in dg14.chip_authentication),
        tuple(k.algorithm for k in dg14.chip_authentication_keys),
        dg14.pace_protocols, dg14.terminal_authentication)
    # Chip authentication proves the chip holds the DG14 private key only to
    # the party that runs the secure messaging with it (Part 11 section 6.2);
    # an uploaded data set cannot show that, so it is reported, not verified.
    code = "ca_not_verifiable_offline" if dg14.chip_authentication_keys else "ca_not_supported"
    checks.add("chip_authentication", SKIPPED, code)
