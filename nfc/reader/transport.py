"""APDU transports: anything with ``transmit(bytes) -> bytes``.

Two implementations ship: :class:`~nfc.reader.pcsc.PcscTransport` for a
PC/SC contactless reader (pyscard) and :class:`LocalTransport` for an
in-process software chip (:class:`nfc.testing.chip.SoftwareChip`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from ..errors import NfcError, TransportError
from .apdu import CommandAPDU, ResponseAPDU


@runtime_checkable
class Transport(Protocol):
    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU and return the response (data || SW1 SW2)."""

    def close(self) -> None:
        """Release the reader or card."""


class LocalTransport:
    """Calls a function in-process, e.g. a software chip's ``process``."""

    def __init__(self, process: Callable[[bytes], bytes]):
        self._process = process
        self.sent = 0

    def transmit(self, apdu: bytes) -> bytes:
        self.sent += 1
        return self._process(apdu)

    def close(self) -> None:
        pass


def exchange(transport: Transport, cmd: CommandAPDU) -> bytes:
    """Send ``cmd``; map transport failures to :class:`TransportError`."""
    try:
        raw = transport.transmit(cmd.to_bytes())
    except NfcError:
        raise
    except Exception as exc:
        raise TransportError(f"transmit failed: {exc.__class__.__name__}: {exc}") from exc
    if not isinstance(raw, (bytes, bytearray)) or len(raw) < 2:
        raise TransportError("reader returned no status word")
    return bytes(raw)


def plain(transport: Transport) -> Callable[[CommandAPDU], ResponseAPDU]:
    """A send function for unprotected commands."""
    return lambda cmd: ResponseAPDU.parse(exchange(transport, cmd))
