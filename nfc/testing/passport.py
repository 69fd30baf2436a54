"""Synthetic passports: DG1, DG2, DG11, DG14 and DG15 for a chosen identity
and portrait, an EF.SOD signed by a test document signer, and the chip's
Active Authentication key. Saved as a JSON file the simulator and
``idp-reader --simulate`` load."""

from __future__ import annotations

import base64
import datetime as _dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from ..env import refuse_in_production
from ..errors import TestMaterialRefused
from ..lds import (
    encode_com,
    encode_details,
    encode_dg1,
    encode_dg2,
    encode_dg14,
    encode_dg15,
)
from ..lds.face import JPEG, jpeg_dimensions, sniff_format
from ..mrz import DocumentKey, build_td3, format_mrz_date
from ..pki.keys import spki_der
from ..reader.pace import PACEInfo, encode_card_access
from .keys import PrivateKey, generate_key, load_private_pem, private_pem
from .pki import Issued, TestPKI
from .placeholder import PLACEHOLDER_JPEG
from .sod import build_sod

# id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1, as many passports offer
DEFAULT_PACE = PACEInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 13)


def card_access_items(card_access: bytes) -> list[bytes]:
    from ..asn1 import SecurityInfos

    return [item.dump() for item in SecurityInfos.load(card_access)]

FILE_FORMAT = "oneid-synthetic-passport/1"
ECDSA_PLAIN = {"sha1": "0.4.0.127.0.7.1.1.4.1.1", "sha224": "0.4.0.127.0.7.1.1.4.1.2",
               "sha256": "0.4.0.127.0.7.1.1.4.1.3", "sha384": "0.4.0.127.0.7.1.1.4.1.4",
               "sha512": "0.4.0.127.0.7.1.1.4.1.5"}


def _default_expiry() -> _dt.date:
    today = _dt.date.today()
    return today.replace(year=today.year + 5, day=min(today.day, 28))


@dataclass(frozen=True)
class Identity:
    """Holder and document fields of a synthetic passport."""

    surname: str = "TESTOVA"
    given_names: str = "MALIKA"
    document_number: str = "FA1234567"
    nationality: str = "UZB"
    issuing_state: str = "UZB"
    date_of_birth: _dt.date = _dt.date(1990, 5, 17)
    date_of_expiry: _dt.date = field(default_factory=_default_expiry)
    sex: str = "F"
    personal_number: str | None = "41705901234567"  # PINFL: MRZ optional data and DG11
    place_of_birth: str | None = "TOSHKENT"

    def mrz(self) -> str:
        return build_td3(issuing_state=self.issuing_state, surname=self.surname,
                         given_names=self.given_names, document_number=self.document_number,
                         nationality=self.nationality,
                         date_of_birth=format_mrz_date(self.date_of_birth), sex=self.sex,
                         date_of_expiry=format_mrz_date(self.date_of_expiry),
                         optional_data=self.personal_number or "")

    def document_key(self) -> DocumentKey:
        return DocumentKey.from_fields(self.document_number, self.date_of_birth,
                                       self.date_of_expiry)


@dataclass
class SyntheticPassport:
    files: dict[str, bytes]
    document_key: DocumentKey
    aa_key: PrivateKey | None = field(default=None, repr=False)
    aa_hash: str = "sha1"

    def __post_init__(self) -> None:
        refuse_in_production("a synthetic passport")

    def to_json(self) -> str:
        return json.dumps({
            "format": FILE_FORMAT,
            "test_only": True,
            "document_key": {"document_number": self.document_key.document_number,
                             "date_of_birth": self.document_key.date_of_birth,
                             "date_of_expiry": self.document_key.date_of_expiry},
            "files": {k: base64.b64encode(v).decode() for k, v in sorted(self.files.items())},
            "aa_private_key": private_pem(self.aa_key).decode() if self.aa_key else None,
            "aa_hash": self.aa_hash,
        }, indent=1)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json())

    @classmethod
    def from_json(cls, text: str) -> SyntheticPassport:
        refuse_in_production("a synthetic passport")
        doc = json.loads(text)
        if doc.get("format") != FILE_FORMAT or doc.get("test_only") is not True:
            raise TestMaterialRefused("not a synthetic passport file", code="not_synthetic")
        key = doc["document_key"]
        aa = doc.get("aa_private_key")
        return cls({k: base64.b64decode(v) for k, v in doc["files"].items()},
                   DocumentKey(key["document_number"], key["date_of_birth"], key["date_of_expiry"]),
                   load_private_pem(aa.encode()) if aa else None, doc.get("aa_hash", "sha1"))

    @classmethod
    def load(cls, path: str | Path) -> SyntheticPassport:
        return cls.from_json(Path(path).read_text())

    def data_groups(self) -> dict[int, bytes]:
        return {int(k[2:]): v for k, v in self.files.items() if k.startswith("DG")}

    def with_files(self, **changes: bytes) -> SyntheticPassport:
        files = dict(self.files)
        files.update({k.replace("_", "."): v for k, v in changes.items()})
        return replace(self, files=files)


def make_passport(pki: TestPKI, identity: Identity | None = None, *,
                  portrait: bytes | None = None, aa_key: str | PrivateKey | None = "rsa-1024",
                  aa_hash: str | None = None, explicit_ec_params: bool = False,
                  hash_name: str = "sha256", signer: Issued | None = None,
                  chip_authentication: bool = True, dg11: bool = True,
                  dg15_key: PrivateKey | None = None,
                  pace: PACEInfo | bool = False) -> SyntheticPassport:
    """Build and sign a synthetic passport.

    ``portrait`` is a JPEG (the caller's face image); without one a neutral
    placeholder is used. ``aa_key`` is a key spec ("rsa-1024", "rsa-2048",
    "ec-p256", "ec-brainpool256", ...), a private key, or None for a chip
    without Active Authentication. ``dg15_key`` puts a different key in DG15
    than the chip holds (a tampered variant). ``pace`` (True, or a PACEInfo)
    writes EF.CardAccess and the PACEInfo in DG14 so readers use PACE.
    """
    refuse_in_production("the synthetic passport generator")
    identity = identity or Identity()
    portrait = portrait or PLACEHOLDER_JPEG
    if sniff_format(portrait) != JPEG:
        raise ValueError("portrait must be a JPEG image")
    width, height = jpeg_dimensions(portrait)
    signer = signer or pki.dsc
    key = generate_key(aa_key) if isinstance(aa_key, str) else aa_key
    is_ec = isinstance(key, ec.EllipticCurvePrivateKey)
    aa_hash = aa_hash or ("sha256" if is_ec else "sha1")
    groups: dict[int, bytes] = {
        1: encode_dg1(identity.mrz()),
        2: encode_dg2(portrait, width=width, height=height,
                      gender={"M": 1, "F": 2}.get(identity.sex, 0)),
    }
    if dg11:
        values = {"full_name": f"{identity.surname}<<{identity.given_names}".replace(" ", "<"),
                  "full_date_of_birth": identity.date_of_birth.strftime("%Y%m%d")}
        if identity.personal_number:
            values["personal_number"] = identity.personal_number
        if identity.place_of_birth:
            values["place_of_birth"] = identity.place_of_birth
        groups[11] = encode_details(11, values)
    ca_spki = None
    if chip_authentication:
        ca_spki = spki_der(generate_key("ec-brainpool256").public_key(), explicit=explicit_ec_params)
    aa_alg = ECDSA_PLAIN[aa_hash] if is_ec else None
    pace_info = (DEFAULT_PACE if pace is True else pace) or None
    card_access = encode_card_access(pace_info) if pace_info else None
    if ca_spki is not None or aa_alg is not None or card_access:
        extra = tuple(card_access_items(card_access)) if card_access else ()
        groups[14] = encode_dg14(chip_authentication_spki=ca_spki, aa_signature_algorithm=aa_alg,
                                 extra=extra)
    if key is not None:
        shown = dg15_key or key
        groups[15] = encode_dg15(spki_der(shown.public_key(), explicit=explicit_ec_params))
    sod = build_sod(groups, signer.key, signer.der, hash_name=hash_name, pss=pki.pss)
    files = {"EF.COM": encode_com(sorted(groups)), "EF.SOD": sod}
    if card_access:
        files["EF.CardAccess"] = card_access
    files.update({f"DG{n}": raw for n, raw in groups.items()})
    return SyntheticPassport(files, identity.document_key(), key, aa_hash)


def resign(passport: SyntheticPassport, signer: Issued, *, hash_name: str = "sha256",
           pss: bool = False) -> SyntheticPassport:
    """A new EF.SOD over the passport's current data groups."""
    sod = build_sod(passport.data_groups(), signer.key, signer.der, hash_name=hash_name, pss=pss)
    return passport.with_files(EF_SOD=sod)
