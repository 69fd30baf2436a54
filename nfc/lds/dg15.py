"""DG15 (Part 10 section 4.7.15): the Active Authentication public key."""

from __future__ import annotations

from dataclasses import dataclass

from .. import tlv
from ..errors import LDSError, NfcError
from ..pki.keys import PublicKey, key_description, load_public_key
from .files import data_group


@dataclass(frozen=True, repr=False)
class DG15:
    spki_der: bytes
    public_key: PublicKey

    @property
    def algorithm(self) -> str:
        return key_description(self.public_key)

    def __repr__(self) -> str:
        return f"DG15({self.algorithm})"


def parse_dg15(data: bytes) -> DG15:
    try:
        outer = tlv.decode(data, expected_tag=data_group(15).tag)
        return DG15(outer.value, load_public_key(outer.value))
    except LDSError:
        raise
    except NfcError as exc:
        raise LDSError(f"DG15: {exc}", code="dg15_malformed") from exc


def encode_dg15(spki_der: bytes) -> bytes:
    return tlv.encode(data_group(15).tag, spki_der)
