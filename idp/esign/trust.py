"""The configured trusted national CA certificates.

A :class:`TrustStore` holds the trust anchors (the national root CA or the
issuing CAs the operator chooses to trust directly) and optional extra
intermediate CA certificates; intermediates that a signer includes in the
CMS are used too, but only anchors confer trust (RFC 5280 §6.1.1 (d)).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Union

from .certinfo import CertInfo, load_certificates, read_certificate
from .errors import MalformedError

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")

CertLike = Union[CertInfo, bytes, "object"]  # also a cryptography x509.Certificate


def to_cert_info(value) -> list[CertInfo]:
    """Accept CertInfo, DER/PEM bytes or a cryptography certificate."""
    if isinstance(value, CertInfo):
        return [value]
    if isinstance(value, (bytes, bytearray)):
        return load_certificates(bytes(value))
    public_bytes = getattr(value, "public_bytes", None)
    if public_bytes is not None:
        from cryptography.hazmat.primitives.serialization import Encoding

        return [read_certificate(public_bytes(Encoding.DER))]
    raise TypeError(f"not a certificate: {type(value).__name__}")


def files_under(paths: Iterable[str | Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Each path is a file, or a directory whose files with these suffixes are read."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {path}")
    return found


class TrustStore:
    def __init__(self, anchors: Iterable, intermediates: Iterable = ()) -> None:
        self.anchors: tuple[CertInfo, ...] = tuple(c for a in anchors for c in to_cert_info(a))
        self.intermediates: tuple[CertInfo, ...] = tuple(
            c for i in intermediates for c in to_cert_info(i)
        )
        if not self.anchors:
            raise ValueError("a trust store needs at least one trust anchor")

    @classmethod
    def from_paths(
        cls, anchors: Iterable[str | Path], intermediates: Iterable[str | Path] = ()
    ) -> "TrustStore":
        def read(paths):
            out = []
            for file in files_under(paths, CERT_SUFFIXES):
                try:
                    out.extend(load_certificates(file.read_bytes()))
                except MalformedError as exc:
                    raise ValueError(f"{file}: {exc.detail}") from exc
            return out

        return cls(read(anchors), read(intermediates))

    @classmethod
    def coerce(cls, value) -> "TrustStore":
        if isinstance(value, TrustStore):
            return value
        if isinstance(value, (bytes, bytearray, CertInfo)) or hasattr(value, "public_bytes"):
            return cls([value])
        return cls(value)
