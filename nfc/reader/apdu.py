"""ISO/IEC 7816-4 command and response APDUs (short and extended length)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ProtocolError

SW_OK = 0x9000
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_FAILED = 0x6300
SW_SM_MISSING = 0x6987
SW_SM_INCORRECT = 0x6988
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_WRONG_DATA = 0x6A80
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6B00
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00
SW_UNKNOWN = 0x6F00
SW_END_OF_FILE = 0x6282

MAX_SHORT_LE = 256
MAX_EXTENDED_LE = 65536


@dataclass(frozen=True)
class CommandAPDU:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None  # expected length; 256 / 65536 mean "maximum"

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            if not 0 <= getattr(self, name) <= 0xFF:
                raise ProtocolError(f"{name} out of range")
        if len(self.data) > 65535:
            raise ProtocolError("command data too long")
        if self.le is not None and not 1 <= self.le <= MAX_EXTENDED_LE:
            raise ProtocolError("Le out of range")

    @property
    def extended(self) -> bool:
        return len(self.data) > 255 or (self.le is not None and self.le > MAX_SHORT_LE)

    def to_bytes(self) -> bytes:
        out = bytes((self.cla, self.ins, self.p1, self.p2))
        if self.extended:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                le = (self.le % MAX_EXTENDED_LE).to_bytes(2, "big")
                out += le if self.data else b"\x00" + le
            return out
        if self.data:
            out += bytes((len(self.data),)) + self.data
        if self.le is not None:
            out += bytes((self.le % MAX_SHORT_LE,))
        return out

    @classmethod
    def parse(cls, raw: bytes) -> CommandAPDU:
        """Strict decoding of cases 1, 2, 3 and 4, short or extended."""
        if len(raw) < 4:
            raise ProtocolError("APDU shorter than its header")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        n = len(body)
        if n == 0:
            return cls(cla, ins, p1, p2)
        if n == 1:
            return cls(cla, ins, p1, p2, le=body[0] or MAX_SHORT_LE)
        if body[0] != 0:
            lc = body[0]
            if n == 1 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:]))
            if n == 2 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:-1]), body[-1] or MAX_SHORT_LE)
            raise ProtocolError("APDU length fields inconsistent")
        if n == 3:
            return cls(cla, ins, p1, p2, le=int.from_bytes(body[1:3], "big") or MAX_EXTENDED_LE)
        if n < 3:
            raise ProtocolError("APDU length fields inconsistent")
        lc = int.from_bytes(body[1:3], "big")
        if lc == 0:
            raise ProtocolError("extended Lc of zero")
        if n == 3 + lc:
            return cls(cla, ins, p1, p2, bytes(body[3:]))
        if n == 5 + lc:
            le = int.from_bytes(body[-2:], "big") or MAX_EXTENDED_LE
            return cls(cla, ins, p1, p2, bytes(body[3:-2]), le)
        raise ProtocolError("APDU length fields inconsistent")


@dataclass(frozen=True)
class ResponseAPDU:
    data: bytes
    sw: int

    @classmethod
    def parse(cls, raw: bytes) -> ResponseAPDU:
        if len(raw) < 2:
            raise ProtocolError("response shorter than a status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    def to_bytes(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK
