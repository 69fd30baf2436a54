"""EF.SOD (Part 10 section 4.6.2): the document security object, a CMS
SignedData over an LDSSecurityObject listing the hash of every data group."""

from __future__ import annotations

from dataclasses import dataclass

from .. import tlv
from ..asn1 import OID_LDS_SECURITY_OBJECT, LDSSecurityObject, guarded, load
from ..errors import LDSError, NfcError
from ..pki.cms import SignedData, parse_signed_data
from ..pki.signatures import digest_name
from .files import EF_SOD

MAX_DATA_GROUP = 16


@dataclass(frozen=True, repr=False)
class SOD:
    signed_data: SignedData
    hash_algorithm: str  # e.g. "sha256"
    data_group_hashes: dict[int, bytes]
    lds_version: str | None
    unicode_version: str | None

    def __repr__(self) -> str:
        return (f"SOD({self.hash_algorithm}, data groups "
                f"{sorted(self.data_group_hashes)})")


def parse_sod(data: bytes) -> SOD:
    try:
        outer = tlv.decode(data, expected_tag=EF_SOD.tag)
        sd = parse_signed_data(outer.value, what="EF.SOD")
        if sd.content_type != OID_LDS_SECURITY_OBJECT:
            raise LDSError("EF.SOD does not hold an LDSSecurityObject")
        so = load(LDSSecurityObject, sd.content, what="LDSSecurityObject")

        def read() -> SOD:
            version = so["version"].native
            has_info = so["lds_version_info"].native is not None
            if version not in (0, 1) or (version == 1) != has_info:
                raise LDSError("LDSSecurityObject version and ldsVersionInfo disagree")
            hashes: dict[int, bytes] = {}
            for item in so["data_group_hash_values"]:
                number = item["data_group_number"].native
                if not 1 <= number <= MAX_DATA_GROUP or number in hashes:
                    raise LDSError("LDSSecurityObject data group numbers invalid")
                hashes[number] = item["data_group_hash_value"].native
            if not hashes:
                raise LDSError("LDSSecurityObject lists no data group")
            name = digest_name(so["hash_algorithm"]["algorithm"].dotted)
            info = so["lds_version_info"]
            return SOD(sd, name, hashes,
                       info["lds_version"].native if has_info else None,
                       info["unicode_version"].native if has_info else None)

        sod = guarded("LDSSecurityObject", read)
        from ..pki.signatures import HASHES
        size = HASHES[sod.hash_algorithm].digest_size
        if any(len(v) != size for v in sod.data_group_hashes.values()):
            raise LDSError("a data group hash has the wrong length")
        return sod
    except LDSError:
        raise
    except NfcError as exc:
        raise LDSError(f"EF.SOD: {exc}", code="sod_malformed") from exc
