"""ICAO 9303 eMRTD library: MRZ, LDS parsing, passive and active
authentication, CSCA trust store, BAC reader and chip simulator.

The enrollment server needs one call::

    report = nfc.verify_chip_upload(payload, expected_nonce=nonce,
                                    trust_store=nfc.CscaDirectory(path).load(),
                                    expected_mrz=nfc.DocumentKey.from_fields(...))
    if report.ok: ...  # report.document, report.portrait, report.as_log()
"""

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    ActiveAuthError,
    NfcError,
    ParseError,
    PassiveAuthError,
    ProtocolError,
    TestMaterialRefused,
    TrustStoreError,
    UploadFormatError,
    VerificationError,
)
from .lds.face import FaceImage  # noqa: E402
from .mrz import MRZ, DocumentKey, check_digit, parse_mrz  # noqa: E402
from .reader.passport_reader import PassportReader, read_passport  # noqa: E402
from .report import Check, ChipReport, DocumentData  # noqa: E402
from .trust import CscaDirectory, TrustStore  # noqa: E402
from .upload import ChipUpload, encode_upload, parse_upload, verify_chip_upload  # noqa: E402
from .verify import ChipData, VerificationPolicy, verify_chip  # noqa: E402

__all__ = [
    "ActiveAuthError", "Check", "ChipData", "ChipReport", "ChipUpload", "CscaDirectory",
    "DocumentData", "DocumentKey", "FaceImage", "MRZ", "NfcError", "ParseError",
    "PassiveAuthError", "PassportReader", "ProtocolError", "TestMaterialRefused", "TrustStore",
    "TrustStoreError", "UploadFormatError", "VerificationError", "VerificationPolicy",
    "check_digit", "encode_upload", "parse_mrz", "parse_upload", "read_passport", "verify_chip",
    "verify_chip_upload",
]
