"""Encryption at rest for biometric data (chip portraits, selfie frames).

The key is `IDP_BIOMETRIC_ENCRYPTION_KEY` when set (a base64 Fernet key, so it
can be rotated and destroyed on its own); otherwise it is derived from the
key-encryption key with HKDF-SHA256 (RFC 5869, info
"oneid/enrollment/biometrics/v1"), so it never equals the key that protects
signing keys. Each plaintext starts with the case id and the record kind,
checked on decryption: a ciphertext moved to another case or kind is refused.
"""
from __future__ import annotations

import base64
import json
import struct
from typing import Callable, Sequence

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from idp.config import ConfigError

INFO = b"oneid/enrollment/biometrics/v1"


class BiometricCipher:
    def __init__(self, key_source: Callable[[], str]):
        self._key_source = key_source
        self._fernet: Fernet | None = None

    @classmethod
    def from_config(cls, explicit_key: str, kek_source: Callable[[], str]) -> "BiometricCipher":
        if explicit_key:
            try:
                Fernet(explicit_key.encode())
            except (ValueError, TypeError):
                raise ConfigError("IDP_BIOMETRIC_ENCRYPTION_KEY must be a base64 Fernet key") from None
            return cls(lambda: explicit_key)
        return cls(lambda: derive_key(kek_source()))

    @property
    def fernet(self) -> Fernet:
        if self._fernet is None:  # resolved late: the dev KEK lives in the database
            self._fernet = Fernet(self._key_source().encode())
        return self._fernet

    def seal(self, case_id: str, kind: str, data: bytes) -> bytes:
        header = f"{case_id}|{kind}|".encode()
        return self.fernet.encrypt(header + data)

    def open(self, case_id: str, kind: str, token: bytes) -> bytes:
        try:
            plain = self.fernet.decrypt(token)
        except InvalidToken:
            raise ValueError("biometric record cannot be decrypted") from None
        header = f"{case_id}|{kind}|".encode()
        if not plain.startswith(header):
            raise ValueError("biometric record belongs to another case or kind")
        return plain[len(header):]


def derive_key(kek: str) -> str:
    material = base64.urlsafe_b64decode(kek.encode())
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(material)
    return base64.urlsafe_b64encode(derived).decode()


def pack_frames(frames: Sequence[tuple[float, bytes]]) -> bytes:
    """Frames as one blob: a JSON header of timestamps and sizes, then the images."""
    header = json.dumps({"t": [t for t, _ in frames], "n": [len(d) for _, d in frames]}).encode()
    return struct.pack(">I", len(header)) + header + b"".join(d for _, d in frames)


def unpack_frames(blob: bytes) -> list[tuple[float, bytes]]:
    (size,) = struct.unpack(">I", blob[:4])
    header = json.loads(blob[4:4 + size])
    out, pos = [], 4 + size
    for t, n in zip(header["t"], header["n"]):
        out.append((t, blob[pos:pos + n]))
        pos += n
    return out
