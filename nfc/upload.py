"""The chip upload format (docs/nfc-reader-upload.md): what a reader sends to
an enrollment case, decoded back into :class:`~nfc.verify.ChipData` and
verified in one call by :func:`verify_chip_upload`."""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .errors import UploadFormatError
from .mrz import MRZ, DocumentKey
from .report import FAIL, PASS, Check, ChipReport
from .trust.store import TrustStore
from .verify import DEFAULT_POLICY, ChipData, VerificationPolicy, verify_chip

FORMAT = "oneid-emrtd-chip/1"
ACCEPTED_FILES = ("EF.COM", "EF.SOD", "DG1", "DG2", "DG11", "DG12", "DG14", "DG15")
REQUIRED_FILES = ("EF.SOD", "DG1")
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024
MAX_FILE_BYTES = 1024 * 1024
_TOP_KEYS = {"format", "nonce", "files", "active_authentication", "reader"}


@dataclass(frozen=True)
class ChipUpload:
    chip: ChipData
    nonce: bytes  # as echoed by the reader
    reader: Mapping[str, str] = field(default_factory=dict)


def encode_upload(chip: ChipData, *, reader: Mapping[str, str] | None = None) -> dict:
    """The JSON object a reader sends (see docs/nfc-reader-upload.md)."""
    if chip.nonce is None or len(chip.nonce) != 8:
        raise UploadFormatError("an upload answers an 8-byte nonce")
    return {
        "format": FORMAT,
        "nonce": chip.nonce.hex(),
        "files": {name: base64.b64encode(raw).decode("ascii")
                  for name, raw in chip.files.items() if name in ACCEPTED_FILES},
        "active_authentication": ({"signature": base64.b64encode(chip.aa_signature).decode("ascii")}
                                  if chip.aa_signature else None),
        "reader": dict(reader or {}),
    }


def _b64(value: object, what: str) -> bytes:
    if not isinstance(value, str) or len(value) > MAX_FILE_BYTES * 4 // 3 + 4:
        raise UploadFormatError(f"{what} must be a base64 string within the size limit")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise UploadFormatError(f"{what} is not valid base64") from None
    if not raw:
        raise UploadFormatError(f"{what} is empty")
    return raw


def parse_upload(payload: bytes | str | Mapping) -> ChipUpload:
    """Decode and structurally check an upload; raises UploadFormatError."""
    doc = payload
    if isinstance(payload, (bytes, bytearray, str)):
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise UploadFormatError("upload too large")
        try:
            doc = json.loads(payload)
        except (ValueError, RecursionError, UnicodeDecodeError):
            raise UploadFormatError("upload is not JSON") from None
    if not isinstance(doc, Mapping):
        raise UploadFormatError("upload must be a JSON object")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise UploadFormatError("upload has unknown members")
    if doc.get("format") != FORMAT:
        raise UploadFormatError(f"upload format must be {FORMAT!r}")
    nonce_hex = doc.get("nonce")
    if not isinstance(nonce_hex, str) or len(nonce_hex) != 16:
        raise UploadFormatError("nonce must be 16 hexadecimal characters")
    try:
        nonce = bytes.fromhex(nonce_hex)
    except ValueError:
        raise UploadFormatError("nonce must be 16 hexadecimal characters") from None
    files_doc = doc.get("files")
    if not isinstance(files_doc, Mapping):
        raise UploadFormatError("files must be an object")
    files: dict[str, bytes] = {}
    for name, value in files_doc.items():
        if name not in ACCEPTED_FILES:
            raise UploadFormatError(f"file {str(name)[:16]!r} is not accepted")
        files[name] = _b64(value, name)
    for name in REQUIRED_FILES:
        if name not in files:
            raise UploadFormatError(f"{name} is required")
    aa = doc.get("active_authentication")
    signature = None
    if aa is not None:
        if not isinstance(aa, Mapping) or set(aa) != {"signature"}:
            raise UploadFormatError("active_authentication must be {\"signature\": base64}")
        signature = _b64(aa["signature"], "active_authentication.signature")
        if len(signature) > 1024:
            raise UploadFormatError("Active Authentication signature too long")
    reader = doc.get("reader") or {}
    if not isinstance(reader, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= 200 for k, v in reader.items()):
        raise UploadFormatError("reader must be an object of short strings")
    return ChipUpload(ChipData(files, signature, nonce), nonce, dict(reader))


def verify_chip_upload(payload: bytes | str | Mapping, *, expected_nonce: bytes,
                       trust_store: TrustStore,
                       expected_mrz: DocumentKey | MRZ | str | None = None,
                       now: _dt.datetime | None = None,
                       policy: VerificationPolicy = DEFAULT_POLICY) -> ChipReport:
    """Decode an upload and verify it against the nonce the server issued.

    Raises :class:`UploadFormatError` only when the payload itself is
    malformed (answer 400); every problem with the chip data is a failed
    check in the returned report.
    """
    if not isinstance(expected_nonce, bytes) or len(expected_nonce) != 8:
        raise ValueError("expected_nonce must be the 8 bytes the server issued")
    upload = parse_upload(payload)
    echo = (Check("nonce_echo", PASS, "ok") if hmac.compare_digest(upload.nonce, expected_nonce)
            else Check("nonce_echo", FAIL, "nonce_mismatch", "the upload answers another nonce"))
    report = verify_chip(upload.chip, trust_store=trust_store, expected_nonce=expected_nonce,
                         expected_mrz=expected_mrz, now=now, policy=policy)
    return replace(report, checks=(echo, *report.checks))
